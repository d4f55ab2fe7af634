import copy

import numpy as np
import torch
from torch import nn

from mlkata.checking import CheckFailed, context, expect, part
from mlkata.checking.autograd import given

# Which parameter holds which value in the nesting below.
NAMES = {0: "param0", 9: "param9", 3: "middle.param3", 11: "middle.first.param1", 12: "middle.first.param2",
         21: "middle.second.param1", 22: "middle.second.param2"}


def nesting(Module, param):
    """The same classes on top of either Module: params, children, grandchildren, plain attributes."""

    class Inner(Module):
        def __init__(self, base):
            super().__init__()
            self.param1 = param(base + 1)
            self.scale = 2.0
            self.param2 = param(base + 2)

    class Leaf(Module):
        def __init__(self):
            super().__init__()
            self.size = 3

        def extra_repr(self):
            return "size=3"

    class Middle(Module):
        def __init__(self):
            super().__init__()
            self.first = Inner(10)
            self.param3 = param(3)
            self.second = Inner(20)

    class Outer(Module):
        def __init__(self):
            super().__init__()
            self.param0 = param(0)
            self.middle = Middle()
            self.leaf = Leaf()
            self.param9 = param(9)

        def forward(self, x, scale=1.0):
            return ("forward", x, scale)

    return Outer, Leaf


def torch_nesting(with_extra_repr=True):
    Outer, Leaf = nesting(nn.Module, lambda v: nn.Parameter(torch.tensor([float(v)])))
    if not with_extra_repr:
        Leaf.extra_repr = lambda self: ""
    return Outer, Leaf


def learner_classes(learner):
    module = learner._module
    for name in ("Parameter", "Module"):
        expect(isinstance(getattr(module, name, None), type), f"your file has no class `{name}`",
               "Keep the class names from the stub.")
    return module.Parameter, module.Module


def learner_nesting(learner):
    Parameter, Module = learner_classes(learner)
    Tensor = given().Tensor
    return nesting(Module, lambda v: Parameter(Tensor(np.array([float(v)]))))


def values(params, what):
    out = []
    for p in params:
        array = getattr(p, "array", None) if not isinstance(p, torch.Tensor) else p.detach().numpy()
        if array is None:
            raise CheckFailed(f"{what} yields a {type(p).__name__}, not a Parameter")
        out.append(float(np.asarray(array).reshape(-1)[0]))
    return out


def names(vals):
    return ", ".join(NAMES.get(int(v), str(v)) for v in vals)


def expect_parameters(got, expected, what):
    if got == expected:
        return
    missing = [v for v in expected if v not in got]
    details = [f"got: {names(got) or 'nothing'}", f"expected: {names(expected) or 'nothing'} (as nn.Module)"]
    if missing:
        headline = f"{what} misses {names(missing)}"
        details.append("parameters(recurse=True) yields the module's own parameters, then each child's "
                       "parameters(recurse=True): grandchildren included.")
    elif sorted(got) == sorted(expected) and len(got) == len(expected):
        headline = f"{what} yields the right parameters in the wrong order"
        details.append("Own parameters first, in assignment order, then each child's, child by child in assignment order.")
    else:
        headline = f"{what} yields parameters that are not (or no longer) registered"
        details.append("A name holds one thing: when it is assigned again, what it held before is forgotten.")
    raise CheckFailed(headline, details)


@part("Parameter")
def check_parameter(learner):
    Parameter, _ = learner_classes(learner)
    A = given()
    with context("t = Tensor(np.array([1.0, 2.0, 3.0])); p = Parameter(t)"):
        t = A.Tensor(np.array([1.0, 2.0, 3.0]))
        p = learner.Parameter(t)
        expect(isinstance(p, A.Tensor), "Parameter(t) is not a Tensor", "class Parameter(Tensor): keep the stub's base class.")
        expect(p.array is t.array, "Parameter(t) copies the array instead of sharing it",
               "Build it on t.array itself (super().__init__(tensor.array, ...)): an optimizer that changes "
               "p.array in place must change the tensor the module was built from too.")
        expect(p.requires_grad is True, f"Parameter(t).requires_grad is {p.requires_grad!r}; it should be True",
               "A parameter is trained: requires_grad defaults to True.")
        expect(p.grad is None and p.recipe is None and p.is_leaf,
               "Parameter(t) should start as a leaf with grad None and recipe None", "Call Tensor.__init__.")
    with context("Parameter(t, requires_grad=False)"):
        frozen = learner.Parameter(A.Tensor(np.array([1.0])), requires_grad=False)
        expect(frozen.requires_grad is False, "Parameter(t, requires_grad=False) requires grad",
               "Pass requires_grad on to Tensor.__init__.")


