import torch

from mlkata.checking import context, load_reference, randn, strided
from mlkata.checking.loops import expect_no_loop
from mlkata.checking.rays import aimed_rays, call_batched, camera_rays, explain_triangles, expect_per_ray

# The single-ray reference, run once per ray.
reference = load_reference(__file__, "triangle_line_intersects")

IN_FRONT = torch.tensor([[2.0, -1.7, -1.3], [2.2, 1.9, -0.6], [1.8, -0.3, 1.8]])
BEHIND = IN_FRONT * torch.tensor([-1.0, 1.0, 1.0])  # mirrored to x < 0: only backward extensions reach it
# In the plane z = -0.5: the camera's rays with z = 0 run parallel to it.
FLAT = torch.tensor([[-0.5, -0.3, -0.5], [3.0, -1.5, -0.5], [2.0, 2.5, -0.5]])


def random_triangle(seed, dtype):
    """A triangle with corners around (2, 0, 0), spread by about ±1."""
    return randn(3, 3, seed=seed, dtype=dtype) + torch.tensor([2.0, 0.0, 0.0], dtype=dtype)


def loop_reference(triangle, rays):
    A, B, C = triangle
    return torch.tensor([reference.triangle_line_intersects(A, B, C, O, D) for O, D in rays], dtype=torch.bool)


def scenes(dtype):
    camera = camera_rays(5, 5, dtype)
    yield "5 × 5 rays from the origin, a triangle in front", IN_FRONT.to(dtype), camera
    yield "5 × 5 rays from the origin, a triangle behind the origin", BEHIND.to(dtype), camera
    yield "5 × 5 rays from the origin, a triangle in the plane z = -0.5 (parallel to the rays with z = 0)", FLAT.to(dtype), camera
    triangle = random_triangle(3, dtype)
    yield "8 rays aimed in and around a random triangle, some pointing away", triangle, aimed_rays(triangle, 8, 23, dtype)
    yield "1 ray, through the middle of the screen", IN_FRONT.to(dtype), camera[12:13]
    yield "no rays", IN_FRONT.to(dtype), camera_rays(0, 3, dtype)
    yield "5 × 5 rays stored strided with gaps, a triangle in front", IN_FRONT.to(dtype), strided(camera)


def check(learner):
    for dtype in (torch.float32, torch.float64):
        for description, triangle, rays in scenes(dtype):
            with context(description):
                got = call_batched(learner.raytrace_triangle, triangle, rays, name="raytrace_triangle", parallel_to="the triangle's plane")
                expect_per_ray(
                    got, loop_reference(triangle, rays), rays,
                    lambda i: explain_triangles(rays[i], triangle[None]),
                    what="which rays hit the triangle",
                )

    expect_no_loop(
        learner, "raytrace_triangle", lambda n: (IN_FRONT, aimed_rays(IN_FRONT, n, 5)),
        over="rays", one="ray",
        advice="Stack the matrices of all the rays into one (nrays, 3, 3) tensor and solve them in one call.",
    )
