"""lr_for_step: BERT's learning-rate schedule, linear warm-up then linear decay.

`lr_for_step(step, max_step, max_lr, warmup_step_frac)` returns a float, the learning
rate to use at `step` (0 <= step <= max_step):
- min_lr = max_lr / 10 at both ends;
- warm-up lasts warmup_steps = int(warmup_step_frac * max_step) steps (rounded down, as a
  whole number of steps): for step < warmup_steps the rate rises linearly from min_lr at
  step 0 towards max_lr at step warmup_steps;
- from step = warmup_steps on it falls linearly from max_lr back to min_lr at max_step:
  the decay spans the max_step - warmup_steps steps that remain, not all max_step.
  (With warmup_steps = 0 the schedule starts at max_lr.)
"""


def lr_for_step(step: int, max_step: int, max_lr: float, warmup_step_frac: float):
    """Return the learning rate for use at this step of training."""
    # TODO
    raise NotImplementedError
