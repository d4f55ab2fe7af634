import math

import torch

from mlkata.checking import Mistake, context, expect, expect_matches, load_reference, randn
from mlkata.checking.modules import build_seeded, expect_uniform_init, load_state_by_position

reference = load_reference(__file__)

# (in_dim, hidden_dim, out_dim): MLAB's sizes first, then others, then the smallest.
SIZES = [(2, 32, 3), (3, 8, 5), (1, 1, 1)]
INIT_SIZE = (2, 64, 3)  # 64 x 64 hidden weights: enough values to see the spread
LAYOUT = (
    "Layout: Linear(in_dim, hidden_dim), Linear(hidden_dim, hidden_dim), Linear(hidden_dim, out_dim), "
    "registered in that order (weights of shape (out, in)), ReLUs between them."
)


def relu_last(reference_model):
    return Mistake(
        "applies a ReLU after the last layer",
        lambda x: reference_model(x).relu(),
        "The last Linear gives the answer as it is: colours scaled to [-1, 1] need negative outputs.",
    )


def parameter_count(in_dim: int, hidden: int, out_dim: int) -> int:
    return (in_dim + 1) * hidden + (hidden + 1) * hidden + (hidden + 1) * out_dim


def check(learner):
    for seed, (in_dim, hidden, out_dim) in enumerate(SIZES):
        label = f"ImageMemorizer({in_dim}, {hidden}, {out_dim})"
        with context(f"{label}: parameters"):
            model = learner.ImageMemorizer(in_dim, hidden, out_dim)
            parameters = list(model.parameters())
            expect(
                len(parameters) > 0,
                f"{label} has no parameters",
                "Layers kept in a plain Python list are not registered: parameters() misses them and no "
                "optimizer would train them. Use nn.Sequential(...) (or nn.ModuleList).",
            )
            count = sum(p.numel() for p in parameters)
            expected = parameter_count(in_dim, hidden, out_dim)
            expect(
                count == expected,
                f"{label} has {count} parameters; expected {expected}",
                f"(in_dim + 1) * hidden_dim + (hidden_dim + 1) * hidden_dim + (hidden_dim + 1) * out_dim = {expected}: "
                "three Linear layers with biases.",
            )
        ref = build_seeded(lambda: reference.ImageMemorizer(in_dim, hidden, out_dim), seed)
        load_state_by_position(ref, model, what=f"your {label}", advice=LAYOUT)
        model.double()
        ref.double()
        x = randn(16, in_dim, seed=seed, dtype=torch.float64) * 1.5
        with context(f"{label} with the reference's weights copied in, float64"):
            expect_matches(
                lambda x: learner.call(model.forward, x, name=label), ref, x,
                what="the output", mistakes=[relu_last(ref)],
            )

    label = f"ImageMemorizer{INIT_SIZE}"
    with context(f"{label}: initialisation"):
        model = learner.ImageMemorizer(*INIT_SIZE)
        fan_in = INIT_SIZE[0]
        for name, parameter in model.named_parameters():
            if parameter.dim() == 2:
                fan_in = parameter.shape[1]
            expect_uniform_init(parameter, 1 / math.sqrt(fan_in), what=f"{label}.{name}")
