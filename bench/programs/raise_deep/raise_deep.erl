%% Raise and catch 10 frames deep: 1M times, a try around a call that
%% recurses 10 frames (non-tail) and raises an error there.
-module(raise_deep).
-export([main/0]).

deep(0) -> erlang:error(bottom);
deep(N) -> deep(N - 1) + 1.

loop(N, N, Count) -> Count;
loop(I, N, Count) ->
    Count1 = try deep(10) of
                 _ -> Count
             catch
                 error:bottom -> Count + 1
             end,
    loop(I + 1, N, Count1).

main() -> io:format("~b~n", [loop(0, 1000000, 0)]).
