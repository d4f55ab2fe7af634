import torch
from torch.optim import lr_scheduler

from mlkata.checking import CheckFailed, context, expect, part

EPOCHS = 30
INITIAL_LRS = (0.1, 0.03)  # two groups, different learning rates
TOLERANCE = 1e-12  # relative: torch's chained products differ from initial * gamma**n in the last bits

EXPONENTIAL = [{"gamma": 0.9}, {"gamma": 0.5}]
STEP = [{"step_size": 3, "gamma": 0.5}, {"step_size": 1, "gamma": 0.8}, {"step_size": 7}]
MULTI_STEP = [{"milestones": [10], "gamma": 0.5}, {"milestones": [10, 15], "gamma": 0.5}, {"milestones": [3, 7, 20]}]


class TwoGroups(torch.optim.SGD):
    """torch.optim.SGD with two groups of one parameter each, at lr 0.1 and 0.03; short in messages."""

    def __init__(self) -> None:
        super().__init__([{"params": [torch.nn.Parameter(torch.zeros(2))], "lr": lr} for lr in INITIAL_LRS])

    def __repr__(self) -> str:
        return f"SGD with two groups, lr {INITIAL_LRS[0]} and {INITIAL_LRS[1]}"


# torch.optim.Optimizer wraps its class's step() the first time the class is built: build one
# while the check loads, so that the check process's snapshot already holds the wrapped step.
TwoGroups()


def lrs(opt) -> list[float]:
    return [group["lr"] for group in opt.param_groups]


def expect_schedule(learner, name: str, kwargs: dict) -> None:
    settings = ", ".join(f"{key}={value}" for key, value in kwargs.items())
    label = f"{name}(optimizer, {settings}), groups starting at lr {INITIAL_LRS[0]} and {INITIAL_LRS[1]}"
    with context(label):
        reference_opt = TwoGroups()
        reference = getattr(lr_scheduler, name)(reference_opt, **kwargs)
        expected = [lrs(reference_opt)]
        for _ in range(EPOCHS):
            reference_opt.step()
            reference.step()
            expected.append(lrs(reference_opt))

        opt = TwoGroups()
        scheduler = getattr(learner, name)(opt, **kwargs)
        got = [lrs(opt)]
        expect(
            got[0] == list(INITIAL_LRS),
            f"creating the {name} changed the learning rates to {got[0]}; they should still be {list(INITIAL_LRS)}",
            "The scheduler only remembers the initial lrs in __init__; the first change comes with the first step().",
        )
        for _ in range(EPOCHS):
            opt.step()
            learner.call(scheduler.step, name=f"{name}.step")
            got.append(lrs(opt))
        compare(name, got, expected)


def calls(n: int) -> str:
    return f"after {n} step() call{'' if n == 1 else 's'}"


def compare(name: str, got: list[list[float]], expected: list[list[float]]) -> None:
    def same(a, b):
        return all(abs(x - y) <= TOLERANCE * abs(y) for x, y in zip(a, b))

    for epoch, (mine, theirs) in enumerate(zip(got, expected)):
        if same(mine, theirs):
            continue
        groups = list(zip(*got))
        if same(groups[1], [INITIAL_LRS[1]] * len(got)) and all(same([a], [b]) for a, b in zip(groups[0], list(zip(*expected))[0])):
            raise CheckFailed(
                f"{name} changes only the first group's lr; group 1 stays at {INITIAL_LRS[1]}",
                ("Update every group: `for group in optimizer.param_groups: group['lr'] = ...`.",),
            )
        if epoch + 1 < len(expected) and same(mine, expected[epoch + 1]) and (epoch == 0 or same(got[epoch - 1], expected[epoch])):
            raise CheckFailed(
                f"{name} decays one epoch early: {calls(epoch)} the lrs are {mine}, torch's are {theirs}",
                ("Count the step() calls: after n calls the lr is initial_lr * gamma**(...n...), with n = 1 after the "
                 "first call. Check where you increment the count.",),
            )
        if epoch > 0 and same(mine, expected[epoch - 1]):
            raise CheckFailed(
                f"{name} decays one epoch late: {calls(epoch)} the lrs are {mine}, torch's are {theirs}",
                ("Increment the epoch count before computing the new lr: after n calls of step(), n epochs are done.",),
            )
        ratio = [m / t for m, t in zip(mine, theirs)]
        expect(
            abs(ratio[0] - ratio[1]) <= TOLERANCE * abs(ratio[1]),
            f"{name}'s groups do not keep their own initial lrs: {calls(epoch)} the lrs are {mine}, torch's are {theirs}",
            "Remember one initial lr per group and scale each group's own.",
        )
        window = range(max(0, epoch - 2), min(epoch + 3, len(expected)))
        raise CheckFailed(
            f"{name}: {calls(epoch)} the lrs are {mine}; torch's are {theirs}",
            ("after n step() calls, yours and torch's: " + "; ".join(f"n={e}: {got[e]} and {expected[e]}" for e in window),),
        )


@part("ExponentialLR")
def check_exponential(learner):
    for kwargs in EXPONENTIAL:
        expect_schedule(learner, "ExponentialLR", kwargs)


@part("StepLR")
def check_step(learner):
    for kwargs in STEP:
        expect_schedule(learner, "StepLR", kwargs)


@part("MultiStepLR")
def check_multi_step(learner):
    for kwargs in MULTI_STEP:
        expect_schedule(learner, "MultiStepLR", kwargs)
