-module(ring).
-export([main/1]).
-compile({no_auto_import, [node/1]}).

main([N0, M0]) ->
    N = list_to_integer(atom_to_list(N0)), M = list_to_integer(atom_to_list(M0)),
    First = build(N, self()),
    First ! M,
    relay(First),
    io:format("~b~n", [N * M]).

build(1, Next) -> Next;
build(N, Next) -> build(N - 1, spawn(fun() -> node(Next) end)).

node(Next) -> receive H -> Next ! H, node(Next) end.

relay(First) ->
    receive
        0 -> 0;
        H -> First ! H - 1, relay(First)
    end.
