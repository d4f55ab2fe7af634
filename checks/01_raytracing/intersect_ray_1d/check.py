import torch

from mlkata.checking import CheckFailed, describe, load_reference, randn
from mlkata.checking.rays import point_text, ray_text, segment_crossing

reference = load_reference(__file__)

# Where the ray's line meets the segment's line: O + u D = L1 + v (L2 - L1).
HITS = [(2.0, 0.5), (0.5, 0.1), (3.0, 0.9)]
MISSES = [(-1.5, 0.5), (2.0, -0.4), (2.0, 1.6), (-0.7, 1.4)]  # behind, before L1, beyond L2, both

# Degenerate cases, all misses: a ray parallel to the segment, and a segment of length 0.
PARALLEL = [
    ([[0, 0, 0], [1, 0.5, 0]], [[0, 1, 0], [2, 2, 0]]),
    ([[0, 0, 0], [1, -0.25, 0]], [[3, 1, 0], [7, 0, 0]]),
    ([[1, 1, 0], [0, 1, 0]], [[2, -3, 0], [2, 5, 0]]),
    ([[0, 0, 0], [1, 0.5, 0]], [[2, 3, 0], [2, 3, 0]]),
]


def crossing_at(u, v, seed, dtype):
    """A ray and a segment (z = 0) whose lines meet at the given u and v."""
    flat = torch.tensor([1.0, 1.0, 0.0], dtype=torch.float64)
    O = randn(3, seed=seed, dtype=torch.float64) * flat if seed else torch.zeros(3, dtype=torch.float64)
    D = torch.tensor([1.0, float(randn(1, seed=seed + 10)), 0.0], dtype=torch.float64)
    along = torch.tensor([float(randn(1, seed=seed + 20)), 1.5, 0.0], dtype=torch.float64)  # L2 - L1
    L1 = O + u * D - v * along
    return torch.stack([O, D]).to(dtype), torch.stack([L1, L1 + along]).to(dtype)


def check(learner):
    for dtype in (torch.float32, torch.float64):
        for seed in range(3):
            for u, v in HITS + MISSES:
                _expect_answer(learner, *crossing_at(u, v, seed, dtype))
        for ray, segment in PARALLEL:
            _expect_answer(learner, torch.tensor(ray, dtype=dtype), torch.tensor(segment, dtype=dtype))


def _expect_answer(learner, ray, segment):
    expected = reference.intersect_ray_1d(ray, segment)
    _, why = segment_crossing(ray, segment)
    about = (f"ray: {ray_text(ray)}", f"segment: L1 = {point_text(segment[0])}, L2 = {point_text(segment[1])}", f"the lines meet at {why}")
    try:
        got = learner.intersect_ray_1d(ray, segment)
    except torch.linalg.LinAlgError as error:
        raise CheckFailed(
            "intersect_ray_1d raised torch.linalg.LinAlgError for a ray parallel to the segment",
            (
                *about,
                str(error).strip().splitlines()[0],
                "A singular matrix means the ray is parallel to the segment: catch "
                "torch.linalg.LinAlgError around the solve and return False.",
            ),
        ) from None
    if not isinstance(got, bool):
        raise CheckFailed(
            f"intersect_ray_1d returned {describe(got)} ({type(got).__name__}); return a Python bool",
            ("Turn a one-element tensor into a bool with .item() or bool(...).",),
        )
    if got != expected:
        raise CheckFailed(f"intersect_ray_1d returned {got}, expected {expected}", about)
