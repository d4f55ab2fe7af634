"""Checks for nn.Module exercises: registration, initialisation, layouts that map across.

A module exercise is more than its forward pass. These helpers compare what a learner's
module registers with what a torch module registers (parameters, buffers, state_dict
keys), test that an initialisation fills the documented range, and copy a reference's
state into a learner's module entry by entry, explaining the first entry that does not
line up::

    expect_same_registration(model, nn.Linear(4, 3), what="Linear(4, 3)", reference_name="nn.Linear(4, 3)")
    expect_uniform_init(model.weight, bound=1 / 4**0.5, what="Linear(4, 3).weight")
    load_state_by_position(build_seeded(reference.ResNet34, seed=0), model, what="your ResNet34")
    expect_forward_matches(learner, model, reference, x, label="Linear(4, 3)")
"""

from __future__ import annotations

import contextlib
import copy
import math
from collections.abc import Callable, Iterator, Mapping

import torch
from torch import nn

from mlkata.checking.compare import expect_close
from mlkata.checking.spec import Mistake, expect_matches
from mlkata.checking.describe import dtype_text, shape_text
from mlkata.checking.failure import CheckFailed, context
from mlkata.checking.inputs import generator
from mlkata.checking.learner import Learner

# Bound once, before learner code runs (see compare.py for why).
_abs = torch.abs
_amax = torch.amax
_amin = torch.amin
_std = torch.std
_item = torch.Tensor.item
_detach = torch.Tensor.detach
_to = torch.Tensor.to
_numel = torch.Tensor.numel
_empty = torch.empty
_zeros = torch.zeros

# Uniform initialisation: the values must cover both ends of the range ...
SPREAD_FRACTION = 0.9
# ... once there are enough of them for that to be all but certain,
MIN_VALUES_FOR_SPREAD = 100
# and, with many values, have the spread of a uniform distribution (std = bound / √3).
MIN_VALUES_FOR_STD = 1000
STD_TOLERANCE = 0.1
# How many entries either side of a mismatch the layout table shows.
LAYOUT_WINDOW = 2

REGISTER_PARAMETER = "Wrap it in nn.Parameter(...) and assign it to self: then parameters(), state_dict(), .to() and optimizers see it."
REGISTER_BUFFER = "Use self.register_buffer(name, tensor): then state_dict(), .to() and .double() carry it, and no optimizer trains it."


def expect_same_registration(
    module: nn.Module, reference: nn.Module, *, what: str, reference_name: str
) -> None:
    """`module` registers the parameters, buffers and state_dict keys `reference` does.

    Names, shapes and dtypes must agree, and parameters must require grad. The order of
    state_dict keys must agree too, because later exercises map state across by position.
    """
    _expect_same_tensors(
        dict(module.named_parameters()), dict(reference.named_parameters()),
        module, what=what, reference_name=reference_name, kind="parameter", advice=REGISTER_PARAMETER,
    )
    for name, parameter in module.named_parameters():
        if not parameter.requires_grad:
            raise CheckFailed(
                f"{what}.{name} does not require grad",
                ("A parameter is trained: leave requires_grad at its default (True).",),
            )
    _expect_same_tensors(
        dict(module.named_buffers()), dict(reference.named_buffers()),
        module, what=what, reference_name=reference_name, kind="buffer", advice=REGISTER_BUFFER,
    )
    got_keys = list(module.state_dict().keys())
    expected_keys = list(reference.state_dict().keys())
    if got_keys != expected_keys:
        missing = [key for key in expected_keys if key not in got_keys]
        raise CheckFailed(
            f"{what}.state_dict() has keys {_names(got_keys)}; {reference_name} has {_names(expected_keys)}",
            (
                f"missing: {_names(missing)}; a buffer registered with persistent=False is left out of state_dict()"
                if missing
                else "The same keys in another order: register them in the order above, so that "
                "a state dict maps across by position.",
            ),
        )


