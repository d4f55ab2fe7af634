"""A complete autograd framework in NumPy: mlkata's working version of MLAB W1D3.

This is the framework that the exercises of section 03_backprop rebuild piece by piece:
back functions (log_back, unbroadcast, multiply_back0 ...), the forward wrappers, the
lookup of back functions, the topological sort, backprop itself, then Parameter, Module,
Linear, MLP, cross_entropy, NoGrad and SGD. Each exercise checks the learner's piece
*inside* this framework: a check swaps your piece in and keeps every other piece from
here, so one exercise's mistake never fails another one (a broken unbroadcast does not
fail your backprop).

Reading a piece here before you write it spoils that exercise. Import what an exercise
gives you (`from mlkata.given.autograd import Tensor, BACK_FUNCS, ...`); look inside
only after the piece you are writing has passed.

Names and signatures are MLAB's (quirtt/mlab-outward-public, w1d3_solution.py), so
MLAB's and ARENA's material reads the same. Deliberate differences, all bugs in the
original that would otherwise surprise a learner:
- `1 / a` computes 1 / a (MLAB's `__rtruediv__` computed a / 1).
- Back functions return new arrays, and backprop never writes into an array it did not
  create: `(a.sum() + a.sum()).backward()` works (MLAB's failed: "output array is
  read-only").
- `sum` and its back function accept negative and tuple dims.
- `Module.__getattr__` raises AttributeError, so `hasattr` and `getattr(m, name, default)`
  work (MLAB's raised KeyError).
- The topological sort is iterative: a chain of thousands of ops does not hit Python's
  recursion limit, and a cycle is reported as a ValueError.
- `a.T` records its permutation, so it can be backpropagated.

Conventions every piece follows:
- `Tensor.array` is always an np.ndarray (a 0-d result is a 0-d array). NumPy ufuncs
  return NumPy scalars for 0-d inputs; `Tensor(...)` turns them back into arrays, and
  backprop accepts either from a back function.
- A back function is called as `back_fn(grad_out, out, *recipe.args, **recipe.kwargs)`
  and returns the gradient with respect to one positional argument, with that
  argument's shape.
- `recipe.parents` maps the positions of the Tensor arguments that take part in the
  graph (they require grad or have a recipe) to those Tensors; positions keep their
  meaning when another argument is a plain number (`2 * a` has parents {1: a}).
- Tensors hash by identity and `==` is elementwise (as in torch): keep graph nodes in
  dicts and sets, never test membership in a list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Optional, Union

import numpy as np

Arr = np.ndarray

# While False, forward functions record no recipes (see NoGrad). Read at call time.
grad_tracking_enabled = True


# ------------------------------------------------------------------- back functions

def log_back(grad_out: Arr, out: Arr, x: Arr) -> Arr:
    """Backward function of f(x) = log(x): d log(x) / dx = 1 / x."""
    return grad_out / x


def unbroadcast(broadcasted: Arr, original: Arr) -> Arr:
    """Sum `broadcasted` back to the shape of `original` (what torch's sum_to_size does).

    Broadcasting did two things, undone here in one sum: it prepended dimensions, and it
    stretched dimensions of size 1. Each element of `original` was used at every
    position it was stretched to, so its gradient is the sum over those positions.
    """
    broadcasted = np.asarray(broadcasted)
    shape = np.shape(original)
    n_prepended = broadcasted.ndim - len(shape)
    if n_prepended < 0:
        raise ValueError(f"cannot unbroadcast shape {broadcasted.shape} to the larger {shape}")
    stretched = tuple(n_prepended + axis for axis, size in enumerate(shape) if size == 1)
    summed = broadcasted.sum(axis=tuple(range(n_prepended)) + stretched, keepdims=True)
    # keepdims leaves the prepended dims as 1s: reshape drops them. The sum is always a
    # new array, so the result never aliases grad_out even when no dim was summed.
    return summed.reshape(shape)


def multiply_back0(grad_out: Arr, out: Arr, x: Arr, y: Union[Arr, float]) -> Arr:
    """Backward function of x * y with respect to x (y may be a plain number)."""
    return unbroadcast(grad_out * y, x)


def multiply_back1(grad_out: Arr, out: Arr, x: Union[Arr, float], y: Arr) -> Arr:
    """Backward function of x * y with respect to y (x may be a plain number)."""
    return unbroadcast(grad_out * x, y)


def negative_back(grad_out: Arr, out: Arr, x: Arr) -> Arr:
    """Backward function of f(x) = -x."""
    return -grad_out


def exp_back(grad_out: Arr, out: Arr, x: Arr) -> Arr:
    """Backward function of f(x) = exp(x): the derivative is exp(x) itself, already in `out`."""
    return grad_out * out


def reshape_back(grad_out: Arr, out: Arr, x: Arr, new_shape: tuple) -> Arr:
    """Backward function of reshape: reshape is a relabelling, so reshape the gradient back."""
    return np.reshape(grad_out, np.shape(x)).copy()  # a copy: never hand out a view of grad_out


def invert_transposition(axes: tuple) -> tuple:
    """The permutation that undoes `axes`: result[axes[i]] = i."""
    return tuple(int(axis) for axis in np.argsort(axes))


def permute_back(grad_out: Arr, out: Arr, x: Arr, axes: tuple) -> Arr:
    """Backward function of permute: put each gradient back where its element came from."""
    return np.transpose(grad_out, invert_transposition(axes)).copy()


def _expand(x: Arr, new_shape: tuple) -> Arr:
    """Like torch.expand: a read-only broadcast view; -1 keeps an existing dim's size."""
    n_prepended = len(new_shape) - x.ndim
    if n_prepended < 0:
        raise ValueError(f"expand: the new shape {tuple(new_shape)} has fewer dims than {x.shape}")
    sizes = []
    for axis, size in enumerate(new_shape):
        if size == -1:
            if axis < n_prepended:
                raise ValueError(f"expand: -1 is not allowed for the new leading dim {axis}")
            size = x.shape[axis - n_prepended]
        sizes.append(size)
    return np.broadcast_to(x, tuple(sizes))


def expand_back(grad_out: Arr, out: Arr, x: Arr, new_shape: tuple) -> Arr:
    """Backward function of expand: expand is broadcasting, so unbroadcast."""
    return unbroadcast(grad_out, x)


def _summed_axes(dim: Union[None, int, Iterable[int]], ndim: int) -> tuple[int, ...]:
    """`dim` as a tuple of non-negative axes: None means every axis."""
    if dim is None or ndim == 0:  # torch lets dim 0 or -1 name the single "dim" of a 0-d tensor
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    return tuple(int(d) % ndim for d in dims)


def _sum(x: Arr, dim=None, keepdim=False) -> Arr:
    """Like torch.sum: dim is None, an int or a tuple of ints, negative ones included."""
    return np.sum(x, axis=_summed_axes(dim, x.ndim), keepdims=keepdim)


def sum_back(grad_out: Arr, out: Arr, x: Arr, dim=None, keepdim=False) -> Arr:
    """Backward function of sum: every summed element receives the gradient of its sum."""
    axes = _summed_axes(dim, np.ndim(x))
    if not keepdim:
        # The forward dropped the summed axes; put them back (as size 1) where they were,
        # so that broadcasting lines each gradient up with the elements it summed.
        grad_out = np.expand_dims(grad_out, axes)
    return np.broadcast_to(grad_out, np.shape(x)).copy()  # broadcast_to is a read-only view


def _coerce_index(index: Any) -> Any:
    """An index with every Tensor in it replaced by its array (NumPy cannot index with Tensors)."""
    if isinstance(index, Tensor):
        return index.array
    if isinstance(index, tuple):
        return tuple(_coerce_index(item) for item in index)
    return index


def _getitem(x: Arr, index: Any) -> Arr:
    """Like x[index] for a torch.Tensor: ints, slices, integer arrays or Tensors, and tuples of them."""
    return x[_coerce_index(index)]


def getitem_back(grad_out: Arr, out: Arr, x: Arr, index: Any) -> Arr:
    """Backward function of indexing: scatter the gradient back, adding where indices repeat.

    `grad_in[index] += grad_out` would keep only one of the repeated positions (NumPy
    buffers fancy assignment); np.add.at adds every one.
    """
    grad_in = np.zeros(np.shape(x), dtype=np.result_type(grad_out))
    np.add.at(grad_in, _coerce_index(index), grad_out)
    return grad_in


def add_back0(grad_out: Arr, out: Arr, x: Arr, y: Union[Arr, float]) -> Arr:
    return unbroadcast(grad_out, x)


def add_back1(grad_out: Arr, out: Arr, x: Union[Arr, float], y: Arr) -> Arr:
    return unbroadcast(grad_out, y)


def subtract_back0(grad_out: Arr, out: Arr, x: Arr, y: Union[Arr, float]) -> Arr:
    return unbroadcast(grad_out, x)


def subtract_back1(grad_out: Arr, out: Arr, x: Union[Arr, float], y: Arr) -> Arr:
    return unbroadcast(-grad_out, y)


def true_divide_back0(grad_out: Arr, out: Arr, x: Arr, y: Union[Arr, float]) -> Arr:
    return unbroadcast(grad_out / y, x)


def true_divide_back1(grad_out: Arr, out: Arr, x: Union[Arr, float], y: Arr) -> Arr:
    # d(x / y)/dy = -x / y**2
    return unbroadcast(-grad_out * x / y**2, y)


def maximum_back0(grad_out: Arr, out: Arr, x: Arr, y: Union[Arr, float]) -> Arr:
    """Backward function of maximum(x, y) wrt x: all of it where x wins, half at ties (as torch)."""
    share = np.where(x > y, grad_out, np.where(x == y, grad_out / 2, 0))
    return unbroadcast(share, x)


def maximum_back1(grad_out: Arr, out: Arr, x: Union[Arr, float], y: Arr) -> Arr:
    """Backward function of maximum(x, y) wrt y: all of it where y wins, half at ties."""
    share = np.where(y > x, grad_out, np.where(x == y, grad_out / 2, 0))
    return unbroadcast(share, y)


def _matmul2d(x: Arr, y: Arr) -> Arr:
    """Matrix product of two 2-D arrays (no batch dims, no broadcasting)."""
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[0]:
        raise ValueError(f"_matmul2d needs (n, k) @ (k, m) arrays, got {x.shape} @ {y.shape}")
    return x @ y


def matmul2d_back0(grad_out: Arr, out: Arr, x: Arr, y: Arr) -> Arr:
    # out[i, j] = sum_k x[i, k] y[k, j], so dL/dx[i, k] = sum_j grad_out[i, j] y[k, j]
    return grad_out @ y.T


def matmul2d_back1(grad_out: Arr, out: Arr, x: Arr, y: Arr) -> Arr:
    # dL/dy[k, j] = sum_i x[i, k] grad_out[i, j]
    return x.T @ grad_out


def _argmax(x: Arr, dim=None, keepdim=False) -> Arr:
    """Like torch.argmax."""
    return np.argmax(x, axis=dim, keepdims=keepdim)


# ------------------------------------------------------------- the graph's records

@dataclass(frozen=True)
class Recipe:
    """How a Tensor was computed: enough to call the back functions of its inputs."""

    func: Callable
    """The NumPy-level function that computed the array (np.log, _sum ...): the key of its back functions."""
    args: tuple
    """The positional arguments func was called with, Tensors unboxed to their arrays."""
    kwargs: dict[str, Any]
    """The keyword arguments func was called with (never Tensors: no gradient flows through them)."""
    parents: dict[int, "Tensor"]
    """Position of each Tensor argument that takes part in the graph -> that Tensor."""


class BackwardFuncLookup:
    """Which back function computes the gradient of which forward function, per argument."""

    def __init__(self) -> None:
        # Per instance: a lookup built for a test must not see another's registrations.
        # Keyed by the function object itself (two lambdas never collide, as names would).
        self.back_funcs: dict[Callable, dict[int, Callable]] = {}

    def add_back_func(self, forward_fn: Callable, arg_position: int, back_fn: Callable) -> None:
        self.back_funcs.setdefault(forward_fn, {})[arg_position] = back_fn

    def get_back_func(self, forward_fn: Callable, arg_position: int) -> Callable:
        try:
            return self.back_funcs[forward_fn][arg_position]
        except KeyError:
            name = getattr(forward_fn, "__name__", repr(forward_fn))
            raise KeyError(f"no back function registered for {name}, argument {arg_position}") from None


# --------------------------------------------------------------------------- Tensor

class Tensor:
    """A NumPy array that remembers how it was computed, like a small torch.Tensor."""

    array: Arr
    """The values. Several Tensors may share one array (Parameter does)."""
    requires_grad: bool
    """Whether operations on this Tensor record recipes, so gradients can reach it."""
    grad: Optional["Tensor"]
    """Where backprop accumulates this leaf's gradient; None until the first backward."""
    recipe: Optional[Recipe]
    """How this Tensor was computed, if it was computed while tracking gradients."""

    # NumPy defers to Tensor's reflected operators: `array * tensor` calls Tensor.__rmul__
    # (a Tensor in the graph) instead of building an object array of Tensors.
    __array_ufunc__ = None

    def __init__(self, array: Union[Arr, list, float], requires_grad: bool = False):
        self.array = array if isinstance(array, Arr) else np.array(array)
        self.requires_grad = requires_grad
        self.grad = None
        self.recipe = None

    # Arithmetic: each operator is one forward function, so it gets a recipe like any other.
    def __neg__(self) -> Tensor:
        return negative(self)

    def __add__(self, other) -> Tensor:
        return add(self, other)

    def __radd__(self, other) -> Tensor:
        return add(other, self)

    def __sub__(self, other) -> Tensor:
        return subtract(self, other)

    def __rsub__(self, other) -> Tensor:
        return subtract(other, self)

    def __mul__(self, other) -> Tensor:
        return multiply(self, other)

    def __rmul__(self, other) -> Tensor:
        return multiply(other, self)

    def __truediv__(self, other) -> Tensor:
        return true_divide(self, other)

    def __rtruediv__(self, other) -> Tensor:
        return true_divide(other, self)  # other / self: the reflected operand comes first

    def __matmul__(self, other) -> Tensor:
        return matmul(self, other)

    def __rmatmul__(self, other) -> Tensor:
        return matmul(other, self)

    def __eq__(self, other) -> Tensor:  # type: ignore[override]
        return eq(self, other)

    # Defining __eq__ removes the inherited hash; hash by identity so Tensors can key
    # dicts and sets (a dict compares identity before ==, so the elementwise == never runs).
    def __hash__(self) -> int:
        return id(self)

    def __getitem__(self, index) -> Tensor:
        return getitem(self, index)

    def __len__(self) -> int:
        if self.array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    def __bool__(self) -> bool:
        if self.array.size != 1:
            raise RuntimeError("bool value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __repr__(self) -> str:
        return f"Tensor({self.array!r}, requires_grad={self.requires_grad})"

    # Methods that delegate to the forward functions below.
    def log(self) -> Tensor:
        return log(self)

    def exp(self) -> Tensor:
        return exp(self)

    def sum(self, dim=None, keepdim=False) -> Tensor:
        return sum(self, dim=dim, keepdim=keepdim)

    def reshape(self, new_shape: tuple) -> Tensor:
        return reshape(self, new_shape)

    def permute(self, dims: tuple) -> Tensor:
        return permute(self, tuple(dims))

    def expand(self, new_shape: tuple) -> Tensor:
        return expand(self, new_shape)

    def maximum(self, other) -> Tensor:
        return maximum(self, other)

    def relu(self) -> Tensor:
        return relu(self)

    def argmax(self, dim=None, keepdim=False) -> Tensor:
        return argmax(self, dim=dim, keepdim=keepdim)

    @property
    def T(self) -> Tensor:
        # Explicit axes, so that permute_back can invert them.
        return permute(self, tuple(reversed(range(self.ndim))))

    def add_(self, other: Union[Tensor, float], alpha: float = 1.0) -> Tensor:
        """In place: self += alpha * other. Not recorded in the graph (use under NoGrad)."""
        add_(self, other, alpha=alpha)
        return self

    def uniform_(self, low: float, high: float) -> Tensor:
        """In place: fill with uniform values from np.random (seed it with np.random.seed)."""
        self.array[...] = np.random.uniform(low, high, self.array.shape)
        return self

    def backward(self, end_grad: Union[Arr, Tensor, None] = None) -> None:
        if isinstance(end_grad, Arr):
            end_grad = Tensor(end_grad)
        backprop(self, end_grad)

    def item(self):
        return self.array.item()

    def size(self, dim: Optional[int] = None):
        return self.shape if dim is None else self.shape[dim]

    @property
    def shape(self) -> tuple[int, ...]:
        return self.array.shape

    @property
    def ndim(self) -> int:
        return self.array.ndim

    @property
    def is_leaf(self) -> bool:
        """As torch: a Tensor is a leaf unless it requires grad and was computed from graph inputs."""
        return not (self.requires_grad and self.recipe is not None and self.recipe.parents)


def empty(*shape: int) -> Tensor:
    """Like torch.empty."""
    return Tensor(np.empty(shape))


def zeros(*shape: int) -> Tensor:
    """Like torch.zeros."""
    return Tensor(np.zeros(shape))


def arange(start: int, end: int, step: int = 1) -> Tensor:
    """Like torch.arange(start, end, step)."""
    return Tensor(np.arange(start, end, step=step))


def tensor(array: Union[Arr, list, float], requires_grad: bool = False) -> Tensor:
    """Like torch.tensor."""
    return Tensor(array, requires_grad=requires_grad)


# ------------------------------------------------------------- forward functions

def log_forward(x: Tensor) -> Tensor:
    """log, written out by hand: what wrap_forward_fn(np.log) does in general."""
    out = Tensor(np.log(x.array))
    if grad_tracking_enabled and (x.requires_grad or x.recipe is not None):
        out.requires_grad = True
        out.recipe = Recipe(np.log, (x.array,), {}, {0: x})
    return out


def multiply_forward(a: Union[Tensor, float], b: Union[Tensor, float]) -> Tensor:
    """multiply, written out by hand: either side may be a plain number."""
    assert isinstance(a, Tensor) or isinstance(b, Tensor)
    arg_a = a.array if isinstance(a, Tensor) else a
    arg_b = b.array if isinstance(b, Tensor) else b
    out = Tensor(arg_a * arg_b)
    # Parents keep their argument positions: in 2 * b, b is argument 1.
    parents = {
        position: arg
        for position, arg in enumerate((a, b))
        if isinstance(arg, Tensor) and (arg.requires_grad or arg.recipe is not None)
    }
    if grad_tracking_enabled and parents:
        out.requires_grad = True
        out.recipe = Recipe(np.multiply, (arg_a, arg_b), {}, parents)
    return out


def wrap_forward_fn(numpy_func: Callable, is_differentiable: bool = True) -> Callable:
    """Turn a function on arrays into a function on Tensors that records its Recipe.

    numpy_func: takes positional arguments, some of them arrays, and keyword arguments
        that are never arrays; returns one array.
    is_differentiable: if False (argmax, eq), the result is never part of the graph.
    Return: the same function taking Tensors wherever numpy_func took arrays.
    """

    def tensor_func(*args: Any, **kwargs: Any) -> Tensor:
        for key, value in kwargs.items():
            if isinstance(value, Tensor):
                # Back functions are looked up by argument position; a keyword Tensor has none.
                raise TypeError(f"{tensor_func.__name__}: pass Tensors by position, not as {key}=")
        arrays = tuple(arg.array if isinstance(arg, Tensor) else arg for arg in args)
        out = Tensor(numpy_func(*arrays, **kwargs))
        # The flag is read now, at call time: NoGrad may have changed it since wrapping.
        if grad_tracking_enabled and is_differentiable:
            parents = {
                position: arg
                for position, arg in enumerate(args)
                if isinstance(arg, Tensor) and (arg.requires_grad or arg.recipe is not None)
            }
            if parents:
                out.requires_grad = True
                out.recipe = Recipe(numpy_func, arrays, kwargs, parents)
        return out

    tensor_func.__name__ = tensor_func.__qualname__ = getattr(numpy_func, "__name__", "tensor_func")
    tensor_func.__doc__ = getattr(numpy_func, "__doc__", None)
    return tensor_func


log = wrap_forward_fn(np.log)
multiply = wrap_forward_fn(np.multiply)
negative = wrap_forward_fn(np.negative)
exp = wrap_forward_fn(np.exp)
reshape = wrap_forward_fn(np.reshape)
permute = wrap_forward_fn(np.transpose)  # np.transpose(x, axes) is torch's permute
expand = wrap_forward_fn(_expand)
sum = wrap_forward_fn(_sum)  # shadows the builtin in this module, as MLAB's does: use builtins.sum
getitem = wrap_forward_fn(_getitem)
add = wrap_forward_fn(np.add)
subtract = wrap_forward_fn(np.subtract)
true_divide = wrap_forward_fn(np.true_divide)
maximum = wrap_forward_fn(np.maximum)
matmul = wrap_forward_fn(_matmul2d)
argmax = wrap_forward_fn(_argmax, is_differentiable=False)
eq = wrap_forward_fn(np.equal, is_differentiable=False)


def relu(x: Tensor) -> Tensor:
    """Like F.relu, as maximum(x, 0): so the gradient at exactly 0 is 1/2 (torch.relu's is 0)."""
    return maximum(x, 0.0)


def add_(x: Tensor, other: Union[Tensor, float], alpha: float = 1.0) -> Tensor:
    """Like torch.Tensor.add_: x += alpha * other, in place, outside the graph."""
    other_array = other.array if isinstance(other, Tensor) else other
    np.add(x.array, other_array * alpha, out=x.array)
    return x


BACK_FUNCS = BackwardFuncLookup()
BACK_FUNCS.add_back_func(np.log, 0, log_back)
BACK_FUNCS.add_back_func(np.multiply, 0, multiply_back0)
BACK_FUNCS.add_back_func(np.multiply, 1, multiply_back1)
BACK_FUNCS.add_back_func(np.negative, 0, negative_back)
BACK_FUNCS.add_back_func(np.exp, 0, exp_back)
BACK_FUNCS.add_back_func(np.reshape, 0, reshape_back)
BACK_FUNCS.add_back_func(np.transpose, 0, permute_back)
BACK_FUNCS.add_back_func(_expand, 0, expand_back)
BACK_FUNCS.add_back_func(_sum, 0, sum_back)
BACK_FUNCS.add_back_func(_getitem, 0, getitem_back)
BACK_FUNCS.add_back_func(np.add, 0, add_back0)
BACK_FUNCS.add_back_func(np.add, 1, add_back1)
BACK_FUNCS.add_back_func(np.subtract, 0, subtract_back0)
BACK_FUNCS.add_back_func(np.subtract, 1, subtract_back1)
BACK_FUNCS.add_back_func(np.true_divide, 0, true_divide_back0)
BACK_FUNCS.add_back_func(np.true_divide, 1, true_divide_back1)
BACK_FUNCS.add_back_func(np.maximum, 0, maximum_back0)
BACK_FUNCS.add_back_func(np.maximum, 1, maximum_back1)
BACK_FUNCS.add_back_func(_matmul2d, 0, matmul2d_back0)
BACK_FUNCS.add_back_func(_matmul2d, 1, matmul2d_back1)


# ------------------------------------------------------------------- backprop

def topological_sort(node: Any, get_children_fn: Callable[[Any], Iterable[Any]]) -> list[Any]:
    """Every node reachable from `node`, each once, children before their parents, `node` last.

    A depth-first search with an explicit stack (a recursive one dies past ~1,000
    nodes deep). Nodes are told apart by identity, never by ==, so any object works as
    a node. A cycle raises ValueError.
    """
    order: list[Any] = []
    finished: set[int] = set()  # ids of nodes already in `order`
    on_path: set[int] = {id(node)}  # ids of the nodes on the stack: meeting one again is a cycle
    stack: list[tuple[Any, Iterator[Any]]] = [(node, iter(get_children_fn(node)))]
    while stack:
        current, children = stack[-1]
        for child in children:
            if id(child) in finished:
                continue
            if id(child) in on_path:
                raise ValueError("the graph has a cycle: a topological order does not exist")
            on_path.add(id(child))
            stack.append((child, iter(get_children_fn(child))))
            break  # visit this child's children first; `children` remembers where we were
        else:  # every child is finished: so is `current`
            stack.pop()
            on_path.discard(id(current))
            finished.add(id(current))
            order.append(current)
    return order


def _parents_of(tensor: Tensor) -> list[Tensor]:
    return [] if tensor.recipe is None else list(tensor.recipe.parents.values())


def sorted_computational_graph(node: Tensor) -> list[Tensor]:
    """The Tensors of `node`'s graph, `node` first: each before every Tensor it was computed from."""
    return topological_sort(node, _parents_of)[::-1]


def _grad_dtype(array: Arr) -> np.dtype:
    """The dtype of a default end gradient: the array's, if it is floating point."""
    return np.result_type(array.dtype, np.float32)


def backprop(
    end_node: Tensor,
    end_grad: Union[Tensor, Arr, None] = None,
    *,
    back_funcs: Optional[BackwardFuncLookup] = None,
) -> None:
    """Accumulate d(end_node)/d(leaf) into the `.grad` of every leaf that requires grad.

    end_grad: the gradient of the loss with respect to end_node, of end_node's shape.
        If None, end_node must have one element, and the gradient is 1.
    back_funcs: where to look up back functions (BACK_FUNCS by default); checks pass a
        lookup that holds a learner's piece.
    tensor.backward(end_grad) calls backprop(tensor, end_grad).
    """
    lookup = BACK_FUNCS if back_funcs is None else back_funcs
    if end_grad is None:
        if end_node.array.size != 1:
            raise RuntimeError(
                f"backward() of a tensor of shape {end_node.shape} needs end_grad: "
                "a default gradient of 1 exists only for one-element tensors"
            )
        end_grad_array = np.ones(end_node.shape, dtype=_grad_dtype(end_node.array))
    else:
        end_grad_array = np.asarray(end_grad.array if isinstance(end_grad, Tensor) else end_grad)
        if end_grad_array.shape != end_node.shape:
            raise ValueError(f"end_grad has shape {end_grad_array.shape}; end_node has shape {end_node.shape}")

    # Gradients flowing into each node, keyed by the Tensor (hashed by identity). A node's
    # entry is complete once every node computed from it has been visited: the order
    # below guarantees that. Sums always build new arrays: a back function may return a
    # view (of grad_out, or a read-only broadcast), and `+=` would write through it.
    grads: dict[Tensor, Arr] = {end_node: end_grad_array}
    for node in sorted_computational_graph(end_node):
        grad = grads.pop(node)
        if node.is_leaf:
            if node.requires_grad:
                if node.grad is None:
                    node.grad = Tensor(np.array(grad, copy=True))  # own copy: never the caller's end_grad
                else:
                    node.grad.array = node.grad.array + grad  # accumulate across backward calls
            continue
        for position, parent in node.recipe.parents.items():
            back_fn = lookup.get_back_func(node.recipe.func, position)
            parent_grad = np.asarray(back_fn(grad, node.array, *node.recipe.args, **node.recipe.kwargs))
            if parent_grad.shape != parent.shape:
                name = getattr(back_fn, "__name__", repr(back_fn))
                raise ValueError(
                    f"{name} returned a gradient of shape {parent_grad.shape} for argument {position} "
                    f"of shape {parent.shape}"
                )
            grads[parent] = grads[parent] + parent_grad if parent in grads else parent_grad


# ----------------------------------------------------------- modules and training

class Parameter(Tensor):
    """A Tensor that a Module registers as trainable. Shares the given Tensor's array."""

    def __init__(self, tensor: Tensor, requires_grad: bool = True):
        super().__init__(tensor.array, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return f"Parameter containing:\n{super().__repr__()}"


class Module:
    """A small nn.Module: registers Parameters and child Modules by attribute name."""

    _modules: dict[str, "Module"]
    _parameters: dict[str, Parameter]

    def __init__(self):
        # object.__setattr__: our own __setattr__ expects these dicts to exist already.
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_parameters", {})

    def modules(self) -> Iterator["Module"]:
        """The direct child modules, in registration order (MLAB's meaning; nn.Module calls it children())."""
        return iter(self.__dict__["_modules"].values())

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """This module's own parameters first, then its children's (recursively if `recurse`).

        A parameter shared by two modules is yielded once, as nn.Module does.
        """
        seen: set[int] = set()
        for param in self._all_parameters(recurse):
            if id(param) not in seen:
                seen.add(id(param))
                yield param

    def _all_parameters(self, recurse: bool) -> Iterator[Parameter]:
        yield from self.__dict__["_parameters"].values()
        if recurse:
            for child in self.__dict__["_modules"].values():
                yield from child._all_parameters(recurse=True)

    def __setattr__(self, key: str, val: Any) -> None:
        """Parameters and Modules go into their registries; anything else is a plain attribute.

        A name lives in exactly one place: assigning a plain value (or None) to a name that
        held a Parameter unregisters it, so parameters() never yields a stale one.
        """
        registries = (self.__dict__.get("_parameters"), self.__dict__.get("_modules"))
        if isinstance(val, (Parameter, Module)) and registries[0] is None:
            raise AttributeError(f"call Module.__init__() before assigning {key!r}")
        for registry in registries:
            if registry is not None:
                registry.pop(key, None)
        self.__dict__.pop(key, None)
        if isinstance(val, Parameter):
            self.__dict__["_parameters"][key] = val
        elif isinstance(val, Module):
            self.__dict__["_modules"][key] = val
        else:
            object.__setattr__(self, key, val)

    def __getattr__(self, key: str) -> Union[Parameter, "Module"]:
        # Python calls this only when ordinary lookup fails. Read the registries through
        # __dict__: before __init__ has run they do not exist, and self._parameters would
        # call __getattr__ again, forever.
        for registry in (self.__dict__.get("_parameters", {}), self.__dict__.get("_modules", {})):
            if key in registry:
                return registry[key]
        # AttributeError (not KeyError) is what hasattr and getattr(obj, name, default) expect.
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {key!r}")

    def __delattr__(self, key: str) -> None:
        for registry in (self.__dict__.get("_parameters", {}), self.__dict__.get("_modules", {})):
            if key in registry:
                del registry[key]
                return
        object.__delattr__(self, key)

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward")

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        children = [
            f"({name}): " + repr(module).replace("\n", "\n  ")
            for name, module in self.__dict__["_modules"].items()
        ]
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = ([self.extra_repr()] if self.extra_repr() else []) + children
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


class Linear(Module):
    """y = x @ weight.T + bias, as nn.Linear: weight (out, in), init uniform in ±1/sqrt(in)."""

    weight: Parameter
    bias: Optional[Parameter]

    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = in_features**-0.5
        self.weight = Parameter(empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = Parameter(empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        """x: (batch, in_features) -> (batch, out_features)."""
        out = x @ self.weight.T
        return out if self.bias is None else out + self.bias

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class MLP(Module):
    """MLAB's MNIST classifier: 784 -> 64 -> 64 -> 10 with relu between."""

    def __init__(self):
        super().__init__()
        self.linear1 = Linear(28 * 28, 64)
        self.linear2 = Linear(64, 64)
        self.output = Linear(64, 10)

    def forward(self, x: Tensor) -> Tensor:
        """x: (batch, 28, 28) or (batch, 784) -> logits (batch, 10)."""
        x = x.reshape((x.shape[0], 28 * 28))
        x = relu(self.linear1(x))
        x = relu(self.linear2(x))
        return self.output(x)


def cross_entropy(logits: Tensor, true_labels: Tensor) -> Tensor:
    """Like F.cross_entropy(logits, true_labels, reduction="none").

    logits: (batch, classes); true_labels: (batch,) class indices.
    Return: (batch,) the loss of each example, logsumexp(row) - row[label].
    """
    n_batch, n_classes = logits.shape
    # Subtracting each row's maximum keeps exp from overflowing; it is a constant (no
    # grad), and a constant shift changes neither the loss nor its gradient.
    row_max = Tensor(logits.array.max(axis=1, keepdims=True))
    shifted = logits - row_max
    log_sum_exp = log(exp(shifted).sum(1))
    return log_sum_exp - shifted[arange(0, n_batch), true_labels]


class NoGrad:
    """Context manager that turns gradient tracking off inside the block, like torch.no_grad."""

    was_enabled: bool

    def __enter__(self) -> None:
        global grad_tracking_enabled
        self.was_enabled = grad_tracking_enabled
        grad_tracking_enabled = False

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        # Restore, rather than set True: a NoGrad nested in another must leave tracking off.
        global grad_tracking_enabled
        grad_tracking_enabled = self.was_enabled


class SGD:
    """Vanilla SGD: p -= lr * p.grad for every parameter that has a gradient."""

    def __init__(self, params: Iterable[Parameter], lr: float):
        self.params = list(params)  # a generator would be exhausted after the first step
        self.lr = lr

    def zero_grad(self) -> None:
        for param in self.params:
            param.grad = None

    def step(self) -> None:
        # The update changes the parameters' arrays in place (the model holds the same
        # objects) and must not be recorded in the graph.
        with NoGrad():
            for param in self.params:
                if param.grad is not None:
                    param.add_(param.grad, -self.lr)

