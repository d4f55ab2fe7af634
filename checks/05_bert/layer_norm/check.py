import functools

import torch
from torch import nn

from mlkata.checking import CheckFailed, Mistake, context, expect_close, expect_equal, expect_matches, randn
from mlkata.checking.modules import expect_same_registration, seeded_state

F64 = torch.float64
TIGHT = {"rtol": 1e-10, "atol": 1e-10}
# (normalized_shape as passed, eps, shape of x, dtype): MLAB's exact test first.
CASES = [
    ((5,), 1e-2, (2, 3, 4, 5), F64),
    ((4, 5), 1e-2, (2, 3, 4, 5), F64),
    (torch.Size([3, 4, 5]), 0.1, (2, 3, 4, 5), F64),
    (5, 1e-5, (6, 5), torch.float32),
    (5, 1e-2, (5,), F64),
    (1, 1e-2, (3, 1), F64),
]
REGISTRATIONS = [((5,), {}), (5, {}), ((4, 5), {}), (3, {"dtype": F64}), (5, {"elementwise_affine": False})]


def shaped(normalized_shape):
    return (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)


def layer_norm(x, normalized_shape, weight, bias, eps, *, correction=0, eps_outside=False, dims=None, detach=""):
    """The layer norm formula, and its usual mistakes."""
    dims = dims or tuple(range(-len(shaped(normalized_shape)), 0))
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, keepdim=True, correction=correction)
    mean = mean.detach() if "mean" in detach else mean
    var = var.detach() if "var" in detach else var
    y = (x - mean) / (var.sqrt() + eps if eps_outside else (var + eps).sqrt())
    return y if weight is None else y * weight + bias


def mistakes(normalized_shape, weight, bias, eps):
    def variant(**how):
        return lambda x: layer_norm(x, normalized_shape, weight, bias, eps, **how)

    found = [
        Mistake("it uses the unbiased variance (divides by n - 1)", variant(correction=1),
                "LayerNorm divides by n: x.var(..., unbiased=False) (or correction=0)."),
        Mistake("eps is added outside the square root", variant(eps_outside=True),
                "Divide by sqrt(var + eps), with eps inside."),
        Mistake("eps is left out", lambda x: layer_norm(x, normalized_shape, weight, bias, 0.0),
                "Divide by sqrt(var + eps): eps keeps a constant input from dividing by zero."),
    ]
    if eps != 1e-5:
        found.append(Mistake(f"it uses eps = 1e-05 (the default), not the eps it was given ({eps:g})",
                             lambda x: layer_norm(x, normalized_shape, weight, bias, 1e-5),
                             "Store the eps argument in __init__ (self.eps = eps) and use self.eps in forward."))
    if len(shaped(normalized_shape)) > 1:
        found.append(Mistake(
            f"it normalises over the last dimension only; normalized_shape {shaped(normalized_shape)} covers the last {len(shaped(normalized_shape))}",
            variant(dims=(-1,)),
            "Take the mean and variance over dim=tuple(range(-len(normalized_shape), 0)), with keepdim=True.",
        ))
    return found


def gradient_mistakes(normalized_shape, weight, bias, eps):
    def variant(**how):
        return lambda x, upstream: input_gradient(lambda x: layer_norm(x, normalized_shape, weight, bias, eps, **how), x, upstream)

    return [
        Mistake("the mean is detached: the output is right but its gradient is not", variant(detach="mean"),
                "Gradients flow through the mean too: compute it from x itself, without .detach() or .data."),
        Mistake("the variance is detached: the output is right but its gradient is not", variant(detach="var"),
                "Gradients flow through the variance too: compute it from x itself, without .detach() or .data."),
    ]


def input_gradient(function, x, upstream):
    """d(sum(function(x) * upstream)) / dx."""
    x = x.detach().clone().requires_grad_()
    out = function(x)
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        raise CheckFailed("the output does not track gradients",
                          ("Compute it with torch operations on x: no .detach(), .data, torch.no_grad() or NumPy on the way.",))
    (grad,) = torch.autograd.grad(out, x, upstream, allow_unused=True)
    if grad is None:
        raise CheckFailed("the output does not depend on x through autograd",
                          ("Compute it with torch operations on x: no .detach() or .data on the way.",))
    return grad


