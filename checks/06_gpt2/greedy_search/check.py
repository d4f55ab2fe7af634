import torch

from mlkata.checking import Mistake, context, expect_matches, randn, strided
from mlkata.checking.gpt2 import expect_token

INF = float("inf")


def logits_cases():
    """(description, logits): main cases first, ties and edge sizes after."""
    yield "random, float32, vocab 50", randn(50, seed=1)
    yield "random, float64, vocab 8", randn(8, seed=2, dtype=torch.float64)
    yield "tie for the maximum: [1, 10, 3, 10]", torch.tensor([1.0, 10.0, 3.0, 10.0])
    yield "three-way tie: [-2, 5, 5, 0, 5]", torch.tensor([-2.0, 5.0, 5.0, 0.0, 5.0], dtype=torch.float64)
    yield "with -inf entries: [-inf, 0.5, -inf, 2, 1]", torch.tensor([-INF, 0.5, -INF, 2.0, 1.0])
    yield "all equal (every token ties)", torch.zeros(6)
    yield "vocab 1", torch.tensor([0.3])
    yield "non-contiguous, float32, vocab 20", strided(randn(20, seed=3))
    yield "random, float32, vocab 50257 (GPT-2's)", randn(50257, seed=4)


def last_maximum(logits: torch.Tensor) -> int:
    """The largest index holding the maximum: the wrong tie-break."""
    return len(logits) - 1 - int(torch.argmax(logits.flip(0)))


def check(learner):
    for description, logits in logits_cases():
        with context(f"logits: {description}"):
            expect_matches(
                lambda logits: expect_token(learner.greedy_search(logits), what="greedy_search(logits)"),
                lambda logits: int(torch.argmax(logits)),
                logits,
                what="greedy_search(logits)",
                mistakes=[Mistake(
                    "returns the last of the tied maxima; ties go to the smallest token id",
                    last_maximum,
                    "torch.argmax returns the first maximal index; a loop should replace the best only when strictly greater.",
                )],
            )
