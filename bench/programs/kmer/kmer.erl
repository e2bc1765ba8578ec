%% k-mer counts (kmer.py describes the program).
-module(kmer).
-export([main/0, main/1]).

main() -> run(1000000).
main([N]) -> run(list_to_integer(atom_to_list(N))).

run(N) ->
    {M1, M2, M3, M4} = count(N, 42, 0, #{}, #{}, #{}, #{}),
    io:format("~w~n", [N]),
    lists:foreach(fun({M, Top}) ->
                          io:format("~w~n~w~n~w~n", [maps:size(M), maps:get(0, M, 0), maps:get(Top, M, 0)])
                  end, [{M1, 3}, {M2, 15}, {M3, 63}, {M4, 255}]).

count(0, _, _, M1, M2, M3, M4) -> {M1, M2, M3, M4};
count(I, Seed0, Code0, M1, M2, M3, M4) ->
    Seed = Seed0 * 16807 rem 2147483647,
    Code = (Code0 * 4 + Seed rem 4) rem 256,
    K1 = Code rem 4,
    K2 = Code rem 16,
    K3 = Code rem 64,
    N3 = case maps:is_key(K3, M3) of true -> maps:get(K3, M3) + 1; false -> 1 end,
    N4 = case maps:is_key(Code, M4) of true -> maps:get(Code, M4) + 1; false -> 1 end,
    count(I - 1, Seed, Code, M1#{K1 => maps:get(K1, M1, 0) + 1}, M2#{K2 => maps:get(K2, M2, 0) + 1},
          M3#{K3 => N3}, M4#{Code => N4}).
