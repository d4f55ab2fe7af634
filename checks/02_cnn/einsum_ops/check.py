import torch

from mlkata.checking import context, expect_close, layouts, randn

TOLERANCES = {torch.float32: {"rtol": 1e-5, "atol": 1e-5}, torch.float64: {"rtol": 1e-10, "atol": 1e-10}}


def check(learner):
    for dtype in (torch.float32, torch.float64):
        tol = TOLERANCES[dtype]
        # The main sizes in every layout (float32 only), then sizes 1 and 0.
        main = dtype == torch.float32

        for n in (4, 1, 0):
            a = randn(n, n, seed=10 + n, dtype=dtype)
            for layout, a_in in layouts(a) if main and n == 4 else [("contiguous", a)]:
                with context(f"a {n} × {n} {dtype_name(dtype)} matrix, {layout}"):
                    expect_close(learner.einsum_trace(a_in), torch.trace(a), what="einsum_trace(a)", **tol)

        for i, j in ((3, 5), (1, 1), (0, 4), (4, 0)):
            mat = randn(i, j, seed=20 + i, dtype=dtype)
            vec = randn(j, seed=30 + j, dtype=dtype)
            for layout, mat_in in layouts(mat) if main and i == 3 else [("contiguous", mat)]:
                with context(f"mat ({i}, {j}) {dtype_name(dtype)}, {layout}"):
                    expect_close(learner.einsum_mv(mat_in, vec), torch.mv(mat, vec), what="einsum_mv(mat, vec)", **tol)

        for i, j, k in ((3, 4, 5), (1, 1, 1), (2, 0, 3), (0, 3, 2)):
            a = randn(i, j, seed=40 + i, dtype=dtype)
            b = randn(j, k, seed=50 + k, dtype=dtype)
            for layout, b_in in layouts(b) if main and i == 3 else [("contiguous", b)]:
                with context(f"a ({i}, {j}), b ({j}, {k}) {dtype_name(dtype)}, b {layout}"):
                    expect_close(learner.einsum_mm(a, b_in), torch.mm(a, b), what="einsum_mm(a, b)", **tol)

        for n in (6, 1, 0):
            v = randn(n, seed=60 + n, dtype=dtype)
            w = randn(n, seed=70 + n, dtype=dtype)
            expect_close(learner.einsum_inner(v, w), torch.inner(v, w), what="einsum_inner(v, w)", **tol)

        for i, j in ((3, 5), (1, 1), (0, 2), (2, 0)):
            v = randn(i, seed=80 + i, dtype=dtype)
            w = randn(j, seed=90 + j, dtype=dtype)
            expect_close(learner.einsum_outer(v, w), torch.outer(v, w), what="einsum_outer(v, w)", **tol)


def dtype_name(dtype):
    return str(dtype).removeprefix("torch.")
