def lr_for_step(step: int, max_step: int, max_lr: float, warmup_step_frac: float):
    """The learning rate at `step`: linear warm-up from max_lr / 10, then linear decay back to it."""
    min_lr = max_lr / 10
    warmup_steps = int(warmup_step_frac * max_step)
    if step < warmup_steps:
        return min_lr + (max_lr - min_lr) * step / warmup_steps
    decay_steps = max_step - warmup_steps  # the decay spans what is left after warm-up
    return max_lr + (min_lr - max_lr) * (step - warmup_steps) / decay_steps
