%% Fannkuch-redux (the Computer Language Benchmarks Game algorithm): every
%% permutation of 0..n-1 in the benchmark's order, each flipped (its first
%% K+1 elements reversed, K the first element) until 0 comes first. Prints
%% the checksum (flip counts, alternately added and subtracted) and the
%% largest flip count. Permutations are lists, the counters a tuple.
%% Argument: n (default 10): erl -s fannkuch_redux main 7.
-module(fannkuch_redux).
-export([main/0, main/1]).

main() -> main([]).
main(Args) ->
    N = size_arg(Args, 10),
    Perm1 = lists:seq(0, N - 1),
    {Checksum, MaxFlips} = fannkuch(N, Perm1, list_to_tuple(Perm1), N, 0, 0, 1),
    io:format("~b~n~b~n", [Checksum, MaxFlips]).

size_arg([], Default) -> Default;
size_arg([A | _], _) -> list_to_integer(atom_to_list(A)).

fannkuch(N, Perm1, Count0, R0, MaxFlips0, Checksum0, Sign) ->
    {Count, R} = fill(Count0, R0),
    F = flips(Perm1, 0),
    MaxFlips = if F > MaxFlips0 -> F; true -> MaxFlips0 end,
    advance(N, Perm1, Count, R, MaxFlips, Checksum0 + F * Sign, -Sign).

%% while r != 1: count[r-1] = r, r = r - 1 (tuples count from 1)
fill(Count, 1) -> {Count, 1};
fill(Count, R) -> fill(setelement(R, Count, R), R - 1).

%% The next permutation: rotate the first R+1 elements left by one and count
%% down count[R]; when it reaches 0, do the same with R + 1.
advance(N, _, _, N, MaxFlips, Checksum, _) -> {Checksum, MaxFlips};
advance(N, Perm1, Count, R, MaxFlips, Checksum, Sign) ->
    Perm = rotate(Perm1, R),
    C = element(R + 1, Count) - 1,
    Count1 = setelement(R + 1, Count, C),
    if C > 0 -> fannkuch(N, Perm, Count1, R, MaxFlips, Checksum, Sign);
       true -> advance(N, Perm, Count1, R + 1, MaxFlips, Checksum, Sign)
    end.

flips([0 | _], F) -> F;
flips(Perm = [K | _], F) -> flips(reverse_onto(Perm, K + 1, drop(Perm, K + 1)), F + 1).

%% The first M elements of the list, pushed in order onto Acc.
reverse_onto(_, 0, Acc) -> Acc;
reverse_onto([H | T], M, Acc) -> reverse_onto(T, M - 1, [H | Acc]).

drop(L, 0) -> L;
drop([_ | T], M) -> drop(T, M - 1).

%% [P0, P1, ..., PR | Rest] -> [P1, ..., PR, P0 | Rest]
rotate([P0 | T], R) -> take(T, R, [], P0).

take(Rest, 0, Taken, P0) -> put_back(Taken, [P0 | Rest]);
take([P | T], R, Taken, P0) -> take(T, R - 1, [P | Taken], P0).

put_back([], L) -> L;
put_back([P | T], L) -> put_back(T, [P | L]).
