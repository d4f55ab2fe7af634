import torch
import torch.nn.functional as F

from mlkata.checking import CheckFailed, context, expect_equal, randint, randn
from mlkata.checking.windows import memory_layouts

INF = float("inf")
# (left, right, pad_value)
PADS_1D = [(1, 2, 0.0), (3, 0, -1.5), (0, 2, -INF), (0, 0, 7.0), (2, 2, INF)]
# (left, right, top, bottom, pad_value)
PADS_2D = [
    (1, 2, 3, 0, 0.0),
    (0, 3, 1, 2, -INF),
    (2, 0, 0, 1, 4.5),
    (0, 0, 0, 0, 1.0),
    (1, 1, 1, 1, -2.0),
]


def expect_padded(got, expected, what):
    """Exact equality, after a dtype check that says where a wrong dtype comes from."""
    if isinstance(got, torch.Tensor) and got.dtype != expected.dtype:
        raise CheckFailed(
            f"{what} has dtype {str(got.dtype).removeprefix('torch.')}; expected {str(expected.dtype).removeprefix('torch.')}, the input's",
            ("x.new_full(shape, pad_value) makes a tensor with x's dtype and device; "
            "torch.full(shape, pad_value) uses the default dtype (float32) instead.",),
        )
    expect_equal(got, expected, what=what)


def check(learner):
    for dtype in (torch.float32, torch.float64):
        x = randn(2, 3, 5, seed=1, dtype=dtype)
        for left, right, value in PADS_1D:
            expected = F.pad(x, (left, right), value=value)
            expect_padded(learner.pad1d(x, left, right, value), expected, what="pad1d(x, left, right, pad_value)")

        x = randn(2, 3, 4, 5, seed=2, dtype=dtype)
        for left, right, top, bottom, value in PADS_2D:
            expected = F.pad(x, (left, right, top, bottom), value=value)
            expect_padded(
                learner.pad2d(x, left, right, top, bottom, value),
                expected,
                what="pad2d(x, left, right, top, bottom, pad_value)",
            )

    with context("an int64 input (the result keeps the input's dtype)"):
        x = randint(-9, 9, 2, 2, 4, seed=3)
        expect_padded(learner.pad1d(x, 2, 1, -1), F.pad(x, (2, 1), value=-1), what="pad1d(x, 2, 1, -1)")
        x = randint(-9, 9, 1, 2, 3, 4, seed=4)
        expect_padded(learner.pad2d(x, 1, 0, 2, 1, 5), F.pad(x, (1, 0, 2, 1), value=5), what="pad2d(x, 1, 0, 2, 1, 5)")

    for layout, x_in in memory_layouts(randn(2, 3, 6, seed=5)):
        with context(f"x {layout}"):
            expected = F.pad(x_in, (2, 1), value=-3.0)
            expect_padded(learner.pad1d(x_in, 2, 1, -3.0), expected, what="pad1d(x, 2, 1, -3.0)")
    for layout, x_in in memory_layouts(randn(2, 3, 4, 6, seed=6)):
        with context(f"x {layout}"):
            expected = F.pad(x_in, (2, 1, 0, 3), value=-3.0)
            expect_padded(learner.pad2d(x_in, 2, 1, 0, 3, -3.0), expected, what="pad2d(x, 2, 1, 0, 3, -3.0)")

    with context("sizes of 1 and 0"):
        for shape in ((1, 1, 1), (0, 2, 3), (2, 0, 3), (2, 3, 0)):
            x = randn(*shape, seed=7)
            expect_padded(learner.pad1d(x, 1, 2, 0.5), F.pad(x, (1, 2), value=0.5), what="pad1d(x, 1, 2, 0.5)")
        for shape in ((1, 1, 1, 1), (0, 2, 3, 3), (2, 1, 0, 3), (1, 2, 3, 0)):
            x = randn(*shape, seed=8)
            expect_padded(learner.pad2d(x, 1, 2, 2, 1, 0.5), F.pad(x, (1, 2, 2, 1), value=0.5), what="pad2d(x, 1, 2, 2, 1, 0.5)")
