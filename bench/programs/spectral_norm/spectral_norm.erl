%% Spectral norm (the Computer Language Benchmarks Game algorithm): ten
%% rounds of u = AtA v, v = AtA u on the infinite matrix A(i, j) =
%% 1 / ((i+j)(i+j+1)/2 + i + 1), n x n; prints round(sqrt(uv / vv) * 1e9).
%% Vectors are lists of floats. Argument: n (default 1000).
-module(spectral_norm).
-export([main/0, main/1]).

main() -> main([]).
main(Args) ->
    N = size_arg(Args, 1000),
    {U, V} = rounds(10, N, lists:duplicate(N, 1.0), []),
    io:format("~b~n", [round(math:sqrt(dot(U, V, 0.0) / dot(V, V, 0.0)) * 1.0e9)]).

size_arg([], Default) -> Default;
size_arg([A | _], _) -> list_to_integer(atom_to_list(A)).

rounds(0, _, U, V) -> {U, V};
rounds(K, N, U, _) ->
    V = ata(N, U),
    rounds(K - 1, N, ata(N, V), V).

eval_a(I, J) -> 1.0 / ((I + J) * (I + J + 1) div 2 + I + 1).

ata(N, U) -> times_transposed(N - 1, times(N - 1, U, []), []).

%% Rows I down to 0, each consed onto the rows after it.
times(I, _, Rows) when I < 0 -> Rows;
times(I, U, Rows) -> times(I - 1, U, [row(I, U, 0, 0.0) | Rows]).

times_transposed(I, _, Rows) when I < 0 -> Rows;
times_transposed(I, U, Rows) -> times_transposed(I - 1, U, [column(I, U, 0, 0.0) | Rows]).

row(_, [], _, Sum) -> Sum;
row(I, [Uj | U], J, Sum) -> row(I, U, J + 1, Sum + eval_a(I, J) * Uj).

column(_, [], _, Sum) -> Sum;
column(I, [Uj | U], J, Sum) -> column(I, U, J + 1, Sum + eval_a(J, I) * Uj).

dot([], [], Sum) -> Sum;
dot([A | As], [B | Bs], Sum) -> dot(As, Bs, Sum + A * B).
