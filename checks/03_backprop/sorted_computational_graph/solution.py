from mlkata.given.autograd import Tensor, topological_sort


def sorted_computational_graph(node: Tensor) -> list[Tensor]:
    def parents_of(tensor: Tensor) -> list[Tensor]:
        return [] if tensor.recipe is None else list(tensor.recipe.parents.values())

    # topological_sort puts each Tensor after its parents: backprop needs the reverse
    return topological_sort(node, parents_of)[::-1]
