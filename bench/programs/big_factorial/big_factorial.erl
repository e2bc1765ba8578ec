%% Factorial of 20,000 (77,338 digits) by a loop of multiplications, printed
%% in decimal: big-by-small multiplication, then one long conversion to text.
-module(big_factorial).
-export([main/0]).

factorial(N) -> factorial(2, N, 1).

factorial(K, N, P) when K > N -> P;
factorial(K, N, P) -> factorial(K + 1, N, P * K).

main() -> io:format("~b~n", [factorial(20000)]).
