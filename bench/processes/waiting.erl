-module(waiting).
-export([main/1]).

main([N0]) ->
    N = list_to_integer(atom_to_list(N0)),
    spawn_all(N),
    timer:sleep(1),
    io:format("~b~n", [N]).

spawn_all(0) -> ok;
spawn_all(N) -> spawn(fun() -> receive X -> X end end), spawn_all(N - 1).
