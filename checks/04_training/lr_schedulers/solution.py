class ExponentialLR:
    def __init__(self, optimizer, gamma: float):
        self.optimizer = optimizer
        self.gamma = gamma
        self.initial_lrs = [group["lr"] for group in optimizer.param_groups]  # one per group
        self.n = 0  # step() calls so far: epochs done

    def step(self) -> None:
        self.n += 1
        for group, lr in zip(self.optimizer.param_groups, self.initial_lrs):
            group["lr"] = lr * self.gamma**self.n


class StepLR:
    def __init__(self, optimizer, step_size: int, gamma: float = 0.1):
        self.optimizer = optimizer
        self.step_size = step_size
        self.gamma = gamma
        self.initial_lrs = [group["lr"] for group in optimizer.param_groups]
        self.n = 0

    def step(self) -> None:
        self.n += 1
        for group, lr in zip(self.optimizer.param_groups, self.initial_lrs):
            group["lr"] = lr * self.gamma ** (self.n // self.step_size)


class MultiStepLR:
    def __init__(self, optimizer, milestones: list[int], gamma: float = 0.1):
        self.optimizer = optimizer
        self.milestones = list(milestones)
        self.gamma = gamma
        self.initial_lrs = [group["lr"] for group in optimizer.param_groups]
        self.n = 0

    def step(self) -> None:
        self.n += 1
        passed = sum(milestone <= self.n for milestone in self.milestones)
        for group, lr in zip(self.optimizer.param_groups, self.initial_lrs):
            group["lr"] = lr * self.gamma**passed
