import contextlib

import numpy as np

from mlkata.checking import CheckFailed, context, expect
from mlkata.checking.autograd import (
    Graph,
    chain_graph,
    expect_leaf_grads,
    explained_crash,
    expression_graph,
    given,
    random_graph,
)

VIEWS = (
    "Back functions here return views: grad_out itself (add), a read-only np.broadcast_to (sum), a reshaped or "
    "transposed view (reshape, permute). Adding into one of them in place changes every array that shares its "
    "memory: build new arrays with `a + b`, and give each leaf a .grad of its own."
)


def run(learner, graph: Graph, times: int = 1) -> None:
    """The learner's backprop `times` times, then torch's; every leaf's grad, non-leaves' grads, end_grad intact."""
    for call in range(times):
        end_grad = graph.end_grad_tensor()
        before = None if end_grad is None else end_grad.array.copy()
        learner.backprop(graph.end.mine, end_grad)
        if end_grad is not None and not np.array_equal(end_grad.array, before):
            raise CheckFailed(
                f"backprop changed end_grad in place (backward call {call + 1})",
                ("end_grad belongs to the caller: add it into new arrays, never `+=` into it.",),
            )
    graph.torch_backward(times)
    expect_leaf_grads(graph, times=times)
    for node in graph.nodes + [graph.end]:
        if node.mine.grad is not None and not node.mine.is_leaf:
            raise CheckFailed(
                f"{node.name}.grad is set, but {node.name} is not a leaf",
                ("Keep the gradients of intermediate nodes in your dict; only leaves that require grad get .grad "
                 "(torch frees intermediate gradients the same way).",),
            )


def attempt(learner, graph: Graph, description: str, times: int = 1, advice: str = "") -> None:
    calls = "" if times == 1 else f", backward called {times} times"
    with context(f"{description}{calls}: {graph.describe()}"), \
            explained_crash(learner, f"backprop raised an error on {description}", advice):
        try:
            run(learner, graph, times)
        except CheckFailed as failure:
            if advice:
                failure.details = (*failure.details, advice)
            raise


def random_end_grad(graph: Graph, seed: int) -> Graph:
    graph.end_grad = np.random.default_rng(seed).standard_normal(graph.end.shape) + 0.5
    return graph


@contextlib.contextmanager
def back_functions_returning_views():
    """The given BACK_FUNCS, with some back functions returning views of what they were given."""
    A = given()
    views = {
        (np.add, 0): lambda g, out, x, y: g if np.shape(g) == np.shape(x) else A.unbroadcast(g, x),
        (np.add, 1): lambda g, out, x, y: g if np.shape(g) == np.shape(y) else A.unbroadcast(g, y),
        (np.subtract, 0): lambda g, out, x, y: g if np.shape(g) == np.shape(x) else A.unbroadcast(g, x),
        (A._sum, 0): lambda g, out, x, dim=None, keepdim=False: np.broadcast_to(
            g if keepdim else np.expand_dims(g, A._summed_axes(dim, np.ndim(x))), np.shape(x)),
        (np.reshape, 0): lambda g, out, x, new_shape: np.reshape(g, np.shape(x)),
        (np.transpose, 0): lambda g, out, x, axes: np.transpose(g, A.invert_transposition(axes)),
    }
    saved = {key: A.BACK_FUNCS.get_back_func(*key) for key in views}
    for (forward_fn, position), back_fn in views.items():
        A.BACK_FUNCS.add_back_func(forward_fn, position, back_fn)
    try:
        yield
    finally:
        for (forward_fn, position), back_fn in saved.items():
            A.BACK_FUNCS.add_back_func(forward_fn, position, back_fn)


