%% Heap sort through a priority queue: a persistent leftist heap of records
%% {Priority, Seq}, ordered by a comparison fun (it captures the
%% direction). n records with priorities 0..999 from a Park-Miller
%% generator go in, then come out in order; done twice, ascending and
%% descending priority (ties by sequence number either way). Prints a hash
%% of each output order (h = (31 h + priority) mod 1000000007, then the
%% same with the sequence number). Heap nodes are tuples {Rank, Record,
%% Left, Right}, the empty heap the atom empty. Argument: n (default 100000).
-module(heap_sort).
-export([main/0, main/1]).

-define(P, 1000000007).

main() -> main([]).
main(Args) ->
    N = size_arg(Args, 100000),
    io:format("~b~n~b~n", [sort_hash(by_priority(1), N), sort_hash(by_priority(-1), N)]).

size_arg([], Default) -> Default;
size_arg([A | _], _) -> list_to_integer(atom_to_list(A)).

by_priority(Direction) ->
    fun({Pa0, Sa}, {Pb0, Sb}) ->
            Pa = Pa0 * Direction,
            Pb = Pb0 * Direction,
            Pa < Pb orelse (Pa == Pb andalso Sa < Sb)
    end.

rank(empty) -> 0;
rank({Rank, _, _, _}) -> Rank.

merge(_, empty, B) -> B;
merge(_, A, empty) -> A;
merge(Less, A = {_, Ra, _, _}, B = {_, Rb, _, _}) ->
    case Less(Rb, Ra) of
        true -> join(Less, B, A);
        false -> join(Less, A, B)
    end.

join(Less, {_, Record, Left, Right}, Other) ->
    Merged = merge(Less, Right, Other),
    RankLeft = rank(Left),
    RankMerged = rank(Merged),
    if RankLeft >= RankMerged -> {RankMerged + 1, Record, Left, Merged};
       true -> {RankLeft + 1, Record, Merged, Left}
    end.

sort_hash(Less, N) -> drain(Less, insert(Less, 0, N, 42, empty), 0).

insert(_, N, N, _, Heap) -> Heap;
insert(Less, Seq, N, Seed0, Heap) ->
    Seed = Seed0 * 16807 rem 2147483647,
    insert(Less, Seq + 1, N, Seed, merge(Less, {1, {Seed rem 1000, Seq}, empty, empty}, Heap)).

drain(_, empty, H) -> H;
drain(Less, {_, {Priority, Seq}, Left, Right}, H0) ->
    H = ((H0 * 31 + Priority) rem ?P * 31 + Seq) rem ?P,
    drain(Less, merge(Less, Left, Right), H).
