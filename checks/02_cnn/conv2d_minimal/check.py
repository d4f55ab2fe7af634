import torch
import torch.nn.functional as F

from mlkata.checking import context, expect_close, layouts, randn
from mlkata.checking.windows import expect_window_shape, explain_view_overrun, memory_layouts

TOLERANCES = {torch.float32: {"rtol": 1e-4, "atol": 1e-5}, torch.float64: {"rtol": 1e-10, "atol": 1e-10}}

# (batch, in_channels, height, width, out_channels, kernel_height, kernel_width)
CASES = [
    (2, 3, 6, 7, 4, 3, 3),
    (2, 3, 7, 8, 4, 2, 3),  # kernel wider than tall
    (1, 2, 8, 5, 3, 4, 1),  # kernel taller than wide, even height
    (3, 1, 4, 4, 2, 1, 1),  # 1 × 1 kernel
    (1, 2, 5, 6, 1, 5, 6),  # kernel as large as the input: a single output
    (0, 2, 5, 5, 3, 2, 2),  # empty batch
]


def compare(learner, x, weights):
    expected = F.conv2d(x, weights)
    windows = [
        ("height", x.shape[-2], weights.shape[-2], 1, 0),
        ("width", x.shape[-1], weights.shape[-1], 1, 0),
    ]
    with explain_view_overrun(windows):
        got = learner.conv2d_minimal(x, weights)
    expect_window_shape(got, expected.shape, windows)
    expect_close(got, expected, what="conv2d_minimal(x, weights)", **TOLERANCES[x.dtype])


def inputs(case, seed, dtype=torch.float32):
    batch, in_channels, height, width, out_channels, kernel_height, kernel_width = case
    x = randn(batch, in_channels, height, width, seed=seed, dtype=dtype)
    weights = randn(out_channels, in_channels, kernel_height, kernel_width, seed=100 + seed, dtype=dtype)
    return x, weights


def check(learner):
    for seed, case in enumerate(CASES):
        compare(learner, *inputs(case, seed))

    x, weights = inputs((2, 3, 6, 7, 4, 2, 3), seed=50)
    for layout, x_in in memory_layouts(x):
        with context(f"x {layout}"):
            compare(learner, x_in, weights)
    for layout, weights_in in layouts(weights):
        with context(f"weights {layout}"):
            compare(learner, x, weights_in)

    for seed, case in enumerate(CASES):
        with context("float64 inputs"):
            compare(learner, *inputs(case, seed, torch.float64))
