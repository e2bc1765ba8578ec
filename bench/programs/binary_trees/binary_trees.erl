%% Binary trees (the Computer Language Benchmarks Game algorithm): allocate
%% and walk many short-lived perfect binary trees next to a long-lived one.
%% A node is {Left, Right}; a leaf is {nil, nil}. Prints the check counts
%% only: the stretch tree, each depth's total, the long-lived tree.
-module(binary_trees).
-export([main/0]).

-define(MIN_DEPTH, 4).
-define(MAX_DEPTH, 16).

make(0) -> {nil, nil};
make(D) -> {make(D - 1), make(D - 1)}.

check({nil, _}) -> 1;
check({L, R}) -> 1 + check(L) + check(R).

repeat(0, _, Total) -> Total;
repeat(N, D, Total) -> repeat(N - 1, D, Total + check(make(D))).

depths(D) when D > ?MAX_DEPTH -> ok;
depths(D) ->
    io:format("~b~n", [repeat(1 bsl (?MAX_DEPTH - D + ?MIN_DEPTH), D, 0)]),
    depths(D + 2).

main() ->
    io:format("~b~n", [check(make(?MAX_DEPTH + 1))]),
    LongLived = make(?MAX_DEPTH),
    depths(?MIN_DEPTH),
    io:format("~b~n", [check(LongLived)]).
