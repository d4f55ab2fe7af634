import torch

from mlkata.checking import Mistake, context, expect_matches, randn, strided

INF = float("inf")


def cases():
    """(description, logits, temperature)."""
    yield "float32 logits, vocab 50", randn(50, seed=1), 0.5
    yield "float64 logits, vocab 8", randn(8, seed=2, dtype=torch.float64), 2.0
    yield "float64 logits, temperature 1e-3 (sharpens)", randn(8, seed=3, dtype=torch.float64), 1e-3
    yield "float32 logits, temperature 1e3 (flattens)", randn(8, seed=4), 1e3
    yield "float64 logits with -inf entries", torch.tensor([0.5, -INF, 2.0, -1.0, -INF], dtype=torch.float64), 0.7
    yield "an int temperature", randn(6, seed=5, dtype=torch.float64), 3
    yield "temperature 1 (no change)", randn(6, seed=6), 1.0
    yield "non-contiguous float32 logits", strided(randn(10, seed=7)), 0.3
    yield "vocab 1", torch.tensor([1.5], dtype=torch.float64), 0.25


def check(learner):
    for description, logits, temperature in cases():
        # x / T and x * (1 / T) may differ in the last bit: allow a few ulps.
        ulps = 4 * torch.finfo(logits.dtype).eps
        with context(f"{description}, temperature = {temperature}"):
            expect_matches(
                learner.apply_temperature, lambda logits, t: logits / t, logits, temperature,
                mistakes=[Mistake(
                    "multiplies the logits by the temperature instead of dividing",
                    lambda logits, t: logits * t,
                    "A low temperature must sharpen the distribution: logits / temperature grows as temperature shrinks.",
                )],
                rtol=ulps, atol=0.0, check_dtype=False,
            )
