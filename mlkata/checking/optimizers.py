"""Optimizers stepped against torch.optim, parameter by parameter.

`expect_same_steps`: the learner's optimizer and a torch.optim reference train identical
copies of a model on the same batches, and after every step every parameter is compared.
Around each step it checks what an optimizer must not do (change the gradients, rebind
parameters instead of updating them, touch a parameter whose `.grad` is None) and, when a
step goes wrong, replays known wrong update rules to name the mistake::

    expect_same_steps(
        learner, "SGD(lr=0.1, momentum=0.9)",
        lambda model: learner.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=0.0),
        lambda model: torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
        mistakes=[Variant("adds weight decay after the momentum", "...", build_wrong)],
    )

The model is a MoonsNet trained on two moons: parameters of several shapes, one of them
0-d, one used on some steps only and one never used.

torch.optim imports torch._dynamo the first time an optimizer steps (seconds), which wraps
torch.manual_seed, and wraps each optimizer class's `step` for the profiler when one is
built. The worker imports it while idle (and before any check when it runs many at
once), and the guard knows torch's own wrappers from a learner's replacement.
"""

from __future__ import annotations

import copy
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from mlkata.checking.compare import expect_close
from mlkata.checking.failure import CheckFailed, context
from mlkata.checking.learner import Learner
from mlkata.checking.training import FLOAT32_TOLERANCE, FLOAT64_TOLERANCE, seeded, two_moons

# Bound once, before learner code runs (see compare.py for why).
_clone = torch.Tensor.clone
_detach = torch.Tensor.detach
_allclose = torch.allclose
_equal = torch.equal
_isfinite = torch.isfinite
_all = torch.all
_any = torch.any
_abs = torch.abs
_amax = torch.amax
_item = torch.Tensor.item
_cat = torch.cat
_reshape = torch.reshape

# An error of this relative size in a float64 run means a float32 tensor crept in.
FLOAT32_PRECISION = 1e-8


class MoonsNet(nn.Module):
    """A two-moons classifier with the parameters an optimizer must handle with care.

    In the order parameters() gives them:
    - `shift`: added to the logits on some steps only, so its `.grad` is None on the
      others (its state must wait for it, untouched, and the parameters after it must
      keep their own state);
    - `scale`: a 0-dimensional parameter multiplying the logits;
    - `unused`: a parameter no forward pass uses, so its `.grad` stays None for ever;
    - `layers`: a one-hidden-layer MLP, parameters of several shapes.
    """

    def __init__(self, hidden: int = 12) -> None:
        super().__init__()
        self.shift = nn.Parameter(torch.zeros(2))
        self.scale = nn.Parameter(torch.tensor(1.0))
        self.unused = nn.Parameter(torch.zeros(3))
        self.layers = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, 2))

    def forward(self, x: torch.Tensor, use_shift: bool = True) -> torch.Tensor:
        logits = self.layers(x) * self.scale
        return logits + self.shift if use_shift else logits


@dataclass(frozen=True)
class Batch:
    X: torch.Tensor
    y: torch.Tensor
    use_shift: bool


def moons_batches(dtype: torch.dtype, epochs: int = 2, n: int = 80, batch_size: int = 32) -> list[Batch]:
    """Two epochs of two-moons batches (32, 32, 16: the last is smaller); `shift` is left out of steps 2 and 5."""
    X, y = two_moons(n, noise=0.1, seed=354, dtype=dtype)
    out = []
    for _ in range(epochs):
        for start in range(0, n, batch_size):
            out.append(Batch(X[start:start + batch_size], y[start:start + batch_size], use_shift=len(out) % 3 != 1))
    return out


# ---------------------------------------------------------------- optimizers for comparisons


Rule = Callable[[torch.Tensor, torch.Tensor, dict, dict, "RuleOptimizer"], None]


