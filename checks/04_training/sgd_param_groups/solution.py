import torch

DEFAULTS = {"momentum": 0.0, "weight_decay": 0.0}


class SGD:
    def __init__(self, params, **kwargs):
        params = list(params)
        if not params or not isinstance(params[0], dict):
            params = [{"params": params}]  # an iterable of parameters: one group
        self.param_groups: list[dict] = []
        seen: set[int] = set()
        for group in params:
            group = {**DEFAULTS, **kwargs, **group, "params": list(group["params"])}
            if "lr" not in group:
                raise ValueError("give lr as a keyword argument or in every parameter group")
            for p in group["params"]:
                if id(p) in seen:
                    raise ValueError("some parameters appear in more than one parameter group")
                seen.add(id(p))
            self.param_groups.append(group)
        self.b: dict[int, torch.Tensor] = {}  # momentum buffer per parameter, by id

    def zero_grad(self) -> None:
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        for group in self.param_groups:
            lr, mu, wd = group["lr"], group["momentum"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad + wd * p
                if mu:
                    key = id(p)
                    self.b[key] = g if key not in self.b else mu * self.b[key] + g
                    g = self.b[key]
                p -= lr * g
