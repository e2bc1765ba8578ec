%% pidigits (the Benchmarks Game): the first 10,000 digits of pi by Gibbons'
%% unbounded spigot, 10 a line: big-integer multiply, add and divide.
%% Argument: the number of digits, a multiple of 10 (default 10000).
-module(pidigits).
-export([main/0, main/1]).

main() -> main([]).
main(Args) -> digits(size_arg(Args, 10000), 0, 0, 0, 1, 1, 0).

size_arg([], Default) -> Default;
size_arg([A | _], _) -> list_to_integer(atom_to_list(A)).

digits(N, I, _K, _Acc, _Den, _Num, _Line) when I >= N -> ok;
digits(N, I, K, Acc, Den, Num, Line) ->
    K1 = K + 1,
    K2 = 2 * K1 + 1,
    Acc1 = (Acc + 2 * Num) * K2,
    Den1 = Den * K2,
    Num1 = Num * K1,
    if
        Num1 > Acc1 -> digits(N, I, K1, Acc1, Den1, Num1, Line);
        true ->
            D = (3 * Num1 + Acc1) div Den1,
            case (4 * Num1 + Acc1) div Den1 of
                D -> emit(N, I + 1, K1, (Acc1 - Den1 * D) * 10, Den1, Num1 * 10, Line * 10 + D);
                _ -> digits(N, I, K1, Acc1, Den1, Num1, Line)
            end
    end.

emit(N, I, K, Acc, Den, Num, Line) when I rem 10 =:= 0 ->
    io:format("~10..0b\t:~b~n", [Line, I]),
    digits(N, I, K, Acc, Den, Num, 0);
emit(N, I, K, Acc, Den, Num, Line) -> digits(N, I, K, Acc, Den, Num, Line).
