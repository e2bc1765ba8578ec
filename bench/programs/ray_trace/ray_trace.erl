%% Ray tracer: n x n pixels, one ray each, over five spheres (one of them
%% the ground), with a light, shadows and reflections up to depth 3.
%% Vectors are tuples {X, Y, Z} handled by small functions; each sphere is
%% a tuple {CX, CY, CZ, Radius, Reflectivity, Surface} whose surface is a
%% fun (matte or glowing) giving the light it sends back. Every version
%% does the float operations in the same order, so all print the same
%% numbers: the sum of the pixel values (0..255) and a hash of the image in
%% scan order (h = (31 h + value) mod 1000000007). Argument: n (default 600).
-module(ray_trace).
-export([main/0, main/1]).

main() -> main([]).
main(Args) ->
    N = size_arg(Args, 600),
    Scene = [{0.0, -1001.0, 6.0, 1000.0, 0.0, matte(0.8)},
             {0.0, 0.0, 6.0, 1.0, 0.5, matte(0.9)},
             {-2.2, -0.3, 7.0, 0.7, 0.0, glow(0.2, 0.7)},
             {2.0, -0.4, 5.5, 0.6, 0.3, matte(0.6)},
             {0.8, 1.6, 8.0, 0.8, 0.0, glow(0.1, 0.8)}],
    {Total, H} = render(N, Scene, normalize({-1.0, 2.0, -1.5})),
    io:format("~b~n~b~n", [Total, H]).

size_arg([], Default) -> Default;
size_arg([A | _], _) -> list_to_integer(atom_to_list(A)).

vsub({Ax, Ay, Az}, {Bx, By, Bz}) -> {Ax - Bx, Ay - By, Az - Bz}.
vscale({Ax, Ay, Az}, K) -> {Ax * K, Ay * K, Az * K}.
vdot({Ax, Ay, Az}, {Bx, By, Bz}) -> Ax * Bx + Ay * By + Az * Bz.
normalize(A) -> vscale(A, 1.0 / math:sqrt(vdot(A, A))).

matte(Albedo) -> fun(Light) -> Albedo * Light end.
glow(Base, Albedo) -> fun(Light) -> Base + Albedo * Light end.

%% The distance along the ray to the sphere's near side, or -1.0.
intersect({Cx, Cy, Cz, R, _, _}, Origin, Direction) ->
    Oc = vsub(Origin, {Cx, Cy, Cz}),
    B = vdot(Oc, Direction),
    Disc = B * B - (vdot(Oc, Oc) - R * R),
    if Disc < 0.0 -> -1.0;
       true ->
           T = -B - math:sqrt(Disc),
           if T > 0.0001 -> T; true -> -1.0 end
    end.

shadowed([], _, _) -> false;
shadowed([Sphere | Rest], Point, Light) ->
    case intersect(Sphere, Point, Light) > 0.0 of
        true -> true;
        false -> shadowed(Rest, Point, Light)
    end.

nearest([], _, _, Nearest, Hit) -> {Nearest, Hit};
nearest([Sphere | Rest], Origin, Direction, Nearest, Hit) ->
    T = intersect(Sphere, Origin, Direction),
    if T > 0.0, T < Nearest -> nearest(Rest, Origin, Direction, T, Sphere);
       true -> nearest(Rest, Origin, Direction, Nearest, Hit)
    end.

trace(Scene, Light, Origin, Direction, Depth) ->
    case nearest(Scene, Origin, Direction, 1.0e30, nil) of
        {_, nil} -> 0.2 * (element(2, Direction) + 1.0);
        {T, {Cx, Cy, Cz, R, Reflectivity, Surface}} ->
            Point = vsub(Origin, vscale(Direction, -T)),
            Normal = vscale(vsub(Point, {Cx, Cy, Cz}), 1.0 / R),
            Lambert0 = vdot(Normal, Light),
            Lambert = case Lambert0 < 0.0 orelse shadowed(Scene, Point, Light) of
                          true -> 0.0;
                          false -> Lambert0
                      end,
            Color = Surface(Lambert),
            if Reflectivity > 0.0, Depth < 3 ->
                   Bounce = vsub(Direction, vscale(Normal, 2.0 * vdot(Direction, Normal))),
                   Color * (1.0 - Reflectivity) + Reflectivity * trace(Scene, Light, Point, Bounce, Depth + 1);
               true -> Color
            end
    end.

render(N, Scene, Light) -> rows(0, N, N div 2, Scene, Light, 0, 0).

rows(N, N, _, _, _, Total, H) -> {Total, H};
rows(Y, N, Half, Scene, Light, Total0, H0) ->
    {Total, H} = pixels(0, Y, N, Half, Scene, Light, Total0, H0),
    rows(Y + 1, N, Half, Scene, Light, Total, H).

pixels(N, _, N, _, _, _, Total, H) -> {Total, H};
pixels(X, Y, N, Half, Scene, Light, Total, H) ->
    Color = trace(Scene, Light, {0.0, 0.0, 0.0}, normalize({X - Half, Half - Y, N}), 0),
    Value = trunc(min(Color, 1.0) * 255.0),
    pixels(X + 1, Y, N, Half, Scene, Light, Total + Value, (H * 31 + Value) rem 1000000007).
