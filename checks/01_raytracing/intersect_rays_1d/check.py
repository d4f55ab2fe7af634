import torch

from mlkata.checking import context, load_reference, randn, strided
from mlkata.checking.loops import expect_no_loop
from mlkata.checking.rays import call_batched, explain_segments, expect_per_ray

# The single-ray reference, run once per ray and segment.
reference = load_reference(__file__, "intersect_ray_1d")
FLAT = torch.tensor([1.0, 1.0, 0.0])  # everything lies in the plane z = 0


def camera_rays(n, dtype=torch.float32):
    """Rays from the origin with directions (1, y, 0), y evenly spaced in [-1, 1]."""
    rays = torch.zeros(n, 2, 3, dtype=dtype)
    rays[:, 1, 0] = 1.0
    rays[:, 1, 1] = torch.linspace(-1.0, 1.0, n, dtype=dtype)
    return rays


def random_segments(n, seed, dtype=torch.float32):
    """Short segments in the plane z = 0, centred around (2, 0) and spread by about ±1."""
    centres = randn(n, 1, 3, seed=seed, dtype=dtype) + torch.tensor([2.0, 0.0, 0.0], dtype=dtype)
    offsets = 0.5 * randn(n, 1, 3, seed=seed + 100, dtype=dtype)
    return torch.cat([centres - offsets, centres + offsets], dim=1) * FLAT.to(dtype)


def random_rays(n, seed, dtype=torch.float32):
    """Rays with origins near (0, 0) and directions anywhere in the plane z = 0."""
    origins = 0.5 * randn(n, 1, 3, seed=seed, dtype=dtype)
    directions = randn(n, 1, 3, seed=seed + 100, dtype=dtype)
    return torch.cat([origins, directions], dim=1) * FLAT.to(dtype)


# Behind the origin: only the rays' backward extensions cross it.
BEHIND = torch.tensor([[[-2.0, 0.8, 0.0], [-2.0, 1.7, 0.0]]])
# Parallel to the ray with direction (1, 0.25, 0) of camera_rays(9), but not on it.
PARALLEL = torch.tensor([[[1.0, 1.25, 0.0], [3.0, 1.75, 0.0]]])
# Parallel to the ray (1, 0, 0), where an unmasked identity matrix would report u = 1, v = 0.5.
PARALLEL_TO_MIDDLE = torch.tensor([[[1.0, 0.5, 0.0], [3.0, 0.5, 0.0]]])


def loop_reference(rays, segments):
    return torch.tensor(
        [any(reference.intersect_ray_1d(ray, segment) for segment in segments) for ray in rays],
        dtype=torch.bool,
    )


def scenes(dtype):
    mixed = torch.cat([random_segments(3, 7, dtype), BEHIND.to(dtype), PARALLEL.to(dtype)])
    yield "9 rays from the origin; 3 segments in front, 1 behind, 1 parallel to a ray", camera_rays(9, dtype), mixed
    yield "7 rays from random origins, 6 random segments", random_rays(7, 10, dtype), random_segments(6, 30, dtype)
    yield "3 rays, 1 segment parallel to the middle one", camera_rays(3, dtype), PARALLEL_TO_MIDDLE.to(dtype)
    yield "1 ray, 1 segment", camera_rays(1, dtype), random_segments(1, 4, dtype)
    yield "no rays", camera_rays(0, dtype), random_segments(3, 5, dtype)
    yield "3 rays and no segments", camera_rays(3, dtype), random_segments(0, 6, dtype)
    yield "9 rays stored strided with gaps", strided(camera_rays(9, dtype)), mixed


def check(learner):
    for dtype in (torch.float32, torch.float64):
        for description, rays, segments in scenes(dtype):
            with context(description):
                got = call_batched(learner.intersect_rays_1d, rays, segments, name="intersect_rays_1d", parallel_to="a segment")
                expect_per_ray(
                    got, loop_reference(rays, segments), rays,
                    lambda i: explain_segments(rays[i], segments),
                    what="which rays hit a segment",
                )

    advice = "Pair rays and segments on two dimensions, (nrays, nsegments), and solve all the systems in one torch.linalg.solve."
    expect_no_loop(
        learner, "intersect_rays_1d", lambda n: (random_rays(n, 8), random_segments(5, 9)),
        over="rays", one="ray", advice=advice,
    )
    expect_no_loop(
        learner, "intersect_rays_1d", lambda n: (camera_rays(5), random_segments(n, 10)),
        over="segments", one="segment", advice=advice,
    )
