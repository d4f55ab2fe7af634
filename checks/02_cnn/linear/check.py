import torch
from torch import nn

from mlkata.checking import context, expect_close, layouts, randn
from mlkata.checking.modules import (
    expect_same_registration,
    expect_uniform_init,
    seeded_state,
)

# (in_features, out_features, bias)
LAYERS = [(4, 3, True), (5, 2, False), (1, 1, True)]
# Leading dimensions of x: a batch, two batch dimensions, none, an empty batch.
LEADING = [(6,), (2, 3), (), (0,)]


def check(learner):
    for in_features, out_features, bias in LAYERS:
        label = f"Linear({in_features}, {out_features}, bias={bias})"
        with context(f"{label}: parameters"):
            model = learner.Linear(in_features, out_features, bias=bias)
            expect_same_registration(
                model, nn.Linear(in_features, out_features, bias=bias),
                what=label, reference_name=f"nn.{label}",
            )

    # Large layers, so the weights must fill the range; fan_in differs from fan_out.
    for in_features, out_features in [(400, 300), (300, 400)]:
        label = f"Linear({in_features}, {out_features})"
        with context(f"{label}: initialisation"):
            model = learner.Linear(in_features, out_features)
            bound = 1 / in_features**0.5
            expect_uniform_init(model.weight, bound, what=f"{label}.weight")
            expect_uniform_init(model.bias, bound, what=f"{label}.bias")

    for seed, (in_features, out_features, bias) in enumerate(LAYERS):
        for dtype in (torch.float32, torch.float64):
            label = f"Linear({in_features}, {out_features}, bias={bias}).to({dtype})"
            model = learner.Linear(in_features, out_features, bias=bias).to(dtype)
            reference = nn.Linear(in_features, out_features, bias=bias, dtype=dtype)
            state = seeded_state(reference, seed)
            reference.load_state_dict(state)
            model.load_state_dict(state)
            for leading in LEADING:
                x = randn(*leading, in_features, seed=seed, dtype=dtype)
                for layout, x_in in layouts(x):
                    with context(f"{label} with copied parameters, x {layout}"):
                        expect_close(learner.call(model.forward, x_in, name=label), reference(x), what="the output")

    with context("Linear(4, 3): gradients of the output"):
        model = learner.Linear(4, 3).double()
        reference = nn.Linear(4, 3, dtype=torch.float64)
        state = seeded_state(reference, 7)
        reference.load_state_dict(state)
        model.load_state_dict(state)
        x = randn(5, 4, seed=8, dtype=torch.float64).requires_grad_()
        x_ref = x.detach().clone().requires_grad_()
        upstream = randn(5, 3, seed=9, dtype=torch.float64)
        learner.call(model.forward, x, name="Linear(4, 3)").backward(upstream)
        reference(x_ref).backward(upstream)
        expect_close(model.weight.grad, reference.weight.grad, what="weight.grad")
        expect_close(model.bias.grad, reference.bias.grad, what="bias.grad")
        expect_close(x.grad, x_ref.grad, what="the gradient of x")
