"""Helpers for the checks of 03_backprop: one graph, built in mlkata's NumPy autograd and in torch.

The section's exercises rebuild pieces of `mlkata.given.autograd`. A check swaps the
learner's piece into that framework and compares with torch's autograd in float64 on
the same graph, micrograd-style:

    graph = random_graph(seed=3)               # a random expression, built twice
    backprop(graph.end.mine, graph.end_grad_tensor())   # the given framework (or the learner's backprop)
    graph.torch_backward()                     # torch autograd on the twin graph
    expect_leaf_grads(graph)                   # every leaf's .grad against torch's

`random_graph` draws expressions with reuse of one Tensor by several ops, diamonds,
broadcasting, sums over negative and tuple dims, reshapes, permutations, expands,
indexing with repeated and negative indices, maximum with ties, and 2-D matmuls, and
never lets values overflow. `torch_back` gives torch's answer for one back function,
`lookup_with` a fresh BackwardFuncLookup holding the learner's back functions among the
given ones, and `explained_crash` turns an exception raised by learner code into a
failure that says in which case it happened.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from mlkata.sandbox.bans import guarded_original
from mlkata.checking.compare import expect_close
from mlkata.checking.failure import CheckFailed, NotWritten, context

# A node whose values grow past this is redrawn: float64 keeps 1e-9 tolerances meaningful.
MAX_MAGNITUDE = 1e3


def given():
    """mlkata's complete framework, `mlkata.given.autograd` (imported when first needed)."""
    from mlkata.given import autograd

    return autograd


# ------------------------------------------------------------------ one back function

def torch_back(torch_fn: Callable, args: Sequence[Any], grad_out: np.ndarray, position: int) -> np.ndarray:
    """What torch's autograd gives for argument `position` of `torch_fn(*args)`, given grad_out.

    Arrays among `args` become torch tensors of the same dtype; plain numbers stay numbers.
    """
    tensors = [torch.tensor(arg) if isinstance(arg, np.ndarray) else arg for arg in args]
    tensors[position] = tensors[position].clone().requires_grad_()
    out = torch_fn(*tensors)
    (grad,) = torch.autograd.grad(out, tensors[position], torch.tensor(grad_out))
    return grad.numpy()


def lookup_with(overrides: dict[tuple[Callable, int], Callable]):
    """A new BackwardFuncLookup: every back function of the given BACK_FUNCS, some replaced.

    overrides: {(forward_fn, arg_position): back_fn}, e.g. {(np.log, 0): learner.log_back}.
    """
    autograd = given()
    lookup = autograd.BackwardFuncLookup()
    for forward_fn, by_position in autograd.BACK_FUNCS.back_funcs.items():
        for position, back_fn in by_position.items():
            lookup.add_back_func(forward_fn, position, back_fn)
    for (forward_fn, position), back_fn in overrides.items():
        # A banned framework function is guarded by a wrapper in the module's namespace;
        # the framework's recipes hold the function itself, which is what the lookup keys on.
        lookup.add_back_func(guarded_original(forward_fn), position, back_fn)
    return lookup


@contextlib.contextmanager
def explained_crash(learner: Any, headline: str, advice: str = "") -> Iterator[None]:
    """An exception raised inside the block fails the check with `headline`, naming the line.

    "multiply_back0 crashed when y is a Python float" then reads as a verdict, with the
    exception and the line of the learner's file it came from, not as a bare traceback.
    """
    try:
        yield
    except (CheckFailed, NotWritten, NotImplementedError):
        raise
    except Exception as error:  # noqa: BLE001 - learner code may raise anything
        details = [f"{type(error).__name__}: {error}"]
        where = _line_in(error, learner._filename, learner._display_path)
        if where:
            details.append(f"raised at {where}")
        if advice:
            details.append(advice)
        raise CheckFailed(headline, details) from None