class RuleOptimizer:
    """torch.optim's bookkeeping around one update rule: for known wrong (or other accepted) optimizers.

    Parameter groups as torch takes them, per-parameter state created on first use,
    parameters whose `.grad` is None skipped, zero_grad as torch's. The rule is called as
    `rule(p, grad, state, group, optimizer)` under no_grad, for each parameter with a
    gradient; `optimizer.steps` counts the step() calls so far.

        def sgd_decay_last(p, grad, state, group, optimizer):
            buf = state["buf"] = grad.clone() if "buf" not in state else group["momentum"] * state["buf"] + grad
            p -= group["lr"] * (buf + group["weight_decay"] * p)

        RuleOptimizer(model.parameters(), sgd_decay_last, lr=0.1, momentum=0.9, weight_decay=0.05)
    """

    def __init__(self, params: Iterable, rule: Rule, **defaults: Any) -> None:
        params = list(params)
        if params and not isinstance(params[0], dict):
            params = [{"params": params}]
        self.param_groups = [{**defaults, **group, "params": list(group["params"])} for group in params]
        self.rule = rule
        self.state: dict[int, dict] = {}
        self.steps = 0

    def zero_grad(self, set_to_none: bool = True) -> None:
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.detach_()
                    p.grad.zero_()

    @torch.no_grad()
    def step(self) -> None:
        self.steps += 1
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self.rule(p, p.grad, self.state.setdefault(id(p), {}), group, self)


@dataclass(frozen=True)
class Variant:
    """Another optimizer to replay when the learner's trajectory leaves torch's.

    As a mistake, `headline` completes "<optimizer>.step: ..." and `advice` says what to do;
    as an accepted reading, `headline` says which reading it is.
    `build(model)` returns the optimizer, or raises if it does not apply to this configuration.
    """

    headline: str
    advice: str
    build: Callable[[nn.Module], Any]


class _Run:
    """One model copy trained by one optimizer, step by step, the way the check drives the learner's."""

    def __init__(self, model: nn.Module, build: Callable[[nn.Module], Any], batches: Sequence[Batch]) -> None:
        self.model = copy.deepcopy(model)
        self.optimizer = build(self.model)
        self.batches = batches
        self.done = 0

    def advance(self, set_to_none: bool) -> dict[str, torch.Tensor]:
        self.optimizer.zero_grad(set_to_none=set_to_none)
        batch = self.batches[self.done]
        F.cross_entropy(self.model(batch.X, batch.use_shift), batch.y).backward()
        self.optimizer.step()
        self.done += 1
        return _snapshot(self.model)


def _snapshot(model: nn.Module) -> dict[str, torch.Tensor]:
    return {name: _clone(_detach(p)) for name, p in model.named_parameters()}


def _close(got: dict, expected: dict, tolerance: dict, equal_nan: bool = True) -> bool:
    """Every parameter of `got` matches `expected` (one comparison of all values at once: this runs every step)."""
    if got.keys() != expected.keys() or not expected:
        return got.keys() == expected.keys()
    for name, value in expected.items():
        if got[name].shape != value.shape or got[name].dtype != value.dtype:
            return False
    return _allclose(_flat(got), _flat(expected), equal_nan=equal_nan, **tolerance)


def _flat(tensors: dict) -> torch.Tensor:
    return _cat([_reshape(value, (-1,)) for value in tensors.values()])


def _replay(build: Callable, model: nn.Module, batches: Sequence[Batch], modes: Sequence[bool]) -> list[dict] | None:
    """The snapshots after each step of `build`'s optimizer, with the same zero_grad modes; None if it cannot run."""
    try:
        run = _Run(model, build, batches)
        return [run.advance(mode) for mode in modes]
    except Exception:  # noqa: BLE001 - a variant that does not apply to this configuration
        return None


