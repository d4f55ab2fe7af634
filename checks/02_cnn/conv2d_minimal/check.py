import torch
import torch.nn.functional as F

from mlkata.checking import Mistake, context, layouts, randn
from mlkata.checking.windows import expect_windows_match, layout_note, memory_layouts

# (batch, in_channels, height, width, out_channels, kernel_height, kernel_width)
CASES = [
    (2, 3, 6, 7, 4, 3, 3),
    (2, 3, 7, 8, 4, 2, 3),  # kernel wider than tall
    (1, 2, 8, 5, 3, 4, 1),  # kernel taller than wide, even height
    (3, 1, 4, 4, 2, 1, 1),  # 1 × 1 kernel
    (1, 2, 5, 6, 1, 5, 6),  # kernel as large as the input: a single output
]
EMPTY_BATCH = (0, 2, 5, 5, 3, 2, 2)

MISTAKES = [
    Mistake(
        "it flips the kernel (that is a true convolution; torch's conv2d does not flip)",
        lambda x, weights: F.conv2d(x, weights.flip(-2, -1)),
        "result[b, o, i, j] = sum over c, y, z of x[b, c, i + y, j + z] * weights[o, c, y, z]: the kernel is not flipped.",
    ),
    Mistake(
        "it swaps the kernel's height and width (the two kernel dimensions of the view have each other's strides)",
        lambda x, weights: F.conv2d(x, weights.transpose(-2, -1)),
        "The view's kernel-height dimension steps along x's height (stride_h), its kernel-width dimension along x's width (stride_w).",
    ),
    Mistake(
        "it reads weights as (in_channels, out_channels, kernel_height, kernel_width)",
        lambda x, weights: F.conv2d(x, weights.transpose(0, 1)),
        "weights is (out_channels, in_channels, kernel_height, kernel_width): in the einsum, its letters are o, c, y, z in that order.",
    ),
    Mistake(
        "it does not sum over the input channels",
        lambda x, weights: torch.einsum(
            "bcijyz,ocyz->bocij", x.unfold(2, weights.shape[-2], 1).unfold(3, weights.shape[-1], 1), weights),
        'Every output channel sums over all input channels: leave c out after the arrow ("bcijyz,ocyz->boij").',
    ),
]


def windows(x, weights):
    return [("height", x.shape[-2], weights.shape[-2], 1, 0), ("width", x.shape[-1], weights.shape[-1], 1, 0)]


def summed_terms(x, weights):
    return weights[0].numel()  # each output sums in_channels * kernel_height * kernel_width products


def compare(learner, x, weights):
    expect_windows_match(learner.conv2d_minimal, F.conv2d, x, weights, windows=windows,
                         condition=summed_terms, mistakes=MISTAKES)


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
        with context(f"x {layout}"), layout_note(layout, "x", x_in):
            compare(learner, x_in, weights)
    for layout, weights_in in layouts(weights)[1:]:
        with context(f"weights {layout}"), layout_note(layout, "weights", weights_in):
            compare(learner, x, weights_in)

    for seed, case in enumerate(CASES):
        with context("float64 inputs"):
            compare(learner, *inputs(case, seed, torch.float64))

    with context("an empty batch"):
        compare(learner, *inputs(EMPTY_BATCH, seed=5))
