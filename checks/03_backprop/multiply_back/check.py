import numpy as np
import torch

from mlkata.checking import Mistake, context, expect_matches, part
from mlkata.checking.autograd import expect_expressions_like_torch, explained_crash, lookup_with, torch_back
from mlkata.given.autograd import unbroadcast

# (x shape or "float", y shape or "float"): the main case first.
PAIRS = [((3, 1), (1, 4)), ((2, 3), (3,)), ((4,), (2, 3, 4)), ((2, 3), (2, 3)), ((), (2, 2)), ((3,), ())]
TIGHT = {"rtol": 1e-12, "atol": 1e-12}


def torch_mul_back(position):
    return lambda grad_out, out, x, y: torch_back(torch.mul, [x, y], grad_out, position)


def mistakes(position):
    own, other = ("x", "y") if position == 0 else ("y", "x")
    pick = (lambda x, y: (x, y)) if position == 0 else (lambda x, y: (y, x))
    return [
        Mistake(
            f"is not summed back to {own}'s shape (no unbroadcast)",
            lambda g, out, x, y: g * pick(x, y)[1],
            f"grad_out has the broadcast shape of out; `unbroadcast(grad_out * {other}, {own})` sums it back to {own}'s shape.",
        ),
        Mistake(
            f"multiplies grad_out by {own} instead of by {other}",
            lambda g, out, x, y: unbroadcast(g * pick(x, y)[0], pick(x, y)[0]),
            f"d(x * y)/d{own} = {other}: the other factor.",
        ),
        Mistake(
            f"leaves out grad_out: returns {other} alone",
            lambda g, out, x, y: unbroadcast(np.broadcast_to(pick(x, y)[1], np.shape(g)), pick(x, y)[0]),
            "The chain rule multiplies the local derivative by grad_out, the gradient arriving from above.",
        ),
    ]


def arrays(rng, x_shape, y_shape):
    x = rng.standard_normal(x_shape)
    y = rng.standard_normal(y_shape)
    grad_out = rng.standard_normal(np.broadcast_shapes(x_shape, y_shape))
    return grad_out, x * y, x, y


def check_back(learner, position):
    name = f"multiply_back{position}"
    fn = getattr(learner, name)
    rng = np.random.default_rng(position)
    for x_shape, y_shape in PAIRS:
        grad_out, out, x, y = arrays(rng, x_shape, y_shape)
        with context(f"x of shape {x_shape}, y of shape {y_shape}, random values and grad_out"):
            expect_matches(fn, torch_mul_back(position), grad_out, out, x, y, mistakes=mistakes(position), **TIGHT)
    with context("float32 x of shape (3, 1), y of shape (1, 4)"):
        grad_out, out, x, y = (a.astype(np.float32) for a in arrays(rng, (3, 1), (1, 4)))
        expect_matches(fn, torch_mul_back(position), grad_out, out, x, y, mistakes=mistakes(position))
    # The other argument a Python float, as in `a * 2.5` or `2.5 * a`.
    own = rng.standard_normal((2, 3))
    grad_out = rng.standard_normal((2, 3))
    args = (own, 2.5) if position == 0 else (2.5, own)
    other = "y" if position == 0 else "x"
    with context(f"{other} = 2.5, a Python float; the other argument an array of shape (2, 3)"), \
            explained_crash(learner, f"{name} crashed when {other} is a Python float",
                            "A float has no .shape: multiply by it, and unbroadcast to the array argument only."):
        expect_matches(fn, torch_mul_back(position), grad_out, own * 2.5, *args, mistakes=mistakes(position), **TIGHT)
    # A zero in the other factor: the gradient is still defined there.
    x, y = np.array([[0.0, 2.0, -1.0]]), np.array([[1.5], [0.0]])
    grad_out = np.array([[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]])
    with context("x = [[0, 2, -1]], y = [[1.5], [0]]: zeros in both"):
        expect_matches(fn, torch_mul_back(position), grad_out, x * y, x, y, mistakes=mistakes(position), **TIGHT)


@part("multiply_back0")
def check_back0(learner):
    check_back(learner, 0)


@part("multiply_back1")
def check_back1(learner):
    check_back(learner, 1)
    back_funcs = lookup_with({(np.multiply, 0): learner.multiply_back0, (np.multiply, 1): learner.multiply_back1})
    rng = np.random.default_rng(7)
    expressions = [
        ("end = (a * b) * a, a (3, 1), b (1, 4): a used twice", lambda a, b: (a * b) * a,
         {"a": rng.standard_normal((3, 1)), "b": rng.standard_normal((1, 4))}),
        ("end = 2.5 * (a * a) * 0.5, a (2, 3)", lambda a: 2.5 * (a * a) * 0.5, {"a": rng.standard_normal((2, 3))}),
    ]
    expect_expressions_like_torch(learner, expressions, back_funcs, "your multiply_back0 and multiply_back1", seed=8)
