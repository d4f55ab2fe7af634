import torch
import torch.nn.functional as F
from torch import nn

from mlkata.checking import context, expect, expect_close, expect_equal, layouts, randn

SHAPES = [(2, 3, 4, 5), (1, 1, 1, 1), (3, 2, 7, 1), (2, 4, 1, 6), (0, 3, 2, 2)]


def check(learner):
    pool = learner.AveragePool()
    expect(isinstance(pool, nn.Module), f"AveragePool() should be an nn.Module, got a {type(pool).__name__}")
    expect_equal(len(list(pool.parameters())), 0, what="the number of parameters of AveragePool()")
    for seed, shape in enumerate(SHAPES):
        for dtype in (torch.float32, torch.float64):
            x = randn(*shape, seed=seed, dtype=dtype)
            expected = F.adaptive_avg_pool2d(x, 1).flatten(1)  # (batch, channels)
            variants = [*layouts(x), ("channels last", x.contiguous(memory_format=torch.channels_last))]
            for layout, x_in in variants:
                with context(f"AveragePool on a {layout} {dtype} input"):
                    expect_close(learner.call(pool.forward, x_in, name="AveragePool()"), expected, what="the output")
