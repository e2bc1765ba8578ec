%% Fasta (the Computer Language Benchmarks Game algorithm): 2n bytes of a
%% repeated sequence, then 3n and 5n bytes drawn from two nucleotide tables
%% by a linear congruential generator, in lines of 60. Each line is made a
%% binary (a slice of the sequence, or built from a list of bytes) and,
%% instead of being written out, hashed byte by byte (h = (31 h + byte) mod
%% 1000000007 over each part); prints the three hashes.
%% Argument: n (default 1000000).
-module(fasta).
-export([main/0, main/1]).

-define(ALU, <<"GGCCGGGCGCGGTGGCTCACGCCTGTAATCCCAGCACTTTGGGAGGCCGAGGCGGGCGGATCACCTGAGGTCAGGAGTTCGAGACCAGCCTGGCCAACATGGTGAAACCCCGTCTCTACTAAAAATACAAAAATTAGCCGGGCGTGGTGGCGCGCGCCTGTAATCCCAGCTACTCGGGAGGCTGAGGCAGGAGAATCGCTTGAACCCGGGAGGCGGAGGTTGCAGTGAGCCGAGATCGCGCCACTGCACTCCAGCCTGGGCGACAGAGCGAGACTCCGTCTCAAAAA">>).
-define(IUB, [{$a, 0.27}, {$c, 0.12}, {$g, 0.12}, {$t, 0.27}, {$B, 0.02}, {$D, 0.02}, {$H, 0.02}, {$K, 0.02},
              {$M, 0.02}, {$N, 0.02}, {$R, 0.02}, {$S, 0.02}, {$V, 0.02}, {$W, 0.02}, {$Y, 0.02}]).
-define(HOMO_SAPIENS, [{$a, 0.302954942668}, {$c, 0.1979883004921}, {$g, 0.1975473066391},
                       {$t, 0.3015094502008}]).

main() -> main([]).
main(Args) ->
    N = size_arg(Args, 1000000),
    io:format("~b~n", [repeat_fasta(<<?ALU/binary, ?ALU/binary>>, 2 * N, 0, 0)]),
    {H1, Seed1} = random_fasta(cumulative(?IUB, 0.0), 3 * N, 42, 0),
    io:format("~b~n", [H1]),
    {H2, _} = random_fasta(cumulative(?HOMO_SAPIENS, 0.0), 5 * N, Seed1, 0),
    io:format("~b~n", [H2]).

size_arg([], Default) -> Default;
size_arg([A | _], _) -> list_to_integer(atom_to_list(A)).

cumulative([], _) -> [];
cumulative([{Byte, P} | T], Sum0) ->
    Sum = Sum0 + P,
    [{Byte, Sum} | cumulative(T, Sum)].

hash(<<>>, H) -> H;
hash(<<Byte, Rest/binary>>, H) -> hash(Rest, (H * 31 + Byte) rem 1000000007).

repeat_fasta(_, Left, _, H) when Left =< 0 -> H;
repeat_fasta(Twice, Left, Offset, H) ->
    Length = min(60, Left),
    Line = binary:part(Twice, Offset, Length),
    repeat_fasta(Twice, Left - Length, (Offset + Length) rem 287, hash(Line, H)).

random_fasta(_, Left, Seed, H) when Left =< 0 -> {H, Seed};
random_fasta(Table, Left, Seed0, H) ->
    Length = min(60, Left),
    {Line, Seed} = random_line(Table, Length, Seed0, []),
    random_fasta(Table, Left - Length, Seed, hash(Line, H)).

random_line(_, 0, Seed, Bytes) -> {list_to_binary(reverse(Bytes, [])), Seed};
random_line(Table, K, Seed0, Bytes) ->
    Seed = (Seed0 * 3877 + 29573) rem 139968,
    random_line(Table, K - 1, Seed, [pick(Table, 1.0 * Seed / 139968) | Bytes]).

pick([{Byte, P} | _], R) when R < P -> Byte;
pick([_ | T], R) -> pick(T, R).

reverse([], Acc) -> Acc;
reverse([H | T], Acc) -> reverse(T, [H | Acc]).
