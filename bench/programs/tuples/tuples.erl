%% Tuple churn: each of 10M steps builds a pair and a triple and takes both
%% apart again.
-module(tuples).
-export([main/0]).

step(I, {A, B, C}) ->
    {X, M} = pair(I),
    {B + M, C, A + X}.

%% Not inlined by erlc (no inline option), so the pair is really built.
pair(I) -> {I, I rem 3}.

loop(N, N, Acc) -> Acc;
loop(I, N, Acc) -> loop(I + 1, N, step(I, Acc)).

main() ->
    {A, B, C} = loop(0, 10000000, {0, 0, 0}),
    io:format("~b~n~b~n~b~n", [A, B, C]).