def expect_same_steps(
    learner: Learner,
    label: str,
    build_learner: Callable[[nn.Module], Any],
    build_reference: Callable[[nn.Module], Any],
    *,
    dtype: torch.dtype = torch.float64,
    seed: int = 0,
    model: nn.Module | None = None,
    batches: Sequence[Batch] | None = None,
    mistakes: Sequence[Variant] = (),
    accepted: Sequence[Variant] = (),
    name: str | None = None,
) -> None:
    """The learner's optimizer trains a model exactly as torch.optim does, step after step.

    Args:
        learner: the learner's module.
        label: how failures name the configuration ("SGD(lr=0.1, momentum=0.9)").
        build_learner: model -> the learner's optimizer over that model's parameters.
        build_reference: model -> the torch.optim optimizer it must agree with.
        dtype, seed: of the MoonsNet trained (unless `model` is given).
        batches: what each step trains on (two epochs of two moons by default).
        mistakes: wrong optimizers; a learner whose parameters equal one's is told its headline.
        accepted: other readings of the exercise that also pass (agreeing from the first step).
        name: the learner's class name, for messages (from the optimizer object by default).
    """
    tolerance = FLOAT64_TOLERANCE if dtype == torch.float64 else FLOAT32_TOLERANCE
    model = model if model is not None else seeded(MoonsNet(), seed, dtype)
    batches = batches if batches is not None else moons_batches(dtype)
    start = copy.deepcopy(model)
    reference = _Run(start, build_reference, batches)
    with context(label):
        optimizer = build_learner(model)
    name = name or type(optimizer).__name__
    modes: list[bool] = []
    history: list[dict] = []
    for index, batch in enumerate(batches):
        with context(f"{label}, {dtype_name(dtype)}, step {index + 1} of {len(batches)}"):
            had_grad = {key: p.grad is not None for key, p in model.named_parameters()}
            call_zero_grad(learner, optimizer, name, model)
            modes.append(_expect_zeroed(model, had_grad, name))
            F.cross_entropy(model(batch.X, batch.use_shift), batch.y).backward()
            before = _snapshot(model)
            grads = {key: None if p.grad is None else _clone(p.grad) for key, p in model.named_parameters()}
            call_step(learner, optimizer, name, model)
            _expect_grads_untouched(model, grads, name)
            got = _snapshot(model)
            history.append(got)
            expected = reference.advance(modes[-1])
            if _close(got, expected, tolerance, equal_nan=False):
                continue
            switched = _switch_to_accepted(accepted, start, batches, modes, history, tolerance)
            if switched is not None:
                reference = switched
                continue
            _explain_step(name, got, expected, before, grads, index, tolerance, mistakes, start, batches, modes, dtype)


def dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _switch_to_accepted(accepted, start, batches, modes, history, tolerance) -> _Run | None:
    """A run of an accepted reading the learner has followed from the first step, continued; else None."""
    for variant in accepted:
        try:
            run = _Run(start, variant.build, batches)
            if all(_close(got, run.advance(mode), tolerance, equal_nan=False) for got, mode in zip(history, modes)):
                return run
        except Exception:  # noqa: BLE001 - not applicable here
            continue
    return None


def _expect_zeroed(model: nn.Module, had_grad: dict[str, bool], name: str) -> bool:
    """After zero_grad every gradient is None or zeros; returns whether they were set to None."""
    set_to_none = True
    for key, p in model.named_parameters():
        if p.grad is None:
            continue
        if not had_grad[key]:
            raise CheckFailed(
                f"{name}.zero_grad gave `{key}` a gradient; it had none",
                ("Leave a .grad that is None as it is: torch.optim skips such parameters in step().",),
            )
        set_to_none = False
        if bool(_item(_any(p.grad != 0))):
            raise CheckFailed(
                f"{name}.zero_grad left a nonzero gradient in `{key}`",
                ("Set every parameter's .grad to None (as torch does by default), or fill it with zeros in place.",),
            )
    return set_to_none


def call_zero_grad(learner: Learner, optimizer: Any, name: str, model: nn.Module) -> None:
    """`optimizer.zero_grad()` through the learner; a crash on a missing gradient is explained."""
    try:
        learner.call(optimizer.zero_grad, name=f"{name}.zero_grad")
    except AttributeError as error:
        none_grads = [key for key, p in model.named_parameters() if p.grad is None]
        if none_grads and "NoneType" in str(error):
            raise CheckFailed(
                f"{name}.zero_grad fails on a parameter whose .grad is None (`{none_grads[0]}`)",
                (
                    "Before the first backward pass, and for parameters the loss does not use, .grad is None. "
                    "Set every .grad to None (`p.grad = None`), or zero only those that exist.",
                    _error_line(learner, error),
                ),
            ) from None
        raise


