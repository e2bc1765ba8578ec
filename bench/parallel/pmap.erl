-module(pmap).
-export([main/1]).

%% pmap N C: the numbers 1..N mapped in parallel by collatz/1 (the steps of
%% the Collatz sequence from the number down to 1: a small CPU-bound
%% function), in chunks of C items, one process per chunk; main collects
%% the chunks' results in order (a selective receive per worker), joins
%% them and prints their sum and count.
main([N0, C0]) ->
    N = list_to_integer(atom_to_list(N0)), C = list_to_integer(atom_to_list(C0)),
    L = pmap(fun collatz/1, lists:seq(1, N), C),
    io:format("~b ~b~n", [lists:sum(L), length(L)]).

pmap(F, Items, C) ->
    Self = self(),
    Pids = [spawn(fun() -> Self ! {self(), [F(X) || X <- Chunk]} end) || Chunk <- chunks(Items, C)],
    lists:append([receive {Pid, R} -> R end || Pid <- Pids]).

chunks([], _) -> [];
chunks(L, C) -> {H, T} = take(L, C, []), [H | chunks(T, C)].

take([], _, Acc) -> {lists:reverse(Acc), []};
take(T, 0, Acc) -> {lists:reverse(Acc), T};
take([X | T], K, Acc) -> take(T, K - 1, [X | Acc]).

collatz(N) -> collatz(N, 0).
collatz(1, S) -> S;
collatz(N, S) when N rem 2 =:= 0 -> collatz(N div 2, S + 1);
collatz(N, S) -> collatz(3 * N + 1, S + 1).
