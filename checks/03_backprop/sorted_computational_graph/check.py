import numpy as np

from mlkata.checking import context
from mlkata.checking.autograd import expect_topological_order, explained_crash, expression_graph, given, random_graph

DEEP = 1_200  # past Python's recursion limit
ADVICE = (
    "A Tensor's next nodes are `tensor.recipe.parents.values()` (Tensors; recipe.args holds arrays), none without a "
    "recipe; the given topological_sort walks any depth without recursion."
)


def parents_of(tensor):
    return [] if tensor.recipe is None else list(tensor.recipe.parents.values())


def namer(graph):
    names = {id(twin.mine): twin.name for twin in [*graph.leaves, *graph.nodes, graph.end]}

    def name_of(tensor):
        if id(tensor) in names:
            return names[id(tensor)]
        shape = getattr(tensor, "shape", None)
        return f"an intermediate Tensor of shape {shape}" if shape is not None else repr(tensor)

    return name_of


def sort(learner, node):
    with explained_crash(learner, "sorted_computational_graph raised an error", ADVICE):
        return learner.sorted_computational_graph(node)


def expect_sorted(learner, graph, description):
    with context(f"{description}: {graph.describe()}"):
        order = sort(learner, graph.end.mine)
        expect_topological_order(order, graph.end.mine, parents_of, namer(graph), "sorted_computational_graph", root_first=True)


def check(learner):
    for seed in range(8):
        graph = random_graph(seed=700 + seed, n_ops=6 + seed, n_leaves=3)
        expect_sorted(learner, graph, f"random graph {seed + 1} of 8")

    graph = expression_graph(
        lambda x0, x1, x2, x3: ((x0 * x1 + x1) * x2 + x2) * x3 + x3,
        "end = ((x0 * x1 + x1) * x2 + x2) * x3 + x3",
        **{f"x{i}": np.array([1.0]) for i in range(4)},
    )
    expect_sorted(learner, graph, "leaves that are different Tensors all holding [1.0]")

    leaf = given().Tensor([2.0, 3.0], requires_grad=True)
    with context("the end node is a leaf itself (no recipe)"):
        order = sort(learner, leaf)
        expect_topological_order(order, leaf, parents_of, lambda t: "the leaf", "sorted_computational_graph", root_first=True)

    node = leaf
    for i in range(DEEP):
        node = node * 1.001 if i % 2 else node + 0.01
    with context(f"a chain {DEEP} ops deep: v1 = a + 0.01, v2 = v1 * 1.001, ..."):
        order = sort(learner, node)
        expect_topological_order(order, node, parents_of, lambda t: "the leaf" if t is leaf else "a node of the chain",
                                 "sorted_computational_graph", root_first=True)
