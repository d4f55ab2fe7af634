import torch

from mlkata.checking import CheckFailed, context, randn, strided
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
            before = logits.clone()
            got = expect_token(learner.greedy_search(logits), what="greedy_search(logits)")
            expect_greedy(got, logits if torch.equal(logits, before) else before)


def expect_greedy(got: int, logits: torch.Tensor) -> None:
    """got is the smallest id of the largest logit; otherwise say which other rule it follows."""
    want = int(torch.argmax(logits))
    if got == want:
        return
    V, top = len(logits), float(logits.max())
    if not 0 <= got < V:
        value_hint = " (that is the largest logit's value, not its position)" if got == int(top) else ""
        raise CheckFailed(f"greedy_search(logits) returned {got}, which is not a token id: the vocabulary has ids 0 to {V - 1}"
                          f"{value_hint}", ("Return the index of the largest logit: logits.argmax().item().",))
    shown = f"logits[{got}] = {float(logits[got]):.4g}; the largest is logits[{want}] = {top:.4g}"
    if got == last_maximum(logits):
        headline, advice = ("returns the last of the tied maxima; ties go to the smallest token id",
                            "torch.argmax returns the first maximal index; a loop should replace the best only when "
                            "strictly greater.")
    elif float(logits[got]) == top:
        headline, advice = (f"returned {got}, one of the tied maxima but not the smallest id, {want}",
                            "Ties go to the smallest token id: torch.argmax does that (topk and sorting do not promise it).")
    elif got == int(torch.argmin(logits)):
        headline, advice = ("returns the index of the SMALLEST logit", "Use argmax, not argmin.")
    elif got == int(top) and float(logits[got]) != top:
        headline, advice = (f"returned {got}, the largest logit's value rounded to an int, not its index",
                            "Return the position of the maximum: logits.argmax().item(), not logits.max().")
    else:
        headline, advice = (f"returned {got}, which is not the most likely token", "Return logits.argmax().item().")
    raise CheckFailed(f"greedy_search(logits) {headline}", (shown, advice))
