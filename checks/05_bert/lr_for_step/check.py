import torch

from mlkata.checking import CheckFailed, Mistake, context, expect_matches, load_reference
from mlkata.checking.failure import record_call

reference = load_reference(__file__)

# (max_step, max_lr, warmup_step_frac, steps checked or None for every one): 10 warm-up
# steps first, then MLAB's 1 % of 1000 steps (around the corner and every 50th step), a
# fractional warm-up (int(3.7) = 3) and none at all (int(0.5) = 0).
CONFIGS = [
    (100, 1e-3, 0.1, None),
    (1000, 2e-4, 0.01, (*range(0, 13), *range(50, 1000, 50), *range(995, 1001))),
    (37, 0.5, 0.1, None),
    (50, 3e-3, 0.01, None),
]


def schedule(function, max_step, max_lr, warmup_step_frac, steps=None):
    """The learning rate at each of `steps` (by default every step 0..max_step), as a float64 tensor."""
    rates = []
    for step in range(max_step + 1) if steps is None else steps:
        lr = function(step, max_step, max_lr, warmup_step_frac)
        if isinstance(lr, bool) or not isinstance(lr, (int, float)):
            raise CheckFailed(f"lr_for_step({step}, {max_step}, {max_lr}, {warmup_step_frac}) returned a {type(lr).__name__}; "
                              "expected a float", ("Return a plain Python number: optimizers take lr as a float.",))
        rates.append(float(lr))
    record_call(f"lr_for_step(step, {max_step}, {max_lr}, {warmup_step_frac}) for each step")  # not just the last one
    return torch.tensor(rates, dtype=torch.float64)


def formula(step, max_step, max_lr, frac, *, start=10.0, end=10.0, warmup=None, decay_over_all=False):
    """The schedule with the ends at max_lr / start and max_lr / end, and its usual mistakes."""
    low, high = (0.0 if start is None else max_lr / start), (0.0 if end is None else max_lr / end)
    warmup = int(frac * max_step) if warmup is None else warmup(frac * max_step)
    if step < warmup:
        return low + (max_lr - low) * step / warmup
    span = max_step if decay_over_all else max_step - warmup
    return max_lr + (high - max_lr) * (step - warmup) / span


def variant(**how):
    return lambda max_step, max_lr, frac, steps: schedule(lambda *args: formula(*args, **how), max_step, max_lr, frac, steps)


MISTAKES = [
    Mistake("the warm-up starts from 0 instead of max_lr / 10", variant(start=None),
            "Start at min_lr = max_lr / 10: min_lr + (max_lr - min_lr) * step / warmup_steps."),
    Mistake("the decay ends at 0 instead of max_lr / 10", variant(end=None),
            "End at min_lr = max_lr / 10: max_lr + (min_lr - max_lr) * (step - warmup_steps) / (max_step - warmup_steps)."),
    Mistake("the decay is measured over all max_step steps, not the max_step - warmup_steps that remain",
            variant(decay_over_all=True),
            "After warm-up, the fraction of the decay done is (step - warmup_steps) / (max_step - warmup_steps)."),
    Mistake("the warm-up length is not a whole number of steps: warmup_step_frac * max_step without int()",
            variant(warmup=lambda steps: steps),
            "warmup_steps = int(warmup_step_frac * max_step): a whole number of steps."),
    Mistake("the warm-up length is rounded, not rounded down with int()", variant(warmup=round),
            "warmup_steps = int(warmup_step_frac * max_step), which rounds down."),
]


def check(learner):
    for max_step, max_lr, frac, steps in CONFIGS:
        which = f"every step 0..{max_step}" if steps is None else f"the steps {list(steps)}"
        with context(f"lr_for_step(step, max_step={max_step}, max_lr={max_lr}, warmup_step_frac={frac}) "
                     f"at {which}; warmup_steps = int({frac} * {max_step}) = {int(frac * max_step)}"):
            expect_matches(lambda *args: schedule(learner.lr_for_step, *args),
                           lambda *args: schedule(reference.lr_for_step, *args),
                           max_step, max_lr, frac, steps, mistakes=MISTAKES, rtol=1e-12, atol=0.0,
                           what="the schedule (index = step)" if steps is None else "the schedule at those steps")
