%% Reads a file line by line (read_ahead, binary) and counts its words
%% (split at spaces) in a map; prints the number of lines, of words and of
%% distinct words.
-module(line_words).
-export([main/1]).

main([Path]) ->
    {ok, F} = file:open(atom_to_list(Path), [read, binary, raw, read_ahead]),
    {Lines, Words, Counts} = loop(F, 0, 0, #{}),
    ok = file:close(F),
    io:format("~b~n~b~n~b~n", [Lines, Words, map_size(Counts)]).

loop(F, Lines, Words, Counts) ->
    case file:read_line(F) of
        eof -> {Lines, Words, Counts};
        {ok, Line} ->
            Ws = [W || W <- binary:split(Line, [<<" ">>, <<"\n">>], [global]), W =/= <<>>],
            {N, C} = lists:foldl(fun(W, {K, M}) -> {K + 1, maps:update_with(W, fun(V) -> V + 1 end, 1, M)} end,
                                 {Words, Counts}, Ws),
            loop(F, Lines + 1, N, C)
    end.
