%% Build a 1M-entry map (k -> 2k for k < 1M), then look up every key and sum.
%% Erlang maps are persistent: every put makes a new map (a HAMT here).
-module(map_sum).
-export([main/0]).

build(N, N, Map) -> Map;
build(K, N, Map) -> build(K + 1, N, maps:put(K, K * 2, Map)).

sum(N, N, _Map, Acc) -> Acc;
sum(K, N, Map, Acc) -> sum(K + 1, N, Map, Acc + maps:get(K, Map)).

main() ->
    N = 1000000,
    io:format("~b~n", [sum(0, N, build(0, N, #{}), 0)]).
