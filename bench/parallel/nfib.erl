-module(nfib).
-export([main/1]).

%% nfib P N: P processes each compute fib(N) on their own and send it to
%% main, which adds the answers and prints the sum.
main([P0, N0]) ->
    P = list_to_integer(atom_to_list(P0)), N = list_to_integer(atom_to_list(N0)),
    Self = self(),
    [spawn(fun() -> Self ! fib(N) end) || _ <- lists:seq(1, P)],
    io:format("~b~n", [collect(P, 0)]).

collect(0, Sum) -> Sum;
collect(K, Sum) -> receive F -> collect(K - 1, Sum + F) end.

fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