def label_of(normalized_shape, **kwargs):
    args = [repr(normalized_shape)] + [f"{key}={value}" for key, value in kwargs.items()]
    return f"LayerNorm({', '.join(args)})"


def check(learner):
    for normalized_shape, kwargs in REGISTRATIONS:
        label = label_of(normalized_shape, **kwargs)
        with context(f"{label}: parameters"):
            model = learner.LayerNorm(normalized_shape, **kwargs)
            expect_same_registration(model, nn.LayerNorm(normalized_shape, **kwargs), what=label, reference_name=f"nn.{label}")
            if kwargs.get("elementwise_affine", True):
                expect_equal(model.weight.detach(), torch.ones(shaped(normalized_shape), dtype=model.weight.dtype),
                             what=f"{label}.weight at initialisation")
                expect_equal(model.bias.detach(), torch.zeros(shaped(normalized_shape), dtype=model.bias.dtype),
                             what=f"{label}.bias at initialisation")

    with context("LayerNorm((4, 5)).reset_parameters() after the parameters were changed"):
        model = learner.LayerNorm((4, 5))
        with torch.no_grad():
            model.weight.fill_(2.0)
            model.bias.fill_(3.0)
        learner.call(model.reset_parameters, name="LayerNorm.reset_parameters")
        expect_equal(model.weight.detach(), torch.ones(4, 5), what="weight after reset_parameters()")
        expect_equal(model.bias.detach(), torch.zeros(4, 5), what="bias after reset_parameters()")

    for seed, (normalized_shape, eps, x_shape, dtype) in enumerate(CASES):
        label = label_of(normalized_shape, eps=eps)
        model = learner.LayerNorm(normalized_shape, eps=eps).to(dtype)
        reference = nn.LayerNorm(normalized_shape, eps=eps, dtype=dtype)
        state = {name: value.to(dtype) for name, value in seeded_state(reference, seed).items()}
        reference.load_state_dict(state)
        model.load_state_dict(state)
        x = randn(*x_shape, seed=seed, dtype=dtype) * 3 + 1
        tolerance = TIGHT if dtype == F64 else {}
        with context(f"{label} with random weight and bias, {str(dtype).removeprefix('torch.')} x of shape {x_shape}"):
            expect_matches(functools.partial(learner.call, model, name=label), reference, x, what="the output",
                           mistakes=mistakes(normalized_shape, state["weight"], state["bias"], eps), **tolerance)

    with context("LayerNorm(5, eps=0.01, elementwise_affine=False), float64 x of shape (4, 5)"):
        model = learner.LayerNorm(5, eps=1e-2, elementwise_affine=False).double()
        reference = nn.LayerNorm(5, eps=1e-2, elementwise_affine=False, dtype=F64)
        x = randn(4, 5, seed=20, dtype=F64) * 3 + 1
        expect_matches(functools.partial(learner.call, model, name="LayerNorm"), reference, x, what="the output",
                       mistakes=mistakes(5, None, None, 1e-2), **TIGHT)

    label = "LayerNorm((4, 5), eps=0.01)"
    with context(f"{label} with random weight and bias, float64: gradients"):
        model = learner.LayerNorm((4, 5), eps=1e-2).double()
        reference = nn.LayerNorm((4, 5), eps=1e-2, dtype=F64)
        state = {name: value.double() for name, value in seeded_state(reference, 21).items()}
        reference.load_state_dict(state)
        model.load_state_dict(state)
        x = randn(2, 3, 4, 5, seed=22, dtype=F64) * 3 + 1
        upstream = randn(2, 3, 4, 5, seed=23, dtype=F64)
        expect_matches(
            lambda x, upstream: input_gradient(functools.partial(learner.call, model, name=label), x, upstream),
            lambda x, upstream: input_gradient(reference, x, upstream),
            x, upstream, what="the gradient of x",
            mistakes=gradient_mistakes((4, 5), state["weight"], state["bias"], 1e-2), **TIGHT,
        )
        learner.call(model, x, name=label).backward(upstream)
        reference(x).backward(upstream)
        expect_close(model.weight.grad, reference.weight.grad, what="weight.grad", **TIGHT)
        expect_close(model.bias.grad, reference.bias.grad, what="bias.grad", **TIGHT)
