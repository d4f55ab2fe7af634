import torch
import torch.nn.functional as F

from mlkata.checking import Mistake, context, rand, randn
from mlkata.checking.windows import expect_windows_match, layout_note, memory_layouts

SIZES = ((7, 8), (6, 5), (8, 7), (5, 6))
KERNELS = (3, 2, (2, 3), (3, 1), 1)
STRIDES = (None, 2, 1, 3, (1, 2), 4)  # 3 and 4 are larger than some kernels


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def settings(kernel_size, stride, padding):
    """((kernel_h, kernel_w), (step_h, step_w), (pad_h, pad_w)) as torch reads them."""
    return pair(kernel_size), pair(kernel_size if stride is None else stride), pair(padding)


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


def windows(x, kernel_size, stride, padding):
    (kernel_h, kernel_w), (step_h, step_w), (pad_h, pad_w) = settings(kernel_size, stride, padding)
    return [("height", x.shape[-2], kernel_h, step_h, pad_h), ("width", x.shape[-1], kernel_w, step_w, pad_w)]


def zero_padded(x, kernel_size, stride, padding):
    (_, _), (step_h, step_w), (pad_h, pad_w) = settings(kernel_size, stride, padding)
    if pad_h == pad_w == 0:
        return None
    return F.max_pool2d(F.pad(x, (pad_w, pad_w, pad_h, pad_h)), kernel_size, (step_h, step_w))


def kernel_swapped(x, kernel_size, stride, padding):
    (kernel_h, kernel_w), (step_h, step_w), (pad_h, pad_w) = settings(kernel_size, stride, padding)
    if kernel_h == kernel_w:
        return None
    return F.max_pool2d(x, (kernel_w, kernel_h), (step_h, step_w), padding)


def pad_order_swapped(x, kernel_size, stride, padding):
    (_, _), steps, (pad_h, pad_w) = settings(kernel_size, stride, padding)
    if pad_h == pad_w:
        return None
    return F.max_pool2d(F.pad(x, (pad_h, pad_h, pad_w, pad_w), value=float("-inf")), kernel_size, steps)


MISTAKES = [
    Mistake("it pads with 0, so the padding wins over an all-negative window", zero_padded,
            'Pad with -inf (F.pad(x, ..., value=float("-inf"))): padding must never be the maximum.'),
    Mistake("it takes stride=None as 1, not as kernel_size",
            lambda x, kernel_size, stride, padding: F.max_pool2d(x, kernel_size, 1, padding) if stride is None else None,
            "stride=None means the windows do not overlap: the stride is kernel_size."),
    Mistake("it swaps the kernel's height and width", kernel_swapped,
            "A pair is (for_height, for_width): kernel_h = kernel_size[0] windows along dimension 2."),
    Mistake("it pads the height with the width's padding and the width with the height's", pad_order_swapped,
            "F.pad takes the last dimension first: F.pad(x, (pad_w, pad_w, pad_h, pad_h), value=float(\"-inf\"))."),
    Mistake("it averages each window instead of taking its maximum",
            lambda x, kernel_size, stride, padding: F.avg_pool2d(x, kernel_size, stride, padding),
            "Take .amax over the two kernel dimensions of the windows view."),
]


def compare(learner, x, kernel_size, stride, padding):
    expect_windows_match(learner.maxpool2d, F.max_pool2d, x, kernel_size, stride, padding, windows=windows,
                         exact=True, mistakes=MISTAKES, what="maxpool2d(x, kernel_size, stride, padding)")


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
                    compare(learner, all_negative(2, 3, height, width, seed=seed), kernel, stride, padding)

    x = randn(2, 3, 7, 8, seed=1001)
    for layout, x_in in memory_layouts(x):
        with context(f"x {layout}"), layout_note(layout, "x", x_in):
            compare(learner, x_in, 2, None, 0)
            compare(learner, x_in, (3, 2), (2, 1), 0)
    with context("x transposed in memory, with padding"):
        compare(learner, memory_layouts(x)[1][1], 3, 2, 1)

    with context("float64, all-negative input"):
        compare(learner, all_negative(2, 2, 6, 7, seed=1002, dtype=torch.float64), 3, 2, 1)
    with context("a 1 × 1 image"):
        compare(learner, randn(2, 3, 1, 1, seed=1004), 1, None, 0)
    with context("an empty batch"):
        compare(learner, randn(0, 2, 6, 6, seed=1003), 2, None, 0)
