-module(spawn_exit).
-export([main/1]).

main([N0]) ->
    N = list_to_integer(atom_to_list(N0)),
    Self = self(),
    spawn_all(N, Self),
    collect(N),
    io:format("~b~n", [N]).

spawn_all(0, _) -> ok;
spawn_all(N, Parent) -> spawn(fun() -> Parent ! done end), spawn_all(N - 1, Parent).

collect(0) -> ok;
collect(N) -> receive done -> collect(N - 1) end.
