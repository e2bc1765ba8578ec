-module(monitors).
-export([main/1]).

main([N0]) ->
    N = list_to_integer(atom_to_list(N0)),
    process_flag(trap_exit, true),
    Pids = list_to_tuple(watch_all(spawn_all(N, []))),
    stop_all(Pids, 0, N),
    collect(2 * N),
    io:format("~b~n", [N]).

spawn_all(0, Acc) -> Acc;
spawn_all(N, Acc) -> spawn_all(N - 1, [spawn(fun() -> receive _ -> ok end end) | Acc]).

watch_all(Pids) ->
    [begin link(P), monitor(process, P) end || P <- Pids],
    Pids.

stop_all(_, N, N) -> ok;
stop_all(Pids, K, N) ->
    element(K * 7919 rem N + 1, Pids) ! stop,
    stop_all(Pids, K + 1, N).

collect(0) -> ok;
collect(N) -> receive _ -> collect(N - 1) end.
