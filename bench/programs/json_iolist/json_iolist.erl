%% JSON-like encoder writing iodata (json_iolist.py describes the program):
%% encode/1 returns each value's iodata nested as Erlang programs nest it,
%% [Open, Inner, Close] (a left-nested accumulator, [Acc | Piece], made
%% io:put_chars/1 take some 50 s on the 7 MB text), and io:put_chars/1
%% writes it. Binaries are text, atoms other than
%% true, false and nil are written as strings, nil as null; floats in the
%% shortest form that reads back (float_to_binary/2 with short).
-module(json_iolist).
-export([main/0, main/1]).

main() -> run(50000).
main([N]) -> run(list_to_integer(atom_to_list(N))).

run(N) ->
    Records = [record(I) || I <- lists:seq(0, N - 1)],
    io:put_chars([encode(Records), <<"\n">>]).

record(I) ->
    Name = case I rem 16 of
               0 -> <<"say \"hi\"\n to \\ ", (integer_to_binary(I))/binary>>;
               _ -> <<"item ", (integer_to_binary(I))/binary>>
           end,
    Extra = case I rem 5 of
                0 -> nil;
                _ -> #{<<"x">> => I rem 10, <<"y">> => [I rem 7, -(I rem 11), 0.5 * (I rem 4) + 0.25], <<"z">> => #{}}
            end,
    #{<<"id">> => I, <<"name">> => Name, <<"score">> => (I * 7919 rem 100000) / 100.0 - 250.125,
      <<"tags">> => lists:sublist([<<"red">>, <<"green">>, <<"blue">>, <<"amber">>], I rem 5),
      <<"active">> => I rem 3 =:= 0, <<"kind">> => element(I rem 3 + 1, {alpha, beta, gamma}),
      <<"extra">> => Extra}.

encode(V) when is_binary(V) -> encode_string(V);
encode(V) when is_integer(V) -> integer_to_binary(V);
encode(V) when is_map(V) -> [<<"{">>, pairs(lists:sort(maps:to_list(V))), <<"}">>];
encode(V) when is_list(V) -> [<<"[">>, elements(V), <<"]">>];
encode(V) when is_float(V) -> float_to_binary(V, [short]);
encode(true) -> <<"true">>;
encode(false) -> <<"false">>;
encode(nil) -> <<"null">>;
encode(V) when is_atom(V) -> encode_string(atom_to_binary(V)).

encode_string(S) ->
    E1 = binary:replace(S, <<"\\">>, <<"\\\\">>, [global]),
    E2 = binary:replace(E1, <<"\"">>, <<"\\\"">>, [global]),
    E3 = binary:replace(E2, <<"\n">>, <<"\\n">>, [global]),
    [<<"\"">>, E3, <<"\"">>].

elements([]) -> [];
elements([H | T]) -> [encode(H) | more_elements(T)].

more_elements([]) -> [];
more_elements([H | T]) -> [<<",">>, encode(H) | more_elements(T)].

pairs([]) -> [];
pairs([{K, V} | T]) -> [encode(K), <<":">>, encode(V) | more_pairs(T)].

more_pairs([]) -> [];
more_pairs([{K, V} | T]) -> [<<",">>, encode(K), <<":">>, encode(V) | more_pairs(T)].
