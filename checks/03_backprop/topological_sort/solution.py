from collections.abc import Callable
from typing import Any


def topological_sort(node: Any, get_children_fn: Callable[[Any], list[Any]]) -> list[Any]:
    order: list[Any] = []
    done: set[int] = set()  # ids of the nodes already in `order`
    on_path: set[int] = {id(node)}  # ids of the nodes on the stack: meeting one again is a cycle
    # Depth-first with an explicit stack of (node, iterator over its children): no recursion limit.
    stack = [(node, iter(get_children_fn(node)))]
    while stack:
        current, children = stack[-1]
        for child in children:
            if id(child) in done:
                continue
            if id(child) in on_path:
                raise ValueError("the graph has a cycle")
            on_path.add(id(child))
            stack.append((child, iter(get_children_fn(child))))
            break  # go down first; `children` remembers where to resume
        else:  # all children done: current can follow them
            stack.pop()
            on_path.discard(id(current))
            done.add(id(current))
            order.append(current)
    return order
