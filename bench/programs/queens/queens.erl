%% N-queens: counts every placement of n non-attacking queens on an n x n
%% board by backtracking over bit masks (occupied columns and both diagonal
%% directions, one bit per column). Argument: n (default 14).
-module(queens).
-export([main/0, main/1]).

main() -> main([]).
main(Args) ->
    N = size_arg(Args, 14),
    io:format("~b~n", [solve(0, 0, 0, (1 bsl N) - 1)]).

size_arg([], Default) -> Default;
size_arg([A | _], _) -> list_to_integer(atom_to_list(A)).

%% The solutions below this row; Cols, Left and Right mark the squares of
%% this row taken by a column or a diagonal.
solve(All, _, _, All) -> 1;
solve(Cols, Left, Right, All) ->
    place(bnot (Cols bor Left bor Right) band All, Cols, Left, Right, All, 0).

place(0, _, _, _, _, Count) -> Count;
place(Free, Cols, Left, Right, All, Count) ->
    Bit = Free band -Free,
    Below = solve(Cols bor Bit, (Left bor Bit) bsl 1, (Right bor Bit) bsr 1, All),
    place(Free bxor Bit, Cols, Left, Right, All, Count + Below).
