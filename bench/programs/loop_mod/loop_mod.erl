%% A long counting loop with an integer remainder: sum of i mod 7, i < 100M.
-module(loop_mod).
-export([main/0]).

loop(N, N, Acc) -> Acc;
loop(I, N, Acc) -> loop(I + 1, N, Acc + I rem 7).

main() -> io:format("~b~n", [loop(0, 100000000, 0)]).
