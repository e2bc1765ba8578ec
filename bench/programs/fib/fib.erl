%% Naive doubly recursive Fibonacci: call overhead and small-integer arithmetic.
-module(fib).
-export([main/0]).

fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).

main() -> io:format("~b~n", [fib(35)]).
