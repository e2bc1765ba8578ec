%% Clause selection: a `case` over 20 atoms (weight/1) and a function
%% head matching 6 tuple shapes (area/1), called for each of n values
%% taken round-robin from a tuple of atoms and a tuple of shapes.
-module(clause_select).
-export([main/0]).

weight(a01) -> 1;
weight(a02) -> 2;
weight(a03) -> 3;
weight(a04) -> 4;
weight(a05) -> 5;
weight(a06) -> 6;
weight(a07) -> 7;
weight(a08) -> 8;
weight(a09) -> 9;
weight(a10) -> 10;
weight(a11) -> 11;
weight(a12) -> 12;
weight(a13) -> 13;
weight(a14) -> 14;
weight(a15) -> 15;
weight(a16) -> 16;
weight(a17) -> 17;
weight(a18) -> 18;
weight(a19) -> 19;
weight(a20) -> 20.

area({circle, R}) -> 3 * R;
area({square, S}) -> S * S;
area({rect, W, H}) -> W * H;
area({tri, A, B, C}) -> A + B + C;
area({point, X, Y}) -> X - Y;
area({empty}) -> 0.

loop(0, _, _, Acc) -> Acc;
loop(N, Atoms, Shapes, Acc) ->
    W = weight(element(N rem 20 + 1, Atoms)),
    A = area(element(N rem 6 + 1, Shapes)),
    loop(N - 1, Atoms, Shapes, Acc + W + A).

main() ->
    Atoms = {a01, a02, a03, a04, a05, a06, a07, a08, a09, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20},
    Shapes = {{circle, 2}, {square, 3}, {rect, 2, 5}, {tri, 1, 2, 3}, {point, 9, 4}, {empty}},
    io:format("~b~n", [loop(10000000, Atoms, Shapes, 0)]).