def _line_in(error: BaseException, filename: str, display: str) -> str:
    """`path:line: code` of the innermost frame of the traceback in `filename`, or ""."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename == filename:
            return f"{display}:{frame.lineno}: {(frame.line or '').strip()}"
    return ""


# --------------------------------------------------------------------- twin graphs

@dataclass
class Twin:
    """One node of a graph: the given framework's Tensor, torch's tensor, and its name."""

    mine: Any
    ref: torch.Tensor
    name: str

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.mine.shape)

    @property
    def values(self) -> np.ndarray:
        return self.mine.array


@dataclass
class Graph:
    """A seeded random expression: leaves, every node made from them, and the end node."""

    leaves: list[Twin]
    nodes: list[Twin]
    end: Twin
    end_grad: np.ndarray | None  # None: the end has one element and the default gradient 1 applies
    lines: list[str] = field(default_factory=list)

    def describe(self, limit: int = 10) -> str:
        leaves = ", ".join(
            f"{leaf.name}{_shape_text(leaf.shape)}{'' if leaf.mine.requires_grad else ' (no grad)'}" for leaf in self.leaves
        )
        ops = self.lines if len(self.lines) <= limit else [*self.lines[: limit - 1], f"... ({len(self.lines) - limit + 1} more)"]
        return f"leaves {leaves}; " + "; ".join(ops)

    def end_grad_tensor(self):
        """end_grad as the given framework's Tensor (None for the default gradient 1)."""
        return None if self.end_grad is None else given().Tensor(self.end_grad.copy())

    def torch_backward(self, times: int = 1) -> None:
        """Backpropagate through the torch twin, `times` times (gradients accumulate)."""
        grad = None if self.end_grad is None else torch.tensor(self.end_grad)
        for _ in range(times):
            self.end.ref.backward(grad, retain_graph=True)


