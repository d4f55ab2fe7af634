import numpy as np
import torch

from mlkata.checking import Mistake, context, expect_equal, expect_matches, part
from mlkata.checking.autograd import (
    expect_expressions_like_torch,
    expect_no_recipe,
    explained_crash,
    given,
    lookup_with,
    torch_back,
)

CASES = [((5,), np.float64), ((2, 3), np.float64), ((2, 3, 4), np.float64), ((3, 4), np.float32), ((), np.float64)]
TIGHT = {np.float64: {"rtol": 1e-12, "atol": 1e-12}, np.float32: {}}

NEGATIVE_MISTAKES = [
    Mistake("returns grad_out unchanged: the sign is lost", lambda g, out, x: g.copy(),
            "d(-x)/dx = -1: the gradient flips sign."),
    Mistake("returns -1 everywhere and leaves out grad_out", lambda g, out, x: -np.ones_like(g),
            "-1 is only d(-x)/dx; the chain rule multiplies it by grad_out."),
    Mistake("returns -x instead of -grad_out", lambda g, out, x: -x, "The gradient is -grad_out; x plays no part."),
]
EXP_MISTAKES = [
    Mistake("multiplies grad_out by x instead of by exp(x)", lambda g, out, x: g * x,
            "d exp(x)/dx = exp(x), which the forward pass already computed: out."),
    Mistake("returns out and leaves out grad_out", lambda g, out, x: out.copy(),
            "exp(x) is only the local derivative; the chain rule multiplies it by grad_out."),
    Mistake("returns grad_out unchanged", lambda g, out, x: g.copy(), "d exp(x)/dx = exp(x) = out: multiply by it."),
    Mistake("multiplies grad_out by exp(out), one exp too many", lambda g, out, x: g * np.exp(out),
            "out is already exp(x): grad_out * out."),
]


def arrays(rng, shape, dtype):
    x = rng.uniform(-2.0, 2.0, shape).astype(dtype)
    grad_out = (rng.standard_normal(shape) * 2 + 0.5).astype(dtype)
    return grad_out, x


def check_elementwise(learner_fn, torch_fn, numpy_fn, mistakes, seed):
    """A back function of an elementwise op against torch's, on random x and grad_out."""
    rng = np.random.default_rng(seed)
    for shape, dtype in CASES:
        grad_out, x = arrays(rng, shape, dtype)
        with context(f"x of shape {shape} ({np.dtype(dtype).name}), values in [-2, 2]; grad_out random"):
            expect_matches(learner_fn, lambda g, out, x: torch_back(torch_fn, [x], g, 0),
                           grad_out, numpy_fn(x), x, mistakes=mistakes, **TIGHT[dtype])


@part("negative_back")
def check_negative(learner):
    check_elementwise(learner.negative_back, torch.neg, np.negative, NEGATIVE_MISTAKES, seed=0)


@part("exp_back")
def check_exp(learner):
    check_elementwise(learner.exp_back, torch.exp, np.exp, EXP_MISTAKES, seed=1)
    rng = np.random.default_rng(2)
    back_funcs = lookup_with({(np.negative, 0): learner.negative_back, (np.exp, 0): learner.exp_back})
    expressions = [
        ("end = a.exp().exp()", lambda a: a.exp().exp(), {"a": rng.uniform(-1.0, 1.0, (3,))}),
        ("end = -(-a): negative twice", lambda a: -(-a), {"a": rng.standard_normal((2, 3))}),
        ("end = (-a).exp() * a + (-(a * b)).exp(): a used three times",
         lambda a, b: (-a).exp() * a + (-(a * b)).exp(), {"a": rng.standard_normal((2, 3)), "b": rng.standard_normal((3,))}),
    ]
    expect_expressions_like_torch(learner, expressions, back_funcs, "your negative_back and exp_back", seed=3)


def inputs():
    """Tensors that take part in the graph: a leaf requiring grad, and an intermediate result."""
    A = given()
    rng = np.random.default_rng(2)
    x = A.Tensor(rng.standard_normal((3, 4)), requires_grad=True)
    x.array[1, 2] = x.array[1, 0] = x.array.max() + 1  # a tie: the first index wins, in NumPy and torch
    return x, x * 1.0


@part("argmax")
def check_argmax(learner):
    leaf, computed = inputs()
    for name, x in (("x (a leaf requiring grad)", leaf), ("y = x * 1.0 (it has a recipe)", computed)):
        for kwargs in ({}, {"dim": 1}, {"dim": -2, "keepdim": True}, {"dim": 0}):
            call = f"argmax({name.split()[0]}{''.join(f', {k}={v}' for k, v in kwargs.items())})"
            with context(f"{call}, {name}, grad tracking on"):
                out = learner.argmax(x, **kwargs)
                expect_no_recipe(out, call, "for a function that is not differentiable",
                                 "Wrap it with wrap_forward_fn(..., is_differentiable=False): indices have no gradient.")
                expected = torch.argmax(torch.tensor(x.array), dim=kwargs.get("dim"), keepdim=kwargs.get("keepdim", False))
                expect_equal(np.asarray(out.array), expected.numpy(), what=f"{call}.array")


@part("eq")
def check_eq(learner):
    A = given()
    leaf, computed = inputs()
    other = A.Tensor(np.where(np.arange(12).reshape(3, 4) % 3 == 0, leaf.array, 0.5), requires_grad=True)
    row = A.Tensor(leaf.array[1:2].copy())
    for call, args in (
        ("eq(x, y): same shape, a third of the entries equal", (leaf, other)),
        ("eq(x, row): row of shape (1, 4), broadcast", (computed, row)),
        ("eq(x, x.array[0, 0]): a number", (leaf, float(leaf.array[0, 0]))),
    ):
        with context(f"{call}, grad tracking on, x requiring grad"):
            with explained_crash(learner, f"{call.split(':')[0]} raised an error"):
                out = learner.eq(*args)
            expect_no_recipe(out, call.split(":")[0], "for a function that is not differentiable",
                             "Wrap np.equal with wrap_forward_fn(..., is_differentiable=False): booleans have no gradient.")
            values = [torch.tensor(a.array) if isinstance(a, A.Tensor) else a for a in args]
            expect_equal(np.asarray(out.array), torch.eq(*values).numpy(), what=f"{call.split(':')[0]}.array")
