%% k-nucleotide (knucleotide.py describes the program): standard input in
%% binary mode line by line, counts in maps keyed by sub-binaries.
-module(knucleotide).
-export([main/0]).

main() ->
    ok = io:setopts([binary]),
    skip_to_three(),
    Seq = upcase(iolist_to_binary(section([]))),
    Freqs = [freq_lines(Seq, K) || K <- [1, 2]],
    Counts = [count_line(Seq, Name) || Name <- [<<"GGT">>, <<"GGTA">>, <<"GGTATT">>, <<"GGTATTTTAATT">>,
                                                <<"GGTATTTTAATTTATAGT">>]],
    io:put_chars([Freqs, Counts]).

skip_to_three() ->
    case io:get_line('') of
        <<">THREE", _/binary>> -> ok;
        eof -> ok;
        _ -> skip_to_three()
    end.

%% The section's lines without their newlines, in order.
section(Acc) ->
    case io:get_line('') of
        eof -> lists:reverse(Acc);
        <<">", _/binary>> -> lists:reverse(Acc);
        Line -> section([binary:part(Line, 0, byte_size(Line) - 1) | Acc])
    end.

upcase(Bin) -> << <<(if C >= $a, C =< $z -> C - 32; true -> C end)>> || <<C>> <= Bin >>.

frequencies(Seq, K) -> frequencies(Seq, K, 0, byte_size(Seq) - K, #{}).

frequencies(_, _, I, Last, Counts) when I > Last -> Counts;
frequencies(Seq, K, I, Last, Counts) ->
    Key = binary:part(Seq, I, K),
    frequencies(Seq, K, I + 1, Last, Counts#{Key => maps:get(Key, Counts, 0) + 1}).

freq_lines(Seq, K) ->
    Total = byte_size(Seq) - K + 1,
    Sorted = lists:sort(fun({K1, N1}, {K2, N2}) -> N1 > N2 orelse (N1 =:= N2 andalso K1 =< K2) end,
                        maps:to_list(frequencies(Seq, K))),
    [[io_lib:format("~s ~.3f~n", [Key, 100.0 * N / Total]) || {Key, N} <- Sorted], "\n"].

count_line(Seq, Name) ->
    io_lib:format("~w\t~s~n", [maps:get(Name, frequencies(Seq, byte_size(Name)), 0), Name]).