def _expect_same_tensors(
    got: Mapping[str, torch.Tensor],
    expected: Mapping[str, torch.Tensor],
    module: nn.Module,
    *,
    what: str,
    reference_name: str,
    kind: str,
    advice: str,
) -> None:
    for name, value in expected.items():
        if name not in got:
            plain = _attribute(module, name)
            if isinstance(plain, torch.Tensor):
                raise CheckFailed(
                    f"{what}.{name} is a plain tensor, not a {kind}, so {kind}s() and state_dict() leave it out",
                    (advice,),
                )
            raise CheckFailed(
                f"{what} has no {kind} `{name}`; {reference_name} has one of shape {shape_text(value.shape)}",
                (f"Keep the name `{name}`: checks and state dicts find it by name.", advice),
            )
    for name, value in got.items():
        if name not in expected:
            raise CheckFailed(
                f"{what} has a {kind} `{name}` of shape {shape_text(value.shape)} that {reference_name} does not have",
                (f"{reference_name} has the {kind}s {_names(list(expected))}.",),
            )
        reference_value = expected[name]
        if value.shape != reference_value.shape:
            raise CheckFailed(
                f"{what}.{name} has shape {shape_text(value.shape)}; expected {shape_text(reference_value.shape)}",
                (f"{reference_name}.{name} has shape {shape_text(reference_value.shape)}.",),
            )
        if value.dtype != reference_value.dtype:
            raise CheckFailed(
                f"{what}.{name} has dtype {dtype_text(value.dtype)}; expected {dtype_text(reference_value.dtype)}",
                (f"Create it with dtype={reference_value.dtype}.",),
            )


def expect_uniform_init(values: torch.Tensor, bound: float, *, what: str) -> None:
    """`values` look like independent draws from Uniform(-bound, bound)."""
    values = _to(_detach(values), torch.float64)
    count = _numel(values)
    if count == 0:
        return
    largest = float(_item(_amax(_abs(values))))
    if largest > bound * (1 + 1e-6):
        raise CheckFailed(
            f"{what} has values up to {largest:.4g} in absolute value, outside ±{bound:.4g}",
            (f"Initialise uniformly between -{bound:.4g} and {bound:.4g}: that is ±1/√fan_in.",),
        )
    if count < MIN_VALUES_FOR_SPREAD:
        return
    low, high = float(_item(_amin(values))), float(_item(_amax(values)))
    if high < SPREAD_FRACTION * bound or low > -SPREAD_FRACTION * bound:
        raise CheckFailed(
            f"{what} spans [{low:.4g}, {high:.4g}]; {count} uniform values in ±{bound:.4g} "
            f"would reach beyond ±{SPREAD_FRACTION * bound:.4g} on both sides",
            (f"Initialise uniformly over the whole range -{bound:.4g} to {bound:.4g} (±1/√fan_in).",),
        )
    if count < MIN_VALUES_FOR_STD:
        return
    std = float(_item(_std(values)))
    uniform_std = bound / math.sqrt(3)
    if abs(std - uniform_std) > STD_TOLERANCE * uniform_std:
        raise CheckFailed(
            f"{what} has standard deviation {std:.4g}; uniform values in ±{bound:.4g} have {uniform_std:.4g}",
            ("Draw every value uniformly from the range (for example (torch.rand(shape) * 2 - 1) * bound).",),
        )


def load_state_by_position(
    reference: nn.Module, module: nn.Module, *, what: str, advice: str = ""
) -> None:
    """Copy `reference`'s state into `module`, pairing state_dict entries by position.

    Entry i of one state dict goes to entry i of the other; names may differ (`left.0`
    for `conv1`), but shapes and the last part of the name (`weight`, `running_var`)
    must agree one by one. Fails naming the first entry that does not line up.
    """
    expect_no_shared_layers(module, reference, what=what)
    expected = list(reference.state_dict().items())
    got = list(module.state_dict().items())
    count = f"{what} has {len(got)} state_dict entries; the reference has {len(expected)}"
    sizes = _parameter_counts(module, reference)
    for index in range(max(len(expected), len(got))):
        if index >= len(got):
            name, value = expected[index]
            headline = count
            detail = f"nothing of yours lines up with the reference's entry {index}, `{name}` {shape_text(value.shape)}"
        elif index >= len(expected):
            name, value = got[index]
            headline = count
            detail = f"your entry {index}, `{name}` {shape_text(value.shape)}, comes after the reference's last"
        else:
            (got_name, got_value), (expected_name, expected_value) = got[index], expected[index]
            if got_value.shape == expected_value.shape and _leaf(got_name) == _leaf(expected_name):
                continue
            headline = (
                f"{what}'s state_dict entry {index} is `{got_name}` {shape_text(got_value.shape)}; "
                f"the reference has `{expected_name}` {shape_text(expected_value.shape)} there"
            )
            detail = "Entries are paired by position: register layers in the reference's order, with the same shapes."
        raise CheckFailed(headline, (detail, *sizes, *([advice] if advice else [])), _layout_table(got, expected, index))
    module.load_state_dict({name: value for (name, _), (_, value) in zip(got, expected)})


