"""BackwardFuncLookup: which backward function goes with which forward function and argument.

To backpropagate through a node computed as `out = forward_fn(x0, x1, ...)`, backprop
needs, for each input position i that leads back to a leaf, the backward function for
(forward_fn, i): for np.multiply, position 0 is multiply_back0 and position 1 is
multiply_back1; np.log has only position 0, log_back. This class stores those pairs:

- `BackwardFuncLookup()`: a new, empty lookup. Each instance has its own pairs: the
  framework's table, BACK_FUNCS, is one instance, and the check makes others.
- `add_back_func(forward_fn, arg_position, back_fn)`: remember back_fn for
  (forward_fn, arg_position); adding the same pair again replaces it.
- `get_back_func(forward_fn, arg_position)`: the back_fn added for that pair. For a pair
  never added, raise an error (a KeyError is natural): a missing backward function must
  show up at once, not as a None that fails later.

Key by the function object itself, never by its name: different functions can share a
name (every lambda is called "<lambda>").
"""

from collections.abc import Callable


class BackwardFuncLookup:
    def __init__(self) -> None:
        # TODO: the storage for this instance's pairs.
        raise NotImplementedError

    def add_back_func(self, forward_fn: Callable, arg_position: int, back_fn: Callable) -> None:
        # TODO
        raise NotImplementedError

    def get_back_func(self, forward_fn: Callable, arg_position: int) -> Callable:
        # TODO
        raise NotImplementedError
