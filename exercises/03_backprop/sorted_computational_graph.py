"""sorted_computational_graph: the Tensors of a graph, in the order backprop visits them.

The graph of a Tensor is the Tensor, the Tensors it was computed from (its
`recipe.parents`, a dict {position: Tensor}), theirs, and so on down to the leaves.
Backprop visits the end node first, and every Tensor before all the Tensors it was
computed from: by then every use of a Tensor has sent it its share of the gradient.

That is the reverse of a topological sort in which a Tensor's parents play the part of
its children. Use `topological_sort` (given: mlkata's, known to be right):
- a Tensor's "children" for the sort are the values of `recipe.parents`; a Tensor
  without a recipe (a leaf) has none. `recipe.args` holds arrays and numbers, not
  Tensors: they are not nodes;
- leaves belong in the result (backprop writes their .grad);
- return a list, `node` first.
"""

from mlkata.given.autograd import Tensor, topological_sort


def sorted_computational_graph(node: Tensor) -> list[Tensor]:
    """The Tensors of node's graph: node first, each before the Tensors it was computed from."""
    # TODO
    raise NotImplementedError