@part("Module")
def check_module(learner):
    Outer, _ = learner_nesting(learner)
    TorchOuter, _ = torch_nesting()
    label = "Outer: param0, middle (first: Inner, param3, second: Inner), leaf, param9"
    with context(f"{label}: parameters()"):
        model, reference = Outer(), TorchOuter()
        got = values(learner.call(model.parameters, name="parameters"), "parameters()")
        expect_parameters(got, values(reference.parameters(), ""), "parameters()")
        expect(values(model.parameters(), "") == got, "calling parameters() a second time yields something else",
               "Each call starts afresh: return a new iterator (a generator function, or iter(list)).")
        first = next(iter(model.parameters()))
        expect(first is model.param0, "parameters() yields copies, not the registered Parameters",
               "Yield the objects themselves: an optimizer updates them in place.")
    with context(f"{label}: parameters(recurse=False)"):
        got = values(learner.call(model.parameters, recurse=False, name="parameters"), "parameters(recurse=False)")
        expect_parameters(got, values(reference.parameters(recurse=False), ""), "parameters(recurse=False)")
    with context(f"{label}: modules()"):
        got = list(learner.call(model.modules, name="modules"))
        children = [model.middle, model.leaf]
        everything = [model, model.middle, model.middle.first, model.middle.second, model.leaf]
        expect(same_objects(got, children) or same_objects(got, everything),
               f"modules() yields {[type(m).__name__ for m in got]}; expected the direct children [Middle, Leaf]",
               "MLAB's modules() is the direct children, in assignment order (nn.Module's modules(), the module "
               "itself and every descendant, is accepted too).")
    with context(f"{label}: attribute access"):
        expect(type(model.middle).__name__ == "Middle" and model.middle.first.param1 is not None,
               "model.middle.first.param1 does not reach the registered objects", "__getattr__ looks in both registries.")
        expect(model.middle.first.scale == 2.0, "a plain attribute (scale = 2.0) is not stored as usual",
               "Anything that is neither a Parameter nor a Module goes through object.__setattr__.")
        expect_missing_attribute(model)
    with context(f"{label}: model(5, scale=3)"):
        result = learner.call(model, 5, scale=3, name="Outer()")
        expect(result == ("forward", 5, 3), f"model(5, scale=3) returned {result!r}; forward returns ('forward', 5, 3)",
               "__call__ passes every positional and keyword argument to self.forward and returns its result.")
    with context(f"{label}: repr(model)"):
        got = learner.call(model.__repr__, name="repr")
        with_extra, without = repr(TorchOuter()), repr(torch_nesting(with_extra_repr=False)[0]())
        if got not in (with_extra, without):
            raise CheckFailed("repr(model) is not nn.Module's layout", ("got:", *got.splitlines(), "expected:", *without.splitlines(),
                              "(Leaf(size=3), with extra_repr, is accepted too)"))
    with context("an Outer made with Outer.__new__(Outer), before __init__ has run: hasattr(blank, 'weight')"):
        blank = Outer.__new__(Outer)
        try:
            found = hasattr(blank, "weight")
        except RecursionError:
            raise CheckFailed(
                "__getattr__ recurses forever on a module whose __init__ has not run (copy.deepcopy makes such modules)",
                ("self._parameters inside __getattr__ calls __getattr__ again while _parameters does not exist yet. "
                 "Read the registries with self.__dict__.get('_parameters', {}).",),
            ) from None
        except KeyError as error:
            raise CheckFailed(
                f"hasattr(blank, 'weight') raises KeyError {error} on a module whose __init__ has not run "
                "(copy.deepcopy makes such modules)",
                ("self.__dict__['_parameters'] does not exist yet: use self.__dict__.get('_parameters', {}), and "
                 "raise AttributeError for unknown names.",),
            ) from None
        expect(not found, "hasattr(blank, 'weight') is True on an empty module", "Raise AttributeError for unknown names.")
    with context("copy.deepcopy(model)"):
        clone = copy.deepcopy(model)
        got = values(clone.parameters(), "parameters() of the copy")
        expect_parameters(got, values(reference.parameters(), ""), "parameters() of copy.deepcopy(model)")
        expect(next(iter(clone.parameters())) is not model.param0, "the deep copy shares its parameters", "")
    check_reassignment(learner)


