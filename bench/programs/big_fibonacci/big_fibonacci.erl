%% The 100,000th Fibonacci number (20,899 digits) by a loop of additions,
%% printed in decimal: big-integer addition and allocation.
-module(big_fibonacci).
-export([main/0]).

fibonacci(N) -> fibonacci(N, 0, 1).

fibonacci(0, A, _) -> A;
fibonacci(N, A, B) -> fibonacci(N - 1, B, A + B).

main() -> io:format("~b~n", [fibonacci(100000)]).
