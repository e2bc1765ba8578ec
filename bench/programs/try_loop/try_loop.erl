%% The cost of a try/tryend pair: n additions (default 10M), each inside a
%% try (the addition could raise, so the compiler keeps the try); the
%% handler never runs. Argument: n.
-module(try_loop).
-export([main/0, main/1]).

main() -> main([]).
main(Args) ->
    N = size_arg(Args, 10000000),
    io:format("~b~n", [sum(0, N, 0)]).

size_arg([], Default) -> Default;
size_arg([A | _], _) -> list_to_integer(atom_to_list(A)).

sum(N, N, Acc) -> Acc;
sum(I, N, Acc) ->
    Acc1 = try Acc + I catch error:_ -> 0 end,
    sum(I + 1, N, Acc1).
