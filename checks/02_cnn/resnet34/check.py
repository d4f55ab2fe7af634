import torch

from mlkata.checking import context, expect, load_reference, randn
from mlkata.checking.modules import build_seeded, expect_same_network

reference = load_reference(__file__)

SMALL = {"n_blocks_per_group": [1, 2], "out_features_per_group": [8, 16], "strides_per_group": [1, 2], "n_classes": 5}
SMALL_LABEL = "ResNet34(" + ", ".join(f"{key}={value}" for key, value in SMALL.items()) + ")"
PARAMETERS = 21_797_672
LAYOUT = (
    "Layout: conv 7x7 (3 -> 64, stride 2, padding 3, no bias), bn, relu, maxpool 3x3 (stride 2, padding 1); "
    "one BlockGroup per group, the first from 64 features, each later one from the previous group's out_features; "
    "average pool; linear (out_features_per_group[-1] -> n_classes, with bias)."
)


def check(learner):
    # A small network first: quick to run in float64, and every group has a shortcut conv.
    model = learner.ResNet34(**SMALL)
    ref = build_seeded(lambda: reference.ResNet34(**SMALL), seed=0)
    x = randn(2, 3, 32, 32, seed=1, dtype=torch.float64)
    expect_same_network(learner, model.double(), ref.double(), x, label=SMALL_LABEL, advice=LAYOUT)

    model = learner.ResNet34()
    with context("ResNet34() with default arguments"):
        count = sum(p.numel() for p in model.parameters())
        expect(
            count == PARAMETERS,
            f"ResNet34() has {count:,} parameters; torchvision's resnet34 has {PARAMETERS:,}",
            "Check the default arguments, and give every layer its own module (a module used twice is counted once).",
            LAYOUT,
        )
    ref = build_seeded(reference.ResNet34, seed=2)
    x = randn(2, 3, 64, 64, seed=3)
    expect_same_network(
        learner, model, ref, x, label="ResNet34()", advice=LAYOUT, modes=("eval",), rtol=1e-4, atol=1e-4
    )
