import math

import torch

from mlkata.checking import Mistake, context, expect, load_reference, randn
from mlkata.checking.modules import (
    build_seeded,
    earlier_class,
    expect_same_network,
    from_earlier_exercise,
)

reference = load_reference(__file__)

SMALL = {"n_blocks_per_group": [1, 2], "out_features_per_group": [8, 16], "strides_per_group": [1, 2], "n_classes": 5}
SMALL_LABEL = "ResNet34(" + ", ".join(f"{key}={value}" for key, value in SMALL.items()) + ")"
PARAMETERS = 21_797_672
# The full-size network runs in float32 through 36 layers: its rounding grows beyond the
# policy's estimate for one operation, so it is compared at 1e-4 (the small network, in
# float64, is compared with the policy and catches every formula slip).
FULL_SIZE_TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}
LAYOUT = (
    "Layout: conv 7x7 (3 -> 64, stride 2, padding 3, no bias), bn, relu, maxpool 3x3 (stride 2, padding 1); "
    "one BlockGroup per group, the first from 64 features, each later one from the previous group's out_features; "
    "average pool; linear (out_features_per_group[-1] -> n_classes, with bias)."
)


def network_mistakes(net):
    """Networks wired the usual wrong ways, as formulas of x with the reference network's layers."""

    def run(x, maxpool=True, relu=True, pool="mean"):
        x = net.bn1(net.conv1(x))
        x = net.relu(x) if relu else x
        x = net.maxpool(x) if maxpool else x
        for name in net.layer_names:
            x = getattr(net, name)(x)
        x = x.mean(dim=(2, 3)) if pool == "mean" else x.amax(dim=(2, 3))
        return net.fc(x)

    def without_strides(x):
        for name in net.layer_names:
            first = getattr(net, name).blocks[0]
            first.conv1.stride = (1, 1)
            if isinstance(first.downsample, torch.nn.Sequential):
                first.downsample[0].stride = (1, 1)
        return run(x)

    return [
        Mistake("it leaves out the max pool after the first convolution", lambda x: run(x, maxpool=False),
                "The stem is conv 7x7, bn, relu, then MaxPool2d(kernel_size=3, stride=2, padding=1)."),
        Mistake("it leaves out the ReLU after the first BatchNorm", lambda x: run(x, relu=False),
                "The stem is conv 7x7, bn, relu, maxpool."),
        Mistake("it takes the maximum over height and width at the end, not the mean", lambda x: run(x, pool="max"),
                "The head averages each channel over height and width (your AveragePool), then applies the linear layer."),
        Mistake("it ignores strides_per_group (every group keeps the image size)", without_strides,
                "Group i is BlockGroup(n_blocks, in_feats, out_feats, strides_per_group[i])."),
    ]


def tiled_state(module, seed):
    """Cheap, seeded values for a large module's state: a small random bank repeated, scaled by
    1/√fan_in for weights; batch norm statistics near 0 and 1. Drawing 21.8M random numbers
    would take a third of a second; repeating 4096 of them takes a few milliseconds."""
    bank = torch.rand(4096, generator=torch.Generator().manual_seed(seed)) * 2 - 1
    state = {}
    for name, value in module.state_dict().items():
        shape, leaf = tuple(value.shape), name.rsplit(".", 1)[-1]
        if not value.dtype.is_floating_point:
            state[name] = torch.zeros(shape, dtype=value.dtype)
            continue
        if leaf == "weight" and len(shape) > 1:
            scale, shift = 1 / math.sqrt(math.prod(shape[1:])), 0.0
        elif leaf in ("weight", "running_var"):
            scale, shift = 0.5, 1.0
        else:  # bias, running_mean
            scale, shift = 0.2, 0.0
        count = math.prod(shape)
        rows = -(-count // bank.numel())
        tiled = (bank * scale + shift).expand(rows, bank.numel()).reshape(-1)[:count]  # one copy
        state[name] = tiled.view(shape)
    return state


def default_network(learner):
    """The learner's ResNet34(), built on the meta device where that works: its own random
    initialisation of 21.8M parameters would take a third of a second, and the check copies
    the reference's state in anyway."""
    try:
        with torch.device("meta"):
            model = learner.ResNet34()
        model.to_empty(device="cpu")
    except Exception:  # noqa: BLE001 - code that needs real tensors while building runs on the CPU
        return learner.ResNet34()
    if any(isinstance(value, torch.Tensor) and value.is_meta for layer in model.modules() for value in vars(layer).values()):
        return learner.ResNet34()  # a tensor attribute that is not a parameter or buffer
    return model


def check(learner):
    learner.ResNet34(**SMALL)  # a stub stops here: not started

    # The groups come from the learner's block_group: a wrong one is named before any network.
    group = earlier_class(learner, "BlockGroup", "block_group")
    if group is not None:
        with from_earlier_exercise("block_group", "BlockGroup", learner):
            label = "BlockGroup(2, 4, 8, first_stride=2)"
            ref = build_seeded(lambda: reference.BlockGroup(2, 4, 8, 2), seed=9)
            x = randn(2, 4, 8, 8, seed=9, dtype=torch.float64)
            expect_same_network(learner, group(2, 4, 8, 2).double(), ref.double(), x, label=label)

    # A small network first: quick to run in float64, and every group has a shortcut conv.
    small = learner.ResNet34(**SMALL)
    ref = build_seeded(lambda: reference.ResNet34(**SMALL), seed=0)
    x = randn(2, 3, 32, 32, seed=1, dtype=torch.float64)
    expect_same_network(learner, small.double(), ref.double(), x, label=SMALL_LABEL, advice=LAYOUT,
                        mistakes=network_mistakes)

    model = default_network(learner)
    with context("ResNet34() with default arguments"):
        count = sum(p.numel() for p in model.parameters())
        expect(
            count == PARAMETERS,
            f"ResNet34() has {count:,} parameters; torchvision's resnet34 has {PARAMETERS:,}",
            "Check the default arguments, and give every layer its own module (a module used twice is counted once).",
            LAYOUT,
        )
    with torch.device("meta"):
        ref = reference.ResNet34()
    ref.load_state_dict(tiled_state(ref, seed=2), assign=True)
    x = randn(1, 3, 32, 32, seed=3)
    expect_same_network(learner, model, ref, x, label="ResNet34()", advice=LAYOUT, modes=("eval",),
                        mistakes=network_mistakes, **FULL_SIZE_TOLERANCE)
