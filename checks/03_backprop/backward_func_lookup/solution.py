from collections.abc import Callable


class BackwardFuncLookup:
    def __init__(self) -> None:
        # Per instance (a dict at class level would be shared by every lookup), keyed by
        # the function object and the position: names collide, positions differ.
        self.back_funcs: dict[tuple[Callable, int], Callable] = {}

    def add_back_func(self, forward_fn: Callable, arg_position: int, back_fn: Callable) -> None:
        self.back_funcs[forward_fn, arg_position] = back_fn

    def get_back_func(self, forward_fn: Callable, arg_position: int) -> Callable:
        return self.back_funcs[forward_fn, arg_position]  # KeyError for a pair never added
