import torch
import torch.nn.functional as F

from mlkata.checking import context, expect_close, expect_equal, layouts, randn
from mlkata.checking.windows import expect_window_shape, explain_view_overrun, memory_layouts

TOLERANCES = {torch.float32: {"rtol": 1e-4, "atol": 1e-5}, torch.float64: {"rtol": 1e-10, "atol": 1e-10}}

WIDTHS = (8, 7, 6, 5)  # even and odd, cycled through the cases
KERNELS_1D = (3, 2, 1, 4)
STRIDES_1D = (2, 1, 3, 5)  # 3 and 5 are larger than some kernels

SIZES_2D = ((7, 8), (6, 5), (8, 7))
KERNELS_2D = ((3, 3), (2, 3), (4, 2), (1, 1))
STRIDES_2D = (2, 1, (1, 2), (3, 1), (2, 4))


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def paddings_1d(kernel):
    return sorted({0, 1, kernel // 2})


def paddings_2d(kernel):
    half = (kernel[0] // 2, kernel[1] // 2)
    found = [0, 1, (1, 0), (0, 2)]
    return found if half in ((0, 0), (1, 1)) else found + [half]


def sweep(strides, paddings, shift):
    """Each stride once and each padding at least once, paired in turn (`shift` varies the pairing)."""
    count = max(len(strides), len(paddings))
    return [(strides[i % len(strides)], paddings[(i + shift) % len(paddings)]) for i in range(count)]


def compare_1d(learner, x, weights, stride, padding):
    expected = F.conv1d(x, weights, stride=stride, padding=padding)
    windows = [("width", x.shape[-1], weights.shape[-1], stride, padding)]
    with explain_view_overrun(windows):
        got = learner.conv1d(x, weights, stride=stride, padding=padding)
    expect_window_shape(got, expected.shape, windows)
    expect_close(got, expected, what="conv1d(x, weights, stride, padding)", **TOLERANCES[x.dtype])


def compare_2d(learner, x, weights, stride, padding):
    expected = F.conv2d(x, weights, stride=stride, padding=padding)
    (step_h, step_w), (pad_h, pad_w) = pair(stride), pair(padding)
    windows = [
        ("height", x.shape[-2], weights.shape[-2], step_h, pad_h),
        ("width", x.shape[-1], weights.shape[-1], step_w, pad_w),
    ]
    with explain_view_overrun(windows):
        got = learner.conv2d(x, weights, stride=stride, padding=padding)
    expect_window_shape(got, expected.shape, windows)
    expect_close(got, expected, what="conv2d(x, weights, stride, padding)", **TOLERANCES[x.dtype])


def check(learner):
    expect_equal(learner.force_pair(3), (3, 3), what="force_pair(3)")
    expect_equal(learner.force_pair(1), (1, 1), what="force_pair(1)")
    expect_equal(learner.force_pair((2, 5)), (2, 5), what="force_pair((2, 5))")

    # Every kernel with every stride, and with every padding (0, 1 and kernel // 2);
    # input sizes cycle between even and odd.
    seed = 0
    for k, kernel in enumerate(KERNELS_1D):
        for i, (stride, padding) in enumerate(sweep(STRIDES_1D, paddings_1d(kernel), shift=k)):
            seed += 1
            x = randn(2, 2, WIDTHS[(i + k) % len(WIDTHS)], seed=seed)  # each stride meets every width
            weights = randn(3, 2, kernel, seed=1000 + seed)
            compare_1d(learner, x, weights, stride, padding)

    for k, kernel in enumerate(KERNELS_2D):
        for stride, padding in sweep(STRIDES_2D, paddings_2d(kernel), shift=k):
            seed += 1
            x = randn(2, 2, *SIZES_2D[seed % len(SIZES_2D)], seed=seed)
            weights = randn(3, 2, *kernel, seed=1000 + seed)
            compare_2d(learner, x, weights, stride, padding)

    # Non-contiguous inputs. Without padding, x itself is what gets sliced.
    x = randn(2, 3, 9, seed=2001)
    weights = randn(4, 3, 3, seed=2002)
    for layout, x_in in memory_layouts(x):
        with context(f"x {layout}"):
            compare_1d(learner, x_in, weights, 2, 0)
    with context("x transposed in memory, with padding"):
        compare_1d(learner, memory_layouts(x)[1][1], weights, 2, 1)
    with context("weights transposed in memory"):
        compare_1d(learner, x, layouts(weights)[1][1], 2, 1)

    x = randn(2, 3, 7, 8, seed=2003)
    weights = randn(4, 3, 3, 2, seed=2004)
    for layout, x_in in memory_layouts(x):
        with context(f"x {layout}"):
            compare_2d(learner, x_in, weights, (2, 3), 0)
    with context("x transposed in memory, with padding"):
        compare_2d(learner, memory_layouts(x)[1][1], weights, (2, 3), (1, 0))
    with context("weights transposed in memory"):
        compare_2d(learner, x, layouts(weights)[1][1], 2, 1)

    with context("float64 inputs"):
        x = randn(2, 3, 9, seed=2005, dtype=torch.float64)
        weights = randn(4, 3, 4, seed=2006, dtype=torch.float64)
        compare_1d(learner, x, weights, 3, 2)
        x = randn(2, 3, 7, 8, seed=2007, dtype=torch.float64)
        weights = randn(4, 3, 3, 2, seed=2008, dtype=torch.float64)
        compare_2d(learner, x, weights, (2, 1), (1, 2))

    with context("an empty batch"):
        compare_1d(learner, randn(0, 2, 6, seed=2009), randn(3, 2, 3, seed=2010), 2, 1)
        compare_2d(learner, randn(0, 2, 6, 5, seed=2011), randn(3, 2, 3, 3, seed=2012), 2, 1)
