-module(big_ring).
-export([main/1]).
-compile({no_auto_import, [node/1]}).

main([N0, M0]) ->
    N = list_to_integer(atom_to_list(N0)), M = list_to_integer(atom_to_list(M0)),
    First = build(N, self()),
    Bin = double(<<"0123456789abcdef">>, 16),
    First ! {N * M, Bin},
    Last = relay(First),
    io:format("{~b, ~b}~n", [N * M, byte_size(Last)]).

double(B, 0) -> B;
double(B, K) -> double(<<B/binary, B/binary>>, K - 1).

build(1, Next) -> Next;
build(N, Next) -> build(N - 1, spawn(fun() -> node(Next) end)).

node(Next) -> receive H -> Next ! H, node(Next) end.

relay(First) ->
    receive
        {1, B} -> B;
        {K, B} -> First ! {K - 1, B}, relay(First)
    end.
