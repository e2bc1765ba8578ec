%% Start-up floor: print one integer.
-module(startup).
-export([main/0]).

main() -> io:format("~b~n", [42]).
