import math

import torch

from mlkata.checking import CheckFailed, context, expect, expect_shape, randn, strided
from mlkata.checking.loops import expect_no_loop

N = 50_000  # draws per distribution
SIGMAS = 5  # a correct sampler's frequencies stay this many standard deviations from probs


def distributions():
    """(description, probs, seed for torch.manual_seed)."""
    yield "[0.3, 0.7]", torch.tensor([0.3, 0.7]), 1
    yield "[0.1, 0.2, 0.3, 0.4]", torch.tensor([0.1, 0.2, 0.3, 0.4]), 2
    yield "[0.5, 0.0, 0.25, 0.25] (event 1 never happens)", torch.tensor([0.5, 0.0, 0.25, 0.25]), 3
    yield "[1.0] (one certain event)", torch.tensor([1.0]), 4
    yield "10 uneven probabilities, float64", torch.softmax(randn(10, seed=5, dtype=torch.float64), dim=0), 5
    yield "[0.6, 0.3, 0.1], non-contiguous", strided(torch.tensor([0.6, 0.3, 0.1])), 6


def expect_ids(ids, n, k):
    """An int64 tensor of n ids, each in 0 .. k-1."""
    expect_shape(ids, (n,), what="the ids")
    expect(
        ids.dtype == torch.int64,
        f"the ids have dtype {str(ids.dtype).removeprefix('torch.')}; expected int64",
        "Event ids are whole numbers: a bool comparison summed with .sum() is int64, and so is torch.searchsorted.",
    )
    if n == 0:
        return
    low, high = int(ids.min()), int(ids.max())
    expect(
        0 <= low and high < k,
        f"an id is out of range: got {low if low < 0 else high}, but probs has {k} events (ids 0 to {k - 1})",
        "An off-by-one in the search: count the right ends u has passed (not those it has not),",
        "and remember that rounding can leave the last cumulative sum a hair below 1.",
    )


def expect_frequencies(ids, probs):
    k = len(probs)
    counts = torch.bincount(ids, minlength=k)
    frequencies = counts.double() / len(ids)
    rows = [["event", "probability", "observed frequency", "allowed"]]
    first_bad = None
    for event in range(k):
        p = float(probs[event])
        f = float(frequencies[event])
        allowed = SIGMAS * math.sqrt(p * (1 - p) / len(ids))
        rows.append([str(event), f"{p:.4f}", f"{f:.4f}", f"±{allowed:.4f}"])
        if abs(f - p) > allowed and first_bad is None:
            first_bad = (event, p, f, allowed)
    if first_bad is None:
        return
    event, p, f, allowed = first_bad
    if p == 0:
        headline = f"event {event} has probability 0 but was drawn {int(counts[event])} times"
    else:
        headline = f"event {event} was drawn in {f:.2%} of the draws; its probability is {p:.2%}"
    raise CheckFailed(
        headline,
        (
            f"With {len(ids)} draws a correct sampler lands within ±{allowed:.2%} of it ({SIGMAS} standard deviations).",
            "Check which piece of [0, 1) each u falls into, and that the piece belongs to the right event.",
        ),
        rows,
    )


def check(learner):
    small = torch.tensor([0.2, 0.5, 0.3])
    for n in (0, 1):
        with context(f"probs = [0.2, 0.5, 0.3], n = {n}"):
            expect_ids(learner.sample_distribution(small, n), n, len(small))

    with context("probs = [0.2, 0.5, 0.3], called with several n"):
        expect_no_loop(
            learner,
            "sample_distribution",
            lambda n: (small, n),
            over="samples",
            one="sample",
            advice="Draw all n numbers with one torch.rand(n) and compare them with the cumulative sums in one go.",
        )

    for description, probs, seed in distributions():
        with context(f"probs = {description}, n = {N}, after torch.manual_seed({seed})"):
            torch.manual_seed(seed)
            ids = learner.sample_distribution(probs, N)
            expect_ids(ids, N, len(probs))
            expect_frequencies(ids, probs)

