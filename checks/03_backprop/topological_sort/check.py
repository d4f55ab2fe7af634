import numpy as np

from mlkata.checking import CheckFailed, context
from mlkata.checking.autograd import expect_topological_order, explained_crash, given

DEEP = 2_000


class Node:
    """A graph node for the check: a name and a list of children."""

    def __init__(self, name: str, *children: "Node") -> None:
        self.name = name
        self.children = list(children)

    def __repr__(self) -> str:
        return f"Node({self.name})"


class Runaway(BaseException):
    """Raised into the learner's sort when it keeps asking for children: it will never stop."""


class counting:
    """get_children_fn for the learner: the children as a list; Runaway after `limit` calls."""

    def __init__(self, children_of, limit):
        self.children_of, self.limit, self.calls = children_of, limit, 0

    def __call__(self, node):
        self.calls += 1
        if self.calls > self.limit:
            raise Runaway
        return list(self.children_of(node))

    def __repr__(self) -> str:
        return "get_children"


def fixed_graphs():
    """(description, root): small graphs whose shapes break common mistakes."""
    z = Node("z")
    yield "a chain x -> y -> z", Node("x", Node("y", z))
    z, y = Node("z"), Node("y")
    yield "a branch: w -> x -> (y, z)", Node("w", Node("x", y, z))
    z = Node("z")
    yield "a rejoining path: w -> (z, x), x -> y -> z", Node("w", z, Node("x", Node("y", z)))
    z = Node("z")
    yield "a diamond: w -> (x, y), x -> z, y -> z", Node("w", Node("x", z), Node("y", z))
    z = Node("z")
    y = Node("y", z)
    yield "a child listed twice: x -> (y, y), y -> z", Node("x", y, y)
    yield "a single node without children", Node("alone")
    leaf = Node("leaf")
    mid = [Node(f"m{i}", leaf) for i in range(4)]
    yield "a fan: top -> m0..m3 -> leaf, plus top -> leaf", Node("top", *mid, leaf)


def random_dag(seed: int, size: int) -> Node:
    """Node i's children are drawn among nodes 0..i-1; the root reaches most of them."""
    rng = np.random.default_rng(seed)
    nodes = [Node("n0")]
    for i in range(1, size):
        count = int(rng.integers(0, 4))
        picks = rng.choice(i, size=min(count, i), replace=False)
        nodes.append(Node(f"n{i}", *(nodes[int(j)] for j in picks), nodes[i - 1]))
    return nodes[-1]


IDENTITY = (
    "The nodes are different Tensors holding equal values: compare nodes by identity (a set of ids, `is`), "
    "never with `==` or `in` on a list."
)


def sort_dag(learner, root, children_of, size_hint, description, advice=""):
    """The learner's sort of a graph without a cycle: an error raised on it is a failure, explained."""
    with explained_crash(learner, f"topological_sort raised an error on {description}, a graph without a cycle", advice):
        return sort(learner, root, children_of, size_hint, description)


def sort(learner, root, children_of, size_hint, description):
    limit = 50 * size_hint + 2_000  # past Python's recursion limit: a recursive sort fails that way first
    get_children = counting(children_of, limit=limit)
    try:
        return learner.topological_sort(root, get_children)
    except Runaway:
        raise CheckFailed(
            f"topological_sort asked for children more than {limit} times on a graph of {size_hint} nodes",
            ("It never stops: remember which nodes are done and skip them.",),
        ) from None
    except RecursionError:
        raise CheckFailed(
            f"topological_sort hit Python's recursion limit on {description}",
            ("Python allows about 1,000 nested calls, and a recursive depth-first search makes one per level. "
             "Keep your own stack: a list of nodes still to finish.",),
        ) from None


def check(learner):
    for description, root in fixed_graphs():
        with context(f"graph: {description}"):
            order = sort_dag(learner, root, lambda n: n.children, 10, description)
            expect_topological_order(order, root, lambda n: n.children, lambda n: n.name, "topological_sort")
    for seed in range(6):
        root = random_dag(seed, size=12 + 4 * seed)
        description = f"random graph {seed + 1} of 6 ({12 + 4 * seed} nodes, many rejoining paths)"
        with context(description):
            order = sort_dag(learner, root, lambda n: n.children, 12 + 4 * seed, description)
            expect_topological_order(order, root, lambda n: n.children, lambda n: n.name, "topological_sort")

    # Different nodes with equal values: Tensors holding [1.0].
    A = given()
    tensors = [A.Tensor([1.0]) for _ in range(6)]
    children = {id(tensors[i]): [tensors[j] for j in range(i) if (i + j) % 2 or j == i - 1] for i in range(6)}
    names = {id(t): f"t{i}" for i, t in enumerate(tensors)}
    with context("nodes t0..t5 are different Tensors that all hold [1.0]"):
        order = sort_dag(learner, tensors[-1], lambda t: children[id(t)], 6, "Tensors holding equal values", IDENTITY)
        expect_topological_order(order, tensors[-1], lambda t: children[id(t)], lambda t: names[id(t)],
                                 "topological_sort", equal_values=True)

    for description, root, size in cycles():
        with context(f"graph with a cycle: {description}"):
            try:
                order = sort(learner, root, lambda n: n.children, size, f"a graph with a cycle ({description})")
            except CheckFailed as failure:
                if "recursion limit" in failure.headline or "asked for children" in failure.headline:
                    how = "ran out of stack" if "recursion" in failure.headline else "never stopped"
                    raise CheckFailed(
                        f"topological_sort {how} on a graph with a cycle instead of detecting it",
                        ("Remember the nodes on the current path (entered, not yet finished); reaching one of them "
                         "again means a cycle: raise ValueError.",),
                    ) from None
                raise
            except (NotImplementedError,):
                raise
            except Exception:  # noqa: BLE001 - any error of the learner's own reports the cycle
                continue
            raise CheckFailed(
                f"topological_sort returned {len(order)} nodes for a graph with a cycle ({description})",
                ("A cycle has no topological order: raise an error (ValueError) when a node on the current path "
                 "is reached again.",),
            )

    root = Node("n0")
    for i in range(1, DEEP):
        root = Node(f"n{i}", root)
    description = f"a chain {DEEP} nodes deep"
    with context(description):
        order = sort_dag(learner, root, lambda n: n.children, DEEP, description)
        expect_topological_order(order, root, lambda n: n.children, lambda n: n.name, "topological_sort")


def cycles():
    x, y, z = Node("x"), Node("y"), Node("z")
    x.children, y.children, z.children = [y], [z], [x]
    yield "x -> y -> z -> x", x, 3
    loop = Node("loop")
    loop.children = [loop]
    yield "a node that is its own child", Node("top", loop), 2
    a, b = Node("a"), Node("b")
    a.children, b.children = [b], [a]
    yield "top -> (leaf, a), a -> b -> a: a cycle below the start node", Node("top", Node("leaf"), a), 4
