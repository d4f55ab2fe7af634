import torch
import torch.nn.functional as F
from torch import nn

from mlkata.checking import Mistake, context, layouts, randn
from mlkata.checking.modules import (
    expect_forward_matches,
    expect_input_gradient,
    expect_same_backward,
    expect_same_registration,
    expect_uniform_init,
    seeded_state,
)

# (in_channels, out_channels, kernel_size, stride, padding, input height and width)
LAYERS = [
    (3, 4, 3, 1, 0, (6, 7)),
    (2, 5, (3, 2), 2, 1, (7, 6)),
    (4, 2, 1, (2, 1), (0, 2), (5, 5)),
    (1, 1, (2, 3), 1, (1, 0), (2, 3)),
]


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def signature(in_channels, out_channels, kernel_size, stride, padding) -> str:
    return f"Conv2d({in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}, padding={padding})"


def forward_mistakes(weight, stride, padding):
    """What the usual wrong forward passes give, with this layer's weight."""
    found = []
    if pair(stride) != (1, 1) and pair(padding) != (0, 0):
        found.append(Mistake("it ignores both stride and padding", lambda x: F.conv2d(x, weight),
                             "Store stride and padding in __init__ and pass them on: "
                             "F.conv2d(x, self.weight, stride=self.stride, padding=self.padding)."))
    if pair(stride) != (1, 1):
        found.append(Mistake("it ignores the stride", lambda x: F.conv2d(x, weight, padding=padding),
                             "Store stride in __init__ and pass it on: F.conv2d(x, self.weight, stride=self.stride, padding=self.padding)."))
    if pair(padding) != (0, 0):
        found.append(Mistake("it ignores the padding", lambda x: F.conv2d(x, weight, stride=stride),
                             "Store padding in __init__ and pass it on: F.conv2d(x, self.weight, stride=self.stride, padding=self.padding)."))
    if pair(stride) != pair(stride)[::-1] or pair(padding) != pair(padding)[::-1]:
        found.append(Mistake("it swaps height and width in the stride or padding pair",
                             lambda x: F.conv2d(x, weight, stride=pair(stride)[::-1], padding=pair(padding)[::-1]),
                             "Pairs are (for_height, for_width), as F.conv2d takes them."))
    return found


def check(learner):
    for in_channels, out_channels, kernel_size, stride, padding, _ in LAYERS:
        label = signature(in_channels, out_channels, kernel_size, stride, padding)
        with context(f"{label}: parameters"):
            model = learner.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding)
            reference = nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding, bias=False)
            expect_same_registration(model, reference, what=label, reference_name=f"nn.{label[:-1]}, bias=False)")

    for seed, (in_channels, out_channels, kernel_size, stride, padding, (height, width)) in enumerate(LAYERS):
        for dtype in (torch.float32, torch.float64):
            label = signature(in_channels, out_channels, kernel_size, stride, padding)
            model = learner.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding).to(dtype)
            reference = nn.Conv2d(
                in_channels, out_channels, kernel_size, stride=stride, padding=padding, bias=False, dtype=dtype
            )
            state = seeded_state(reference, seed)
            reference.load_state_dict(state)
            model.load_state_dict(state)
            mistakes = forward_mistakes(reference.weight.detach(), stride, padding)
            x = randn(2, in_channels, height, width, seed=seed, dtype=dtype)
            for layout, x_in in layouts(x):
                with context(f"{label}.to({dtype}) with copied weight, x {layout}"):
                    expect_forward_matches(learner, model, reference, x_in, label=label, what=f"the output of {label}",
                                           mistakes=mistakes, condition=reference.weight[0].numel())

    # Large enough that the weights must fill the range; a non-square kernel, so fan_in
    # is in_channels * kernel_height * kernel_width, not a square of either.
    for in_channels, out_channels, kernel_size in [(16, 32, 3), (8, 40, (3, 5))]:
        label = f"Conv2d({in_channels}, {out_channels}, kernel_size={kernel_size})"
        with context(f"{label}: initialisation"):
            model = learner.Conv2d(in_channels, out_channels, kernel_size)
            kernel_height, kernel_width = pair(kernel_size)
            bound = 1 / (in_channels * kernel_height * kernel_width) ** 0.5
            expect_uniform_init(model.weight, bound, what=f"{label}.weight")

    label = "Conv2d(2, 3, kernel_size=3, padding=1)"
    with context(f"{label}.double(): gradients"):
        model = learner.Conv2d(2, 3, 3, padding=1).double()
        reference = nn.Conv2d(2, 3, 3, padding=1, bias=False, dtype=torch.float64)
        state = seeded_state(reference, 7)
        reference.load_state_dict(state)
        model.load_state_dict(state)
        x = randn(2, 2, 4, 5, seed=8, dtype=torch.float64)
        upstream = randn(2, 3, 4, 5, seed=9, dtype=torch.float64)
        expect_input_gradient(learner, model, reference, x, upstream, label=label)
        expect_same_backward(learner, model, reference, x, upstream, label=label)
