%% Takeuchi's function: deep non-tail recursion with three arguments.
-module(tak).
-export([main/0]).

tak(X, Y, Z) when Y < X -> tak(tak(X - 1, Y, Z), tak(Y - 1, Z, X), tak(Z - 1, X, Y));
tak(_, _, Z) -> Z.

main() -> io:format("~b~n", [tak(30, 18, 9)]).
