%% Build a 10M-element cons list, reverse it, sum it (hand-written loops,
%% not the lists module's built-ins, so the VM does the work).
-module(list_rev).
-export([main/0]).

build(0, Acc) -> Acc;
build(I, Acc) -> build(I - 1, [I - 1 | Acc]).

reverse([], Acc) -> Acc;
reverse([H | T], Acc) -> reverse(T, [H | Acc]).

sum([], Acc) -> Acc;
sum([H | T], Acc) -> sum(T, Acc + H).

main() ->
    Reversed = reverse(build(10000000, []), []),
    io:format("~b~n~b~n", [hd(Reversed), sum(Reversed, 0)]).
