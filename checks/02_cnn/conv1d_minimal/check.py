import torch
import torch.nn.functional as F

from mlkata.checking import Mistake, context, layouts, randn
from mlkata.checking.windows import expect_windows_match, layout_note, memory_layouts

# (batch, in_channels, width, out_channels, kernel_width)
CASES = [
    (2, 3, 10, 4, 3),
    (2, 3, 9, 4, 4),  # even kernel, odd width
    (3, 2, 6, 5, 1),  # 1-wide kernel: one output per input position
    (1, 1, 5, 1, 5),  # kernel as wide as the input: a single output
]
EMPTY_BATCH = (0, 2, 7, 3, 2)

MISTAKES = [
    Mistake(
        "it flips the kernel (that is a true convolution; torch's conv1d does not flip)",
        lambda x, weights: F.conv1d(x, weights.flip(-1)),
        "result[b, o, i] = sum over c and k of x[b, c, i + k] * weights[o, c, k]: window position k meets weights[..., k].",
    ),
    Mistake(
        "it reads weights as (in_channels, out_channels, kernel_width)",
        lambda x, weights: F.conv1d(x, weights.transpose(0, 1)),
        "weights is (out_channels, in_channels, kernel_width): in the einsum, its letters are o, c, k in that order.",
    ),
    Mistake(
        "it does not sum over the input channels",
        lambda x, weights: torch.einsum("bcik,ock->boci", x.unfold(2, weights.shape[-1], 1), weights),
        "Every output channel sums over all input channels: leave c out after the arrow (\"bcik,ock->boi\").",
    ),
    Mistake(
        "its output dimensions are (batch, output_width, out_channels)",
        lambda x, weights: F.conv1d(x, weights).transpose(1, 2),
        "The result is (batch, out_channels, output_width): \"bcik,ock->boi\".",
    ),
]


def windows(x, weights):
    return [("width", x.shape[-1], weights.shape[-1], 1, 0)]


def summed_terms(x, weights):
    return weights.shape[1] * weights.shape[2]  # each output sums in_channels * kernel_width products


def compare(learner, x, weights):
    expect_windows_match(learner.conv1d_minimal, F.conv1d, x, weights, windows=windows,
                         condition=summed_terms, mistakes=MISTAKES)


def inputs(case, seed, dtype=torch.float32):
    batch, in_channels, width, out_channels, kernel_width = case
    x = randn(batch, in_channels, width, seed=seed, dtype=dtype)
    weights = randn(out_channels, in_channels, kernel_width, seed=100 + seed, dtype=dtype)
    return x, weights


def check(learner):
    for seed, case in enumerate(CASES):
        compare(learner, *inputs(case, seed))

    x, weights = inputs((2, 3, 8, 4, 3), seed=7)
    for layout, x_in in memory_layouts(x):
        with context(f"x {layout}"), layout_note(layout, "x", x_in):
            compare(learner, x_in, weights)
    for layout, weights_in in layouts(weights)[1:]:
        with context(f"weights {layout}"), layout_note(layout, "weights", weights_in):
            compare(learner, x, weights_in)

    for seed, case in enumerate(CASES):
        with context("float64 inputs"):
            compare(learner, *inputs(case, seed, torch.float64))

    with context("an empty batch"):
        compare(learner, *inputs(EMPTY_BATCH, seed=4))
