import numpy as np
import torch

from mlkata.checking import Mistake, context, expect_matches
from mlkata.checking.autograd import expect_expressions_like_torch, lookup_with, torch_back

# (shape, dtype): main cases first, then float32 and edge sizes.
CASES = [((5,), np.float64), ((2, 3), np.float64), ((2, 3, 4), np.float64), ((3, 4), np.float32), ((), np.float64), ((0, 3), np.float64)]
TIGHT = {np.float64: {"rtol": 1e-12, "atol": 1e-12}, np.float32: {}}

MISTAKES = [
    Mistake(
        "returns 1 / x and leaves out grad_out",
        lambda grad_out, out, x: 1 / x,
        "1 / x is only d(log x)/dx; the chain rule multiplies it by grad_out = dL/dout, the gradient arriving from above.",
    ),
    Mistake(
        "divides grad_out by out (which is log x) instead of by x",
        lambda grad_out, out, x: grad_out / out,
        "d(log x)/dx = 1 / x: divide by the input x, not by the output.",
    ),
    Mistake(
        "multiplies grad_out by x instead of dividing",
        lambda grad_out, out, x: grad_out * x,
        "d(log x)/dx = 1 / x.",
    ),
]


def torch_log_back(grad_out, out, x):
    return torch_back(torch.log, [x], grad_out, 0)


def check(learner):
    rng = np.random.default_rng(0)
    for shape, dtype in CASES:
        x = rng.uniform(0.2, 3.0, shape).astype(dtype)
        grad_out = (rng.standard_normal(shape) * 2).astype(dtype)
        with context(f"x of shape {shape} ({np.dtype(dtype).name}), positive; grad_out random"):
            expect_matches(learner.log_back, torch_log_back, grad_out, np.log(x), x, mistakes=MISTAKES, **TIGHT[dtype])

    back_funcs = lookup_with({(np.log, 0): learner.log_back})
    expressions = [
        ("end = a.log().log(), a > 1", lambda a: a.log().log(), {"a": rng.uniform(1.5, 4.0, (3, 4))}),
        ("end = (a.log() * b * a).log(): a reused after log", lambda a, b: (a.log() * b * a).log(),
         {"a": rng.uniform(1.5, 4.0, (2, 3)), "b": rng.uniform(0.5, 2.0, (1, 3))}),
    ]
    expect_expressions_like_torch(learner, expressions, back_funcs, "your log_back", seed=1)
