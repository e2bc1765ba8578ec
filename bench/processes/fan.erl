-module(fan).
-export([main/1]).

main([W0, J0]) ->
    W = list_to_integer(atom_to_list(W0)), J = list_to_integer(atom_to_list(J0)),
    Workers = list_to_tuple([spawn(fun worker/0) || _ <- lists:seq(1, W)]),
    send_jobs(Workers, J),
    io:format("~b~n", [collect(J, 0)]),
    [P ! stop || P <- tuple_to_list(Workers)],
    ok.

send_jobs(_, 0) -> ok;
send_jobs(Ws, K) -> element(K rem tuple_size(Ws) + 1, Ws) ! {self(), K}, send_jobs(Ws, K - 1).

collect(0, Acc) -> Acc;
collect(N, Acc) -> receive S -> collect(N - 1, Acc + S) end.

worker() ->
    receive
        stop -> ok;
        {From, K} -> From ! sum(K rem 100, 0), worker()
    end.

sum(0, Acc) -> Acc;
sum(N, Acc) -> sum(N - 1, Acc + N).
