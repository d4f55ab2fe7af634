import numpy as np
import torch

from mlkata.checking import Mistake, context, expect_matches, part
from mlkata.checking.autograd import explained_crash, given, twin_leaf
from mlkata.checking.backfuncs import arange_grad, expect_back, expect_backprop, private_fn, rand_array

F32, F64 = np.float32, np.float64

# (x's shape, new_shape, dtype): main cases first, then a view, then the edges.
RESHAPES = [((2, 3, 4), (4, -1), F64), ((2, 3, 4), (3, 2, 2, 2), F64), ((6,), (2, 3), F64),
            ((3, 4), (2, 6), F32), ((), (1, 1), F64), ((0, 3), (3, 0), F64)]
# 4-D permutations that are not their own inverse, negative axes, then the small ones.
PERMUTATIONS = [((2, 3, 4, 5), (1, 2, 3, 0)), ((2, 3, 4, 5), (2, 0, 3, 1)), ((3, 3, 3, 3), (1, 2, 3, 0)),
                ((2, 3, 4, 5), (-1, 0, -2, 1)), ((2, 3, 4), (2, 0, 1)), ((2, 3, 4), (-1, -3, -2)), ((3, 4), (1, 0))]
EXPANDS = [((3, 1), (3, 4)), ((3, 1), (2, 3, 4)), ((2, 1, 3), (4, -1, 5, -1)), ((5,), (3, 2, -1)),
           ((2, 3), (-1, -1)), ((), (2, 3)), ((4, 1), (4, 0))]

FORWARD_PERMUTATION = Mistake(
    "applies the forward permutation again instead of its inverse",
    lambda g, out, x, axes: np.transpose(g, axes),
    "out's axis i is x's axis axes[i]; to go back, x's axis j must come from out's axis k where axes[k] == j. "
    "np.argsort(axes) gives those k. Permutations like (1, 0) are their own inverse, which hides this.",
)
RAW_NEGATIVE_AXES = Mistake(
    "inverts a permutation with negative axes as if they were sorted numbers",
    lambda g, out, x, axes: np.transpose(g, np.argsort(axes)),
    "np.argsort((-1, 0, -2, 1)) puts -2 before -1 before 0, but -1 is the last axis: "
    "turn each axis into axis % x.ndim before inverting.",
)


def same_grad_shape_mistakes():
    return [
        Mistake("reshapes grad_out to new_shape, which is out's shape, not x's",
                lambda g, out, x, shape: np.reshape(g, shape),
                "The gradient of x has x's shape: np.reshape(grad_out, x.shape)."),
        Mistake("reads grad_out in column-major (Fortran) order",
                lambda g, out, x, shape: np.reshape(g, x.shape, order="F"),
                "np.reshape's default order (C, the last axis fastest) is the one np.reshape(x, new_shape) used."),
        Mistake("returns grad_out unchanged", lambda g, out, x, shape: g, "Give it x's shape."),
    ]


@part("reshape_back")
def check_reshape_back(learner):
    reshape_back = learner.reshape_back
    for seed, (shape, new_shape, dtype) in enumerate(RESHAPES):
        x = rand_array(shape, seed, dtype)
        out_shape = np.reshape(x, new_shape).shape
        with context(f"x of shape {shape} ({np.dtype(dtype)}) reshaped to {new_shape}, grad_out counting up"):
            expect_back(reshape_back, lambda t, s: t.reshape(s), arange_grad(out_shape, dtype), [x, new_shape], 0,
                        what="reshape_back", mistakes=same_grad_shape_mistakes())
    with context("x is a transposed (non-contiguous) view of shape (3, 4), reshaped to (12,)"):
        x = rand_array((4, 3), 9).T
        expect_back(reshape_back, lambda t, s: t.reshape(s), rand_array((12,), 10), [x, (12,)], 0,
                    what="reshape_back", mistakes=same_grad_shape_mistakes())


@part("permute_back")
def check_permute_back(learner):
    permute_back = learner.permute_back
    for seed, (shape, axes) in enumerate(PERMUTATIONS):
        dtype = F32 if len(shape) == 2 else F64
        x = rand_array(shape, seed, dtype)
        out_shape = tuple(shape[a] for a in axes)
        with context(f"x of shape {shape}, permuted with axes {axes}, grad_out counting up"):
            expect_back(permute_back, lambda t, a: t.permute(a), arange_grad(out_shape, dtype), [x, axes], 0,
                        what="permute_back", mistakes=[FORWARD_PERMUTATION, RAW_NEGATIVE_AXES])


