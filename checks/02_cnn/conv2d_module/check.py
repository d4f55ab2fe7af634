import torch
from torch import nn

from mlkata.checking import context, expect_close, layouts, randn
from mlkata.checking.modules import (
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


def signature(in_channels, out_channels, kernel_size, stride, padding) -> str:
    return f"Conv2d({in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}, padding={padding})"


def check(learner):
    for in_channels, out_channels, kernel_size, stride, padding, _ in LAYERS:
        label = signature(in_channels, out_channels, kernel_size, stride, padding)
        with context(f"{label}: parameters"):
            model = learner.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding)
            reference = nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding, bias=False)
            expect_same_registration(model, reference, what=label, reference_name=f"nn.{label[:-1]}, bias=False)")

    # Large enough that the weights must fill the range; a non-square kernel, so fan_in
    # is in_channels * kernel_height * kernel_width, not a square of either.
    for in_channels, out_channels, kernel_size in [(16, 32, 3), (8, 40, (3, 5))]:
        label = f"Conv2d({in_channels}, {out_channels}, kernel_size={kernel_size})"
        with context(f"{label}: initialisation"):
            model = learner.Conv2d(in_channels, out_channels, kernel_size)
            kernel_height, kernel_width = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
            bound = 1 / (in_channels * kernel_height * kernel_width) ** 0.5
            expect_uniform_init(model.weight, bound, what=f"{label}.weight")

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
            x = randn(2, in_channels, height, width, seed=seed, dtype=dtype)
            for layout, x_in in layouts(x):
                with context(f"{label}.to({dtype}) with copied weight, x {layout}"):
                    expect_close(learner.call(model.forward, x_in, name=label), reference(x), what="the output")

    with context("Conv2d(2, 3, kernel_size=3, padding=1): gradients of the output"):
        model = learner.Conv2d(2, 3, 3, padding=1).double()
        reference = nn.Conv2d(2, 3, 3, padding=1, bias=False, dtype=torch.float64)
        state = seeded_state(reference, 7)
        reference.load_state_dict(state)
        model.load_state_dict(state)
        x = randn(2, 2, 4, 5, seed=8, dtype=torch.float64).requires_grad_()
        x_ref = x.detach().clone().requires_grad_()
        upstream = randn(2, 3, 4, 5, seed=9, dtype=torch.float64)
        learner.call(model.forward, x, name="Conv2d(2, 3, kernel_size=3, padding=1)").backward(upstream)
        reference(x_ref).backward(upstream)
        expect_close(model.weight.grad, reference.weight.grad, what="weight.grad")
        expect_close(x.grad, x_ref.grad, what="the gradient of x")
