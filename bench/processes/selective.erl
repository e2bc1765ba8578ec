-module(selective).
-export([main/1]).

main([Q0, R0]) ->
    Q = list_to_integer(atom_to_list(Q0)), R = list_to_integer(atom_to_list(R0)),
    noise(Q),
    io:format("~b~n", [rounds(R, 0)]).

noise(0) -> ok;
noise(N) -> self() ! N, noise(N - 1).

rounds(0, Acc) -> Acc;
rounds(R, Acc) ->
    self() ! {target, R},
    receive {target, V} -> rounds(R - 1, Acc + V) end.
