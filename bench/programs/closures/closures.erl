%% Closures: make closures, map a composed closure over a 1M-element list
%% and fold the result with a two-argument closure, 5 passes (hand-written
%% map and fold, not the lists module's).
-module(closures).
-export([main/0]).

-define(N, 1000000).
-define(PASSES, 5).

make_adder(K) -> fun(X) -> X + K end.
make_doubler() -> fun(X) -> X * 2 end.
compose(F, G) -> fun(X) -> F(G(X)) end.
make_weigher(W) -> fun(Acc, X) -> Acc + X * W end.

build(0, Acc) -> Acc;
build(I, Acc) -> build(I - 1, [I - 1 | Acc]).

%% Maps F over the list; the result comes out reversed (no reverse pass needed).
map_rev(_, [], Out) -> Out;
map_rev(F, [H | T], Out) -> map_rev(F, T, [F(H) | Out]).

fold(_, Acc, []) -> Acc;
fold(F, Acc, [H | T]) -> fold(F, F(Acc, H), T).

passes(P, _, Total) when P > ?PASSES -> Total;
passes(P, List, Total) ->
    Mapped = map_rev(compose(make_adder(P), make_doubler()), List, []),
    passes(P + 1, List, Total + fold(make_weigher(P rem 3 + 1), 0, Mapped)).

main() -> io:format("~b~n", [passes(1, build(?N, []), 0)]).
