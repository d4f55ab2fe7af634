import torch

from mlkata.checking import context, randn, strided
from mlkata.checking.loops import expect_no_loop
from mlkata.checking.rays import aimed_rays, call_batched, camera_rays, explain_triangles, expect_per_ray, triangle_crossing

TOLERANCES = {torch.float32: (1e-4, 1e-5), torch.float64: (1e-7, 1e-7)}  # (rtol, atol)


def random_triangles(n, seed, dtype=torch.float32):
    """Triangles with corners around (3, 0, 0), spread by about ±1."""
    return randn(n, 3, 3, seed=seed, dtype=dtype) + torch.tensor([3.0, 0.0, 0.0], dtype=dtype)


NEAR = torch.tensor([[2.0, -1.7, -1.3], [2.2, 1.9, -0.6], [1.8, -0.3, 1.8]])
FAR = torch.tensor([[4.0, -5.0, -5.0], [4.5, 5.0, -4.0], [3.8, 0.2, 6.0]])  # behind NEAR as the camera sees it
BEHIND = NEAR * torch.tensor([-1.0, 1.0, 1.0])  # mirrored to x < 0: only backward extensions reach it
# In the plane z = -0.5: the camera's rays with z = 0 run parallel to it.
FLAT = torch.tensor([[-0.5, -0.3, -0.5], [3.0, -1.5, -0.5], [2.0, 2.5, -0.5]])
SCENE = torch.stack([NEAR, FAR, BEHIND, FLAT])


def loop_reference(triangles, rays):
    """For each ray, the smallest u among the triangles it hits, one ray and one triangle at a time."""
    nearest = []
    for ray in rays:
        hits = [triangle_crossing(triangle, ray)[0] for triangle in triangles]
        nearest.append(min((u for u in hits if u is not None), default=float("inf")))
    return torch.tensor(nearest, dtype=rays.dtype)


def scenes(dtype):
    camera = camera_rays(5, 5, dtype)
    scene = SCENE.to(dtype)
    yield "5 × 5 rays from the origin; a near triangle, a far one behind it, one behind the origin, one in the plane z = -0.5", scene, camera
    triangles = random_triangles(4, 3, dtype)
    rays = torch.cat([aimed_rays(triangles[0], 5, 13, dtype), aimed_rays(triangles[2], 5, 23, dtype)])
    yield "10 rays aimed in and around 4 random triangles, some pointing away", triangles, rays
    yield "1 ray, 1 triangle", scene[:1], camera[12:13]
    yield "no rays", scene, camera_rays(0, 3, dtype)
    yield "5 × 5 rays stored strided with gaps", scene, strided(camera)


def check(learner):
    for dtype in (torch.float32, torch.float64):
        rtol, atol = TOLERANCES[dtype]
        for description, triangles, rays in scenes(dtype):
            with context(description):
                got = call_batched(learner.raytrace_mesh, triangles, rays, name="raytrace_mesh", parallel_to="a triangle's plane")
                expect_per_ray(
                    got, loop_reference(triangles, rays), rays,
                    lambda i: explain_triangles(rays[i], triangles),
                    what="the distance to the nearest hit", rtol=rtol, atol=atol,
                )

    advice = "Pair rays and triangles on two dimensions, (nrays, ntriangles), and solve all the systems in one call."
    triangles = random_triangles(4, 2)
    expect_no_loop(
        learner, "raytrace_mesh", lambda n: (triangles, aimed_rays(triangles[0], n, 3)),
        over="rays", one="ray", advice=advice,
    )
    expect_no_loop(
        learner, "raytrace_mesh", lambda n: (random_triangles(n, 4), camera_rays(3, 3)),
        over="triangles", one="triangle", advice=advice,
    )
