import torch

from mlkata.checking import CheckFailed, describe, load_reference, randn
from mlkata.checking.rays import point_text, triangle_crossing

reference = load_reference(__file__)

# Where the ray's line meets the triangle's plane: O + u D = A + s (B - A) + t (C - A).
HITS = [(2.0, 0.2, 0.3), (0.5, 0.6, 0.1), (3.0, 0.1, 0.8)]
MISSES = [
    (-1.5, 0.3, 0.3),  # behind the origin
    (2.0, -0.3, 0.4),  # s < 0
    (2.0, 0.4, -0.2),  # t < 0
    (2.0, 0.6, 0.7),  # s + t > 1, though s and t are both in [0, 1]
    (-1.0, 1.3, 0.2),  # behind, and s + t > 1
]

# Degenerate cases, all misses: (A, B, C, O, D).
SINGULAR = [
    # the ray runs parallel to the plane z = 0.5 that holds the triangle
    ([1, 0, 0.5], [3, -1, 0.5], [2, 2, 0.5], [0, 0, 0], [1, 0.5, 0]),
    # the ray runs parallel to the plane x = 2 that holds the triangle
    ([2, -1, -1], [2, 1, -1], [2, 0, 1], [0, 0, 0], [0, 1, 0.5]),
    # the triangle has no area: its corners lie on one line
    ([2, 0, 0], [2, 1, 1], [2, 2, 2], [0, 0, 0], [1, 0.5, 0.25]),
]


def crossing_at(u, s, t, seed, dtype):
    """A triangle and a ray whose line meets the triangle's plane at the given u, s, t."""
    A, B, C = randn(3, 3, seed=seed, dtype=torch.float64) + torch.tensor([2.0, 0.0, 0.0], dtype=torch.float64)
    D = randn(3, seed=seed + 10, dtype=torch.float64)
    O = A + s * (B - A) + t * (C - A) - u * D
    return [point.to(dtype) for point in (A, B, C, O, D)]


def check(learner):
    for dtype in (torch.float32, torch.float64):
        for seed in range(3):
            for u, s, t in HITS + MISSES:
                _expect_answer(learner, *crossing_at(u, s, t, seed, dtype))
        for points in SINGULAR:
            _expect_answer(learner, *(torch.tensor(point, dtype=dtype) for point in points))


def _expect_answer(learner, A, B, C, O, D):
    expected = reference.triangle_line_intersects(A, B, C, O, D)
    _, why = triangle_crossing(torch.stack([A, B, C]), torch.stack([O, D]))
    about = (
        f"triangle: A = {point_text(A)}, B = {point_text(B)}, C = {point_text(C)}",
        f"ray: O = {point_text(O)}, D = {point_text(D)}",
        f"the ray's line meets the triangle's plane at {why}",
    )
    try:
        got = learner.triangle_line_intersects(A, B, C, O, D)
    except torch.linalg.LinAlgError as error:
        raise CheckFailed(
            "triangle_line_intersects raised torch.linalg.LinAlgError: the matrix is singular",
            (
                *about,
                str(error).strip().splitlines()[0],
                "A singular matrix means the ray is parallel to the triangle's plane (or the triangle "
                "has no area): catch torch.linalg.LinAlgError around the solve and return False.",
            ),
        ) from None
    if not isinstance(got, bool):
        raise CheckFailed(
            f"triangle_line_intersects returned {describe(got)} ({type(got).__name__}); return a Python bool",
            ("Turn a one-element tensor into a bool with .item() or bool(...).",),
        )
    if got != expected:
        raise CheckFailed(f"triangle_line_intersects returned {got}, expected {expected}", about)
