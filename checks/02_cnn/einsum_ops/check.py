import torch

from mlkata.checking import Mistake, context, layouts, part, randn
from mlkata.checking.windows import expect_windows_match

F32, F64 = torch.float32, torch.float64


def dtype_name(dtype):
    return str(dtype).removeprefix("torch.")


def trace(a):
    """torch.trace, for square matrices only (the simplest failing case stays square)."""
    if a.dim() != 2 or a.shape[0] != a.shape[1]:
        raise ValueError("einsum_trace takes a square matrix")
    return torch.trace(a)


def compare(learner_fn, reference, *args, mistakes, what, condition=1.0):
    expect_windows_match(learner_fn, reference, *args, what=what, mistakes=mistakes, condition=condition)


@part("einsum_trace")
def check_trace(learner):
    mistakes = [
        Mistake("it returns the diagonal instead of its sum", lambda a: torch.diagonal(a),
                'Leave the letter out after the arrow to sum over it: "ii->" sums the diagonal.'),
        Mistake("it sums every entry of the matrix, not only the diagonal", lambda a: a.sum(),
                'Give both dimensions the same letter ("ii->"): two different letters ("ij->") sum everything.'),
    ]
    # The idea first (a 4 x 4 matrix, in every layout), then float64, then sizes 1 and 0.
    cases = [(F32, 4, layout) for layout in ("contiguous", "transposed in memory", "strided with gaps")]
    cases += [(F64, 4, "contiguous"), (F32, 1, "contiguous"), (F64, 0, "contiguous")]
    for dtype, n, layout in cases:
        a = dict(layouts(randn(n, n, seed=10 + n, dtype=dtype)))[layout]
        with context(f"a {n} × {n} {dtype_name(dtype)} matrix, {layout}"):
            compare(learner.einsum_trace, trace, a, what="einsum_trace(a)", mistakes=mistakes, condition=n)


@part("einsum_mv")
def check_mv(learner):
    mistakes = [
        Mistake("it multiplies by the transposed matrix (it sums over mat's rows, not its columns)",
                lambda mat, vec: torch.mv(mat.T, vec),
                'vec pairs with mat\'s second dimension (its columns): "ij,j->i".'),
        Mistake("it multiplies each column by vec's entry but does not sum the products", lambda mat, vec: mat * vec,
                'Leave j out after the arrow to sum over it: "ij,j->i".'),
    ]
    cases = [(F32, (3, 5), layout, "contiguous") for layout in ("contiguous", "transposed in memory", "strided with gaps")]
    cases += [(F32, (3, 5), "contiguous", "strided with gaps"), (F32, (4, 4), "contiguous", "contiguous"),
              (F64, (3, 5), "contiguous", "contiguous"), (F32, (1, 1), "contiguous", "contiguous"),
              (F32, (0, 4), "contiguous", "contiguous"), (F64, (4, 0), "contiguous", "contiguous")]
    for dtype, (i, j), mat_layout, vec_layout in cases:
        mat = dict(layouts(randn(i, j, seed=20 + i, dtype=dtype)))[mat_layout]
        vec = dict(layouts(randn(j, seed=30 + j, dtype=dtype)))[vec_layout]
        with context(f"mat ({i}, {j}) {dtype_name(dtype)} {mat_layout}, vec {vec_layout}"):
            compare(learner.einsum_mv, torch.mv, mat, vec, what="einsum_mv(mat, vec)", mistakes=mistakes, condition=j)


@part("einsum_mm")
def check_mm(learner):
    mistakes = [
        Mistake("it returns the transpose of a @ b", lambda a, b: torch.mm(a, b).T,
                'The output letters come in the order of the result\'s dimensions: "ij,jk->ik".'),
        Mistake("it multiplies a by the transpose of b", lambda a, b: torch.mm(a, b.T),
                'b\'s first dimension is the one shared with a\'s second: "ij,jk->ik".'),
        Mistake("it multiplies the transpose of a by b", lambda a, b: torch.mm(a.T, b),
                'a\'s second dimension is the one shared with b\'s first: "ij,jk->ik".'),
        Mistake("it computes b @ a", lambda a, b: torch.mm(b, a), 'a comes first: "ij,jk->ik".'),
        Mistake("it sums over k as well as j", lambda a, b: torch.mm(a, b).sum(dim=1),
                'Keep both i and k after the arrow: "ij,jk->ik".'),
    ]
    cases = [(F32, (3, 4, 5), "contiguous", layout) for layout in ("contiguous", "transposed in memory", "strided with gaps")]
    cases += [(F32, (3, 4, 5), "transposed in memory", "contiguous"), (F32, (4, 4, 4), "contiguous", "contiguous"),
              (F64, (3, 4, 5), "contiguous", "contiguous"), (F32, (1, 1, 1), "contiguous", "contiguous"),
              (F32, (2, 0, 3), "contiguous", "contiguous"), (F64, (0, 3, 2), "contiguous", "contiguous")]
    for dtype, (i, j, k), a_layout, b_layout in cases:
        a = dict(layouts(randn(i, j, seed=40 + i, dtype=dtype)))[a_layout]
        b = dict(layouts(randn(j, k, seed=50 + k, dtype=dtype)))[b_layout]
        with context(f"a ({i}, {j}) {a_layout}, b ({j}, {k}) {b_layout}, {dtype_name(dtype)}"):
            compare(learner.einsum_mm, torch.mm, a, b, what="einsum_mm(a, b)", mistakes=mistakes, condition=j)


@part("einsum_inner")
def check_inner(learner):
    mistakes = [
        Mistake("it multiplies elementwise but does not sum", lambda v, w: v * w,
                'Leave the letter out after the arrow to sum over it: "i,i->".'),
        Mistake("it multiplies the sums of v and w", lambda v, w: v.sum() * w.sum(),
                'Two different letters ("i,j->") multiply every pair; the same letter ("i,i->") pairs entries up.'),
    ]
    for dtype, n in ((F32, 6), (F64, 6), (F32, 1), (F64, 0)):
        v = randn(n, seed=60 + n, dtype=dtype)
        w = randn(n, seed=70 + n, dtype=dtype)
        with context(f"v, w of {n} {dtype_name(dtype)} entries"):
            compare(learner.einsum_inner, torch.inner, v, w, what="einsum_inner(v, w)", mistakes=mistakes, condition=n)


@part("einsum_outer")
def check_outer(learner):
    mistakes = [
        Mistake("it returns the transpose (entry [a, b] is w[a] * v[b])", lambda v, w: torch.outer(w, v),
                'v\'s letter comes first after the arrow: "i,j->ij".'),
        Mistake("it multiplies elementwise (v * w), not every pair", lambda v, w: v * w,
                'Give v and w different letters so every pair is multiplied: "i,j->ij".'),
    ]
    for dtype, (i, j) in ((F32, (3, 5)), (F32, (4, 4)), (F64, (3, 5)), (F32, (1, 1)), (F32, (0, 2)), (F64, (2, 0))):
        v = randn(i, seed=80 + i, dtype=dtype)
        w = randn(j, seed=90 + j, dtype=dtype)
        with context(f"v of {i}, w of {j} {dtype_name(dtype)} entries"):
            compare(learner.einsum_outer, torch.outer, v, w, what="einsum_outer(v, w)", mistakes=mistakes)
