import numpy as np
import torch

from mlkata.checking import CheckFailed, Mistake, context, expect, expect_close, part
from mlkata.checking.autograd import expect_grad, explained_crash, given, twin_leaf
from mlkata.checking.backfuncs import expect_back, rand_array

F32, F64 = np.float32, np.float64


def ties(shape, seed, dtype=F64):
    """Small whole numbers: many positions where x == y."""
    return np.random.default_rng(seed).integers(-2, 3, size=shape).astype(dtype)


def tmax(a, b):
    """torch.maximum with plain numbers allowed on either side."""
    if not isinstance(a, torch.Tensor):
        a = torch.tensor(a, dtype=b.dtype)
    if not isinstance(b, torch.Tensor):
        b = torch.tensor(b, dtype=a.dtype)
    return torch.maximum(a, b)


def cases():
    return [
        ("x, y (3, 4) of small whole numbers (ties)", ties((3, 4), 1), ties((3, 4), 2)),
        ("x (3, 1), y (1, 4) broadcast, with ties", ties((3, 1), 3), ties((1, 4), 4)),
        ("x (2, 3, 4), y (4,) broadcast, with ties", ties((2, 3, 4), 5), ties((4,), 6)),
        ("x (3, 4) with zeros, y the number 0.0 (relu)", ties((3, 4), 7), 0.0),
        ("x the number 0.0, y (3, 4) with zeros", 0.0, ties((3, 4), 8)),
        ("x, y (4, 5) float32 with ties", ties((4, 5), 9, F32), ties((4, 5), 10, F32)),
        ("x, y (3, 3) random (no ties)", rand_array((3, 3), 11), rand_array((3, 3), 12)),
    ]


def mistakes(position):
    u = given().unbroadcast
    name = "xy"[position]

    def share(x, y, winner_or_tie):
        mine, other = (x, y) if position == 0 else (y, x)
        return (mine >= other) if winner_or_tie else (mine > other)

    arg = lambda x, y: (x, y)[position]
    return [
        Mistake(f"gives {name} the whole gradient at ties; torch gives each argument half",
                lambda g, o, x, y: u(g * share(x, y, True), arg(x, y)),
                "At a tie the two shares must add up to grad_out: grad_out / 2 each (with >= on both sides they add "
                "up to 2 * grad_out). Use > for the winner and == for the tie."),
        Mistake(f"gives {name} nothing at ties; torch gives each argument half",
                lambda g, o, x, y: u(g * share(x, y, False), arg(x, y)),
                "At a tie torch.maximum gives each argument grad_out / 2."),
        Mistake("returns the gradient with the broadcast shape of out, not the argument's",
                lambda g, o, x, y: g * (share(x, y, False) + 0.5 * (x == y)),
                "x and y may have been broadcast: unbroadcast the gradient to the argument's shape."),
    ]


def check_back(learner, position):
    fn = getattr(learner, f"maximum_back{position}")
    for seed, (text, x, y) in enumerate(cases()):
        if not isinstance((x, y)[position], np.ndarray):
            continue
        out_shape = np.broadcast_shapes(np.shape(x), np.shape(y))
        grad_out = rand_array(out_shape, 50 + seed, np.result_type(x, y), shift=0.5)
        with context(f"out = maximum(x, y), {text}, random grad_out"), explained_crash(
            learner,
            f"maximum_back{position} raised an exception for {text}",
            "The other argument may be a plain number (relu passes 0.0): compare with it, never ask it for a shape.",
        ):
            expect_back(fn, tmax, grad_out, [x, y], position, what=f"maximum_back{position}(grad_out, out, x, y)",
                        mistakes=mistakes(position))


@part("maximum_back0")
def check_maximum_back0(learner):
    check_back(learner, 0)


@part("maximum_back1")
def check_maximum_back1(learner):
    check_back(learner, 1)


@part("relu")
def check_relu(learner):
    A = given()
    for seed, (shape, dtype) in enumerate([((3, 4), F64), ((2, 3, 4), F64), ((5,), F32)]):
        values = ties(shape, 60 + seed, dtype) * 0.75
        values.flat[0] = 0.0  # at least one tie at 0
        text = f"relu(x) for x of shape {shape} ({np.dtype(dtype)}) with zeros, random end_grad"
        with context(text):
            x = twin_leaf("x", values)
            out = learner.relu(x.mine)
            expect(isinstance(out, A.Tensor), f"relu returned a {type(out).__name__}; it should return a Tensor",
                   "Build it with the framework's maximum(x, 0.0): a Tensor that records its recipe.")
            expect_close(np.asarray(out.array), np.maximum(values, 0), what="relu(x).array", rtol=0, atol=0)
            if out.recipe is None:
                raise CheckFailed(
                    "relu(x) has no recipe: backprop cannot reach x through it",
                    ("Computing on x.array builds a plain Tensor outside the graph. Call the framework's "
                     "maximum(x, 0.0), which records np.maximum and its parents.",),
                )
            end_grad = rand_array(shape, 70 + seed, dtype, shift=0.5)
            A.backprop(out, A.Tensor(end_grad.copy()))
            ref_out = torch.maximum(x.ref, torch.zeros((), dtype=x.ref.dtype))
            ref_out.backward(torch.tensor(end_grad))
            at_zero = values == 0
            grad = x.mine.grad.array if x.mine.grad is not None else None
            if grad is not None and np.allclose(grad[at_zero], 0) and not np.allclose(grad[at_zero], x.ref.grad.numpy()[at_zero]):
                raise CheckFailed(
                    "relu's gradient at exactly 0 is 0 (torch.relu's); here relu is maximum(x, 0.0), whose gradient at a tie is 1/2",
                    ("This section's relu follows torch.maximum(x, 0): build it as maximum(x, 0.0) so the tie rule applies.",),
                )
            expect_grad(x)
    with context("relu of a Tensor that does not require grad"):
        out = learner.relu(A.Tensor(np.array([-1.0, 0.0, 2.0])))
        expect(out.recipe is None and not out.requires_grad,
               "relu(x) records a recipe although x does not require grad",
               "Use the framework's maximum: it records a recipe only when an input takes part in the graph.")
