import numpy as np

from mlkata.given.autograd import BACK_FUNCS, Arr, Tensor, sorted_computational_graph


def backprop(end_node: Tensor, end_grad: Tensor | None = None) -> None:
    if end_grad is None:
        if end_node.array.size != 1:
            raise RuntimeError("end_grad is needed for an end node of more than one element")
        end_grad = Tensor(np.ones_like(end_node.array, dtype=float))
    # The gradient flowing into each node, keyed by the Tensor (hashed by identity).
    # Every sum makes a new array: back functions may return views we must not write to.
    grads: dict[Tensor, Arr] = {end_node: end_grad.array}
    for node in sorted_computational_graph(end_node):  # end first: each grad complete when reached
        grad = grads.pop(node)
        if node.is_leaf:
            if node.requires_grad:
                node.grad = Tensor(grad.copy()) if node.grad is None else Tensor(node.grad.array + grad)
            continue
        for position, parent in node.recipe.parents.items():
            back_fn = BACK_FUNCS.get_back_func(node.recipe.func, position)
            share = back_fn(grad, node.array, *node.recipe.args, **node.recipe.kwargs)
            grads[parent] = grads[parent] + share if parent in grads else share
