%% N-body simulation of the Jovian planets (the Computer Language Benchmarks
%% Game algorithm): float arithmetic and sqrt. Bodies are immutable tuples
%% {X, Y, Z, VX, VY, VZ, Mass}, rebuilt every step; the float operations run
%% in the same order as the in-place versions, so results agree bit for bit.
-module(nbody).
-export([main/0]).

-define(PI, 3.141592653589793).
-define(SOLAR_MASS, (4 * ?PI * ?PI)).
-define(DAYS_PER_YEAR, 365.24).
-define(STEPS, 1000000).

body(X, Y, Z, VX, VY, VZ, Mass) ->
    {X, Y, Z, VX * ?DAYS_PER_YEAR, VY * ?DAYS_PER_YEAR, VZ * ?DAYS_PER_YEAR, Mass * ?SOLAR_MASS}.

bodies() ->
    [body(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0),
     body(4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
          1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05,
          9.54791938424326609e-04),
     body(8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
          -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05,
          2.85885980666130812e-04),
     body(1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
          2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05,
          4.36624404335156298e-05),
     body(1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
          2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05,
          5.15138902046611451e-05)].

offset_momentum([Sun | Rest] = Bodies) ->
    {PX, PY, PZ} = momentum(Bodies, 0.0, 0.0, 0.0),
    {X, Y, Z, _, _, _, M} = Sun,
    [{X, Y, Z, -PX / ?SOLAR_MASS, -PY / ?SOLAR_MASS, -PZ / ?SOLAR_MASS, M} | Rest].

momentum([], PX, PY, PZ) -> {PX, PY, PZ};
momentum([{_, _, _, VX, VY, VZ, M} | Rest], PX, PY, PZ) ->
    momentum(Rest, PX + VX * M, PY + VY * M, PZ + VZ * M).

energy([], E) -> E;
energy([{_, _, _, VX, VY, VZ, M} = B | Rest], E) ->
    energy(Rest, potential(B, Rest, E + 0.5 * M * (VX * VX + VY * VY + VZ * VZ))).

potential(_, [], E) -> E;
potential({XI, YI, ZI, _, _, _, MI} = BI, [{XJ, YJ, ZJ, _, _, _, MJ} | Rest], E) ->
    DX = XI - XJ, DY = YI - YJ, DZ = ZI - ZJ,
    potential(BI, Rest, E - (MI * MJ) / math:sqrt(DX * DX + DY * DY + DZ * DZ)).

advance(Bodies, Dt) -> [move(B, Dt) || B <- velocities(Bodies, Dt)].

velocities([], _) -> [];
velocities([B | Rest], Dt) ->
    {B1, Rest1} = interact(B, Rest, Dt, []),
    [B1 | velocities(Rest1, Dt)].

interact(BI, [], _, Acc) -> {BI, lists:reverse(Acc)};
interact({XI, YI, ZI, VXI, VYI, VZI, MI}, [{XJ, YJ, ZJ, VXJ, VYJ, VZJ, MJ} | Rest], Dt, Acc) ->
    DX = XI - XJ, DY = YI - YJ, DZ = ZI - ZJ,
    Dsq = DX * DX + DY * DY + DZ * DZ,
    Mag = Dt / (Dsq * math:sqrt(Dsq)),
    MIMag = MI * Mag, MJMag = MJ * Mag,
    BI = {XI, YI, ZI, VXI - DX * MJMag, VYI - DY * MJMag, VZI - DZ * MJMag, MI},
    BJ = {XJ, YJ, ZJ, VXJ + DX * MIMag, VYJ + DY * MIMag, VZJ + DZ * MIMag, MJ},
    interact(BI, Rest, Dt, [BJ | Acc]).

move({X, Y, Z, VX, VY, VZ, M}, Dt) -> {X + Dt * VX, Y + Dt * VY, Z + Dt * VZ, VX, VY, VZ, M}.

run(0, Bodies) -> Bodies;
run(N, Bodies) -> run(N - 1, advance(Bodies, 0.01)).

main() ->
    Bodies = offset_momentum(bodies()),
    io:format("~b~n", [round(energy(Bodies, 0.0) * 1.0e9)]),
    io:format("~b~n", [round(energy(run(?STEPS, Bodies), 0.0) * 1.0e9)]).
