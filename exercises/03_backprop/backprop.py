"""backprop: send the gradient of end_node back to every leaf that needs it.

`backprop(end_node, end_grad=None)` is what `tensor.backward(end_grad)` calls.

- end_grad: a Tensor of end_node's shape, dL/d(end_node). None means a gradient of 1,
  which makes sense only when end_node has exactly one element: otherwise raise an
  error (RuntimeError, as torch does).
- Visit the nodes in the order `sorted_computational_graph(end_node)` gives (given):
  end_node first, each node before the nodes it was computed from. Keep the gradient
  of each node in a dict keyed by the Tensor (Tensors hash by identity).
- At a node with a recipe, for each `position, parent` in `recipe.parents.items()`:
      back_fn = BACK_FUNCS.get_back_func(recipe.func, position)
      back_fn(grad_of_node, node.array, *recipe.args, **recipe.kwargs)
  is the parent's share of the gradient. A parent used by several nodes, or twice by
  one (a * a), receives the sum of its shares.
- At a leaf (`node.is_leaf`) that requires grad, add its gradient to `node.grad`, a
  Tensor (None until the first backward). Calling backprop again adds again: torch
  accumulates the same way, and optimizers reset .grad with zero_grad.
- Only those leaves get a .grad: intermediate nodes keep grad None, and so does a leaf
  that does not require grad (a Recipe may list one among its parents).

Arrays you do not own: a back function may return a view of an array that something
else holds, even a read-only one (np.broadcast_to, or the very grad_out it was
given). Never write into an array a back function returned, nor into end_grad: add
with `a + b`, which makes a new array (or copy before adding in place).

NumPy only. BACK_FUNCS, sorted_computational_graph and Tensor come from the given
framework (mlkata's, known to be right).
"""

import numpy as np

from mlkata.given.autograd import BACK_FUNCS, Arr, Tensor, sorted_computational_graph


def backprop(end_node: Tensor, end_grad: Tensor | None = None) -> None:
    """Accumulate the gradient of end_node into the .grad of every leaf that requires grad."""
    # TODO
    raise NotImplementedError
