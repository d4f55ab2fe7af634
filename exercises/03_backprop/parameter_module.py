"""Parameter and Module: the bookkeeping that lets an optimizer find every weight.

`Parameter(tensor, requires_grad=True)`: a Tensor (a subclass of mlkata's Tensor) built
on the *same* array object as `tensor` (no copy: changing one changes the other), with
requires_grad True unless told otherwise. Its __repr__ is written for you.

`Module`, like nn.Module, with MLAB's names:
- `__init__()`: creates the two registries, `_parameters` (name -> Parameter) and
  `_modules` (name -> Module), dicts in assignment order.
- `__setattr__(key, val)`: a Parameter goes into _parameters, a Module into _modules,
  anything else becomes a plain attribute. A name lives in one place only: assigning to
  a name that held something else replaces it everywhere, as nn.Module does. A name
  that held a Parameter and now gets a Module, a plain value or None is no longer a
  parameter; a plain attribute that now gets a Parameter is no longer plain.
- `__getattr__(key)`: Python calls it only when normal lookup fails. Return the
  registered Parameter or Module, else raise AttributeError (not KeyError: hasattr()
  and getattr(m, name, default) only understand AttributeError). It can run before
  __init__ has made the registries (copy.deepcopy builds a module without calling
  __init__): read them through self.__dict__, so that it never calls itself forever.
- `modules()`: the direct child modules, in assignment order. That is MLAB's meaning
  (nn.Module calls it children()); the check also accepts nn.Module's modules()
  (the module itself, then every descendant).
- `parameters(recurse=True)`: an iterator over this module's own parameters first, in
  assignment order, then, if recurse, over each child's parameters(recurse=True), child
  by child. recurse=False: only its own. Each call starts afresh.
- `__call__(*args, **kwargs)`: calls forward with the same arguments.
- `__repr__()`: as nn.Module's. `Name()` for a module without children, else one line
  per child, indented by two spaces, its own repr indented along:
      Outer(
        (middle): Middle(
          (first): Inner()
        )
        (leaf): Leaf()
      )
  nn.Module also puts extra_repr() inside the parentheses (`Linear(in_features=3, ...)`,
  next exercise): the check accepts that and the plain form.

The check builds the same nesting (parameters, children, grandchildren, plain
attributes) from your classes and from nn.Module, and compares parameters() (order
included), modules(), attribute access, hasattr and getattr defaults, __call__, repr,
copy.deepcopy, and what happens when a name is assigned again. NumPy only: torch is
not available in this section.
"""

from typing import Any, Iterator, Union

import numpy as np

from mlkata.given.autograd import Tensor


class Parameter(Tensor):
    def __init__(self, tensor: Tensor, requires_grad: bool = True):
        """Share the array with the provided tensor."""
        # TODO
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"Parameter containing:\n{super().__repr__()}"


class Module:
    _modules: dict[str, "Module"]
    _parameters: dict[str, Parameter]

    def __init__(self):
        # TODO: create the two registries (careful: your __setattr__ runs for every assignment).
        raise NotImplementedError

    def modules(self) -> Iterator["Module"]:
        """Return the direct child modules of this module."""
        # TODO
        raise NotImplementedError

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """This module's own parameters, then (if recurse) its children's, recursively."""
        # TODO
        raise NotImplementedError

    def __setattr__(self, key: str, val: Any) -> None:
        """Parameters and Modules into their registries; anything else a plain attribute."""
        # TODO
        raise NotImplementedError

    def __getattr__(self, key: str) -> Union[Parameter, "Module"]:
        """The registered Parameter or Module called key, else AttributeError."""
        # TODO
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        # TODO
        raise NotImplementedError

    def forward(self, *args, **kwargs):
        raise NotImplementedError("Subclasses must implement forward!")

    def __repr__(self) -> str:
        # TODO
        raise NotImplementedError
