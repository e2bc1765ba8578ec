%% The cost of a try/tryend pair: 10M iterations, each adding inside a
%% try (the addition could raise, so the compiler keeps the try). The
%% handler is never entered.
-module(try_loop).
-export([main/0]).

loop(N, N, Acc) -> Acc;
loop(I, N, Acc) ->
    Acc1 = try Acc + I catch error:_ -> 0 end,
    loop(I + 1, N, Acc1).

main() -> io:format("~b~n", [loop(0, 10000000, 0)]).
