import torch

from mlkata.checking import context, expanded, expect_close, layouts, randn

SHAPES = [(3, 4), (2, 3, 4), (4, 2, 3, 2), (1, 1), (5, 1, 1, 1, 2), (0, 3)]
TOLERANCE = {torch.float32: dict(rtol=1e-5, atol=1e-5), torch.float64: dict(rtol=1e-10, atol=1e-10)}


def expected(a, b):
    # Summed in float64, so the expected value does not depend on summation order.
    return (a.double() * b.double()).flatten(1).sum(dim=1).to(a.dtype)


def check(learner):
    for dtype in (torch.float32, torch.float64):
        for index, shape in enumerate(SHAPES):
            a = randn(*shape, seed=10 + index, dtype=dtype)
            b = randn(*shape, seed=20 + index, dtype=dtype)
            for layout, a_in in layouts(a):
                with context(f"`a`, `b`: {str(dtype).removeprefix('torch.')} {shape}; `a` {layout}"):
                    expect_close(learner.batched_dot_product_nd(a_in, b), expected(a, b), what="the result", **TOLERANCE[dtype])
    # One b shared by the whole batch, expanded with stride 0 (no copy).
    a = randn(6, 2, 5, seed=30)
    row = randn(2, 5, seed=31)
    b = expanded(row, 6)
    with context("b: one (2, 5) example expanded over a batch of 6 (stride 0)"):
        expect_close(learner.batched_dot_product_nd(a, b), expected(a, b), what="the result", **TOLERANCE[torch.float32])
