import functools
import math

import torch
import torch.nn.functional as F
from torch import nn

from mlkata.checking import CheckFailed, context, expect, expect_close, expect_equal, expect_matches, randint, randn
from mlkata.checking.failure import NotWritten
from mlkata.checking.modules import expect_same_registration

# (num_embeddings, embedding_dim, shape of the ids): (batch, seq) first, then other shapes.
LOOKUPS = [(10, 4, (3, 7)), (6, 3, (5,)), (6, 3, (2, 3, 4)), (6, 3, ()), (6, 3, (0,)), (1, 2, (2, 2))]
INIT_SIZE = (500, 64)  # 32,000 values: std within 5 % of 0.02 at more than 10 sigma
STD = 0.02
WITHIN_ONE_STD = 0.6827  # the fraction of normal values within one standard deviation


def check(learner):
    with context("Embedding(10, 20): parameters"):
        model = learner.Embedding(10, 20)
        expect_same_registration(model, nn.Embedding(10, 20), what="Embedding(10, 20)", reference_name="nn.Embedding(10, 20)")

    for seed, (num, dim, shape) in enumerate(LOOKUPS):
        for dtype in (torch.float64, torch.float32):
            label = f"Embedding({num}, {dim})"
            model = learner.Embedding(num, dim).to(dtype)
            weight = randn(num, dim, seed=seed, dtype=dtype)
            with torch.no_grad():
                model.weight.copy_(weight)
            ids = randint(0, num, *shape, seed=100 + seed)
            with context(f"{label} with a random weight ({str(dtype).removeprefix('torch.')}), ids of shape {shape}"):
                forward = functools.partial(learner.call, model, name=label)
                if len(shape) == 2:
                    expect_handles_batches(learner, model, forward, ids, label)
                expect_matches(forward, lambda ids: F.embedding(ids, weight), ids, what="the output")

    with context("Embedding(10, 4) with a random weight, float64: gradients, ids of shape (3, 7) with repeats"):
        model = learner.Embedding(10, 4).double()
        weight = randn(10, 4, seed=30, dtype=torch.float64)
        with torch.no_grad():
            model.weight.copy_(weight)
        ids = torch.tensor([[1, 1, 3, 9, 1, 0, 3], [2, 2, 2, 2, 5, 5, 7], [9, 8, 7, 6, 5, 4, 1]])
        upstream = randn(3, 7, 4, seed=31, dtype=torch.float64)
        out = learner.call(model, ids, name="Embedding(10, 4)")
        cut_off = "Index the parameter itself (self.weight[x]): .data, .detach() or a copy cuts autograd off."
        expect(out.requires_grad, "the output does not track gradients: it is not connected to weight", cut_off)
        out.backward(upstream)
        weight_ref = weight.clone().requires_grad_()
        F.embedding(ids, weight_ref).backward(upstream)
        expect(model.weight.grad is not None, "weight.grad is None after backward: the output is not connected to weight", cut_off)
        expect_close(model.weight.grad, weight_ref.grad, what="weight.grad (ids used several times add up their gradients)")

    with context(f"Embedding{INIT_SIZE}: initialisation"):
        model = learner.Embedding(*INIT_SIZE)
        other = learner.Embedding(*INIT_SIZE)
        expect_normal_init(model.weight.detach().double(), what=f"Embedding{INIT_SIZE}.weight")
        expect(not torch.equal(model.weight, other.weight),
               f"two Embedding{INIT_SIZE} modules start with the same weight",
               "Draw from the global generator (torch.randn) without reseeding it in __init__.")

    with context("Embedding(10, 20): extra_repr and repr"):
        model = learner.Embedding(10, 20)
        expect_equal(learner.call(model.extra_repr, name="Embedding.extra_repr"), "10, 20", what="extra_repr()")
        expect_equal(repr(model), repr(nn.Embedding(10, 20)), what="repr(Embedding(10, 20))")


def expect_handles_batches(learner, model, forward, ids, label):
    """A (batch, seq) lookup that raises, while a 1-D one works, is the only-1-D mistake."""
    try:
        forward(ids)
    except (CheckFailed, NotWritten):
        raise
    except Exception as error:  # noqa: BLE001 - explained below, if a 1-D lookup works
        try:
            model(ids[0])  # called directly: the failure's call line stays the (batch, seq) one
        except Exception:  # noqa: BLE001 - not the only-1-D mistake: let the original error speak
            raise error from None
        raise CheckFailed(
            f"{label} works on 1-D ids but fails on a (batch, seq) tensor of ids: {type(error).__name__}: "
            f"{str(error).strip().splitlines()[0] if str(error).strip() else ''}",
            ("Index with the whole tensor: self.weight[x] has shape (*x.shape, embedding_dim) for ids of any shape. "
             "index_select and loops over x handle only one dimension.",),
        ) from None


def expect_normal_init(values, what):
    n = values.numel()
    std = float(values.std())
    mean = float(values.mean())
    if abs(std - 1.0) < 0.05:
        raise CheckFailed(f"{what} has standard deviation {std:.3f}: torch's nn.Embedding default, not MLAB's 0.02",
                          ("MLAB (like BERT) initialises embeddings with std 0.02: torch.randn(num_embeddings, embedding_dim) * 0.02.",))
    expect(abs(std - STD) < 0.05 * STD, f"{what} has standard deviation {std:.4g}; expected 0.02",
           "Draw weight from a normal distribution with mean 0 and std 0.02: torch.randn(...) * 0.02.")
    expect(abs(mean) < 6 * STD / math.sqrt(n), f"{what} has mean {mean:.3g}; expected 0 (within {6 * STD / math.sqrt(n):.2g})",
           "Draw weight from a normal distribution centred on 0: torch.randn(...) * 0.02.")
    within = float((values.abs() < STD).double().mean())
    spread = 6 * math.sqrt(WITHIN_ONE_STD * (1 - WITHIN_ONE_STD) / n)
    expect(abs(within - WITHIN_ONE_STD) < spread,
           f"{what}: {within:.1%} of the values lie within one standard deviation of 0; a normal distribution puts 68.3 % there",
           "Use a normal distribution (torch.randn), not a uniform one (torch.rand).")
