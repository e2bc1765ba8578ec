%% JSON codec: n messages, each a record (a map with integer, string,
%% boolean, null, list and nested map values; some strings hold quotes to
%% escape) encoded to JSON text, decoded by recursive descent and encoded
%% again. The encoder pushes the text byte by byte onto a list (integers by
%% a hand-written digit loop, map keys in sorted order), made a binary at
%% the end; the decoder walks the binary by position (binary:at,
%% binary:part). Prints the total length of the texts, 1 if every second
%% encoding equals the first, and the sums of the decoded ids and scores.
%% Argument: n (default 50000).
-module(json_codec).
-export([main/0, main/1]).

-define(TAGS, [<<"red">>, <<"green">>, <<"blue">>, <<"amber">>]).

main() -> main([]).
main(Args) ->
    N = size_arg(Args, 50000),
    {Total, Same, Ids, Scores} = messages(0, N, 0, 1, 0, 0),
    io:format("~b~n~b~n~b~n~b~n", [Total, Same, Ids, Scores]).

size_arg([], Default) -> Default;
size_arg([A | _], _) -> list_to_integer(atom_to_list(A)).

messages(N, N, Total, Same, Ids, Scores) -> {Total, Same, Ids, Scores};
messages(I, N, Total, Same0, Ids, Scores) ->
    Text = encode_document(record(I)),
    {Decoded, _} = parse(Text, 0),
    Same = case encode_document(Decoded) =:= Text of true -> Same0; false -> 0 end,
    messages(I + 1, N, Total + byte_size(Text), Same, Ids + maps:get(<<"id">>, Decoded),
             Scores + maps:get(<<"score">>, Decoded)).

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

%% Each parser takes the text and a position and returns {Value, the
%% position after it}.
parse(Text, Pos) ->
    case binary:at(Text, Pos) of
        ${ -> parse_object(Text, Pos + 1);
        $[ -> parse_array(Text, Pos + 1);
        $" -> parse_string(Text, Pos + 1);
        $t -> {true, Pos + 4};
        $f -> {false, Pos + 5};
        $n -> {null, Pos + 4};
        $- -> {I, After} = parse_digits(Text, Pos + 1, 0), {-I, After};
        _ -> parse_digits(Text, Pos, 0)
    end.

parse_digits(Text, Pos, I) when Pos < byte_size(Text) ->
    C = binary:at(Text, Pos),
    if C >= $0, C =< $9 -> parse_digits(Text, Pos + 1, I * 10 + (C - $0));
       true -> {I, Pos}
    end;
parse_digits(_, Pos, I) -> {I, Pos}.

%% Pos is just after the opening quote: a plain string is a part of the text.
parse_string(Text, Pos) -> scan_string(Text, Pos, Pos).

scan_string(Text, Start, I) ->
    case binary:at(Text, I) of
        $" -> {binary:part(Text, Start, I - Start), I + 1};
        $\\ -> parse_escaped(Text, Start, []);
        _ -> scan_string(Text, Start, I + 1)
    end.

parse_escaped(Text, I, Bytes) ->
    case binary:at(Text, I) of
        $" -> {list_to_binary(reverse(Bytes, [])), I + 1};
        $\\ -> parse_escaped(Text, I + 2, [binary:at(Text, I + 1) | Bytes]);
        C -> parse_escaped(Text, I + 1, [C | Bytes])
    end.

parse_array(Text, Pos) ->
    case binary:at(Text, Pos) of
        $] -> {[], Pos + 1};
        _ -> array_items(Text, Pos, [])
    end.

array_items(Text, Pos0, Items) ->
    {Item, Pos} = parse(Text, Pos0),
    case binary:at(Text, Pos) of
        $, -> array_items(Text, Pos + 1, [Item | Items]);
        $] -> {reverse([Item | Items], []), Pos + 1}
    end.

parse_object(Text, Pos) ->
    case binary:at(Text, Pos) of
        $} -> {#{}, Pos + 1};
        _ -> object_pairs(Text, Pos, #{})
    end.

%% Pos is at the key's opening quote.
object_pairs(Text, Pos0, Obj0) ->
    {Key, Pos1} = parse_string(Text, Pos0 + 1),
    {Value, Pos} = parse(Text, Pos1 + 1),
    Obj = Obj0#{Key => Value},
    case binary:at(Text, Pos) of
        $, -> object_pairs(Text, Pos + 1, Obj);
        $} -> {Obj, Pos + 1}
    end.
