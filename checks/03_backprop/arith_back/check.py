import operator

import numpy as np

from mlkata.checking import Mistake, context, part
from mlkata.checking.autograd import Twin, explained_crash, given, twin_leaf
from mlkata.checking.backfuncs import expect_back, expect_backprop, rand_array

F32, F64 = np.float32, np.float64
OPS = {"add": (operator.add, "+"), "subtract": (operator.sub, "-"), "true_divide": (operator.truediv, "/")}


def away_from_zero(a):
    return np.where(a >= 0, a + 0.5, a - 0.5).astype(np.asarray(a).dtype) if isinstance(a, np.ndarray) else a


def cases():
    """(description, x, y): broadcasting both ways, numbers on either side, then the edges."""
    return [
        ("x (3, 1, 4), y (2, 4)", rand_array((3, 1, 4), 1), away_from_zero(rand_array((2, 4), 2))),
        ("x (2, 1), y (1, 3)", rand_array((2, 1), 3), away_from_zero(rand_array((1, 3), 4))),
        ("x (3, 4), y the number 2.5", rand_array((3, 4), 5), 2.5),
        ("x the number 2.0, y (3, 4)", 2.0, away_from_zero(rand_array((3, 4), 6))),
        ("x the number 3 (an int), y (2, 2)", 3, away_from_zero(rand_array((2, 2), 7))),
        ("x (4, 5), y (4, 5), float32", rand_array((4, 5), 8, F32), away_from_zero(rand_array((4, 5), 9, F32))),
        ("x a 0-d array, y (2, 3)", rand_array((), 10), away_from_zero(rand_array((2, 3), 11))),
    ]


def mistakes(name, position):
    A = given()
    u = A.unbroadcast
    no_unbroadcast = Mistake(
        "returns the gradient with the broadcast shape of out, not the argument's",
        {("add", 0): lambda g, o, x, y: g, ("add", 1): lambda g, o, x, y: g,
         ("subtract", 0): lambda g, o, x, y: g, ("subtract", 1): lambda g, o, x, y: -g,
         ("true_divide", 0): lambda g, o, x, y: g / y, ("true_divide", 1): lambda g, o, x, y: -g * x / y**2}[name, position],
        "x and y may have been broadcast against each other: sum the gradient back to the argument's shape "
        "with unbroadcast(gradient, argument).",
    )
    found = [no_unbroadcast]
    if (name, position) == ("subtract", 1):
        found.append(Mistake("has the wrong sign: d(x - y)/dy is -1", lambda g, o, x, y: u(g, y),
                             "The gradient with respect to y is -grad_out, unbroadcast to y."))
    if (name, position) == ("true_divide", 1):
        found += [
            Mistake("has the wrong sign: d(x / y)/dy is -x / y**2", lambda g, o, x, y: u(g * x / y**2, y)),
            Mistake("leaves x out: d(x / y)/dy is -x / y**2, not -1 / y**2", lambda g, o, x, y: u(-g / y**2, y)),
            Mistake("divides by y once: d(x / y)/dy is -x / y**2", lambda g, o, x, y: u(-g * x / y, y)),
        ]
    if (name, position) == ("true_divide", 0):
        found.append(Mistake("multiplies by y: d(x / y)/dx is 1 / y", lambda g, o, x, y: u(g * y, x)))
    return found


def check_back(learner, name, position):
    fn = getattr(learner, f"{name}_back{position}")
    op, symbol = OPS[name]
    for seed, (text, x, y) in enumerate(cases()):
        if not isinstance((x, y)[position], np.ndarray):
            continue  # no gradient for a plain number
        out_shape = np.broadcast_shapes(np.shape(x), np.shape(y))
        dtype = np.result_type(x, y)
        grad_out = rand_array(out_shape, 100 + seed, dtype, shift=0.5)
        with context(f"out = x {symbol} y, {text}, random grad_out"), explained_crash(
            learner,
            f"{name}_back{position} raised an exception for {text}",
            "The other argument may be a plain number: use it in the formula, never ask it for a shape.",
        ):
            expect_back(fn, op, grad_out, [x, y], position, what=f"{name}_back{position}(grad_out, out, x, y)",
                        mistakes=mistakes(name, position))


def back_part(name, position):
    """The part that checks `{name}_back{position}`."""

    @part(f"{name}_back{position}")
    def check_part(learner):
        check_back(learner, name, position)

    return check_part


check_add_back0, check_add_back1 = back_part("add", 0), back_part("add", 1)
check_subtract_back0, check_subtract_back1 = back_part("subtract", 0), back_part("subtract", 1)
check_true_divide_back0, check_true_divide_back1 = back_part("true_divide", 0), back_part("true_divide", 1)


@part("in the framework")
def check_in_framework(learner):
    overrides = {
        (np.add, 0): learner.add_back0, (np.add, 1): learner.add_back1,
        (np.subtract, 0): learner.subtract_back0, (np.subtract, 1): learner.subtract_back1,
        (np.true_divide, 0): learner.true_divide_back0, (np.true_divide, 1): learner.true_divide_back1,
    }
    text = "end = ((a + b) - (a - b) / (b + 2) + 2 / a - (2 - b) + a / 2.5 - 1.5).sum()"
    with context(f"backprop with your six back functions: a (3, 1), b (1, 4); {text}"):
        a = twin_leaf("a", np.abs(rand_array((3, 1), 120)) + 0.5)
        b = twin_leaf("b", np.abs(rand_array((1, 4), 121)) + 0.5)

        def expression(a, b):
            return ((a + b) - (a - b) / (b + 2) + 2 / a - (2 - b) + a / 2.5 - 1.5).sum()

        expect_backprop([a, b], Twin(expression(a.mine, b.mine), expression(a.ref, b.ref), "end"), None, overrides)
