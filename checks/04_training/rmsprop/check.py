import torch

from mlkata.checking.optimizers import RuleOptimizer, Variant, expect_same_steps

# (hyperparameters, dtype): MLAB's configurations, torch's defaults with momentum, float32 once.
CONFIGS = [
    (dict(lr=0.1, alpha=0.9, eps=0.001, weight_decay=0.0, momentum=0.0), torch.float64),
    (dict(lr=0.1, alpha=0.95, eps=0.0001, weight_decay=0.05, momentum=0.0), torch.float64),
    (dict(lr=0.1, alpha=0.95, eps=0.0001, weight_decay=0.05, momentum=0.5), torch.float64),
    (dict(lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.9), torch.float64),
    (dict(lr=0.1, alpha=0.95, eps=0.0001, weight_decay=0.05, momentum=0.5), torch.float32),
]


def rmsprop_rule(eps_inside=False, swap_alpha=False, momentum_on="direction"):
    """RMSprop with a known twist: eps under the root, alpha's roles swapped, momentum on the raw gradient."""

    def rule(p, grad, state, group, optimizer):
        lr, alpha, eps, wd, mu = (group[key] for key in ("lr", "alpha", "eps", "weight_decay", "momentum"))
        g = grad + wd * p
        keep = 1 - alpha if swap_alpha else alpha
        state["v"] = v = keep * state.get("v", torch.zeros_like(p)) + (1 - keep) * g * g
        avg = (v + eps).sqrt() if eps_inside else v.sqrt() + eps
        if mu > 0 and momentum_on == "gradient":
            state["b"] = b = mu * state.get("b", torch.zeros_like(p)) + g
            p -= lr * b / avg
        elif mu > 0 and momentum_on == "undivided":
            state["b"] = b = mu * state.get("b", torch.zeros_like(p)) + g
            p -= lr * b
        elif mu > 0:
            state["b"] = b = mu * state.get("b", torch.zeros_like(p)) + g / avg
            p -= lr * b
        else:
            p -= lr * g / avg

    return rule


def mistakes(hyper):
    def build(**twist):
        return lambda model: RuleOptimizer(model.parameters(), rmsprop_rule(**twist), **hyper)

    return [
        Variant(
            "adds eps inside the square root",
            "torch divides by √v + eps: eps goes outside the square root.",
            build(eps_inside=True),
        ),
        Variant(
            "swaps alpha and 1 - alpha",
            "v keeps alpha of its old value and takes 1 - alpha of the new square: v = alpha * v + (1 - alpha) * g².",
            build(swap_alpha=True),
        ),
        Variant(
            "builds the momentum buffer from the raw gradient and divides afterwards",
            "The buffer accumulates the divided step: b = momentum * b + g / (√v + eps), then p -= lr * b.",
            build(momentum_on="gradient"),
        ),
        Variant(
            "builds the momentum buffer from the raw gradient, without the division",
            "The buffer accumulates the divided step: b = momentum * b + g / (√v + eps), then p -= lr * b.",
            build(momentum_on="undivided"),
        ),
        Variant(
            "ignores the weight decay",
            "Add weight_decay * p to the gradient first: g = p.grad + weight_decay * p, and use that g everywhere.",
            lambda model: torch.optim.RMSprop(model.parameters(), **{**hyper, "weight_decay": 0.0}),
        ),
    ]


def check(learner):
    for hyper, dtype in CONFIGS:
        settings = ", ".join(f"{key}={value}" for key, value in hyper.items())
        expect_same_steps(
            learner, f"RMSprop(model.parameters(), {settings})",
            lambda model: learner.RMSprop(model.parameters(), **hyper),
            lambda model: torch.optim.RMSprop(model.parameters(), **hyper),
            dtype=dtype, mistakes=mistakes(hyper),
        )
