%% Raise and catch 10 frames deep: n times (default 1M), a try around a
%% call that recurses 10 frames (non-tail) and raises an error there; the
%% handler counts it. Argument: n.
-module(raise_deep).
-export([main/0, main/1]).

main() -> main([]).
main(Args) ->
    N = size_arg(Args, 1000000),
    io:format("~b~n", [tries(0, N, 0)]).

size_arg([], Default) -> Default;
size_arg([A | _], _) -> list_to_integer(atom_to_list(A)).

deep(0) -> erlang:error(bottom);
deep(N) -> deep(N - 1) + 1.

tries(N, N, Caught) -> Caught;
tries(I, N, Caught) ->
    Caught1 = try deep(10) of
                  _ -> Caught
              catch
                  error:bottom -> Caught + 1
              end,
    tries(I + 1, N, Caught1).
