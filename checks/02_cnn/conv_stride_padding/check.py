import torch
import torch.nn.functional as F

from mlkata.checking import Mistake, context, expect_equal, layouts, part, randn
from mlkata.checking.windows import expect_windows_match, layout_note, memory_layouts

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


def windows_1d(x, weights, stride, padding):
    return [("width", x.shape[-1], weights.shape[-1], stride, padding)]


def windows_2d(x, weights, stride, padding):
    (step_h, step_w), (pad_h, pad_w) = pair(stride), pair(padding)
    return [("height", x.shape[-2], weights.shape[-2], step_h, pad_h), ("width", x.shape[-1], weights.shape[-1], step_w, pad_w)]


def summed_terms(x, weights, stride, padding):
    return weights[0].numel()  # each output sums in_channels * kernel size products


def strides_before_padding(x, weights, stride, padding):
    """The windows of the padded x, read with the strides x had before it was padded."""
    (step_h, step_w), (pad_h, pad_w) = pair(stride), pair(padding)
    x_strides = x.stride()
    x = F.pad(x, (pad_w, pad_w, pad_h, pad_h) if x.dim() == 4 else (pad_w, pad_w))
    out = [(size - kernel) // step + 1 for size, kernel, step in zip(x.shape[2:], weights.shape[2:], (step_h, step_w)[-(x.dim() - 2):])]
    steps = (step_h, step_w)[-(x.dim() - 2):]
    view = x.as_strided(
        (*x.shape[:2], *out, *weights.shape[2:]),
        (*x_strides[:2], *(s * step for s, step in zip(x_strides[2:], steps)), *x_strides[2:]),
    )
    letters = "ijyz" if x.dim() == 4 else "ik"
    spatial, kernel = letters[: len(letters) // 2], letters[len(letters) // 2:]
    return torch.einsum(f"bc{spatial}{kernel},oc{kernel}->bo{spatial}", view, weights)


STRIDES_AFTER_PADDING = ("it reads the padded x with the strides x had before padding",
                         "Padding makes a new, wider tensor: take the strides from the padded tensor's .stride().")
PAD_ADVICE = "Pad x first (padding zeros on both sides of each spatial dimension), then view the windows of the padded tensor."
STRIDE_ADVICE = ("In the windows view, one step along an output position is `stride` steps along the input: "
                 "its memory stride is the input's stride times the convolution stride.")

MISTAKES_1D = [
    Mistake("it does not pad x", lambda x, weights, stride, padding: F.conv1d(x, weights, stride=stride), PAD_ADVICE),
    Mistake("it ignores the stride", lambda x, weights, stride, padding: F.conv1d(x, weights, padding=padding), STRIDE_ADVICE),
    Mistake("it pads only the left side of x",
            lambda x, weights, stride, padding: F.conv1d(F.pad(x, (padding, 0)), weights, stride=stride),
            "padding adds that many zeros on both sides: F.pad(x, (padding, padding))."),
    Mistake(STRIDES_AFTER_PADDING[0], lambda x, weights, stride, padding: strides_before_padding(x, weights, stride, padding),
            STRIDES_AFTER_PADDING[1]),
    Mistake("it flips the kernel (that is a true convolution; torch's conv1d does not flip)",
            lambda x, weights, stride, padding: F.conv1d(x, weights.flip(-1), stride=stride, padding=padding),
            "result[b, o, i] = sum over c and k of padded_x[b, c, i * stride + k] * weights[o, c, k]."),
]

MISTAKES_2D = [
    Mistake("it pads the height with the width's padding and the width with the height's",
            lambda x, weights, stride, padding: F.conv2d(F.pad(x, (pair(padding)[0],) * 2 + (pair(padding)[1],) * 2), weights, stride=stride),
            "F.pad takes the last dimension first: F.pad(x, (pad_w, pad_w, pad_h, pad_h))."),
    Mistake("it does not pad x", lambda x, weights, stride, padding: F.conv2d(x, weights, stride=stride), PAD_ADVICE),
    Mistake(STRIDES_AFTER_PADDING[0], strides_before_padding, STRIDES_AFTER_PADDING[1]),
    Mistake("it ignores the stride", lambda x, weights, stride, padding: F.conv2d(x, weights, padding=padding)
            if min(pair(stride)) > 1 else None, STRIDE_ADVICE),
    Mistake("it ignores the width's stride",
            lambda x, weights, stride, padding: F.conv2d(x, weights, stride=(pair(stride)[0], 1), padding=padding),
            STRIDE_ADVICE + " In 2-D, output columns step step_w along the width."),
    Mistake("it ignores the height's stride",
            lambda x, weights, stride, padding: F.conv2d(x, weights, stride=(1, pair(stride)[1]), padding=padding),
            STRIDE_ADVICE + " In 2-D, output rows step step_h along the height."),
    Mistake("it uses the height's stride for the width too",
            lambda x, weights, stride, padding: F.conv2d(x, weights, stride=(pair(stride)[0],) * 2, padding=padding),
            "force_pair(stride) gives (step_h, step_w): output rows step step_h, output columns step_w."),
    Mistake("it swaps the height and width strides",
            lambda x, weights, stride, padding: F.conv2d(x, weights, stride=pair(stride)[::-1], padding=padding),
            "A pair is (for_height, for_width): the first entry strides along dimension 2, the second along dimension 3."),
    Mistake("it swaps the height and width paddings",
            lambda x, weights, stride, padding: F.conv2d(x, weights, stride=stride, padding=pair(padding)[::-1]),
            "A pair is (for_height, for_width): the first entry pads dimension 2, the second dimension 3."),
]


def compare_1d(learner, x, weights, stride, padding):
    expect_windows_match(learner.conv1d, F.conv1d, x, weights, stride=stride, padding=padding,
                         windows=windows_1d, condition=summed_terms, mistakes=MISTAKES_1D,
                         what="conv1d(x, weights, stride, padding)")


def compare_2d(learner, x, weights, stride, padding):
    expect_windows_match(learner.conv2d, F.conv2d, x, weights, stride=stride, padding=padding,
                         windows=windows_2d, condition=summed_terms, mistakes=MISTAKES_2D,
                         what="conv2d(x, weights, stride, padding)")


@part("force_pair")
def check_force_pair(learner):
    for value, expected in ((3, (3, 3)), (1, (1, 1)), ((2, 5), (2, 5)), ((4, 1), (4, 1))):
        expect_equal(learner.force_pair(value), expected, what=f"force_pair({value})")


@part("conv1d")
def check_conv1d(learner):
    # Every kernel with every stride, and with every padding (0, 1 and kernel // 2);
    # input sizes cycle between even and odd.
    seed = 0
    for k, kernel in enumerate(KERNELS_1D):
        for i, (stride, padding) in enumerate(sweep(STRIDES_1D, paddings_1d(kernel), shift=k)):
            seed += 1
            x = randn(2, 2, WIDTHS[(i + k) % len(WIDTHS)], seed=seed)  # each stride meets every width
            weights = randn(3, 2, kernel, seed=1000 + seed)
            compare_1d(learner, x, weights, stride, padding)

    # Non-contiguous inputs. Without padding, x itself is what gets sliced.
    x = randn(2, 3, 9, seed=2001)
    weights = randn(4, 3, 3, seed=2002)
    for layout, x_in in memory_layouts(x):
        with context(f"x {layout}"), layout_note(layout, "x", x_in):
            compare_1d(learner, x_in, weights, 2, 0)
    with context("x transposed in memory, with padding"):
        compare_1d(learner, memory_layouts(x)[1][1], weights, 2, 1)
    with context("weights transposed in memory"):
        compare_1d(learner, x, layouts(weights)[1][1], 2, 1)

    with context("float64 inputs"):
        compare_1d(learner, randn(2, 3, 9, seed=2005, dtype=torch.float64), randn(4, 3, 4, seed=2006, dtype=torch.float64), 3, 2)
    with context("an empty batch"):
        compare_1d(learner, randn(0, 2, 6, seed=2009), randn(3, 2, 3, seed=2010), 2, 1)


@part("conv2d")
def check_conv2d(learner):
    seed = 100
    for k, kernel in enumerate(KERNELS_2D):
        for stride, padding in sweep(STRIDES_2D, paddings_2d(kernel), shift=k):
            seed += 1
            x = randn(2, 2, *SIZES_2D[seed % len(SIZES_2D)], seed=seed)
            weights = randn(3, 2, *kernel, seed=1000 + seed)
            compare_2d(learner, x, weights, stride, padding)

    x = randn(2, 3, 7, 8, seed=2003)
    weights = randn(4, 3, 3, 2, seed=2004)
    for layout, x_in in memory_layouts(x):
        with context(f"x {layout}"), layout_note(layout, "x", x_in):
            compare_2d(learner, x_in, weights, (2, 3), 0)
    with context("x transposed in memory, with padding"):
        compare_2d(learner, memory_layouts(x)[1][1], weights, (2, 3), (1, 0))
    with context("weights transposed in memory"):
        compare_2d(learner, x, layouts(weights)[1][1], 2, 1)

    with context("float64 inputs"):
        x = randn(2, 3, 7, 8, seed=2007, dtype=torch.float64)
        compare_2d(learner, x, randn(4, 3, 3, 2, seed=2008, dtype=torch.float64), (2, 1), (1, 2))
    with context("an empty batch"):
        compare_2d(learner, randn(0, 2, 6, 5, seed=2011), randn(3, 2, 3, 3, seed=2012), 2, 1)