@part("_expand")
def check_expand(learner):
    expand = private_fn(learner, "_expand")
    for seed, (shape, new_shape) in enumerate(EXPANDS):
        x = rand_array(shape, 20 + seed)
        label = f"_expand(x of shape {shape}, {new_shape})"
        with context(label), explained_crash(
            learner,
            f"{label} raised an exception",
            "A -1 keeps the size of x's dimension at that place, counting from the right: with "
            "n = len(new_shape) - x.ndim new leading dimensions, position i of new_shape is x's dimension i - n.",
        ):
            expect_matches(expand, lambda x, s: torch.tensor(x).expand(*s).numpy(), x, new_shape,
                           what=label, rtol=0, atol=0)


@part("expand_back")
def check_expand_back(learner):
    expand_back = learner.expand_back
    A = given()
    cases = [((2, 1, 3), (5, 1, 2, 4, 3)), ((2, 1, 3), (4, -1, 5, -1)), ((3, 1), (2, 3, 4)), ((4,), (3, 4)),
             ((2, 3), (2, 3)), ((), (2, 3)), ((1, 1), (0, 5))]
    mistakes = [
        Mistake("returns grad_out without summing the copies", lambda g, out, x, s: g,
                "Each element of x was copied to many places of out: its gradient is the sum over them. "
                "unbroadcast(grad_out, x) does it."),
        Mistake("sums only the new leading dimensions, not the stretched ones",
                lambda g, out, x, s: g.sum(axis=tuple(range(g.ndim - x.ndim))),
                "A dimension of size 1 in x that became larger was copied too: sum it with keepdims=True."),
        Mistake("averages the copies instead of summing them",
                lambda g, out, x, s: A.unbroadcast(g, x) * x.size / max(g.size, 1),
                "Every copy adds its own gradient: sum them."),
    ]
    for seed, (shape, new_shape) in enumerate(cases):
        x = rand_array(shape, 30 + seed)
        out_shape = np.shape(A._expand(x, new_shape))
        with context(f"x of shape {shape} expanded with {new_shape}, random grad_out"):
            expect_back(expand_back, lambda t, s: t.expand(*s), rand_array(out_shape, 40 + seed, shift=0.5),
                        [x, new_shape], 0, what="expand_back", mistakes=mistakes)


@part("in the framework")
def check_in_framework(learner):
    A = given()
    overrides = {(np.reshape, 0): learner.reshape_back, (np.transpose, 0): learner.permute_back,
                 (A._expand, 0): learner.expand_back}
    with context("backprop with your three back functions: a (2, 3, 4) and b (3, 1), "
                 "p = a.permute((2, 0, -2)).reshape((8, 3)); e = b.expand((8, -1, 5)); "
                 "end = (p.reshape((8, 3, 1)) * e).sum() + (a.T * a.T).sum()"):
        a = twin_leaf("a", rand_array((2, 3, 4), 50))
        b = twin_leaf("b", rand_array((3, 1), 51))
        p_mine = a.mine.permute((2, 0, -2)).reshape((8, 3))
        p_ref = a.ref.permute(2, 0, -2).reshape(8, 3)
        e_mine, e_ref = b.mine.expand((8, -1, 5)), b.ref.expand(8, -1, 5)
        end_mine = (p_mine.reshape((8, 3, 1)) * e_mine).sum() + (a.mine.T * a.mine.T).sum()
        a_t = a.ref.permute(2, 1, 0)
        end_ref = (p_ref.reshape(8, 3, 1) * e_ref).sum() + (a_t * a_t).sum()
        expect_backprop([a, b], twin(end_mine, end_ref), None, overrides)
    with context("backprop with your three back functions: x (2, 3, 4, 5), "
                 "end = x.permute((1, 2, 3, 0)).reshape((12, 10)), end_grad counting up"):
        x = twin_leaf("x", rand_array((2, 3, 4, 5), 52))
        end = twin(x.mine.permute((1, 2, 3, 0)).reshape((12, 10)), x.ref.permute(1, 2, 3, 0).reshape(12, 10))
        expect_backprop([x], end, arange_grad((12, 10)), overrides)


def twin(mine, ref):
    from mlkata.checking.autograd import Twin

    return Twin(mine, ref, "end")
