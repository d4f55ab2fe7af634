import torch
import torch.nn.functional as F
from torch import nn

from mlkata.checking import Mistake, context, expect, expect_equal, layouts, randn
from mlkata.checking.modules import expect_forward_matches

SHAPES = [(2, 3, 4, 5), (3, 2, 7, 1), (2, 4, 1, 6), (1, 1, 1, 1), (0, 3, 2, 2)]

MISTAKES = [
    Mistake("it sums over height and width instead of averaging", lambda x: x.sum(dim=(2, 3)),
            "Divide by the number of positions, height * width: x.mean(dim=(2, 3)) does both."),
    Mistake("it divides by height × height: it assumes square images",
            lambda x: x.sum(dim=(2, 3)) / x.shape[2] ** 2 if x.shape[2] != x.shape[3] else None,
            "An image has height * width positions: divide by both, or use x.mean(dim=(2, 3))."),
    Mistake("it divides by width × width: it assumes square images",
            lambda x: x.sum(dim=(2, 3)) / x.shape[3] ** 2 if x.shape[2] != x.shape[3] else None,
            "An image has height * width positions: divide by both, or use x.mean(dim=(2, 3))."),
    Mistake("it keeps the reduced dimensions: (batch, channels, 1, 1)", lambda x: x.mean(dim=(2, 3), keepdim=True),
            "The result is (batch, channels): leave keepdim at False."),
    Mistake("it averages over channels and height, not height and width", lambda x: x.mean(dim=(1, 2)),
            "Dimensions 2 and 3 are height and width: x.mean(dim=(2, 3))."),
    Mistake("it takes the maximum, not the mean", lambda x: x.amax(dim=(2, 3)),
            "Average pooling takes the mean of each channel: x.mean(dim=(2, 3))."),
]


def average(x):
    return F.adaptive_avg_pool2d(x, 1).flatten(1)  # (batch, channels)


def check(learner):
    pool = learner.AveragePool()
    expect(isinstance(pool, nn.Module), f"AveragePool() should be an nn.Module, got a {type(pool).__name__}")
    expect_equal(len(list(pool.parameters())), 0, what="the number of parameters of AveragePool()")
    for dtype in (torch.float32, torch.float64):
        for seed, shape in enumerate(SHAPES):
            x = randn(*shape, seed=seed, dtype=dtype)
            variants = [*layouts(x), ("channels last", x.contiguous(memory_format=torch.channels_last))]
            for layout, x_in in variants if seed == 0 else variants[:1]:
                with context(f"AveragePool on a {layout} {str(dtype).removeprefix('torch.')} input"):
                    expect_forward_matches(learner, pool, average, x_in, label="AveragePool()", what="AveragePool()(x)",
                                           mistakes=MISTAKES, condition=shape[2] * shape[3])
