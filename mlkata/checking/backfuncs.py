"""Helpers for the checks of 03_backprop exercises 12-22: back functions, modules, training.

A back function is checked twice: alone, against torch's gradient for the same forward
call (`expect_back`), and inside mlkata's framework, registered in a fresh lookup among
the given back functions, on a small graph built twin-wise in torch (`expect_backprop`).
Every gradient a back function returns must be an array of its own (writable, sharing
no memory with its inputs): backprop may add into it in place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from mlkata.checking.autograd import Twin, expect_grad, given, lookup_with, torch_back
from mlkata.checking.failure import CheckFailed
from mlkata.checking.spec import Mistake, expect_matches

# float64 back functions are compared tightly: a formula slip cannot hide in rounding.
TOLERANCES = {np.dtype(np.float64): (1e-9, 1e-12), np.dtype(np.float32): (1e-5, 1e-5)}


def rand_array(shape: Sequence[int], seed: int, dtype=np.float64, shift: float = 0.0) -> np.ndarray:
    """Seeded standard normal values (plus `shift`) of `shape`."""
    return np.asarray(np.random.default_rng(seed).standard_normal(tuple(shape)) + shift).astype(dtype)


def arange_grad(shape: Sequence[int], dtype=np.float64) -> np.ndarray:
    """Distinct, non-zero, mixed-sign values in order (never all ones): order mistakes show."""
    n = int(np.prod(shape, dtype=np.int64))
    return (np.arange(n, dtype=np.float64) - n / 2 + 0.25).reshape(tuple(shape)).astype(dtype)


def expect_own_array(got: Any, what: str, **inputs: Any) -> None:
    """`got` is a writable array that shares memory with none of `inputs`."""
    if not isinstance(got, np.ndarray):
        return  # the value comparison has already said what is wrong
    if not got.flags.writeable:
        raise CheckFailed(
            f"{what} returns a read-only array (a broadcast view)",
            (
                "np.broadcast_to returns a read-only view of its input. backprop may add into the "
                "gradient it receives, in place (`grads[parent] += grad`), which fails on it: return a "
                "copy (np.broadcast_to(...).copy()) or build a new array.",
            ),
        )
    for name, value in inputs.items():
        if isinstance(value, np.ndarray) and value.size and np.shares_memory(got, value):
            raise CheckFailed(
                f"{what} returns a view of {name}, not an array of its own",
                (
                    "np.reshape, np.transpose, slicing and np.broadcast_to return views that share memory "
                    f"with their input. backprop may add into a gradient in place, which would change {name} "
                    "too: return a copy (`.copy()`).",
                ),
            )


def expect_back(
    learner_fn: Callable,
    torch_fn: Callable,
    grad_out: np.ndarray,
    forward_args: Sequence[Any],
    position: int,
    *,
    what: str,
    mistakes: Sequence[Mistake] = (),
    kwargs: dict | None = None,
) -> np.ndarray:
    """`learner_fn(grad_out, out, *forward_args, **kwargs)` against torch's gradient of argument `position`.

    `torch_fn(*tensors)` is the forward in torch; `out` is computed in NumPy by the caller's
    forward, passed as torch's output converted back to an array.
    """
    kwargs = kwargs or {}
    tensors = [torch.tensor(a) if isinstance(a, np.ndarray) else a for a in forward_args]
    out = np.array(torch_fn(*tensors).detach().numpy())

    def reference(grad, out, *args, **kw):
        return torch_back(torch_fn, args, grad, position)

    x = forward_args[position]
    rtol, atol = TOLERANCES.get(np.asarray(x).dtype, (1e-9, 1e-12))
    got = expect_matches(
        learner_fn, reference, grad_out, out, *forward_args, what=what, mistakes=mistakes,
        rtol=rtol, atol=atol, check_dtype=False, **kwargs,
    )
    # A wider float than x's (float64 gradients for a float32 x, as `0.5 * (x == y)` gives) is fine;
    # integers are not: they cannot hold a gradient.
    if isinstance(got, np.ndarray) and got.dtype.kind != "f":
        raise CheckFailed(
            f"{what} returns an array of dtype {got.dtype}; a gradient holds floats",
            ("Build it from grad_out (np.zeros_like(x, dtype=grad_out.dtype) for a start from zeros).",),
        )
    arrays = {"grad_out": grad_out, "out": out}
    arrays.update({f"argument {i}" if i else "x": a for i, a in enumerate(forward_args) if isinstance(a, np.ndarray)})
    expect_own_array(got, what, **arrays)
    return got


def backprop_both(end: Twin, end_grad: np.ndarray | None, overrides: dict) -> None:
    """backprop in mlkata's framework, with the learner's back functions in its lookup, and in torch."""
    A = given()
    lookup = lookup_with(overrides)
    A.backprop(end.mine, None if end_grad is None else A.Tensor(end_grad.copy()), back_funcs=lookup)
    end.ref.backward(None if end_grad is None else torch.tensor(end_grad))


def expect_backprop(leaves: Sequence[Twin], end: Twin, end_grad: np.ndarray | None, overrides: dict) -> None:
    """Every leaf's gradient after backprop through the framework, against torch's."""
    backprop_both(end, end_grad, overrides)
    for leaf in leaves:
        expect_grad(leaf)


def tensor_arrays(*tensors: Any) -> list[np.ndarray]:
    """Copies of the arrays of the framework's Tensors among `tensors`, to see they stay unchanged."""
    return [np.array(t.array, copy=True) for t in tensors]


def expect_unchanged(tensors: Sequence[Any], before: Sequence[np.ndarray], names: Sequence[str], what: str) -> None:
    for tensor, old, name in zip(tensors, before, names):
        same = tensor.array.shape == old.shape and np.array_equal(tensor.array, old, equal_nan=True)
        if not same:
            raise CheckFailed(
                f"{what} changed {name}.array in place",
                ("Build new Tensors with the framework's operations; never write into an input's array.",),
            )


def private_fn(learner: Any, name: str) -> Any:
    """The learner's function `name` that starts with `_` (`_sum`), tracked like `learner.fn`."""
    from mlkata.checking.learner import Tracked

    module = learner._module
    if not callable(getattr(module, name, None)):
        raise CheckFailed(
            f"your file has no function `{name}`",
            (f"The check looks for `{name}` (with its leading underscore, as in MLAB); keep the name from the stub.",),
        )
    return Tracked(getattr(module, name), name, learner)
