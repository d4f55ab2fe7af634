import torch

from mlkata.checking import Mistake, context, part, randn
from mlkata.checking.windows import expect_windows_match, layout_note, memory_layouts

F64 = torch.float64
STRIDE_ADVICE = "Read every stride from the tensor you are given (x.stride()), never from its shape."


def trace(a):
    """torch.trace, for square matrices only (the simplest failing case stays square)."""
    if a.dim() != 2 or a.shape[0] != a.shape[1]:
        raise ValueError("as_strided_trace takes a square matrix")
    return torch.trace(a)


def contiguous_strides(shape):
    """The strides a freshly made contiguous tensor of `shape` would have."""
    strides, step = [], 1
    for size in reversed(shape):
        strides.insert(0, step)
        step *= max(size, 1)
    return tuple(strides)


@part("as_strided_trace")
def check_trace(learner):
    def step_of_contiguous(a):
        n = a.shape[0]
        return a.as_strided((n,), (n + 1,)).sum()

    def from_storage_start(a):
        n = a.shape[0]
        return a.as_strided((n,), (a.stride(0) + a.stride(1),), 0).sum()

    mistakes = [
        Mistake("it steps n + 1 through memory, which is the diagonal's stride only for a contiguous matrix",
                step_of_contiguous, f"The diagonal steps one row and one column: a.stride(0) + a.stride(1). {STRIDE_ADVICE}"),
        Mistake("it reads from the start of the storage, not from where a starts", from_storage_start,
                "Leave out as_strided's storage_offset (it defaults to a's own), or pass a.storage_offset()."),
        Mistake("it sums every entry of the matrix, not only the diagonal", lambda a: a.sum(),
                "View only the diagonal: n elements, each one row and one column further on."),
    ]
    cases = [(layout, a) for layout, a in memory_layouts(randn(4, 4, seed=1))]
    cases += [("contiguous", randn(1, 1, seed=11)), ("contiguous", randn(0, 0, seed=10)),
              ("float64, transposed in memory", randn(5, 5, seed=60, dtype=F64).t())]
    for layout, a in cases:
        with context(f"a {a.shape[0]} × {a.shape[1]} matrix, {layout}"), layout_note(layout, "a", a):
            expect_windows_match(learner.as_strided_trace, trace, a, what="as_strided_trace(a)",
                                 mistakes=mistakes, condition=max(a.shape[0], 1))


@part("as_strided_mv")
def check_mv(learner):
    def vec_stride_one(mat, vec):
        i, j = mat.shape
        return (mat * vec.as_strided((i, j), (0, 1))).sum(dim=1)

    def strides_swapped(mat, vec):
        i, j = mat.shape
        return (mat * vec.as_strided((i, j), (vec.stride(0), 0))).sum(dim=1)

    mistakes = [
        Mistake("it assumes vec's stride is 1", vec_stride_one,
                f"Every row of the view is vec: strides (0, vec.stride(0)). {STRIDE_ADVICE}"),
        Mistake("its view of vec has the strides swapped: each row repeats one entry of vec", strides_swapped,
                "Stride 0 goes on the dimension that repeats (the rows), vec.stride(0) on the one that walks "
                "along vec (the columns): strides (0, vec.stride(0))."),
    ]
    mat, vec = randn(3, 5, seed=2), randn(5, seed=3)
    cases = [("mat", layout, mat_in, vec) for layout, mat_in in memory_layouts(mat)]
    cases += [("vec", layout, mat, vec_in) for layout, vec_in in memory_layouts(vec)[1:]]
    cases += [("float64", "contiguous", randn(4, 6, seed=61, dtype=F64), randn(6, seed=62, dtype=F64))]
    cases += [("sizes 1 and 0", "contiguous", randn(i, j, seed=20 + i), randn(j, seed=30 + j)) for i, j in ((1, 1), (0, 4), (4, 0))]
    for which, layout, mat_in, vec_in in cases:
        laid_out = mat_in if which == "mat" else vec_in
        with context(f"mat {tuple(mat_in.shape)}, vec {tuple(vec_in.shape)}: {which} {layout}"), layout_note(layout, which, laid_out):
            expect_windows_match(learner.as_strided_mv, torch.mv, mat_in, vec_in, what="as_strided_mv(mat, vec)",
                                 mistakes=mistakes, condition=max(mat_in.shape[1], 1))


@part("as_strided_matmul")
def check_matmul(learner):
    def contiguous_views(a, b):
        (i, j), k = a.shape, b.shape[1]
        a_ijk = a.as_strided((i, j, k), (*contiguous_strides(a.shape), 0))
        b_ijk = b.as_strided((i, j, k), (0, *contiguous_strides(b.shape)))
        return (a_ijk * b_ijk).sum(dim=1)

    mistakes = [
        Mistake("it assumes a and b are contiguous", contiguous_views,
                f"View a with strides (a.stride(0), a.stride(1), 0) and b with (0, b.stride(0), b.stride(1)). {STRIDE_ADVICE}"),
        Mistake("it sums over k (dimension 2), not over j", lambda a, b: a * b.sum(dim=1),
                "a @ b sums over the dimension a and b share, j: .sum(dim=1) of the (i, j, k) product."),
    ]
    a, b = randn(3, 4, seed=4), randn(4, 5, seed=5)
    cases = [("a", layout, a_in, b) for layout, a_in in memory_layouts(a)]
    cases += [("b", layout, a, b_in) for layout, b_in in memory_layouts(b)[1:]]
    cases += [("a", "float64, transposed in memory", randn(3, 6, seed=63, dtype=F64).t(), randn(3, 2, seed=64, dtype=F64))]
    cases += [("sizes 1 and 0", "contiguous", randn(i, j, seed=40 + i), randn(j, k, seed=50 + k)) for i, j, k in ((1, 1, 1), (2, 0, 3), (0, 3, 2))]
    for which, layout, a_in, b_in in cases:
        laid_out = a_in if which == "a" else b_in
        with context(f"a {tuple(a_in.shape)}, b {tuple(b_in.shape)}: {which} {layout}"), layout_note(layout, which, laid_out):
            expect_windows_match(learner.as_strided_matmul, lambda a, b: a @ b, a_in, b_in, what="as_strided_matmul(a, b)",
                                 mistakes=mistakes, condition=max(a_in.shape[1], 1))
