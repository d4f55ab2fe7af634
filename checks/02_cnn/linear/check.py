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

# (in_features, out_features, bias)
LAYERS = [(4, 3, True), (5, 2, False), (3, 3, True), (1, 1, True)]
# Leading dimensions of x: a batch, two batch dimensions, none, an empty batch.
LEADING = [(6,), (2, 3), (), (0,)]


def forward_mistakes(weight, bias):
    """What the usual wrong forward passes give, with this layer's parameters."""
    found = [
        Mistake("it multiplies by the weight without transposing it (x @ weight)",
                lambda x: F.linear(x, weight.T, bias),
                "weight is (out_features, in_features): y = x @ weight.T + bias."),
        Mistake("it flattens x's leading dimensions into one",
                lambda x: F.linear(x.reshape(-1, x.shape[-1]), weight, bias) if x.dim() != 2 else None,
                "Keep x's leading dimensions: x @ weight.T works on (*, in_features) as it is."),
    ]
    if bias is not None:
        found.append(Mistake("it leaves the bias out", lambda x: F.linear(x, weight),
                             "Add self.bias to x @ weight.T when the layer has one."))
    return found


def check(learner):
    for in_features, out_features, bias in LAYERS[:2]:
        label = f"Linear({in_features}, {out_features}, bias={bias})"
        with context(f"{label}: parameters"):
            model = learner.Linear(in_features, out_features, bias=bias)
            expect_same_registration(
                model, nn.Linear(in_features, out_features, bias=bias),
                what=label, reference_name=f"nn.{label}",
            )

    # The forward pass with the reference's parameters copied in: y = x @ weight.T + bias.
    for seed, (in_features, out_features, bias) in enumerate(LAYERS):
        for dtype in (torch.float32, torch.float64):
            label = f"Linear({in_features}, {out_features}, bias={bias})"
            model = learner.Linear(in_features, out_features, bias=bias).to(dtype)
            reference = nn.Linear(in_features, out_features, bias=bias, dtype=dtype)
            state = seeded_state(reference, seed)
            reference.load_state_dict(state)
            model.load_state_dict(state)
            mistakes = forward_mistakes(reference.weight.detach(), None if reference.bias is None else reference.bias.detach())
            for leading in LEADING:
                x = randn(*leading, in_features, seed=seed, dtype=dtype)
                for layout, x_in in layouts(x) if leading == (6,) else [("contiguous", x)]:
                    with context(f"{label}.to({dtype}) with copied parameters, x {layout}"):
                        expect_forward_matches(learner, model, reference, x_in, label=label, what=f"the output of {label}",
                                               mistakes=mistakes, condition=in_features)

    # Large layers, so the weights must fill the range; fan_in differs from fan_out.
    for in_features, out_features in [(400, 300), (300, 400)]:
        label = f"Linear({in_features}, {out_features})"
        with context(f"{label}: initialisation"):
            model = learner.Linear(in_features, out_features)
            bound = 1 / in_features**0.5
            expect_uniform_init(model.weight, bound, what=f"{label}.weight")
            expect_uniform_init(model.bias, bound, what=f"{label}.bias")

    with context("Linear(4, 3).double(): gradients"):
        model = learner.Linear(4, 3).double()
        reference = nn.Linear(4, 3, dtype=torch.float64)
        state = seeded_state(reference, 7)
        reference.load_state_dict(state)
        model.load_state_dict(state)
        x = randn(5, 4, seed=8, dtype=torch.float64)
        upstream = randn(5, 3, seed=9, dtype=torch.float64)
        expect_input_gradient(learner, model, reference, x, upstream, label="Linear(4, 3)")
        expect_same_backward(learner, model, reference, x, upstream, label="Linear(4, 3)")
