%% Word frequencies: generates a text of n words (1 to 3 syllables each,
%% from 16 syllables, separated by " ", ", " or ".\n", all drawn by a
%% Park-Miller generator) as one binary, then scans it byte by byte for
%% words (runs of a..z), counting each in a map keyed by the word (a
%% binary:part of the text). Prints the number of words, of distinct words,
%% the largest count and the sum over distinct words of count^2 * length.
%% Argument: n (default 500000).
-module(word_freq).
-export([main/0, main/1]).

-define(SYLLABLES, {<<"a">>, <<"ka">>, <<"lor">>, <<"mi">>, <<"nest">>, <<"ru">>, <<"sa">>, <<"to">>,
                    <<"vi">>, <<"be">>, <<"dex">>, <<"fo">>, <<"gu">>, <<"ha">>, <<"ji">>, <<"pe">>}).
-define(SEPARATORS, {<<", ">>, <<".\n">>, <<" ">>, <<" ">>, <<" ">>, <<" ">>, <<" ">>, <<" ">>}).

main() -> main([]).
main(Args) ->
    N = size_arg(Args, 500000),
    Counts = count(generate(N)),
    {Words, Largest, Checksum} = tally(maps:to_list(Counts), 0, 0, 0),
    io:format("~b~n~b~n~b~n~b~n", [Words, map_size(Counts), Largest, Checksum]).

size_arg([], Default) -> Default;
size_arg([A | _], _) -> list_to_integer(atom_to_list(A)).

next(Seed) -> Seed * 16807 rem 2147483647.

%% The text as an iolist built left-nested, then one binary.
generate(N) -> iolist_to_binary(words(N, 42, [])).

words(0, _, Text) -> Text;
words(N, Seed0, Text0) ->
    Seed1 = next(Seed0),
    {Seed2, Text1} = syllables(1 + Seed1 rem 3, Seed1, Text0),
    Seed = next(Seed2),
    words(N - 1, Seed, [Text1, element(Seed rem 8 + 1, ?SEPARATORS)]).

syllables(0, Seed, Text) -> {Seed, Text};
syllables(K, Seed0, Text) ->
    Seed = next(Seed0),
    syllables(K - 1, Seed, [Text, element(Seed rem 16 + 1, ?SYLLABLES)]).

count(Text) -> skip(Text, 0, Text, #{}).

skip(<<C, Rest/binary>>, Pos, Text, Counts) when C < $a; C > $z -> skip(Rest, Pos + 1, Text, Counts);
skip(<<>>, _, _, Counts) -> Counts;
skip(Rest, Pos, Text, Counts) -> word(Rest, Pos, Pos, Text, Counts).

word(<<C, Rest/binary>>, Start, Pos, Text, Counts) when C >= $a, C =< $z ->
    word(Rest, Start, Pos + 1, Text, Counts);
word(Rest, Start, Pos, Text, Counts) ->
    Word = binary:part(Text, Start, Pos - Start),
    skip(Rest, Pos, Text, Counts#{Word => maps:get(Word, Counts, 0) + 1}).

tally([], Words, Largest, Checksum) -> {Words, Largest, Checksum};
tally([{Word, C} | Rest], Words, Largest, Checksum) ->
    tally(Rest, Words + C, max(Largest, C), Checksum + C * C * byte_size(Word)).
