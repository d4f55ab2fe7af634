from typing import Any, Iterator, Union

import numpy as np

from mlkata.given.autograd import Tensor


class Parameter(Tensor):
    def __init__(self, tensor: Tensor, requires_grad: bool = True):
        super().__init__(tensor.array, requires_grad=requires_grad)  # the same array object

    def __repr__(self) -> str:
        return f"Parameter containing:\n{super().__repr__()}"


class Module:
    _modules: dict[str, "Module"]
    _parameters: dict[str, Parameter]

    def __init__(self):
        # object.__setattr__: our own __setattr__ needs the registries to exist already.
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_parameters", {})

    def modules(self) -> Iterator["Module"]:
        return iter(self.__dict__["_modules"].values())

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        yield from self.__dict__["_parameters"].values()  # own first, in assignment order
        if recurse:
            for child in self.__dict__["_modules"].values():
                yield from child.parameters(recurse=True)

    def __setattr__(self, key: str, val: Any) -> None:
        parameters, modules = self.__dict__["_parameters"], self.__dict__["_modules"]
        # A name lives in one place: forget what it held before (keeping its position
        # when a Parameter replaces a Parameter, as nn.Module does).
        if not isinstance(val, Parameter):
            parameters.pop(key, None)
        if not isinstance(val, Module):
            modules.pop(key, None)
        if isinstance(val, (Parameter, Module)):
            self.__dict__.pop(key, None)
        if isinstance(val, Parameter):
            parameters[key] = val
        elif isinstance(val, Module):
            modules[key] = val
        else:
            object.__setattr__(self, key, val)

    def __getattr__(self, key: str) -> Union[Parameter, "Module"]:
        # Only called when normal lookup fails; before __init__ the registries are missing.
        for registry in (self.__dict__.get("_parameters", {}), self.__dict__.get("_modules", {})):
            if key in registry:
                return registry[key]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {key!r}")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def forward(self, *args, **kwargs):
        raise NotImplementedError("Subclasses must implement forward!")

    def __repr__(self) -> str:
        children = [f"({name}): " + repr(child).replace("\n", "\n  ") for name, child in self._modules.items()]
        if not children:
            return f"{type(self).__name__}()"
        return f"{type(self).__name__}(\n  " + "\n  ".join(children) + "\n)"
