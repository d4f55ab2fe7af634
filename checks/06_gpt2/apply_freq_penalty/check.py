import torch

from mlkata.checking import CheckFailed, Mistake, context, expect_matches, randn

INF = float("inf")


def cases():
    """(description, input_ids, logits, freq_penalty): main cases first."""
    yield ("float32, vocab 10, repeated ids", torch.tensor([1, 3, 3, 9, 1, 1, 0]), randn(10, seed=1), 2.0)
    yield ("float64, vocab 12, 20 ids", torch.tensor([4, 0, 11, 4, 4, 7, 2, 0, 4, 11, 5, 5, 4, 3, 0, 8, 8, 1, 4, 9]),
           randn(12, seed=2, dtype=torch.float64), 0.5)
    yield ("a negative penalty (repetition is encouraged)", torch.tensor([2, 2, 5, 7, 2]), randn(8, seed=3, dtype=torch.float64), -1.25)
    yield ("no id reaches vocab_size - 1 (vocab 10, largest id 5)", torch.tensor([2, 2, 5]), randn(10, seed=4), 2.0)
    yield ("logits with -inf", torch.tensor([0, 1, 1]), torch.tensor([-INF, 0.5, 1.0, -INF], dtype=torch.float64), 0.75)
    yield ("penalty 0", torch.tensor([1, 1, 2]), randn(5, seed=5), 0.0)
    yield ("no input ids at all", torch.tensor([], dtype=torch.int64), randn(6, seed=6), 2.0)
    yield ("one id, vocab 1", torch.tensor([0]), torch.tensor([0.25]), 2.0)


def penalised(input_ids: torch.Tensor, logits: torch.Tensor, freq_penalty: float) -> torch.Tensor:
    return logits - freq_penalty * torch.bincount(input_ids, minlength=len(logits)).to(logits.dtype)


def check(learner):
    mistakes = [
        Mistake(
            "each token present is penalised once, however often it occurs",
            lambda ids, logits, p: logits - p * (torch.bincount(ids, minlength=len(logits)) > 0).to(logits.dtype),
            "The penalty is per occurrence: subtract freq_penalty times the count of each token (torch.bincount).",
        ),
        Mistake(
            "the penalty is added instead of subtracted",
            lambda ids, logits, p: logits + p * torch.bincount(ids, minlength=len(logits)).to(logits.dtype),
            "A positive freq_penalty makes repeated tokens less likely: logits - freq_penalty * counts.",
        ),
    ]
    for description, input_ids, logits, penalty in cases():
        tolerance = {"rtol": 1e-6, "atol": 1e-6} if logits.dtype == torch.float32 else {"rtol": 1e-12, "atol": 1e-12}
        with context(f"{description}: input_ids = {input_ids.tolist()}, vocab_size = {len(logits)}, freq_penalty = {penalty}"):
            try:
                expect_matches(
                    learner.apply_freq_penalty, penalised, input_ids, logits, penalty,
                    mistakes=mistakes, check_dtype=False, **tolerance,
                )
            except RuntimeError as error:
                if "must match the size" not in str(error) or (len(input_ids) and int(input_ids.max()) == len(logits) - 1):
                    raise
                raise CheckFailed(
                    "apply_freq_penalty fails when no id in input_ids reaches vocab_size - 1: "
                    "the counts are shorter than the logits",
                    (
                        f"torch.bincount(input_ids) has length max(input_ids) + 1 (here {int(input_ids.max()) + 1 if len(input_ids) else 0}); "
                        f"pass minlength=vocab_size so that it has one count per token.",
                        f"The error was: {error}",
                    ),
                ) from None
