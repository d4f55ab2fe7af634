import numpy as np
import torch

from mlkata.checking import CheckFailed, context, expect_close
from mlkata.checking.autograd import (
    Graph,
    Twin,
    expect_backprop_like_torch,
    expect_no_recipe,
    expect_recipe,
    explained_crash,
    given,
    tracking_off,
    twin_leaf,
)

TIGHT = {"rtol": 1e-13, "atol": 1e-13}
OFF = "while grad tracking was off (autograd.grad_tracking_enabled is False inside NoGrad)"


def first(x, other=None):
    """A NumPy-level function with a keyword parameter (it ignores `other`)."""
    return x.copy()


def wrap(learner, numpy_func, label, is_differentiable=True):
    """The learner's wrapped function, called through the learner so failures name it."""
    if is_differentiable:
        wrapped = learner.wrap_forward_fn(numpy_func)
    else:
        wrapped = learner.wrap_forward_fn(numpy_func, is_differentiable=False)
    if not callable(wrapped):
        raise CheckFailed(f"wrap_forward_fn({label}) returned {type(wrapped).__name__}, not a function",
                          ("Return the inner function itself: `return tensor_func` (without calling it).",))
    return lambda *args, **kwargs: learner.call(wrapped, *args, name=label, **kwargs)


def values(out, expected, what):
    expect_close(np.asarray(out.array), np.asarray(expected), what=f"{what}.array", **TIGHT)


def check(learner):
    A = given()
    rng = np.random.default_rng(0)
    log = wrap(learner, np.log, "log = wrap_forward_fn(np.log)")
    multiply = wrap(learner, np.multiply, "multiply = wrap_forward_fn(np.multiply)")
    total = wrap(learner, A._sum, "sum = wrap_forward_fn(_sum)")
    a = A.Tensor(rng.uniform(0.5, 2.0, (3, 1)), requires_grad=True)
    b = A.Tensor(rng.uniform(0.5, 2.0, (1, 4)), requires_grad=True)
    c = A.Tensor(rng.uniform(0.5, 2.0, (1, 4)))

    with context("log(a), a (3, 1) requiring grad"):
        out = log(a)
        expect_recipe(out, "log(a)", np.log, (a.array,), {}, {0: a}, labels={0: "a"})
        values(out, np.log(a.array), "log(a)")
    with context("multiply(a, b), both requiring grad"):
        out = multiply(a, b)
        expect_recipe(out, "multiply(a, b)", np.multiply, (a.array, b.array), {}, {0: a, 1: b}, labels={0: "a", 1: "b"})
        values(out, a.array * b.array, "multiply(a, b)")
    with context("multiply(2.5, b): a number in position 0"):
        out = multiply(2.5, b)
        expect_recipe(out, "multiply(2.5, b)", np.multiply, (2.5, b.array), {}, {1: b}, labels={1: "b"})
    with context("multiply(c, b): c requires no grad"):
        out = multiply(c, b)
        expect_recipe(out, "multiply(c, b)", np.multiply, (c.array, b.array), {}, {1: b}, untracked={0: c},
                      labels={0: "c", 1: "b"})

    x = A.Tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    for kwargs in ({"dim": 1, "keepdim": True}, {"dim": (0, -1)}, {}):
        call = f"sum(x{''.join(f', {k}={v}' for k, v in kwargs.items())})"
        with context(f"{call}, x (2, 3, 4) requiring grad: keyword arguments"):
            out = total(x, **kwargs)
            expected = A._sum(x.array, **kwargs)
            if kwargs and np.shape(out.array) == () :
                raise CheckFailed(f"{call} summed every element: the keyword arguments never reached _sum",
                                  ("Call numpy_func(*unboxed_args, **kwargs): pass the keyword arguments on.",))
            values(out, expected, call)
            expect_recipe(out, call, A._sum, (x.array,), kwargs, {0: x}, labels={0: "x"})

    with context("reshape(x, (4, 6)): a tuple as a second positional argument"):
        reshape = wrap(learner, np.reshape, "reshape = wrap_forward_fn(np.reshape)")
        out = reshape(x, (4, 6))
        expect_recipe(out, "reshape(x, (4, 6))", np.reshape, (x.array, (4, 6)), {}, {0: x}, labels={0: "x"})

    with context("first(x, other=t): a Tensor passed by keyword"):
        keyword = wrap(learner, first, "first = wrap_forward_fn(first)")
        try:
            keyword(x, other=A.Tensor(np.ones(3), requires_grad=True))
        except (CheckFailed, NotImplementedError):
            raise
        except Exception:  # noqa: BLE001 - any error refuses it
            pass
        else:
            raise CheckFailed(
                "a Tensor passed by keyword was accepted silently",
                ("Backward functions are found by argument position: a keyword Tensor would never get its gradient. "
                 "Raise an error (TypeError) when a keyword argument is a Tensor.",),
            )

    with context("argmax = wrap_forward_fn(_argmax, is_differentiable=False); argmax(x), x requiring grad"):
        argmax = wrap(learner, A._argmax, "argmax = wrap_forward_fn(_argmax, is_differentiable=False)", is_differentiable=False)
        out = argmax(x, dim=-1)
        expect_no_recipe(out, "argmax(x, dim=-1)", "for a function wrapped with is_differentiable=False")
        values(out, np.argmax(x.array, axis=-1), "argmax(x, dim=-1)")

    stale = "Read autograd.grad_tracking_enabled inside tensor_func, each time it runs, not in wrap_forward_fn."
    with context("log(a) " + OFF + ", with log wrapped while tracking was on"):
        with tracking_off():
            out = log(a)
        expect_no_recipe(out, "log(a)", OFF, stale)
    with context("exp = wrap_forward_fn(np.exp) wrapped while tracking was off, called after it is back on"):
        with tracking_off():
            exp = learner.wrap_forward_fn(np.exp)
        out = learner.call(exp, a, name="exp = wrap_forward_fn(np.exp)")
        expect_recipe(out, "exp(a)", np.exp, (a.array,), {}, {0: a}, labels={0: "a"})

    # A graph built only from your wrapped functions, walked by the given backprop.
    exp, add = learner.wrap_forward_fn(np.exp), learner.wrap_forward_fn(np.add)
    p, q = twin_leaf("p", rng.uniform(0.5, 1.5, (2, 3))), twin_leaf("q", rng.uniform(0.5, 1.5, (3,)))
    inner = multiply(p.mine, log(add(q.mine, 1.0)))
    mine = total(multiply(exp(inner), inner), dim=-1)
    inner_ref = p.ref * torch.log(q.ref + 1.0)
    ref = (torch.exp(inner_ref) * inner_ref).sum(dim=-1)
    text = "inner = p * log(q + 1); end = sum(exp(inner) * inner, dim=-1)"
    graph = Graph([p, q], [], Twin(mine, ref, "end"), rng.standard_normal(2) + 0.5, [text])
    with context(f"backprop through your wrapped functions: {text}"), \
            explained_crash(learner, "backprop through a graph built with your wrapped functions failed"):
        values(mine, ref.detach().numpy(), "end")
        expect_backprop_like_torch(graph)
