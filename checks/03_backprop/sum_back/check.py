import numpy as np
import torch

from mlkata.checking import Mistake, context, expect_matches, part
from mlkata.checking.autograd import Twin, explained_crash, given, twin_leaf
from mlkata.checking.backfuncs import arange_grad, expect_back, expect_backprop, private_fn, rand_array

F32, F64 = np.float32, np.float64
# (x's shape, dim, keepdim, dtype): main cases, square arrays, then 0-d and empty ones.
CASES = [
    ((3, 3), 1, False, F64), ((2, 3, 4), 1, False, F64), ((2, 3, 4), -1, False, F64), ((2, 3, 4), (0, 2), False, F64),
    ((2, 3, 4), (-1, 0), False, F64), ((2, 3, 4), None, False, F64), ((2, 3, 4), 1, True, F64),
    ((2, 3, 4), (0, -1), True, F64), ((2, 3, 4), None, True, F64), ((3, 3), -2, False, F64), ((4, 5), 0, False, F32), ((), None, False, F64), ((0, 3), 0, False, F64),
]
NEGATIVE_DIM_ADVICE = (
    "A negative dim counts from the end: -1 is axis x.ndim - 1. Turn each one into d % x.ndim before "
    "comparing it with axis numbers (np.sum accepts negatives; your own `d in dim` tests do not)."
)
BACK_CRASH_ADVICE = (
    "With keepdim=False the summed axes are gone from grad_out: put them back as size 1 where they were "
    "(np.expand_dims(grad_out, axes)) before broadcasting to x.shape. " + NEGATIVE_DIM_ADVICE
)


def torch_sum(dim, keepdim):
    def fn(t, *_):
        every = tuple(range(t.ndim))
        return t.sum(dim=every if dim is None else dim, keepdim=keepdim) if t.ndim else t.sum()
    return fn


def label(shape, dim, keepdim, dtype):
    return f"x of shape {shape} ({np.dtype(dtype)}), dim={dim}, keepdim={keepdim}"


@part("_sum")
def check_sum(learner):
    sum_ = private_fn(learner, "_sum")
    for seed, (shape, dim, keepdim, dtype) in enumerate(CASES):
        x = rand_array(shape, seed, dtype)
        with context(label(shape, dim, keepdim, dtype)), explained_crash(
            learner,
            f"_sum raised an exception for dim={dim}, keepdim={keepdim}", NEGATIVE_DIM_ADVICE
        ):
            expect_matches(sum_, lambda x, dim, keepdim: torch_sum(dim, keepdim)(torch.tensor(x)).numpy(),
                           x, dim=dim, keepdim=keepdim, what=f"_sum(x, dim={dim}, keepdim={keepdim})",
                           rtol=1e-5 if dtype == F32 else 1e-12, atol=1e-5 if dtype == F32 else 1e-12)


@part("sum_back")
def check_sum_back(learner):
    sum_back = learner.sum_back
    mistakes = [
        Mistake("broadcasts grad_out against x without putting the summed axes back",
                lambda g, out, x, dim=None, keepdim=False: np.broadcast_to(g, x.shape).copy(),
                "Broadcasting lines grad_out up with x's last axes. With keepdim=False, first reinsert "
                "each summed axis as size 1 where it was (np.expand_dims(grad_out, axes)), then broadcast."),
        Mistake("divides the gradient by the number of summed elements (that is the mean's gradient)",
                lambda g, out, x, dim=None, keepdim=False: given().sum_back(g, out, x, dim, keepdim)
                * out.size / max(x.size, 1),
                "Each element of x enters its sum with weight 1: it receives the gradient unchanged."),
    ]
    for seed, (shape, dim, keepdim, dtype) in enumerate(CASES):
        x = rand_array(shape, seed, dtype)
        out_shape = np.shape(given()._sum(x, dim, keepdim))
        with context(label(shape, dim, keepdim, dtype) + ", grad_out counting up"), explained_crash(
            learner,
            f"sum_back raised an exception for dim={dim}, keepdim={keepdim}", BACK_CRASH_ADVICE
        ):
            expect_back(sum_back, torch_sum(dim, keepdim), arange_grad(out_shape, dtype), [x], 0,
                        what=f"sum_back(grad_out, out, x, dim={dim}, keepdim={keepdim})",
                        mistakes=mistakes, kwargs={"dim": dim, "keepdim": keepdim})


@part("in the framework")
def check_in_framework(learner):
    A = given()
    overrides = {(A._sum, 0): learner.sum_back}
    with context("backprop with your sum_back: a of shape (2, 3, 4); "
                 "end = (a.sum() + a.sum()) + (a.sum(-1, keepdim=True) * a.sum((0, -1))).sum(1).sum()"):
        a = twin_leaf("a", rand_array((2, 3, 4), 60))
        mine = (a.mine.sum() + a.mine.sum()) + (a.mine.sum(-1, keepdim=True) * a.mine.sum((0, -1))).sum(1).sum()
        ref = (a.ref.sum() + a.ref.sum()) + (a.ref.sum(-1, keepdim=True) * a.ref.sum((0, -1))).sum(1).sum()
        expect_backprop([a], Twin(mine, ref, "end"), None, overrides)
    with context("backprop with your sum_back: b of shape (3, 3); end = b.sum(0) * b.sum(1), end_grad counting up"):
        b = twin_leaf("b", rand_array((3, 3), 61))
        end = Twin(b.mine.sum(0) * b.mine.sum(1), b.ref.sum(0) * b.ref.sum(1), "end")
        expect_backprop([b], end, arange_grad((3,)), overrides)
