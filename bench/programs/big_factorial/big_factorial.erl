%% Factorial of 20,000 (77,338 digits) by a loop of multiplications, printed
%% in decimal: big-by-small multiplication, then one long conversion to text.
%% Argument: n (default 20000).
-module(big_factorial).
-export([main/0, main/1]).

factorial(N) -> factorial(2, N, 1).

factorial(K, N, P) when K > N -> P;
factorial(K, N, P) -> factorial(K + 1, N, P * K).

main() -> main([]).
main(Args) -> io:format("~b~n", [factorial(size_arg(Args, 20000))]).

size_arg([], Default) -> Default;
size_arg([A | _], _) -> list_to_integer(atom_to_list(A)).
