-module(big_binaries).
-export([main/1]).

main([K0]) ->
    K = list_to_integer(atom_to_list(K0)),
    Half = double(<<"0123456789">>, 19),
    io:format("~b~n", [loop(K, Half, 0)]).

double(B, 0) -> B;
double(B, K) -> double(<<B/binary, B/binary>>, K - 1).

loop(0, _, Sum) -> Sum;
loop(K, Half, Sum) ->
    B = <<Half/binary, Half/binary>>,
    loop(K - 1, Half, Sum + binary:at(B, K rem byte_size(B))).