def expect_no_shared_layers(module: nn.Module, reference: nn.Module, *, what: str) -> None:
    """`module` does not use one layer object (with weights) in two places where `reference` uses two.

    `[Block(...)] * n`, or one nn.Conv2d assigned to two attributes, registers the same
    object under several names: it has one set of weights where the reference has
    several, and the output cannot match once the reference's state is copied in.
    """
    shared = _shared_layers(module)
    if not shared or len(shared) <= len(_shared_layers(reference)):
        return
    first, again, layer = shared[0]
    raise CheckFailed(
        f"{what} uses one {type(layer).__name__} object in two places, `{first}` and `{again}`: "
        "they share one set of weights where the reference has two",
        (
            "Build every layer with its own constructor call: [Block(...) for _ in range(n)], not "
            "[Block(...)] * n, and never put one module object in two places.",
        ),
    )


def _shared_layers(module: nn.Module) -> list[tuple[str, str, nn.Module]]:
    """(first name, later name, layer) for each layer with weights registered under two names, outermost first."""
    first_name: dict[int, str] = {}
    shared: list[tuple[str, str, nn.Module]] = []
    for name, sub in module.named_modules(remove_duplicate=False):
        if any(name.startswith(again + ".") for _, again, _ in shared):
            continue  # inside a layer already reported
        if not any(True for _ in sub.parameters()) and not any(True for _ in sub.buffers()):
            continue  # a ReLU used twice shares nothing
        if id(sub) in first_name:
            shared.append((first_name[id(sub)], name, sub))
        else:
            first_name[id(sub)] = name
    return shared


def _parameter_counts(module: nn.Module, reference: nn.Module) -> tuple[str, ...]:
    """A line comparing the numbers of parameters, when they differ: a layer too many or missing."""
    got = sum(_numel(p) for p in module.parameters())
    expected = sum(_numel(p) for p in reference.parameters())
    if got == expected:
        return ()
    return (f"yours has {got:,} parameters, the reference {expected:,}: "
            f"{'a layer too many, or one too large' if got > expected else 'a layer missing, or one too small'}.",)


def build_seeded(factory: Callable[[], nn.Module], seed: int) -> nn.Module:
    """`factory()` with every state_dict entry set from `seed` (see `seeded_state`).

    The module is built on the meta device, so its own random initialisation (slow for
    millions of parameters, and drawn from the global generator) never runs.
    """
    with torch.device("meta"):
        module = factory()
    module.load_state_dict(seeded_state(module, seed), assign=True)
    return module


def seeded_state(module: nn.Module, seed: int) -> dict[str, torch.Tensor]:
    """Seeded values for every entry of `module`'s state_dict, chosen by kind.

    Weights of conv and linear layers are uniform in ±1/√fan_in; biases are small;
    batch norm weights and running variances are near 1 and running means near 0, so
    that eval mode differs visibly from train mode and from an identity.
    """
    gen = generator(seed)
    state = {}
    for name, value in module.state_dict().items():
        shape, leaf = tuple(value.shape), _leaf(name)
        if not value.dtype.is_floating_point:
            state[name] = _zeros(shape, dtype=value.dtype)
        elif leaf == "weight" and len(shape) > 1:
            bound = 1 / math.sqrt(math.prod(shape[1:]))
            state[name] = _empty(shape).uniform_(-bound, bound, generator=gen)
        elif leaf in ("weight", "running_var"):
            state[name] = _empty(shape).uniform_(0.5, 1.5, generator=gen)
        else:  # bias, running_mean
            state[name] = _empty(shape).normal_(0.0, 0.2, generator=gen)
    return state


def expect_same_network(
    learner: Learner,
    model: nn.Module,
    reference: nn.Module,
    x: torch.Tensor,
    *,
    label: str,
    advice: str = "",
    modes: tuple[str, ...] = ("train", "eval"),
    rtol: float | None = None,
    atol: float | None = None,
    mistakes: Callable[[nn.Module], list[Mistake]] | None = None,
) -> None:
    """`model` computes what `reference` computes, once `reference`'s state is copied in.

    The state goes across by position (`load_state_by_position`: a layer object used
    twice, or a count of parameters that is off, is said first); then both run on `x` in
    each of `modes` ("train": batch statistics, and the running statistics update alike;
    "eval": running statistics), and the outputs must agree. `mistakes(copy_of_reference)`
    gives known wrong networks as formulas of x, computed on a copy of the reference in
    the current mode (its running statistics are not touched); the first one the output
    equals names the mistake.
    """
    load_state_by_position(reference, model, what=f"your {label}", advice=advice)
    for mode in modes:
        model.train(mode == "train")
        reference.train(mode == "train")
        with context(f"{label} with the reference's state copied in, {mode} mode"):
            expect_forward_matches(
                learner, model, reference, x, label=label, what=f"the output in {mode} mode",
                mistakes=_on_copies(reference, mistakes), rtol=rtol, atol=atol,
            )


