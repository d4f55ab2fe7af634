import torch

from mlkata.checking.optimizers import RuleOptimizer, Variant, adam_mistakes, adam_rule, expect_same_steps

# (hyperparameters, dtype): MLAB's configurations, torch's defaults, float32 once.
CONFIGS = [
    (dict(lr=0.1, betas=(0.8, 0.95), eps=0.001, weight_decay=0.0), torch.float64),
    (dict(lr=0.1, betas=(0.8, 0.9), eps=0.001, weight_decay=0.05), torch.float64),
    (dict(lr=0.2, betas=(0.9, 0.95), eps=0.01, weight_decay=0.08), torch.float64),
    (dict(), torch.float64),
    (dict(lr=0.1, betas=(0.8, 0.9), eps=0.001, weight_decay=0.05), torch.float32),
]
DEFAULTS = dict(lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)


def check(learner):
    for hyper, dtype in CONFIGS:
        settings = "".join(f", {key}={value}" for key, value in hyper.items()) or " (the defaults)"
        full = {**DEFAULTS, **hyper}
        expect_same_steps(
            learner, f"Adam(model.parameters(){settings})",
            lambda model: learner.Adam(model.parameters(), **hyper),
            lambda model: torch.optim.Adam(model.parameters(), **hyper),
            dtype=dtype,
            accepted=[Variant(
                "t counts step() calls", "",
                lambda model: RuleOptimizer(model.parameters(), adam_rule(count="global"), **full),
            )],
            mistakes=[
                *adam_mistakes(full, coupled=True),
                Variant(
                    "ignores the weight decay",
                    "Adam's weight_decay is an L2 penalty added to the gradient first: g = p.grad + weight_decay * p.",
                    lambda model: torch.optim.Adam(model.parameters(), **{**full, "weight_decay": 0.0}),
                ),
                Variant(
                    "decays the parameters directly, as AdamW does",
                    "Adam adds weight_decay * p to the gradient (before m and v); shrinking p itself is AdamW.",
                    lambda model: torch.optim.AdamW(model.parameters(), **full),
                ),
            ],
        )
