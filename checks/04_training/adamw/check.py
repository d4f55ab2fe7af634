import torch

from mlkata.checking.optimizers import RuleOptimizer, Variant, adam_mistakes, adam_rule, expect_same_steps

# (hyperparameters, dtype): ARENA's configurations, Adam's defaults with weight_decay given
# (the default weight_decay is left open: the check always passes it), float32 once.
CONFIGS = [
    (dict(lr=0.1, betas=(0.8, 0.95), eps=0.001, weight_decay=0.0), torch.float64),
    (dict(lr=0.1, betas=(0.8, 0.9), eps=0.001, weight_decay=0.05), torch.float64),
    (dict(lr=0.2, betas=(0.9, 0.95), eps=0.01, weight_decay=0.08), torch.float64),
    (dict(weight_decay=0.01), torch.float64),
    (dict(lr=0.1, betas=(0.8, 0.9), eps=0.001, weight_decay=0.05), torch.float32),
]
DEFAULTS = dict(lr=0.001, betas=(0.9, 0.999), eps=1e-8)


def check(learner):
    for hyper, dtype in CONFIGS:
        settings = ", ".join(f"{key}={value}" for key, value in hyper.items())
        full = {**DEFAULTS, **hyper}
        expect_same_steps(
            learner, f"AdamW(model.parameters(), {settings})",
            lambda model: learner.AdamW(model.parameters(), **hyper),
            lambda model: torch.optim.AdamW(model.parameters(), **hyper),
            dtype=dtype,
            accepted=[Variant(
                "t counts step() calls", "",
                lambda model: RuleOptimizer(model.parameters(), adam_rule(coupled=False, decoupled="before", count="global"), **full),
            )],
            mistakes=[
                Variant(
                    "adds the weight decay to the gradient: that is Adam's L2 penalty, not AdamW's decay",
                    "AdamW leaves the gradient alone and shrinks the parameter itself: p *= 1 - lr * weight_decay, "
                    "then the Adam update from p.grad.",
                    lambda model: torch.optim.Adam(model.parameters(), **full),
                ),
                Variant(
                    "applies the weight decay after the Adam update",
                    "Decay first, from the parameter as it was: p *= 1 - lr * weight_decay, then p -= lr * m̂ / (√v̂ + eps).",
                    lambda model: RuleOptimizer(model.parameters(), adam_rule(coupled=False, decoupled="after"), **full),
                ),
                Variant(
                    "decays by weight_decay without the learning rate",
                    "The decay is scaled by the learning rate: p *= 1 - lr * weight_decay.",
                    lambda model: RuleOptimizer(model.parameters(), adam_rule(coupled=False, decoupled="no_lr"), **full),
                ),
                Variant(
                    "ignores the weight decay",
                    "Shrink each parameter first: p *= 1 - lr * weight_decay.",
                    lambda model: torch.optim.AdamW(model.parameters(), **{**full, "weight_decay": 0.0}),
                ),
                *adam_mistakes(full, coupled=False, decoupled="before"),
            ],
        )
