%% JSON codec: builds n records (maps with integer, string, boolean, null, list
%% and nested map values; some strings hold quotes to escape), encodes the
%% list to JSON text, decodes it by recursive descent, encodes the result
%% again. The encoder pushes the text byte by byte onto a list (integers by
%% a hand-written digit loop, map keys in sorted order), made a binary at
%% the end; the decoder matches its way along the binary. Prints the length
%% of the text, 1 if the second encoding equals the first, and the sums of
%% the decoded ids and scores. Argument: n (default 50000).
-module(json_codec).
-export([main/0, main/1]).

-define(TAGS, [<<"red">>, <<"green">>, <<"blue">>, <<"amber">>]).

main() -> main([]).
main(Args) ->
    N = size_arg(Args, 50000),
    Text = encode_document(build(N, [])),
    {Decoded, <<>>} = parse(Text),
    Again = encode_document(Decoded),
    {Ids, Scores} = sum_fields(Decoded, 0, 0),
    Same = case Again =:= Text of true -> 1; false -> 0 end,
    io:format("~b~n~b~n~b~n~b~n", [byte_size(Text), Same, Ids, Scores]).

size_arg([], Default) -> Default;
size_arg([A | _], _) -> list_to_integer(atom_to_list(A)).

build(0, Records) -> Records;
build(I, Records) -> build(I - 1, [record(I - 1) | Records]).

record(I) ->
    Digits = integer_to_binary(I),
    Name = case I rem 16 of
               0 -> <<"say \"hi\" to ", Digits/binary>>;
               _ -> <<"item ", Digits/binary>>
           end,
    Extra = case I rem 5 of
                0 -> null;
                _ -> #{<<"x">> => I rem 10, <<"y">> => [I rem 7, -(I rem 11)], <<"z">> => #{}}
            end,
    #{<<"id">> => I, <<"name">> => Name, <<"score">> => I * 7919 rem 1000 - 500,
      <<"tags">> => take(?TAGS, I rem 5), <<"active">> => I rem 3 =:= 0, <<"extra">> => Extra,
      <<"path">> => <<"a\\b">>}.

take(_, 0) -> [];
take([H | T], K) -> [H | take(T, K - 1)].

sum_fields([], Ids, Scores) -> {Ids, Scores};
sum_fields([R | Rest], Ids, Scores) ->
    sum_fields(Rest, Ids + maps:get(<<"id">>, R), Scores + maps:get(<<"score">>, R)).

reverse([], Acc) -> Acc;
reverse([H | T], Acc) -> reverse(T, [H | Acc]).

%% ---------------------------------------------------------------- encoder

encode_document(Term) -> list_to_binary(reverse(encode(Term, []), [])).

%% The term's JSON text pushed onto Out, a reversed list of bytes.
encode(I, Out) when is_integer(I) -> encode_integer(I, Out);
encode(B, Out) when is_binary(B) -> encode_string(B, Out);
encode(M, Out) when is_map(M) -> encode_object(lists:sort(maps:to_list(M)), [${ | Out]);
encode(L, Out) when is_list(L) -> encode_array(L, [$[ | Out]);
encode(true, Out) -> push_bytes(<<"true">>, Out);
encode(false, Out) -> push_bytes(<<"false">>, Out);
encode(null, Out) -> push_bytes(<<"null">>, Out).

push_bytes(<<>>, Out) -> Out;
push_bytes(<<B, Rest/binary>>, Out) -> push_bytes(Rest, [B | Out]).

encode_integer(I, Out) when I < 0 -> push_digits(digits(-I, []), [$- | Out]);
encode_integer(I, Out) -> push_digits(digits(I, []), Out).

digits(I, Ds) when I < 10 -> [I + $0 | Ds];
digits(I, Ds) -> digits(I div 10, [I rem 10 + $0 | Ds]).

push_digits([], Out) -> Out;
push_digits([D | Ds], Out) -> push_digits(Ds, [D | Out]).

encode_string(B, Out) -> string_bytes(B, [$" | Out]).

string_bytes(<<>>, Out) -> [$" | Out];
string_bytes(<<C, Rest/binary>>, Out) when C =:= $"; C =:= $\\ -> string_bytes(Rest, [C, $\\ | Out]);
string_bytes(<<C, Rest/binary>>, Out) -> string_bytes(Rest, [C | Out]).

encode_array([], Out) -> [$] | Out];
encode_array([H | T], Out) -> array_rest(T, encode(H, Out)).

array_rest([], Out) -> [$] | Out];
array_rest([H | T], Out) -> array_rest(T, encode(H, [$, | Out])).

encode_object([], Out) -> [$} | Out];
encode_object([Pair | Pairs], Out) -> object_rest(Pairs, encode_pair(Pair, Out)).

object_rest([], Out) -> [$} | Out];
object_rest([Pair | Pairs], Out) -> object_rest(Pairs, encode_pair(Pair, [$, | Out])).

encode_pair({K, V}, Out) -> encode(V, [$: | encode_string(K, Out)]).

%% ---------------------------------------------------------------- decoder

%% Each parser returns {Value, the rest of the text}.
parse(<<${, Rest/binary>>) -> parse_object(Rest);
parse(<<$[, Rest/binary>>) -> parse_array(Rest);
parse(<<$", Rest/binary>>) -> parse_string(Rest);
parse(<<"true", Rest/binary>>) -> {true, Rest};
parse(<<"false", Rest/binary>>) -> {false, Rest};
parse(<<"null", Rest/binary>>) -> {null, Rest};
parse(<<$-, Rest/binary>>) -> {I, Rest1} = parse_digits(Rest, 0), {-I, Rest1};
parse(Text) -> parse_digits(Text, 0).

parse_digits(<<C, Rest/binary>>, I) when C >= $0, C =< $9 -> parse_digits(Rest, I * 10 + (C - $0));
parse_digits(Rest, I) -> {I, Rest}.

%% The text just after the opening quote: a plain string is a part of it.
parse_string(Text) -> scan_string(Text, 0, Text).

scan_string(<<$", _/binary>>, Len, Text) ->
    <<S:Len/binary, $", Rest/binary>> = Text,
    {S, Rest};
scan_string(<<$\\, _/binary>>, _, Text) -> parse_escaped(Text, []);
scan_string(<<_, More/binary>>, Len, Text) -> scan_string(More, Len + 1, Text).

parse_escaped(<<$", Rest/binary>>, Bytes) -> {list_to_binary(reverse(Bytes, [])), Rest};
parse_escaped(<<$\\, C, Rest/binary>>, Bytes) -> parse_escaped(Rest, [C | Bytes]);
parse_escaped(<<C, Rest/binary>>, Bytes) -> parse_escaped(Rest, [C | Bytes]).

parse_array(<<$], Rest/binary>>) -> {[], Rest};
parse_array(Text) -> array_items(Text, []).

array_items(Text, Items) ->
    case parse(Text) of
        {Item, <<$,, Rest/binary>>} -> array_items(Rest, [Item | Items]);
        {Item, <<$], Rest/binary>>} -> {reverse([Item | Items], []), Rest}
    end.

parse_object(<<$}, Rest/binary>>) -> {#{}, Rest};
parse_object(Text) -> object_pairs(Text, #{}).

object_pairs(<<$", Text/binary>>, Obj) ->
    {Key, <<$:, Text1/binary>>} = parse_string(Text),
    case parse(Text1) of
        {Value, <<$,, Rest/binary>>} -> object_pairs(Rest, Obj#{Key => Value});
        {Value, <<$}, Rest/binary>>} -> {Obj#{Key => Value}, Rest}
    end.
