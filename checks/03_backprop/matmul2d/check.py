import numpy as np
import torch

from mlkata.checking import Mistake, context, expect_matches, part
from mlkata.checking.autograd import Twin, explained_crash, given, twin_leaf
from mlkata.checking.backfuncs import expect_back, expect_backprop, private_fn, rand_array

F32, F64 = np.float32, np.float64
# (x's shape, y's shape, dtype): square first (a misplaced transpose gives wrong numbers,
# which the check names), then non-square (where it gives wrong shapes), then the edges.
SHAPES = [((4, 4), (4, 4), F64), ((2, 3), (3, 4), F64), ((3, 2), (2, 5), F32), ((1, 5), (5, 1), F64),
          ((5, 1), (1, 3), F64), ((3, 0), (0, 2), F64)]

BACK0 = [
    Mistake("forgets to transpose y: the gradient of x is grad_out @ y.T", lambda g, o, x, y: g @ y),
    Mistake("multiplies in the wrong order: the gradient of x is grad_out @ y.T", lambda g, o, x, y: y @ g),
    Mistake("returns the transpose of x's gradient (y @ grad_out.T)", lambda g, o, x, y: (g @ y.T).T),
]
BACK1 = [
    Mistake("forgets to transpose x: the gradient of y is x.T @ grad_out", lambda g, o, x, y: x @ g),
    Mistake("multiplies in the wrong order: the gradient of y is x.T @ grad_out", lambda g, o, x, y: g @ x.T),
    Mistake("returns the transpose of y's gradient (grad_out.T @ x)", lambda g, o, x, y: (x.T @ g).T),
]


@part("_matmul2d")
def check_matmul(learner):
    matmul = private_fn(learner, "_matmul2d")
    for seed, (xs, ys, dtype) in enumerate(SHAPES):
        x, y = rand_array(xs, seed, dtype), rand_array(ys, 10 + seed, dtype)
        with context(f"x of shape {xs} @ y of shape {ys} ({np.dtype(dtype)})"):
            tol = 1e-5 if dtype == F32 else 1e-12
            expect_matches(matmul, lambda x, y: (torch.tensor(x) @ torch.tensor(y)).numpy(), x, y,
                           what="_matmul2d(x, y)", rtol=tol, atol=tol)


def check_back(learner, position):
    fn = getattr(learner, f"matmul2d_back{position}")
    for seed, (xs, ys, dtype) in enumerate(SHAPES):
        x, y = rand_array(xs, seed, dtype), rand_array(ys, 10 + seed, dtype)
        grad_out = rand_array((xs[0], ys[1]), 20 + seed, dtype, shift=0.5)
        text = f"x of shape {xs} @ y of shape {ys} ({np.dtype(dtype)}), random grad_out of shape {grad_out.shape}"
        wanted = ("x", xs) if position == 0 else ("y", ys)
        with context(text), explained_crash(
            learner,
            f"matmul2d_back{position} raised an exception for x of shape {xs}, y of shape {ys}",
            f"The gradient of {wanted[0]} has {wanted[0]}'s shape {wanted[1]}; grad_out is {grad_out.shape}. "
            "Pick the product and transpose whose shapes line up.",
        ):
            expect_back(fn, lambda a, b: a @ b, grad_out, [x, y], position,
                        what=f"matmul2d_back{position}(grad_out, out, x, y)", mistakes=BACK0 if position == 0 else BACK1)


@part("matmul2d_back0")
def check_back0(learner):
    check_back(learner, 0)


@part("matmul2d_back1")
def check_back1(learner):
    check_back(learner, 1)


@part("in the framework")
def check_in_framework(learner):
    A = given()
    overrides = {(A._matmul2d, 0): learner.matmul2d_back0, (A._matmul2d, 1): learner.matmul2d_back1}
    with context("backprop with your back functions: a (2, 3), b (3, 4), c (4, 2); "
                 "end = (a @ b) @ c, random end_grad of shape (2, 2)"):
        a, b, c = (twin_leaf(n, rand_array(s, 30 + i)) for i, (n, s) in enumerate([("a", (2, 3)), ("b", (3, 4)), ("c", (4, 2))]))
        end = Twin((a.mine @ b.mine) @ c.mine, (a.ref @ b.ref) @ c.ref, "end")
        expect_backprop([a, b, c], end, rand_array((2, 2), 33, shift=0.5), overrides)
    with context("backprop with your back functions: s (3, 3); end = (s @ s @ s.T).sum(), s in both places"):
        s = twin_leaf("s", rand_array((3, 3), 34))
        end = Twin((s.mine @ s.mine @ s.mine.T).sum(), (s.ref @ s.ref @ s.ref.T).sum(), "end")
        expect_backprop([s], end, None, overrides)
