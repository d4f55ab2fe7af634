import torch

from mlkata.checking.optimizers import RuleOptimizer, Variant, expect_same_steps

# (hyperparameters, dtype): MLAB's configurations, weight decay without momentum, float32 once.
CONFIGS = [
    (dict(lr=0.1, momentum=0.0, weight_decay=0.0), torch.float64),
    (dict(lr=0.1, momentum=0.7, weight_decay=0.0), torch.float64),
    (dict(lr=0.1, momentum=0.5, weight_decay=0.05), torch.float64),
    (dict(lr=0.05, momentum=0.0, weight_decay=0.1), torch.float64),
    (dict(lr=0.2, momentum=0.8, weight_decay=0.05), torch.float64),
    (dict(lr=0.2, momentum=0.8, weight_decay=0.05), torch.float32),
]


def momentum_rule(decay_first=True, dampen=False, decay_sign=1.0):
    """An SGD update with a known twist: decay after the momentum, an averaged buffer, decay subtracted."""

    def rule(p, grad, state, group, optimizer):
        lr, mu, wd = group["lr"], group["momentum"], group["weight_decay"]
        g = grad + decay_sign * wd * p if decay_first else grad
        if dampen:
            state["buf"] = mu * state.get("buf", torch.zeros_like(p)) + (1 - mu) * g
            g = state["buf"]
        elif mu:
            state["buf"] = g if "buf" not in state else mu * state["buf"] + g
            g = state["buf"]
        if not decay_first:
            g = g + wd * p
        p -= lr * g

    return rule


def mistakes(hyper):
    return [
        Variant(
            "adds the weight decay after the momentum",
            "Weight decay is part of the gradient: g = p.grad + weight_decay * p first, then the momentum buffer "
            "b = momentum * b + g, then p -= lr * b.",
            lambda model: RuleOptimizer(model.parameters(), momentum_rule(decay_first=False), **hyper),
        ),
        Variant(
            "averages the momentum buffer, b = momentum * b + (1 - momentum) * g",
            "torch.optim.SGD (dampening 0) adds the whole gradient: b = momentum * b + g, and b = g at the first step.",
            lambda model: RuleOptimizer(model.parameters(), momentum_rule(dampen=True), **hyper),
        ),
        Variant(
            "subtracts the weight decay from the gradient",
            "Weight decay pulls parameters towards 0: g = p.grad + weight_decay * p, then p -= lr * g.",
            lambda model: RuleOptimizer(model.parameters(), momentum_rule(decay_sign=-1.0), **hyper),
        ),
        Variant(
            "ignores the weight decay",
            "Add weight_decay * p to the gradient: g = p.grad + weight_decay * p.",
            lambda model: torch.optim.SGD(model.parameters(), lr=hyper["lr"], momentum=hyper["momentum"]),
        ),
        Variant(
            "ignores the momentum",
            "Keep a buffer per parameter: b = momentum * b + g (b = g at the first step), and step along b.",
            lambda model: torch.optim.SGD(model.parameters(), lr=hyper["lr"], weight_decay=hyper["weight_decay"]),
        ),
    ]


def check(learner):
    for hyper, dtype in CONFIGS:
        settings = ", ".join(f"{key}={value}" for key, value in hyper.items())
        expect_same_steps(
            learner, f"SGD(model.parameters(), {settings})",
            lambda model: learner.SGD(model.parameters(), **hyper),
            lambda model: torch.optim.SGD(model.parameters(), **hyper),
            dtype=dtype, mistakes=mistakes(hyper),
        )