def check(learner):
    rng = np.random.default_rng(0)
    small = [
        ("end = a.log()", lambda a: a.log(), {"a": rng.uniform(0.5, 2.0, (3,))}),
        ("end = a * a: one Tensor used twice by one op", lambda a: a * a, {"a": rng.standard_normal((2, 3))}),
        ("end = b + b * a, b = a.exp(): a diamond", lambda a: a.exp() + a.exp() * a, {"a": rng.standard_normal((3,))}),
        ("end = ((a * b).exp() * b).sum(0) * a: a and b reused at different depths",
         lambda a, b: ((a * b).exp() * b).sum(0) * a, {"a": rng.standard_normal((3,)), "b": rng.standard_normal((2, 3)) / 2}),
    ]
    for text, build, leaves in small:
        attempt(learner, random_end_grad(expression_graph(build, text, **leaves), 1), "the graph")

    for seed in range(8):
        attempt(learner, random_graph(seed=900 + seed, n_ops=5 + seed), f"random graph {seed + 1} of 8")
    for seed in range(3):
        attempt(learner, random_graph(seed=950 + seed, n_ops=8), f"random graph {seed + 9} of 11", times=2)

    A = given()
    with context("a Recipe that lists a leaf not requiring grad among its parents: end = a * c, c without grad"):
        a, c = A.Tensor([1.0, 2.0], requires_grad=True), A.Tensor([3.0, 4.0])
        end = A.Tensor(a.array * c.array, requires_grad=True)
        end.recipe = A.Recipe(np.multiply, (a.array, c.array), {}, {0: a, 1: c})
        learner.backprop(end, A.Tensor(np.array([1.0, -1.0])))
        expect(c.grad is None, "c.grad was set, but c does not require grad",
               "Give a leaf a gradient only if node.requires_grad.")
        expect(a.grad is not None and np.allclose(a.grad.array, [3.0, -4.0]), "a.grad should be [3, -4] = end_grad * c")

    for shape in ((1,), (), (1, 1)):
        graph = expression_graph(lambda a: (a * a).exp(), "end = (a * a).exp()", a=np.full(shape, 0.5))
        attempt(learner, graph, f"a one-element end node of shape {shape}, no end_grad (the default gradient is 1)")
    graph = expression_graph(lambda a: a, "end = a, a 0-d leaf", a=np.array(0.5))
    attempt(learner, graph, "a 0-d leaf as the end node, no end_grad: the default gradient has the end node's shape")

    with context("end = a * 2 of shape (3,), no end_grad"):
        a = A.Tensor([1.0, 2.0, 3.0], requires_grad=True)
        try:
            learner.backprop(a * 2)
        except (CheckFailed, NotImplementedError):
            raise
        except Exception:  # noqa: BLE001 - any error is right here
            pass
        else:
            raise CheckFailed(
                "backprop ran without end_grad on an end node of 3 elements",
                ("A default gradient of 1 only makes sense for one element (a loss). With more, raise an error, "
                 "as torch does: `grad can be implicitly created only for scalar outputs`.",),
            )

    with back_functions_returning_views():
        views = [
            ("end = a + b, a and b of one shape (add's back functions return grad_out itself)",
             lambda a, b: a + b, {"a": rng.standard_normal((2, 3)), "b": rng.standard_normal((2, 3))}),
            ("end = a.sum() + a.sum() (sum's back function returns a read-only view)",
             lambda a: a.sum() + a.sum(), {"a": rng.standard_normal((2, 3))}),
            ("end = (a + a.reshape((3, 2)).permute((1, 0))) - a",
             lambda a: (a + a.reshape((3, 2)).permute((1, 0))) - a, {"a": rng.standard_normal((2, 3))}),
        ]
        for text, build, leaves in views:
            graph = expression_graph(build, text, **leaves)
            if graph.end.shape != ():
                random_end_grad(graph, 2)
            attempt(learner, graph, "back functions that return views", times=2, advice=VIEWS)
        for seed in range(3):
            attempt(learner, random_graph(seed=980 + seed, n_ops=8), f"back functions returning views, random graph {seed + 1} of 3",
                    times=2, advice=VIEWS)

    attempt(learner, chain_graph(1_200), "a chain 1,200 ops deep")
    graph = random_end_grad(expression_graph(lambda a: a, "end = a, a leaf", a=rng.standard_normal((2, 2))), 3)
    attempt(learner, graph, "an end node that is itself a leaf", times=2)
