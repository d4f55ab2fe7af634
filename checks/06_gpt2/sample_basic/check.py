import torch

from mlkata.checking import context
from mlkata.checking.gpt2 import draw_tokens, expect_distribution

INF = float("inf")
DRAWS = 600


def one_hot(index: int, size: int) -> torch.Tensor:
    return torch.nn.functional.one_hot(torch.tensor(index), size).double()


def cases():
    """(description, logits, seed)."""
    yield "float64 logits [3, 0.5, 1, 4, 0.2, 2]", torch.tensor([3.0, 0.5, 1.0, 4.0, 0.2, 2.0], dtype=torch.float64), 1
    yield ("float32 logits around 100, two of them -inf",
           torch.tensor([100.4, -INF, 101.0, 99.5, -INF, 100.0, 100.7, 99.8]), 2)


def check(learner):
    for description, logits, seed in cases():
        probs = logits.double().softmax(-1)
        V = len(logits)
        mistakes = [
            ("the token with the largest logit is always drawn", one_hot(int(logits.argmax()), V),
             "Sampling draws each token with probability softmax(logits): Categorical(logits=logits).sample()."),
            ("the softmax is taken twice (probabilities passed as logits)", probs.softmax(-1),
             "Categorical(logits=...) applies the softmax itself: give it the logits."),
        ]
        if bool((logits >= 0).all()):
            mistakes.append((
                "the logits are used as probabilities", logits.double() / logits.double().sum(),
                "Logits are log-probabilities up to a constant: pass them as Categorical(logits=logits), not probs=.",
            ))
        with context(f"sample_basic(logits), logits: {description}; {DRAWS} draws after torch.manual_seed({seed})"):
            tokens = draw_tokens(learner, "sample_basic", (logits,), DRAWS, seed)
            expect_distribution(
                tokens, probs, what="sample_basic(logits)", mistakes=mistakes,
                support="A token whose logit is -inf has probability 0 and must never be drawn.",
            )
