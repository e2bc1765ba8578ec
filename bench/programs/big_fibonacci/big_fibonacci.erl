%% The 100,000th Fibonacci number (20,899 digits) by a loop of additions,
%% printed in decimal: big-integer addition and allocation.
%% Argument: n (default 100000).
-module(big_fibonacci).
-export([main/0, main/1]).

fibonacci(N) -> fibonacci(N, 0, 1).

fibonacci(0, A, _) -> A;
fibonacci(N, A, B) -> fibonacci(N - 1, B, A + B).

main() -> main([]).
main(Args) -> io:format("~b~n", [fibonacci(size_arg(Args, 100000))]).

size_arg([], Default) -> Default;
size_arg([A | _], _) -> list_to_integer(atom_to_list(A)).
