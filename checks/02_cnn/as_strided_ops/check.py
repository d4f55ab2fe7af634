import torch

from mlkata.checking import context, expect_close, randn
from mlkata.checking.windows import memory_layouts

TOLERANCES = {torch.float32: {"rtol": 1e-5, "atol": 1e-5}, torch.float64: {"rtol": 1e-10, "atol": 1e-10}}


def compare_trace(learner, a, layout):
    with context(f"a {a.shape[0]} × {a.shape[1]} matrix, {layout}"):
        expect_close(learner.as_strided_trace(a), torch.trace(a), what="as_strided_trace(a)", **TOLERANCES[a.dtype])


def compare_mv(learner, mat, vec, layout):
    with context(f"mat {tuple(mat.shape)}, vec {tuple(vec.shape)}: {layout}"):
        expect_close(learner.as_strided_mv(mat, vec), torch.mv(mat, vec), what="as_strided_mv(mat, vec)", **TOLERANCES[mat.dtype])


def compare_matmul(learner, a, b, layout):
    with context(f"a {tuple(a.shape)}, b {tuple(b.shape)}: {layout}"):
        expect_close(learner.as_strided_matmul(a, b), a @ b, what="as_strided_matmul(a, b)", **TOLERANCES[a.dtype])


def check(learner):
    # Every memory layout, float32.
    a = randn(4, 4, seed=1)
    for layout, a_in in memory_layouts(a):
        compare_trace(learner, a_in, layout)

    mat, vec = randn(3, 5, seed=2), randn(5, seed=3)
    for layout, mat_in in memory_layouts(mat):
        compare_mv(learner, mat_in, vec, f"mat {layout}")
    for layout, vec_in in memory_layouts(vec):
        compare_mv(learner, mat, vec_in, f"vec {layout}")

    a, b = randn(3, 4, seed=4), randn(4, 5, seed=5)
    for layout, a_in in memory_layouts(a):
        compare_matmul(learner, a_in, b, f"a {layout}")
    for layout, b_in in memory_layouts(b):
        compare_matmul(learner, a, b_in, f"b {layout}")

    # Sizes 1 and 0, then float64.
    for n in (1, 0):
        compare_trace(learner, randn(n, n, seed=10 + n), "contiguous")
    for i, j in ((1, 1), (0, 4), (4, 0)):
        compare_mv(learner, randn(i, j, seed=20 + i), randn(j, seed=30 + j), "contiguous")
    for i, j, k in ((1, 1, 1), (2, 0, 3), (0, 3, 2)):
        compare_matmul(learner, randn(i, j, seed=40 + i), randn(j, k, seed=50 + k), "contiguous")

    f64 = torch.float64
    compare_trace(learner, randn(5, 5, seed=60, dtype=f64).t(), "float64, transposed")
    compare_mv(learner, randn(4, 6, seed=61, dtype=f64), randn(6, seed=62, dtype=f64), "float64")
    compare_matmul(learner, randn(3, 6, seed=63, dtype=f64).t(), randn(3, 2, seed=64, dtype=f64), "float64, a transposed")