def call_step(learner: Learner, optimizer: Any, name: str, model: nn.Module | None = None) -> None:
    """`optimizer.step()` through the learner, with the usual crashes explained."""
    try:
        learner.call(optimizer.step, name=f"{name}.step")
    except (TypeError, AttributeError, AssertionError) as error:
        none_grads = [key for key, p in (model.named_parameters() if model is not None else ()) if p.grad is None]
        if none_grads and ("NoneType" in str(error) or isinstance(error, AssertionError)):
            raise CheckFailed(
                f"{name}.step fails on a parameter whose .grad is None (`{none_grads[0]}`)",
                (
                    "A parameter that took no part in the loss has no gradient. torch.optim skips it: "
                    "`if p.grad is None: continue` (its state, and weight decay, wait for a step where it has one).",
                    _error_line(learner, error),
                ),
            ) from None
        raise
    except RuntimeError as error:
        text = str(error)
        if "leaf Variable that requires grad" in text:
            raise CheckFailed(
                f"{name}.step updates a parameter in place while autograd records",
                (
                    "Run the update under `with torch.no_grad():` (or torch.inference_mode(), or decorate step with "
                    "@torch.no_grad()): parameters are leaves that require grad.",
                    _error_line(learner, error),
                ),
            ) from None
        if "must match the size" in text or "size of tensor" in text or "shape" in text:
            raise CheckFailed(
                f"{name}.step mixes tensors of different shapes",
                (
                    "Keep the optimizer's state per parameter, each buffer of its parameter's shape "
                    "(for example a dict keyed by parameter, or a list parallel to the parameter list, built with "
                    "torch.zeros_like(p)); one buffer shared by every parameter cannot work.",
                    _error_line(learner, error),
                ),
            ) from None
        raise


def _error_line(learner: Learner, error: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == learner._filename]
    where = f" (line {frames[-1].lineno}: {(frames[-1].line or '').strip()})" if frames else ""
    return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}{where}"


def _expect_grads_untouched(model: nn.Module, grads: dict, name: str) -> None:
    now = {key: p.grad for key, p in model.named_parameters() if grads[key] is not None}
    if not now:
        return
    if all(grad is not None and grad.shape == grads[key].shape for key, grad in now.items()) and _equal(
        _flat(now), _flat({key: grads[key] for key in now})
    ):
        return
    for key, p in model.named_parameters():
        before = grads[key]
        if before is None:
            continue
        if p.grad is None:
            raise CheckFailed(
                f"{name}.step removed `{key}.grad`",
                ("step reads the gradients and leaves them as they are; clearing them is zero_grad's job.",),
            )
        if p.grad.shape != before.shape or not bool(_item(_all(p.grad == before))):
            raise CheckFailed(
                f"{name}.step changed `{key}.grad` in place",
                (
                    "Compute the update in new tensors (`g = p.grad + weight_decay * p`); `g = p.grad` then `g += ...` "
                    "or `p.grad.add_(...)` change the gradient itself, which other code (clipping, logging, a "
                    "second optimizer) still reads.",
                ),
            )


def _explain_step(name, got, expected, before, grads, index, tolerance, mistakes, start, batches, modes, dtype) -> None:
    step = index + 1
    moved = [key for key in expected if not _equal(expected[key], before[key])]
    if moved and all(_equal(got[key], before[key]) for key in moved):
        raise CheckFailed(
            f"{name}.step left every parameter of the model unchanged (step {step})",
            (
                "Update each parameter in place (`p -= lr * g`, or `p.add_(...)`, under torch.no_grad()): "
                "`p = p - lr * g` or storing a new tensor in your list only rebinds a name, and the model "
                "keeps its old parameter.",
                "If you kept `params` as given: model.parameters() is a generator, used up after one pass. Store list(params).",
            ),
        )
    for key, grad in grads.items():
        if grad is None and not _equal(got[key], before[key]):
            raise CheckFailed(
                f"{name}.step changed `{key}`, whose .grad is None",
                (
                    "A parameter without a gradient took no part in this step's loss: torch.optim skips it "
                    "entirely (no weight decay, no momentum, its state untouched). `if p.grad is None: continue`.",
                ),
            )
    for variant in mistakes:
        replay = _replay(variant.build, start, batches, modes)
        if replay is not None and _close(got, replay[index], tolerance):
            raise CheckFailed(
                f"{name}.step: {variant.headline}",
                (variant.advice, f"Your parameters after step {step} equal what that rule gives."),
            )
    for key, value in expected.items():
        if not _allclose(got[key], value, **tolerance) or got[key].dtype != value.dtype:
            details = []
            if dtype == torch.float64 and got[key].dtype == value.dtype and bool(_item(_all(_isfinite(got[key])))):
                scale = float(_item(_amax(_abs(value)))) or 1.0
                error = float(_item(_amax(_abs(got[key] - value)))) / scale
                if error < FLOAT32_PRECISION * 100:
                    details.append(
                        "Your values agree only to float32 precision: create state with torch.zeros_like(p) "
                        "(not torch.zeros(p.shape)), so it keeps the parameter's dtype (float64 here)."
                    )
            try:
                expect_close(got[key], value, what=f"`{key}` after step {step}", **tolerance)
            except CheckFailed as failure:
                own = tuple(line for line in failure.details if not line.startswith("call: "))
                raise CheckFailed(failure.headline, (*own, *details), failure.table) from None


