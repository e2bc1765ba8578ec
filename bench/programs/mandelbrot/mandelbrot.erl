%% Mandelbrot set on an n x n grid (the Computer Language Benchmarks Game
%% region: c = (2x/n - 1.5) + (2y/n - 1.0)i), at most 50 iterations of
%% z = z^2 + c per point, escaping when |z|^2 > 4. Prints the points that
%% never escape and the sum of every point's iteration count. Argument: n
%% (default 1600).
-module(mandelbrot).
-export([main/0, main/1]).

main() -> main([]).
main(Args) ->
    N = size_arg(Args, 1600),
    {Inside, Total} = rows(0, N, 0, 0),
    io:format("~b~n~b~n", [Inside, Total]).

size_arg([], Default) -> Default;
size_arg([A | _], _) -> list_to_integer(atom_to_list(A)).

rows(N, N, Inside, Total) -> {Inside, Total};
rows(Y, N, Inside, Total) ->
    Ci = 2.0 * Y / N - 1.0,
    {Inside1, Total1} = columns(0, N, Ci, Inside, Total),
    rows(Y + 1, N, Inside1, Total1).

columns(N, N, _, Inside, Total) -> {Inside, Total};
columns(X, N, Ci, Inside, Total) ->
    K = escape(2.0 * X / N - 1.5, Ci, 0.0, 0.0, 0),
    Inside1 = case K of 50 -> Inside + 1; _ -> Inside end,
    columns(X + 1, N, Ci, Inside1, Total + K).

escape(_, _, _, _, 50) -> 50;
escape(Cr, Ci, Zr, Zi, I) ->
    Zr2 = Zr * Zr,
    Zi2 = Zi * Zi,
    case Zr2 + Zi2 > 4.0 of
        true -> I;
        false -> escape(Cr, Ci, Zr2 - Zi2 + Cr, Zr * Zi * 2.0 + Ci, I + 1)
    end.
