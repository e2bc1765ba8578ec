-module(ping_pong).
-export([main/1]).

main([N0]) ->
    N = list_to_integer(atom_to_list(N0)),
    Pong = spawn(fun pong/0),
    ping(Pong, N),
    Pong ! stop,
    io:format("~b~n", [N]).

ping(_, 0) -> ok;
ping(Pong, N) -> Pong ! self(), receive pong -> ping(Pong, N - 1) end.

pong() ->
    receive
        stop -> ok;
        From -> From ! pong, pong()
    end.
