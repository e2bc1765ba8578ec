%% lists:sort/2 with a fun: n integers 1..2^31-2 from a Park-Miller
%% generator, sorted in descending order by a fun 3 times (each time from
%% the unsorted list); prints a hash of the sorted order (h = (31 h + x)
%% mod 1000000007). Argument: n (default 100000).
-module(list_sort_fun).
-export([main/0, main/1]).

main() -> main([]).
main(Args) ->
    N = size_arg(Args, 100000),
    L = random_list(N, 42, []),
    io:format("~b~n", [hash(rounds(3, L, []), 0)]).

size_arg([], Default) -> Default;
size_arg([A | _], _) -> list_to_integer(atom_to_list(A)).

random_list(0, _, Acc) -> Acc;
random_list(N, Seed0, Acc) ->
    Seed = Seed0 * 16807 rem 2147483647,
    random_list(N - 1, Seed, [Seed | Acc]).

rounds(0, _, Sorted) -> Sorted;
rounds(K, L, _) -> rounds(K - 1, L, lists:sort(fun(A, B) -> A >= B end, L)).

hash([], H) -> H;
hash([X | Rest], H) -> hash(Rest, (H * 31 + X) rem 1000000007).
