import torch
import torch.nn.functional as F

from mlkata.checking import CheckFailed, Mistake, context, expect_equal, expect_matches, part, randint, randn
from mlkata.checking.describe import dtype_text
from mlkata.checking.windows import Refused, explaining, memory_layouts, shares_memory

INF = float("inf")
# (left, right, pad_value)
PADS_1D = [(1, 2, 0.0), (3, 0, -1.5), (0, 2, -INF), (2, 2, INF), (0, 0, 7.0)]
# (left, right, top, bottom, pad_value)
PADS_2D = [
    (1, 2, 3, 0, 0.0),
    (0, 3, 1, 2, -INF),
    (2, 0, 0, 1, 4.5),
    (1, 1, 1, 1, -2.0),
    (0, 0, 0, 0, 1.0),
]


def judge(got, expected, x, *pads, what):
    """Exact values, a dtype that is x's own, and never x's own memory."""
    if isinstance(got, Refused):
        raise got.failure
    if isinstance(got, torch.Tensor) and got.dtype != expected.dtype:
        raise CheckFailed(
            f"{what} has dtype {dtype_text(got.dtype)}; expected {dtype_text(expected.dtype)}, the input's",
            ("x.new_full(shape, pad_value) makes a tensor with x's dtype and device; "
             "torch.full(shape, pad_value) uses the default dtype (float32) instead.",),
        )
    expect_equal(got, expected, what=what)
    if x.numel() > 0 and shares_memory(got, x):
        raise CheckFailed(
            f"{what} returned x itself (or a view of it), not a new tensor",
            ("Even with nothing to pad, the result must not share x's memory: whoever writes into the padded "
             "tensor would change x too. Build the result with new_full every time (or return x.clone()).",),
        )


def pad_1d_mistakes():
    """Known wrong formulas; each gives None where it would give the right result."""
    return [
        Mistake("it fills the padding with 0, not pad_value",
                lambda x, left, right, pad_value: F.pad(x, (left, right)) if pad_value != 0 and left + right else None,
                "Fill the new tensor with pad_value: x.new_full(shape, pad_value)."),
        Mistake("it swaps left and right",
                lambda x, left, right, pad_value: F.pad(x, (right, left), value=pad_value) if left != right else None,
                "left pads the start of the width (index 0), right pads its end: x goes at left : left + width."),
        Mistake("it pads both sides by left",
                lambda x, left, right, pad_value: F.pad(x, (left, left), value=pad_value) if left != right else None,
                "The result is left + width + right wide."),
    ]


def pad_2d_mistakes():
    """Known wrong formulas; each gives None where it would give the right result."""
    return [
        Mistake("it pads the height with left/right and the width with top/bottom",
                lambda x, left, right, top, bottom, pad_value:
                F.pad(x, (top, bottom, left, right), value=pad_value) if (left, right) != (top, bottom) else None,
                "left and right pad the last dimension (width), top and bottom the one before it (height)."),
        Mistake("it fills the padding with 0, not pad_value",
                lambda x, left, right, top, bottom, pad_value:
                F.pad(x, (left, right, top, bottom)) if pad_value != 0 and left + right + top + bottom else None,
                "Fill the new tensor with pad_value: x.new_full(shape, pad_value)."),
        Mistake("it swaps left and right",
                lambda x, left, right, top, bottom, pad_value:
                F.pad(x, (right, left, top, bottom), value=pad_value) if left != right else None,
                "left pads the start of the width (index 0), right pads its end."),
        Mistake("it swaps top and bottom",
                lambda x, left, right, top, bottom, pad_value:
                F.pad(x, (left, right, bottom, top), value=pad_value) if top != bottom else None,
                "top pads the start of the height (row 0), bottom pads its end."),
    ]


def compare_1d(learner, x, left, right, pad_value):
    expect_matches(explaining(learner.pad1d), lambda x, left, right, pad_value: F.pad(x, (left, right), value=pad_value),
                   x, left, right, pad_value, what="pad1d(x, left, right, pad_value)", judge=judge,
                   mistakes=pad_1d_mistakes())


def compare_2d(learner, x, left, right, top, bottom, pad_value):
    expect_matches(explaining(learner.pad2d),
                   lambda x, left, right, top, bottom, pad_value: F.pad(x, (left, right, top, bottom), value=pad_value),
                   x, left, right, top, bottom, pad_value, what="pad2d(x, left, right, top, bottom, pad_value)",
                   judge=judge, mistakes=pad_2d_mistakes())


@part("pad1d")
def check_pad1d(learner):
    for dtype in (torch.float32, torch.float64):
        x = randn(2, 3, 5, seed=1, dtype=dtype)
        for left, right, value in PADS_1D:
            compare_1d(learner, x, left, right, value)

    with context("an int64 input (the result keeps the input's dtype)"):
        compare_1d(learner, randint(-9, 9, 2, 2, 4, seed=3), 2, 1, -1)

    for layout, x_in in memory_layouts(randn(2, 3, 6, seed=5)):
        with context(f"x {layout}"):
            compare_1d(learner, x_in, 2, 1, -3.0)

    with context("sizes of 1 and 0"):
        for shape in ((1, 1, 1), (0, 2, 3), (2, 0, 3), (2, 3, 0)):
            compare_1d(learner, randn(*shape, seed=7), 1, 2, 0.5)


@part("pad2d")
def check_pad2d(learner):
    for dtype in (torch.float32, torch.float64):
        x = randn(2, 3, 4, 5, seed=2, dtype=dtype)
        for left, right, top, bottom, value in PADS_2D:
            compare_2d(learner, x, left, right, top, bottom, value)

    with context("an int64 input (the result keeps the input's dtype)"):
        compare_2d(learner, randint(-9, 9, 1, 2, 3, 4, seed=4), 1, 0, 2, 1, 5)

    for layout, x_in in memory_layouts(randn(2, 3, 4, 6, seed=6)):
        with context(f"x {layout}"):
            compare_2d(learner, x_in, 2, 1, 0, 3, -3.0)

    with context("sizes of 1 and 0"):
        for shape in ((1, 1, 1, 1), (0, 2, 3, 3), (2, 1, 0, 3), (1, 2, 3, 0)):
            compare_2d(learner, randn(*shape, seed=8), 1, 2, 2, 1, 0.5)