def check_reassignment(learner):
    Parameter, _ = learner_classes(learner)
    A = given()
    Outer, Leaf = learner_nesting(learner)
    TorchOuter, TorchLeaf = torch_nesting()

    def param(v):
        return Parameter(A.Tensor(np.array([float(v)])))

    def torch_param(v):
        return nn.Parameter(torch.tensor([float(v)]))

    cases = [
        ("model.param0 = Parameter([100.0]) (a parameter replaced)",
         lambda m: setattr(m, "param0", param(100)), lambda m: setattr(m, "param0", torch_param(100)), "param0"),
        ("model.leaf = Parameter([50.0]) (a module name now holds a parameter)",
         lambda m: setattr(m, "leaf", param(50)), lambda m: setattr(m, "leaf", torch_param(50)), "leaf"),
        ("model.middle.first.scale = Parameter([7.0]) (a plain attribute now holds a parameter)",
         lambda m: setattr(m.middle.first, "scale", param(7)), lambda m: setattr(m.middle.first, "scale", torch_param(7)), None),
        ("model.param0 = None (a parameter removed)",
         lambda m: setattr(m, "param0", None), lambda m: setattr(m, "param0", None), "param0"),
    ]
    for text, assign, torch_assign, name in cases:
        with context(f"an Outer, then {text}"):
            model, reference = Outer(), TorchOuter()
            assign(model)
            torch_assign(reference)
            got, expected = values(model.parameters(), "parameters()"), values(reference.parameters(), "")
            if sorted(got) != sorted(expected):
                raise CheckFailed(
                    f"after {text.split(' (')[0]}, parameters() yields {names(got)}; nn.Module yields {names(expected)}",
                    ("A name holds one thing: assigning it again must remove what it held from the registry it was "
                     "in (and from the plain attributes), as nn.Module does; otherwise a stale entry stays.",),
                )
            kinds = [type(m).__name__ for m in model.modules()]
            children = [type(m).__name__ for m in reference.children()]
            expect(kinds in (children, [type(m).__name__ for m in reference.modules()]),
                   f"after {text.split(' (')[0]}, modules() yields {kinds}; nn.Module's children are {children}",
                   "A name holds one thing: a module name that now holds a Parameter is no longer a child module.")
            if name is not None:
                now, torch_now = getattr(model, name), getattr(reference, name)
                kind = lambda v: "None" if v is None else ("Parameter" if isinstance(v, (A.Tensor, torch.Tensor)) else "Module")
                expect(kind(now) == kind(torch_now),
                       f"after {text.split(' (')[0]}, model.{name} is a {kind(now)}; it should be a {kind(torch_now)}",
                       "The new value wins: remove the name from wherever it lived before.")
            else:
                expect(isinstance(model.middle.first.scale, A.Tensor),
                       "after assigning a Parameter to the plain attribute `scale`, model.middle.first.scale is still 2.0",
                       "The plain attribute in __dict__ is found before __getattr__ runs: delete it when the name "
                       "becomes a Parameter or a Module.")


def expect_missing_attribute(model):
    try:
        model.missing
    except AttributeError:
        pass
    except KeyError:
        raise CheckFailed(
            "model.missing raises KeyError; it should raise AttributeError",
            ("hasattr(model, name) and getattr(model, name, default) catch AttributeError only: with KeyError "
             "they crash.",),
        ) from None
    else:
        raise CheckFailed("model.missing returned something; it should raise AttributeError")
    expect(getattr(model, "missing", 7) == 7 and not hasattr(model, "missing"),
           "getattr(model, 'missing', 7) or hasattr(model, 'missing') does not behave as for any object", "")


def same_objects(got, expected):
    return len(got) == len(expected) and all(a is b for a, b in zip(got, expected))
