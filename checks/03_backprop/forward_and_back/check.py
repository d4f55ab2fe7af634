import numpy as np
import torch

from mlkata.checking import CheckFailed, Mistake, context, expect, expect_matches
from mlkata.given.autograd import log_back, multiply_back0, multiply_back1

NAMES = ("dg_da", "dg_db", "dg_dc")


def torch_grads(a, b, c):
    leaves = [torch.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for v in (a, b, c)]
    ta, tb, tc = leaves
    g = torch.log(ta * tb * torch.log(tc))
    g.backward(torch.ones_like(g))
    return tuple(leaf.grad.numpy() for leaf in leaves)


def by_hand(start=np.ones_like, log_out_for_f="g"):
    """The walk with one slip: the end gradient, or the arguments of the last log_back."""

    def walk(a, b, c):
        d, e = a * b, np.log(c)
        f = d * e
        g = np.log(f)
        dg_df = log_back(start(g), g, f) if log_out_for_f == "g" else log_back(start(g), f, g)
        dg_dd, dg_de = multiply_back0(dg_df, f, d, e), multiply_back1(dg_df, f, d, e)
        return multiply_back0(dg_dd, d, a, b), multiply_back1(dg_dd, d, a, b), log_back(dg_de, e, c)

    return walk


MISTAKES = [
    Mistake(
        "starts the backward walk from g instead of from 1",
        by_hand(start=lambda g: g),
        "The gradient of g with respect to itself is 1 for each element: start from np.ones_like(g).",
    ),
    Mistake(
        "passes f as `out` and g as `x` to log_back for g = log(f)",
        by_hand(log_out_for_f="swapped"),
        "A backward function takes (grad_out, out, x): for g = log(f), out is g and x is f.",
    ),
]

CASES = [
    ("MLAB's example: a = [1, 2, 3], b = [2, 3, 1], c = [10]", np.array([1, 2, 3]), np.array([2, 3, 1]), np.array([10])),
    ("random a, b of shape (5,), c of shape (1,)", "random", (5,), (1,)),
    ("random a, b of shape (1,), c of shape (1,)", "random", (1,), (1,)),
    ("random a, b of shape (4,), c of shape () (0-d)", "random", (4,), ()),
]


def check(learner):
    rng = np.random.default_rng(0)
    for description, *values in CASES:
        if isinstance(values[0], str):
            _, ab_shape, c_shape = values
            a, b = rng.uniform(0.3, 3.0, ab_shape), rng.uniform(0.3, 3.0, ab_shape)
            c = rng.uniform(1.5, 6.0, c_shape)
        else:
            a, b, c = values
        with context(description):
            got = learner.forward_and_back(a, b, c)
            expect(
                isinstance(got, (tuple, list)) and len(got) == 3,
                f"forward_and_back should return a tuple (dg_da, dg_db, dg_dc); got {type(got).__name__}",
            )
            for name, value, leaf in zip(NAMES, got, (a, b, c)):
                expect_leaf_shape(name, value, leaf)
            expect_matches(learner.forward_and_back, torch_grads, a, b, c, mistakes=MISTAKES, rtol=1e-10, atol=1e-12)


def expect_leaf_shape(name: str, value, leaf) -> None:
    shape, expected = np.shape(value), np.shape(leaf)
    if shape == expected:
        return
    if name == "dg_dc" and len(expected) <= 1:
        raise CheckFailed(
            f"dg_dc has shape {shape}; it must have c's shape {expected}",
            (
                "c, through e = log(c), was broadcast against d in f = d * e: its gradient is the sum over "
                "every place e was used. multiply_back1(dg_df, f, d, e) sums it back to e's shape; "
                "then log_back(dg_de, e, c).",
            ),
        )
    raise CheckFailed(f"{name} has shape {shape}; it must have the shape of its input, {expected}")