def _on_copies(reference: nn.Module, mistakes: Callable[[nn.Module], list[Mistake]] | None) -> list[Mistake]:
    """`mistakes(reference)`, each formula run on a fresh copy of the reference."""
    if mistakes is None:
        return []
    found = []
    for index, mistake in enumerate(mistakes(reference)):
        def formula(*args: torch.Tensor, index: int = index) -> torch.Tensor:
            with torch.no_grad():
                return mistakes(copy.deepcopy(reference))[index].formula(*args)
        found.append(Mistake(mistake.headline, formula, mistake.advice))
    return found


def _attribute(module: nn.Module, dotted: str) -> object:
    obj: object = module
    for part in dotted.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            return None
    return obj


def _leaf(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _names(names: list[str]) -> str:
    return "[" + ", ".join(names) + "]" if names else "none"


def _layout_table(
    got: list[tuple[str, torch.Tensor]], expected: list[tuple[str, torch.Tensor]], index: int
) -> list[list[str]]:
    rows = [["entry", "yours", "reference", ""]]
    for i in range(max(0, index - LAYOUT_WINDOW), index + LAYOUT_WINDOW + 1):
        if i >= len(got) and i >= len(expected):
            break
        mine = f"{got[i][0]} {shape_text(got[i][1].shape)}" if i < len(got) else "-"
        theirs = f"{expected[i][0]} {shape_text(expected[i][1].shape)}" if i < len(expected) else "-"
        rows.append([str(i), mine, theirs, "<- first mismatch" if i == index else ""])
    return rows



def expect_forward_matches(
    learner: Learner,
    model: nn.Module,
    reference: Callable[..., torch.Tensor],
    *inputs: torch.Tensor,
    label: str,
    what: str = "the output",
    mistakes: tuple[Mistake, ...] | list[Mistake] = (),
    condition: float = 1.0,
    rtol: float | None = None,
    atol: float | None = None,
) -> torch.Tensor:
    """`model(*inputs)`, called through the learner, matches `reference(*inputs)`.

    The comparison is `expect_matches`'s: the tolerance policy (`condition` for long
    sums), known `mistakes` named, the torch errors `windows.explaining` knows explained,
    and the simplest inputs that still fail shown (the model's parameters stay as they
    are, so only batch and spatial sizes and values shrink).
    """
    from mlkata.checking.windows import explaining, window_judge

    def forward(*args: torch.Tensor) -> torch.Tensor:
        return learner.call(model.forward, *args, name=label)

    call = explaining(forward, learner=learner)
    call._name = label  # type: ignore[attr-defined]
    call._fn = model  # its forward's parameter names label the simplest case  # type: ignore[attr-defined]
    judge = window_judge(condition=condition, rtol=rtol, atol=atol)
    return expect_matches(call, reference, *inputs, what=what, mistakes=mistakes, judge=judge)


def expect_same_gradients(model: nn.Module, reference: nn.Module, *, label: str, names: tuple[str, ...] | None = None) -> None:
    """After a backward pass through both, `model`'s parameters have `reference`'s gradients.

    A parameter without a gradient is explained: the output did not reach it through
    autograd (`.data`, `.detach()`, `torch.no_grad()` or a copy on the way).
    """
    expected = dict(reference.named_parameters())
    got = dict(model.named_parameters())
    for name in names if names is not None else tuple(expected):
        if name not in got or name not in expected:
            continue
        if got[name].grad is None and expected[name].grad is not None:
            raise CheckFailed(
                f"{label}.{name}.grad is None after backward(): the output does not depend on {name} through autograd",
                (f"Compute the output from self.{name} itself: {name}.data, {name}.detach(), torch.no_grad() "
                 "or a copy on the way cuts it out of the graph, and an optimizer would never train it.",),
            )
        expect_close(got[name].grad, expected[name].grad, what=f"{label}.{name}.grad")


def expect_same_backward(
    learner: Learner, model: nn.Module, reference: nn.Module, x: torch.Tensor, upstream: torch.Tensor, *, label: str
) -> None:
    """One backward pass of `upstream` through both, from zeroed gradients: the parameters'
    gradients agree (`expect_same_gradients`), and an output that does not track
    gradients at all is explained rather than left to autograd's error."""
    model.zero_grad()
    reference.zero_grad()
    got = learner.call(model.forward, x, name=label)
    if isinstance(got, torch.Tensor) and not got.requires_grad and any(p.requires_grad for p in model.parameters()):
        raise CheckFailed(
            f"the output of {label} does not track gradients, so backward() cannot reach the parameters",
            ("Compute the output from the parameters themselves: .data, .detach(), torch.no_grad() or NumPy on "
             "the way cuts them out of the graph, and an optimizer would never train them.",),
        )
    got.backward(upstream)
    reference(x).backward(upstream)
    expect_same_gradients(model, reference, label=label)


def expect_input_gradient(
    learner: Learner,
    model: nn.Module,
    reference: nn.Module,
    x: torch.Tensor,
    upstream: torch.Tensor,
    *,
    label: str,
    mistakes: tuple[Mistake, ...] | list[Mistake] = (),
) -> None:
    """The gradient of sum(model(x) * upstream) with respect to x matches the reference's.

    Compared with `expect_matches` (known `mistakes` named, e.g. a statistic that was
    detached; the simplest x and upstream that still fail shown).
    """

    def gradient_through_model(x: torch.Tensor, upstream: torch.Tensor) -> torch.Tensor:
        return input_gradient(lambda x: learner.call(model.forward, x, name=label), x, upstream, label=label)

    gradient_through_model._name = f"the gradient of x through {label}"  # type: ignore[attr-defined]
    expect_matches(
        gradient_through_model,
        lambda x, upstream: input_gradient(reference, x, upstream, label="the reference"),
        x, upstream, what="the gradient of x", mistakes=mistakes,
    )


def input_gradient(forward: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, upstream: torch.Tensor, *, label: str) -> torch.Tensor:
    """d(sum(forward(x) * upstream)) / dx, explaining an output that does not reach x through autograd."""
    x = _detach(x).clone().requires_grad_()
    out = forward(x)
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        raise CheckFailed(
            f"the output of {label} does not track gradients back to x",
            ("Compute it with torch operations on x: no .detach(), .data, torch.no_grad() or NumPy on the way.",),
        )
    (grad,) = torch.autograd.grad(out, x, upstream, allow_unused=True)
    if grad is None:
        raise CheckFailed(
            f"the output of {label} does not depend on x through autograd",
            ("Compute it with torch operations on x: no .detach() or .data on the way.",),
        )
    return grad


def earlier_class(learner: Learner, name: str, exercise: str) -> Callable[..., nn.Module] | None:
    """The learner's class `name` if their file imports it from earlier exercise `exercise`, else None."""
    try:
        found = getattr(learner, name)
    except (CheckFailed, AttributeError):
        return None
    defined = getattr(found, "_fn", found)  # a class seen through the learner's call tracking
    return found if getattr(defined, "__module__", "") == f"mlkata.exercises.{exercise}" else None


@contextlib.contextmanager
def from_earlier_exercise(exercise: str, name: str, learner: Learner | None = None) -> Iterator[None]:
    """A failure inside is about the learner's `name` from earlier exercise `exercise`: say so first.

    Where that exercise has not passed its own check, the verdict's note says how to check
    it; where it has (it was changed since), the failure says so itself.
    """
    try:
        yield
    except CheckFailed as failure:
        earlier = getattr(getattr(learner, "_earlier", None), "by_name", {}).get(exercise)
        where = f" ({earlier.display})" if earlier is not None else ""
        advice = () if earlier is not None and earlier.status != "passed" else (
            f"Fix it in exercise {exercise}: mlkata run {exercise} checks it on its own and says what differs.",)
        failure.details = (failure.headline, *failure.details, *advice)
        failure.headline = f"your {name} from exercise {exercise}{where} does not compute what it should, so this exercise cannot"
        raise


def chained(modules: list[nn.Module]) -> Callable[[torch.Tensor], torch.Tensor]:
    """x passed through `modules` in turn: how a container that runs them in this order computes."""

    def run(x: torch.Tensor) -> torch.Tensor:
        for module in modules:
            x = module(x)
        return x

    return run
