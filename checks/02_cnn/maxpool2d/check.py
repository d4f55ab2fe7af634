import torch
import torch.nn.functional as F

from mlkata.checking import context, expect_equal, rand, randn
from mlkata.checking.windows import expect_window_shape, explain_view_overrun, memory_layouts

SIZES = ((7, 8), (6, 5), (8, 7), (5, 6))
KERNELS = (3, 2, (2, 3), (3, 1), 1)
STRIDES = (None, 2, 1, 3, (1, 2), 4)  # 3 and 4 are larger than some kernels


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def paddings(kernel):
    """0, 1, (0, 1) and kernel // 2, where torch allows them (at most half the kernel)."""
    kernel_h, kernel_w = pair(kernel)
    found = []
    for padding in (0, 1, (0, 1), (kernel_h // 2, kernel_w // 2)):
        pad_h, pad_w = pair(padding)
        if 2 * pad_h <= kernel_h and 2 * pad_w <= kernel_w and pair(padding) not in [pair(p) for p in found]:
            found.append(padding)
    return found


def all_negative(*shape, seed, dtype=torch.float32):
    """Values in (-1.1, -0.1]: a window of padding must never report a larger maximum."""
    return -(rand(*shape, seed=seed, dtype=dtype) + 0.1)


def compare(learner, x, kernel_size, stride, padding):
    expected = F.max_pool2d(x, kernel_size, stride, padding)
    (kernel_h, kernel_w), (pad_h, pad_w) = pair(kernel_size), pair(padding)
    step_h, step_w = pair(kernel_size if stride is None else stride)
    windows = [
        ("height", x.shape[-2], kernel_h, step_h, pad_h),
        ("width", x.shape[-1], kernel_w, step_w, pad_w),
    ]
    with explain_view_overrun(windows):
        got = learner.maxpool2d(x, kernel_size, stride, padding)
    expect_window_shape(got, expected.shape, windows)
    expect_equal(got, expected, what="maxpool2d(x, kernel_size, stride, padding)")


def check(learner):
    # Every kernel with every stride, and with every padding torch allows for it; the
    # image size cycles between even and odd. Padded cases use all-negative inputs.
    seed = 0
    for k, kernel in enumerate(KERNELS):
        pads = paddings(kernel)  # never more of them than strides
        for i, stride in enumerate(STRIDES):
            padding = pads[(i + k) % len(pads)]
            seed += 1
            height, width = SIZES[seed % len(SIZES)]
            if padding == 0:
                compare(learner, randn(2, 3, height, width, seed=seed), kernel, stride, padding)
            else:
                with context("an all-negative input"):
                    x = all_negative(2, 3, height, width, seed=seed)
                    compare(learner, x, kernel, stride, padding)

    x = randn(2, 3, 7, 8, seed=1001)
    for layout, x_in in memory_layouts(x):
        with context(f"x {layout}"):
            compare(learner, x_in, 2, None, 0)
            compare(learner, x_in, (3, 2), (2, 1), 0)
    with context("x transposed in memory, with padding"):
        compare(learner, memory_layouts(x)[1][1], 3, 2, 1)

    with context("float64, all-negative input"):
        compare(learner, all_negative(2, 2, 6, 7, seed=1002, dtype=torch.float64), 3, 2, 1)
    with context("an empty batch"):
        compare(learner, randn(0, 2, 6, 6, seed=1003), 2, None, 0)
    with context("a 1 × 1 image"):
        compare(learner, randn(2, 3, 1, 1, seed=1004), 1, None, 0)
