import numpy as np
import torch

from mlkata.checking import Mistake, context, expect_matches, part
from mlkata.checking.autograd import Twin, explained_crash, given, twin_leaf
from mlkata.checking.backfuncs import arange_grad, expect_back, expect_backprop, private_fn, rand_array

F32, F64 = np.float32, np.float64
TENSOR_ADVICE = (
    "NumPy cannot index with mlkata's Tensor: in a tuple index, replace each Tensor by its .array "
    "(mlkata's wrapper unboxes Tensor arguments, not Tensors inside a tuple)."
)


def cases():
    """(description, x's shape, index, dtype): every kind, repeats, negatives, Tensors."""
    T = given().Tensor
    pairs = (np.array([0, 2, 0, -1]), np.array([1, 1, 1, 3]))
    return [
        ("index 1 (a row)", (3, 4), 1, F64),
        ("index -1 (the last row)", (3, 4), -1, F64),
        ("index (1, 2) (one element)", (3, 4), (1, 2), F64),
        ("index (-1, 0)", (3, 4), (-1, 0), F64),
        ("index (rows, cols) = ([0, 2, 0, -1], [1, 1, 1, 3]): (0, 1) twice", (3, 4), pairs, F64),
        ("index (rows,) = ([2, 0, 2],): row 2 twice", (3, 4), (np.array([2, 0, 2]),), F64),
        ("index of Tensors (Tensor([0, 1, 0, 1, 0]), Tensor([0, 0, 1, 2, 0]))", (2, 3),
         (T(np.array([0, 1, 0, 1, 0])), T(np.array([0, 0, 1, 2, 0]))), F64),
        ("index (Tensor([1, 1, -3]),)", (3, 2), (T(np.array([1, 1, -3])),), F64),
        ("x of shape (4, 3, 2), index ([3, 3, 0], [-1, 2, 0])", (4, 3, 2), (np.array([3, 3, 0]), np.array([-1, 2, 0])), F64),
        ("float32, index ([1, 1], [0, 0])", (2, 2), (np.array([1, 1]), np.array([0, 0])), F32),
    ]


def torch_index(index):
    """The same index for a torch tensor."""
    T = given().Tensor
    def convert(item):
        if isinstance(item, T):
            item = item.array
        return torch.tensor(item) if isinstance(item, np.ndarray) else item
    return tuple(convert(i) for i in index) if isinstance(index, tuple) else convert(index)


def has_tensor(index):
    return isinstance(index, tuple) and any(isinstance(i, given().Tensor) for i in index)


def has_negative(index):
    T = given().Tensor
    items = index if isinstance(index, tuple) else (index,)
    return any(np.any(np.asarray(i.array if isinstance(i, T) else i) < 0) for i in items)


def crash_advice(index):
    if has_tensor(index):
        return TENSOR_ADVICE
    if has_negative(index):
        return "Indices may be negative (-1 is the last position), as in x[index]: np.add.at accepts them too."
    return ""


@part("_getitem")
def check_getitem(learner):
    getitem = private_fn(learner, "_getitem")
    for seed, (text, shape, index, dtype) in enumerate(cases()):
        x = rand_array(shape, seed, dtype)
        with context(f"x of shape {shape}, {text}"), explained_crash(
            learner,
            f"_getitem raised an exception for {text}", crash_advice(index)
        ):
            expect_matches(getitem, lambda x, index: torch.tensor(x)[torch_index(index)].numpy(), x, index,
                           what="_getitem(x, index)", rtol=0, atol=0)


@part("getitem_back")
def check_getitem_back(learner):
    getitem_back = learner.getitem_back
    A = given()

    def assigned(g, out, x, index):
        grad = np.zeros_like(x, dtype=g.dtype)
        grad[A._coerce_index(index)] += g
        return grad

    mistakes = [Mistake(
        "loses repeated indices: an element picked twice gets one gradient, not the sum of both",
        assigned,
        "`grad[index] += grad_out` (or `=`) writes each repeated position once. np.add.at(grad, index, grad_out) "
        "adds once per occurrence.",
    )]
    for seed, (text, shape, index, dtype) in enumerate(cases()):
        x = rand_array(shape, seed, dtype)
        out_shape = np.shape(A._getitem(x, index))
        with context(f"x of shape {shape}, {text}, grad_out counting up"), explained_crash(
            learner,
            f"getitem_back raised an exception for {text}", crash_advice(index)
        ):
            expect_back(getitem_back, lambda t, index: t[torch_index(index)], arange_grad(out_shape, dtype),
                        [x, index], 0, what="getitem_back", mistakes=mistakes)


@part("in the framework")
def check_in_framework(learner):
    A = given()
    overrides = {(A._getitem, 0): learner.getitem_back}
    rows, cols = np.array([0, 2, 2, -1]), np.array([1, 0, 0, 3])
    with context("backprop with your getitem_back: a of shape (3, 4); end = a[1] * a[-1] + "
                 "a[(Tensor(rows), Tensor(cols))].sum() with (2, 0) picked twice, end_grad counting up"):
        a = twin_leaf("a", rand_array((3, 4), 70))
        index = (A.Tensor(rows), A.Tensor(cols))
        mine = a.mine[1] * a.mine[-1] + a.mine[index].sum()
        ref = a.ref[1] * a.ref[-1] + a.ref[torch.tensor(rows), torch.tensor(cols)].sum()
        expect_backprop([a], Twin(mine, ref, "end"), arange_grad((4,)), overrides)
