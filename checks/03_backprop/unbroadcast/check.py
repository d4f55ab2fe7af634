import numpy as np
import torch

from mlkata.checking import Mistake, context, expect, expect_matches
from mlkata.checking.autograd import (
    expect_backprop_like_torch,
    explained_crash,
    given,
    lookup_with,
    random_graph,
)

# (broadcast shape, original shape, dtype): the main cases first, then edge sizes.
CASES = [
    ((5, 2, 4, 3), (2, 1, 3), np.float64),  # prepended and stretched
    ((2, 3, 4), (3, 1), np.float64),
    ((3, 4), (1, 4), np.float64),  # stretched only
    ((4, 3), (4, 1), np.float64),
    ((2, 3, 4), (4,), np.float64),  # prepended only
    ((6, 5, 4), (5, 1), np.float32),
    ((2, 3), (2, 3), np.float64),  # nothing broadcast
    ((2, 1, 3), (2, 1, 3), np.float64),  # a size-1 dim that was not stretched
    ((3, 4), (), np.float64),  # a 0-d original
    ((3, 1, 2), (1, 1), np.float64),
    ((0, 4), (1, 4), np.float64),  # stretched to size 0: the gradient is 0
]


def leading(broadcasted, original):
    return tuple(range(broadcasted.ndim - original.ndim))


def stretched(broadcasted, original):
    n = broadcasted.ndim - original.ndim
    return tuple(n + axis for axis, size in enumerate(original.shape) if size == 1)


MISTAKES = [
    Mistake(
        "drops the size-1 dimensions it sums (keepdims missing)",
        lambda b, o: b.sum(axis=leading(b, o) + stretched(b, o)),
        "Sum the stretched dimensions with keepdims=True: the gradient of x must have x's shape, size-1 dimensions included.",
    ),
    Mistake(
        "sums only the leading dimensions broadcasting added, not the stretched size-1 ones",
        lambda b, o: b.sum(axis=leading(b, o)),
        "A dimension where original has size 1 was stretched too: sum it, keeping it as size 1.",
    ),
    Mistake(
        "sums the stretched size-1 dimensions but keeps the leading dimensions broadcasting added",
        lambda b, o: b.sum(axis=stretched(b, o), keepdims=True),
        "First sum away the broadcasted.ndim - original.ndim leading dimensions.",
    ),
    Mistake(
        "averages instead of summing",
        lambda b, o: b.mean(axis=leading(b, o) + stretched(b, o), keepdims=True).reshape(o.shape),
        "Every copy of an element adds its gradient: use sum, not mean.",
    ),
]


def sum_to_size(broadcasted, original):
    return torch.from_numpy(np.array(broadcasted)).sum_to_size(original.shape).numpy()


def check(learner):
    rng = np.random.default_rng(0)
    for big, small, dtype in CASES:
        broadcasted = rng.standard_normal(big).astype(dtype)
        original = rng.standard_normal(small).astype(dtype)
        tolerance = {"rtol": 1e-12, "atol": 1e-12} if dtype == np.float64 else {}
        with context(f"broadcasted: random values of shape {big} ({np.dtype(dtype).name}); original of shape {small}"):
            got = expect_matches(learner.unbroadcast, sum_to_size, broadcasted, original, mistakes=MISTAKES, **tolerance)
            expect(
                not np.shares_memory(got, broadcasted),
                "unbroadcast returned `broadcasted` itself (or a view of it)",
                "Return a new array even when no dimension was broadcast (`.sum(...)` makes one, or `.copy()`): "
                "backprop adds gradients into the arrays you return, and `broadcasted` is someone else's grad_out.",
            )

    # A read-only input, as np.broadcast_to makes them.
    read_only = np.broadcast_to(rng.standard_normal((1, 4)), (3, 4))
    with context("broadcasted: a read-only np.broadcast_to view of shape (3, 4); original of shape (3, 1)"):
        expect_matches(learner.unbroadcast, sum_to_size, read_only, np.zeros((3, 1)), mistakes=MISTAKES)

    # Inside backprop: the broadcasting ops' back functions call your unbroadcast.
    A = given()
    mine = learner.unbroadcast
    back_funcs = lookup_with({
        (np.add, 0): lambda g, out, x, y: mine(g, x),
        (np.add, 1): lambda g, out, x, y: mine(g, y),
        (np.subtract, 0): lambda g, out, x, y: mine(g, x),
        (np.subtract, 1): lambda g, out, x, y: mine(-g, y),
        (np.multiply, 0): lambda g, out, x, y: mine(g * y, x),
        (np.multiply, 1): lambda g, out, x, y: mine(g * x, y),
        (A._expand, 0): lambda g, out, x, new_shape: mine(g, x),
    })
    for seed in range(6):
        graph = random_graph(seed=300 + seed, n_ops=8)
        with context(f"your unbroadcast inside backprop, random graph {seed + 1} of 6: {graph.describe()}"), \
                explained_crash(learner, "backprop with your unbroadcast in the broadcasting ops failed"):
            expect_backprop_like_torch(graph, back_funcs=back_funcs)