def adam_rule(
    *, coupled: bool = True, decoupled: str = "", count: str = "parameter", eps: str = "outside", corrected: bool = True,
) -> Rule:
    """Adam's update for RuleOptimizer, as torch computes it or with one known twist.

    Args:
        coupled: weight decay added to the gradient (Adam's L2 penalty).
        decoupled: "" for none, else AdamW's decay of the parameter itself: "before" the
            update (torch), "after" it, or "no_lr" (p *= 1 - weight_decay, before).
        count: the t of the bias correction: "parameter" (steps this parameter took, as
            torch), "global" (step() calls), "visit" (one per parameter visited, a mistake),
            "plus_one" or "minus_one" (off by one).
        eps: "outside" the square root of v̂ (torch), "inside" it, or "uncorrected"
            (added to √v before the bias correction, as the Adam paper's efficient form).
        corrected: whether m and v are bias-corrected at all.
    """

    def rule(p, grad, state, group, optimizer):
        lr, (beta1, beta2), wd = group["lr"], group["betas"], group["weight_decay"]
        if decoupled in ("before", "no_lr"):
            p.mul_(1 - (lr if decoupled == "before" else 1) * wd)
        g = grad + wd * p if coupled else grad
        state["step"] = state.get("step", 0) + 1
        optimizer.visits = getattr(optimizer, "visits", 0) + 1
        t = {
            "parameter": state["step"], "global": optimizer.steps, "visit": optimizer.visits,
            "plus_one": state["step"] + 1, "minus_one": state["step"] - 1,
        }[count]
        state["m"] = m = beta1 * state.get("m", torch.zeros_like(p)) + (1 - beta1) * g
        state["v"] = v = beta2 * state.get("v", torch.zeros_like(p)) + (1 - beta2) * g * g
        c1, c2 = (1 - beta1**t, 1 - beta2**t) if corrected else (1.0, 1.0)  # t = 0 gives inf and NaN, as it would
        if eps == "inside":
            update = (m / c1) / ((v / c2 + group["eps"]).sqrt())
        elif eps == "uncorrected":
            update = (m / c1) / ((v.sqrt() + group["eps"]) / c2**0.5)
        else:
            update = (m / c1) / ((v / c2).sqrt() + group["eps"])
        p -= lr * update
        if decoupled == "after":
            p.mul_(1 - lr * wd)

    return rule


def adam_mistakes(hyper: dict, *, coupled: bool, decoupled: str = "") -> list[Variant]:
    """The known wrong readings of Adam's step shared by Adam and AdamW, for `hyper`'s configuration."""

    def build(**twist):
        return lambda model: RuleOptimizer(model.parameters(), adam_rule(**{"coupled": coupled, "decoupled": decoupled, **twist}), **hyper)

    return [
        Variant(
            "counts t once per parameter visited, not once per step",
            "t is the number of steps taken: add 1 once per step() (or per parameter, only when that parameter "
            "is updated), not once for every parameter in the loop.",
            build(count="visit"),
        ),
        Variant(
            "uses t - 1 in the bias correction: 1 - beta**0 = 0 at the first step",
            "t is 1 at the first step: increment the step count before computing 1 - beta1**t and 1 - beta2**t.",
            build(count="minus_one"),
        ),
        Variant(
            "uses t + 1 in the bias correction",
            "t is 1 at the first step (the corrections are then 1 - beta1 and 1 - beta2): increment once, before use.",
            build(count="plus_one"),
        ),
        Variant(
            "leaves out the bias correction",
            "m and v start at 0, so early averages are too small: divide by 1 - beta1**t and 1 - beta2**t.",
            build(corrected=False),
        ),
        Variant(
            "adds eps inside the square root",
            "torch divides by √v̂ + eps: eps goes outside the square root.",
            build(eps="inside"),
        ),
        Variant(
            "adds eps before the bias correction of v",
            "torch adds eps after correcting v: m̂ / (√(v / (1 - beta2**t)) + eps).",
            build(eps="uncorrected"),
        ),
    ]