def _shape_text(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def twin_leaf(name: str, values: np.ndarray, requires_grad: bool = True) -> Twin:
    """A leaf in both frameworks, holding copies of `values`."""
    mine = given().Tensor(np.array(values), requires_grad=requires_grad)
    ref = torch.tensor(np.array(values), requires_grad=requires_grad)
    return Twin(mine, ref, name)


LEAF_SHAPES = [(3, 4), (4,), (3, 1), (1, 4), (2, 3, 4), (), (4, 3), (2, 1, 4)]


class _Builder:
    """Draws ops onto a pool of twins; each op builds the same node in both frameworks."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.A = given()
        self.nodes: list[Twin] = []
        self.lines: list[str] = []

    def add(self, mine: Any, ref: torch.Tensor, text: str) -> Twin | None:
        if mine.array.size and not np.all(np.abs(mine.array) < MAX_MAGNITUDE):
            return None  # too large (or inf/nan): draw another op
        twin = Twin(mine, ref, f"v{len(self.lines) + 1}")
        self.lines.append(f"{twin.name} = {text}")
        self.nodes.append(twin)
        return twin

    # ---- unary ops: each returns (mine, ref, text) or None when it does not apply
    def unary(self, x: Twin):
        rng, n = self.rng, x.name
        choice = rng.integers(0, 11)
        if choice == 0:
            return -x.mine, -x.ref, f"-{n}"
        if choice == 1 and x.values.size and np.abs(x.values).max() < 3:
            return x.mine.exp(), x.ref.exp(), f"{n}.exp()"
        if choice == 2 and x.values.size and x.values.min() > 0.1:
            return x.mine.log(), x.ref.log(), f"{n}.log()"
        if choice == 3:
            dim, keepdim = self.sum_dims(x.mine.ndim)
            every_dim = tuple(range(x.ref.ndim))  # torch spells "all dims" as a tuple of them
            ref = x.ref.sum(dim=every_dim if dim is None else dim, keepdim=keepdim) if x.ref.ndim else x.ref.sum()
            kwargs = f"dim={dim}, keepdim={keepdim}" if dim is not None else f"keepdim={keepdim}"
            return x.mine.sum(dim=dim, keepdim=keepdim), ref, f"{n}.sum({kwargs})"
        if choice == 4:
            shape = self.new_shape(x.shape)
            return x.mine.reshape(shape), x.ref.reshape(shape), f"{n}.reshape({shape})"
        if choice == 5 and x.mine.ndim >= 2:
            axes = tuple(int(a) for a in rng.permutation(x.mine.ndim))
            return x.mine.permute(axes), x.ref.permute(axes), f"{n}.permute({axes})"
        if choice == 6:
            shape = self.expanded_shape(x.shape)
            return x.mine.expand(shape), x.ref.expand(shape), f"{n}.expand({shape})"
        if choice == 7 and x.mine.ndim >= 1 and x.shape[0] > 0:
            return self.getitem(x)
        if choice == 8:
            zero = torch.tensor(0.0, dtype=x.ref.dtype)
            return x.mine.relu(), torch.maximum(x.ref, zero), f"{n}.relu()"
        if choice == 9:
            return self.with_scalar(x)
        if choice == 10 and x.mine.ndim == 2:
            return x.mine.T, x.ref.T, f"{n}.T"
        return None

    def sum_dims(self, ndim: int):
        keepdim = bool(self.rng.integers(0, 2))
        if ndim == 0 or self.rng.random() < 0.25:
            return None, keepdim
        if ndim >= 2 and self.rng.random() < 0.5:
            first, second = self.rng.choice(ndim, size=2, replace=False)
            return (int(first) - ndim, int(second)), keepdim  # one negative, one not
        axis = int(self.rng.integers(0, ndim))
        return (axis - ndim if self.rng.random() < 0.5 else axis), keepdim

    def new_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        size = int(np.prod(shape))
        options = [(size,), (1, size), (-1,)]
        if len(shape) >= 2:
            options.append((shape[0] * shape[1], *shape[2:]))
            options.append((*shape[:-2], -1))
        for factor in (2, 3):
            if size % factor == 0 and size > factor:
                options.append((factor, -1))
        return options[int(self.rng.integers(0, len(options)))]

    def expanded_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        stretched = [3 if size == 1 else (-1 if self.rng.random() < 0.5 else size) for size in shape]
        return (2, *stretched) if self.rng.random() < 0.7 or not shape else tuple(stretched)

    def getitem(self, x: Twin):
        rng, n = self.rng, x.name
        rows = x.shape[0]
        kind = rng.integers(0, 3)
        if kind == 0:
            i = int(rng.integers(-rows, rows))
            return x.mine[i], x.ref[i], f"{n}[{i}]"
        count = int(rng.integers(2, 6))
        first = rng.integers(-rows, rows, size=count)
        first[-1] = first[0]  # a repeated index: its gradient must be added twice
        if kind == 1 or x.mine.ndim == 1:
            index = (self.A.Tensor(first),) if rng.random() < 0.5 else (first,)
            return x.mine[index], x.ref[torch.tensor(first)], f"{n}[{first.tolist()}]"
        second = rng.integers(0, x.shape[1], size=count)
        second[-1] = second[0]
        index = (self.A.Tensor(first), self.A.Tensor(second))
        ref = x.ref[torch.tensor(first), torch.tensor(second)]
        return x.mine[index], ref, f"{n}[{first.tolist()}, {second.tolist()}]"

    def with_scalar(self, x: Twin):
        rng, n = self.rng, x.name
        c = float(np.round(rng.uniform(0.5, 2.5), 2))
        kind = rng.integers(0, 6)
        if kind == 0:
            return x.mine * c, x.ref * c, f"{n} * {c}"
        if kind == 1:
            return c * x.mine, c * x.ref, f"{c} * {n}"
        if kind == 2:
            return x.mine + c, x.ref + c, f"{n} + {c}"
        if kind == 3:
            return c - x.mine, c - x.ref, f"{c} - {n}"
        if kind == 4:
            return x.mine / c, x.ref / c, f"{n} / {c}"
        if x.values.size and np.abs(x.values).min() > 0.3:
            return c / x.mine, c / x.ref, f"{c} / {n}"
        return None

    # ---- binary ops
    def binary(self, x: Twin, y: Twin):
        n, m = x.name, y.name
        if x.mine.ndim == 2 and y.mine.ndim == 2 and x.shape[1] == y.shape[0] and self.rng.random() < 0.5:
            return x.mine @ y.mine, x.ref @ y.ref, f"{n} @ {m}"
        try:
            np.broadcast_shapes(x.shape, y.shape)
        except ValueError:
            return None
        choice = self.rng.integers(0, 5)
        if choice == 0:
            return x.mine + y.mine, x.ref + y.ref, f"{n} + {m}"
        if choice == 1:
            return x.mine - y.mine, x.ref - y.ref, f"{n} - {m}"
        if choice == 2:
            return x.mine * y.mine, x.ref * y.ref, f"{n} * {m}"
        if choice == 3 and y.values.size and np.abs(y.values).min() > 0.3:
            return x.mine / y.mine, x.ref / y.ref, f"{n} / {m}"
        if choice == 4:
            return x.mine.maximum(y.mine), torch.maximum(x.ref, y.ref), f"{n}.maximum({m})"
        return None

    def pick(self, pool: list[Twin]) -> Twin:
        # Mostly recent nodes (depth), sometimes any earlier one (reuse, diamonds).
        if self.rng.random() < 0.6:
            return pool[-1 - int(self.rng.integers(0, min(3, len(pool))))]
        return pool[int(self.rng.integers(0, len(pool)))]


def random_graph(
    seed: int,
    n_ops: int = 10,
    n_leaves: int = 3,
    scalar_end: bool | None = None,
    shapes: Sequence[tuple[int, ...]] = LEAF_SHAPES,
) -> Graph:
    """A seeded random expression, built in the given framework and in torch (float64).

    scalar_end: True sums every node nothing else uses into one number (backward with the
        default gradient 1); False ends on the last node with a random, non-uniform
        end_grad; None picks by the seed.
    One leaf in four does not require grad (never the first).
    """
    rng = np.random.default_rng(seed)
    leaves = []
    for i in range(n_leaves):
        shape = shapes[int(rng.integers(0, len(shapes)))]
        values = rng.standard_normal(shape) + rng.choice([0.0, 1.5])
        requires_grad = i == 0 or rng.random() > 0.25
        leaves.append(twin_leaf("abcdefgh"[i], values, requires_grad))
    builder = _Builder(rng)
    pool = list(leaves)
    while len(builder.lines) < n_ops:
        made = None
        for _ in range(50):
            if len(pool) >= 2 and builder.rng.random() < 0.5:
                made = builder.binary(builder.pick(pool), builder.pick(pool))
            else:
                made = builder.unary(builder.pick(pool))
            if made is not None and not (made[0].requires_grad or made[0].recipe is not None):
                made = None  # built only from constants: not part of the graph
            if made is not None:
                made = builder.add(*made)
            if made is not None:
                break
        if made is None:  # nothing applies to this pool: start again from the leaves
            pool = list(leaves)
            continue
        pool.append(made)
    if scalar_end is None:
        scalar_end = bool(rng.integers(0, 2))
    last = builder.nodes[-1]
    if scalar_end:
        used = {id(parent) for node in builder.nodes for parent in node.mine.recipe.parents.values()}
        sinks = [node for node in builder.nodes if id(node.mine) not in used]
        end_mine, end_ref = sinks[0].mine.sum(), sinks[0].ref.sum()
        names = [sinks[0].name]
        for sink in sinks[1:]:
            end_mine, end_ref = end_mine + sink.mine.sum(), end_ref + sink.ref.sum()
            names.append(sink.name)
        builder.lines.append("end = " + " + ".join(f"{name}.sum()" for name in names))
        end = Twin(end_mine, end_ref, "end")
        end_grad = None
    else:
        end = last
        end_grad = rng.standard_normal(last.shape) + 0.5
    return Graph(leaves, builder.nodes, end, end_grad, builder.lines)


def expression_graph(build: Callable, text: str, end_grad: np.ndarray | None = None, **leaves: Any) -> Graph:
    """`build(*leaves)` in both frameworks: it must use only methods and operators both share.

    leaves: name=values, or name=(values, requires_grad).
    text: the expression as the learner should read it ("end = (a * b).log()").
    """
    twins = [
        twin_leaf(name, *(value if isinstance(value, tuple) else (value,)))
        for name, value in leaves.items()
    ]
    end = Twin(build(*(twin.mine for twin in twins)), build(*(twin.ref for twin in twins)), "end")
    return Graph(twins, [], end, end_grad, [text])


def expect_expressions_like_torch(learner: Any, expressions: Sequence[tuple], back_funcs: Any, what: str, seed: int) -> None:
    """Backpropagate each (text, build, leaves) through `back_funcs` with a random end_grad; compare with torch.

    what: the learner's pieces, as failures name them ("your log_back").
    """
    rng = np.random.default_rng(seed)
    for text, build, leaves in expressions:
        graph = expression_graph(build, text, **leaves)
        graph.end_grad = rng.standard_normal(graph.end.shape) + 0.5
        with context(f"{what} inside backprop: {text}"), explained_crash(learner, f"backprop through {what} failed"):
            expect_backprop_like_torch(graph, back_funcs=back_funcs)


def chain_graph(length: int, seed: int = 0) -> Graph:
    """A chain of `length` elementwise ops on one leaf: deeper than Python's recursion limit."""
    rng = np.random.default_rng(seed)
    leaf = twin_leaf("a", rng.uniform(0.5, 1.5, size=(3,)))
    node = leaf
    for i in range(length):
        if i % 2:
            node = Twin(node.mine * 1.001, node.ref * 1.001, f"v{i + 1}")
        else:
            node = Twin(node.mine + 0.01, node.ref + 0.01, f"v{i + 1}")
    lines = [f"a chain of {length} ops: v1 = a + 0.01, v2 = v1 * 1.001, ..."]
    return Graph([leaf], [node], node, rng.standard_normal(3) + 0.5, lines)


# ----------------------------------------------------------------------- comparing

def expect_backprop_like_torch(
    graph: Graph, backprop: Callable | None = None, back_funcs: Any = None, times: int = 1
) -> None:
    """Backpropagate `graph` `times` times (with `backprop`, or the given one using `back_funcs`)
    and compare every leaf's .grad with torch's. The caller names the graph with context()."""
    for _ in range(times):
        if backprop is None:
            given().backprop(graph.end.mine, graph.end_grad_tensor(), back_funcs=back_funcs)
        else:
            backprop(graph.end.mine, graph.end_grad_tensor())
    graph.torch_backward(times)
    expect_leaf_grads(graph, times=times)


def expect_leaf_grads(graph: Graph, times: int = 1, rtol: float = 1e-9, atol: float = 1e-9) -> None:
    """Every leaf's .grad (a Tensor, or None) against torch's, after `times` backward passes."""
    for leaf in graph.leaves:
        expect_grad(leaf, times=times, rtol=rtol, atol=atol)


def expect_grad(leaf: Twin, times: int = 1, rtol: float = 1e-9, atol: float = 1e-9) -> None:
    grad, expected = leaf.mine.grad, leaf.ref.grad
    calls = "" if times == 1 else f" after {times} backward calls"
    if expected is None:
        if grad is not None:
            reason = (
                "it does not require grad" if not leaf.mine.requires_grad else "the end node does not depend on it"
            )
            raise CheckFailed(
                f"{leaf.name}.grad should stay None{calls}: {reason}",
                ("Only leaves that require grad, and that the end node was computed from, receive a gradient.",),
            )
        return
    if grad is None:
        raise CheckFailed(
            f"{leaf.name}.grad is None{calls}; expected a Tensor of shape {_shape_text(tuple(expected.shape))}",
            ("Every leaf that requires grad and feeds the end node gets its gradient in .grad.",),
        )
    A = given()
    if not isinstance(grad, A.Tensor):
        raise CheckFailed(
            f"{leaf.name}.grad is a {type(grad).__name__}; it should be a Tensor",
            ("Store gradients as Tensor(array), as torch stores a tensor in .grad.",),
        )
    got, wanted = np.asarray(grad.array), expected.numpy()
    if got.shape == wanted.shape and got.dtype.kind == "f" and np.allclose(got, wanted, rtol=rtol, atol=atol):
        return  # the usual case, decided without building an explanation
    expect_close(got, wanted, what=f"{leaf.name}.grad{calls}", rtol=rtol, atol=atol, check_dtype=False)


# ------------------------------------------------------------------------- recipes

@contextlib.contextmanager
def tracking_off() -> Iterator[None]:
    """The given framework's grad_tracking_enabled set to False inside the block."""
    autograd = given()
    before = autograd.grad_tracking_enabled
    autograd.grad_tracking_enabled = False
    try:
        yield
    finally:
        autograd.grad_tracking_enabled = before


def _text(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {_shape_text(value.shape)}"
    if isinstance(value, given().Tensor):
        return f"a Tensor of shape {_shape_text(value.shape)}"
    return repr(value)


def expect_tensor(out: Any, what: str) -> None:
    Tensor = given().Tensor
    if not isinstance(out, Tensor):
        raise CheckFailed(
            f"{what} returned {type(out).__name__}, not a Tensor",
            ("Wrap the result array: `Tensor(array)` (the given Tensor class).",) if out is not None
            else ("Did you forget a `return`?",),
        )


def expect_recipe(
    out: Any,
    what: str,
    func: Callable,
    args: tuple,
    kwargs: dict,
    parents: dict[int, Any],
    untracked: dict[int, Any] | None = None,
    labels: dict[int, str] | None = None,
) -> None:
    """`out` is a Tensor that requires grad, with exactly this Recipe.

    args: the expected positional arguments: arrays must be the Tensors' arrays (the
        same object, or an equal copy), other values equal.
    parents: the positions that must be parents, and their Tensors (compared by identity).
    untracked: Tensor arguments that may also be listed as parents (MLAB's hand-written
        forward functions list every Tensor; its wrap_forward_fn only tracked ones).
    labels: how messages name the argument at each position ("a", "b").
    """
    expect_tensor(out, what)
    recipe = out.recipe
    if recipe is None:
        raise CheckFailed(
            f"{what} recorded no recipe",
            ("Tracking is on and an input requires grad (or has a recipe): set out.recipe = Recipe(func, args, kwargs, parents).",),
        )
    name = getattr(func, "__name__", repr(func))
    if recipe.func is not func:
        raise CheckFailed(
            f"{what}: recipe.func is {getattr(recipe.func, '__name__', recipe.func)!r}; expected np.{name}, the NumPy function that computed the array",
            ("backprop looks the backward functions up by recipe.func, and they are registered for the NumPy function.",),
        )
    got_args = tuple(recipe.args) if isinstance(recipe.args, (tuple, list)) else recipe.args
    if not isinstance(got_args, tuple) or len(got_args) != len(args):
        raise CheckFailed(
            f"{what}: recipe.args is {got_args!r:.80}; expected a tuple of the {len(args)} positional arguments of np.{name}",
        )
    for position, (got, expected) in enumerate(zip(got_args, args)):
        if isinstance(got, given().Tensor):
            raise CheckFailed(
                f"{what}: recipe.args[{position}] is a Tensor; it should be the array inside it",
                ("The backward functions compute on arrays: store x.array, not x (numbers stay numbers).",),
            )
        if isinstance(expected, np.ndarray):
            same = got is expected or (isinstance(got, np.ndarray) and got.shape == expected.shape and np.array_equal(got, expected))
        else:
            same = not isinstance(got, np.ndarray) and got == expected
        if not same:
            raise CheckFailed(f"{what}: recipe.args[{position}] is {_text(got)}; expected {_text(expected)}")
    if recipe.kwargs != kwargs:
        raise CheckFailed(f"{what}: recipe.kwargs is {recipe.kwargs!r}; expected {kwargs!r}")
    expect_parents(recipe.parents, parents, untracked or {}, what, labels or {})
    if out.requires_grad is not True:
        raise CheckFailed(
            f"{what} recorded a recipe but left requires_grad {out.requires_grad!r}",
            ("An output in the graph requires grad: set out.requires_grad = True (torch does; is_leaf depends on it).",),
        )


def expect_parents(got: Any, required: dict[int, Any], untracked: dict[int, Any], what: str, labels: dict[int, str]) -> None:
    if not isinstance(got, dict):
        raise CheckFailed(f"{what}: recipe.parents is a {type(got).__name__}; expected a dict {{position: Tensor}}")
    names = {id(tensor): labels.get(position, f"argument {position}") for position, tensor in {**untracked, **required}.items()}
    shown = "{" + ", ".join(f"{key!r}: {names.get(id(value), _text(value))}" for key, value in got.items()) + "}"
    wanted = "{" + ", ".join(f"{key}: {names[id(value)]}" for key, value in required.items()) + "}"
    for position, tensor in required.items():
        if got.get(position) is not tensor:
            moved = [key for key, value in got.items() if value is tensor]
            advice = (
                f"Keys are argument positions: {names[id(tensor)]} is argument {position} even when another argument is a plain number."
                if moved else "Every Tensor argument that requires grad or has a recipe is a parent, keyed by its position."
            )
            raise CheckFailed(f"{what}: recipe.parents is {shown}; expected {wanted}", (advice,))
    for position, value in got.items():
        if position in required:
            continue
        if untracked.get(position) is value:
            continue  # an untracked Tensor argument: harmless, backprop gives it no gradient
        raise CheckFailed(
            f"{what}: recipe.parents is {shown}; expected {wanted}",
            ("Parents are Tensor arguments only, keyed by their position; numbers and arrays are not parents.",),
        )


def expect_no_recipe(out: Any, what: str, why: str, advice: str = "") -> None:
    """`out` is a Tensor outside the graph: no recipe, requires_grad False."""
    expect_tensor(out, what)
    if out.recipe is not None:
        raise CheckFailed(f"{what} recorded a recipe {why}", (advice or "Leave out.recipe = None and requires_grad = False then.",))
    if out.requires_grad:
        raise CheckFailed(f"{what} set requires_grad = True {why}", (advice or "Only outputs in the graph require grad.",))


# ----------------------------------------------------------------- graph orderings

def reachable(root: Any, children_of: Callable[[Any], Sequence[Any]]) -> list[Any]:
    """Every node reachable from root (root included), each once, by identity."""
    seen, stack, found = {id(root)}, [root], [root]
    while stack:
        for child in children_of(stack.pop()):
            if id(child) not in seen:
                seen.add(id(child))
                found.append(child)
                stack.append(child)
    return found


def expect_topological_order(
    order: Any,
    root: Any,
    children_of: Callable[[Any], Sequence[Any]],
    name_of: Callable[[Any], str],
    what: str,
    root_first: bool = False,
    equal_values: bool = False,
) -> None:
    """`order` holds every node reachable from root once, and each node after its children.

    root_first: the reverse (sorted_computational_graph): root first, each node before its
        children (its parents in the autograd sense).
    equal_values: the nodes are Tensors holding equal values, so a node lost to `==`
        membership tests can be named as such.
    """
    if not isinstance(order, (list, tuple)):
        raise CheckFailed(f"{what} returned {type(order).__name__}; expected a list of nodes",
                          ("Collect the nodes in a list and return it.",) if order is not None else ("Did you forget a `return`?",))
    nodes = reachable(root, children_of)
    wanted = {id(node) for node in nodes}
    position: dict[int, int] = {}
    for index, node in enumerate(order):
        if id(node) in position:
            raise CheckFailed(
                f"{what} lists {name_of(node)} twice (at {position[id(node)]} and {index})",
                ("A node reached along two paths (a diamond) appears once: remember the nodes already visited.",),
            )
        if id(node) not in wanted:
            kind = type(node).__name__
            raise CheckFailed(
                f"{what} contains {'an array' if kind == 'ndarray' else name_of(node)}, which is not a node of the graph"
                + ("" if kind in ("Tensor", "Node", "Parameter", "ndarray") else f" (a {kind})"),
                ("Only the nodes reachable from the start node through the children function belong in the result.",),
            )
        position[id(node)] = index
    missing = [node for node in nodes if id(node) not in position]
    if missing:
        advice = (
            "These nodes are different objects that hold equal values: compare nodes by identity "
            "(a set of nodes, `id(node)`, or `is`), never with `==` or `in` on a list (Tensor == compares values)."
            if equal_values else "Every node reachable from the start node belongs in the result, leaves included."
        )
        names = ", ".join(name_of(node) for node in missing[:4]) + (" ..." if len(missing) > 4 else "")
        raise CheckFailed(f"{what} leaves out {names} ({len(missing)} of {len(nodes)} nodes)", (advice,))
    end = 0 if root_first else len(order) - 1
    if order[end] is not root:
        raise CheckFailed(
            f"{what} should {'start with the node it was called on' if root_first else 'end with the start node'} ({name_of(root)}); "
            f"it {'starts' if root_first else 'ends'} with {name_of(order[end])}",
            ("Reverse the topological order: backprop visits the end node first." if root_first and order[-1] is root
             else "The start node depends on every other node, so it comes last." if not root_first
             else "Every other node was computed before the end node.",),
        )
    for node in order:
        for child in children_of(node):
            if root_first and position[id(child)] < position[id(node)]:
                raise CheckFailed(
                    f"{what} puts {name_of(child)} before {name_of(node)}, which was computed from it",
                    ("Each node must come before the nodes it was computed from, so that its gradient is complete "
                     "before it is passed on.",),
                )
            if not root_first and position[id(child)] > position[id(node)]:
                raise CheckFailed(
                    f"{what} puts {name_of(node)} before its child {name_of(child)}",
                    ("Every node comes after all of its children. A breadth-first order breaks this when a node is "
                     "reached along paths of different lengths; a depth-first search that appends a node once all of "
                     "its children are done does not.",),
                )
