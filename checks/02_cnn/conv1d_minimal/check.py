import torch
import torch.nn.functional as F

from mlkata.checking import context, expect_close, expect_matches, layouts, randn
from mlkata.checking.windows import expect_window_shape, explain_view_overrun, memory_layouts

TOLERANCES = {torch.float32: {"rtol": 1e-4, "atol": 1e-5}, torch.float64: {"rtol": 1e-10, "atol": 1e-10}}

# (batch, in_channels, width, out_channels, kernel_width)
CASES = [
    (2, 3, 10, 4, 3),
    (2, 3, 9, 4, 4),  # even kernel, odd width
    (3, 2, 6, 5, 1),  # 1-wide kernel: one output per input position
    (1, 1, 5, 1, 5),  # kernel as wide as the input: a single output
    (0, 2, 7, 3, 2),  # empty batch
]


def windows(x, weights):
    return [("width", x.shape[-1], weights.shape[-1], 1, 0)]


def judge(got, expected, x, weights, what):
    """A wrong output size is explained with the window formula, filled in."""
    expect_window_shape(got, expected.shape, windows(x, weights))
    expect_close(got, expected, what=what, **TOLERANCES[x.dtype])


def compare(learner, x, weights):
    with explain_view_overrun(windows(x, weights)):
        expect_matches(learner.conv1d_minimal, F.conv1d, x, weights, judge=judge)


def check(learner):
    for seed, (batch, in_channels, width, out_channels, kernel_width) in enumerate(CASES):
        x = randn(batch, in_channels, width, seed=seed)
        weights = randn(out_channels, in_channels, kernel_width, seed=100 + seed)
        compare(learner, x, weights)

    x = randn(2, 3, 8, seed=7)
    weights = randn(4, 3, 3, seed=8)
    for layout, x_in in memory_layouts(x):
        with context(f"x {layout}"):
            compare(learner, x_in, weights)
    for layout, weights_in in layouts(weights):
        with context(f"weights {layout}"):
            compare(learner, x, weights_in)

    for seed, (batch, in_channels, width, out_channels, kernel_width) in enumerate(CASES):
        x = randn(batch, in_channels, width, seed=seed, dtype=torch.float64)
        weights = randn(out_channels, in_channels, kernel_width, seed=100 + seed, dtype=torch.float64)
        with context("float64 inputs"):
            compare(learner, x, weights)
