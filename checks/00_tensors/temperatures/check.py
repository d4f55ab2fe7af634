import torch

from mlkata.checking import CheckFailed, context, expect_close, randn, strided

# Three weeks of a made-up spring: mild, a cold snap, then warm.
SPRING = [
    14.0, 15.5, 13.0, 16.0, 17.5, 15.0, 14.5,
    9.0, 7.5, 6.0, 8.5, 10.0, 6.5, 7.0,
    19.0, 21.5, 22.0, 20.5, 23.0, 24.5, 21.0,
]


def weekly(temps: torch.Tensor) -> torch.Tensor:
    return temps.reshape(-1, 7)  # (n_weeks, 7)


def expected_average(temps):
    return weekly(temps).mean(dim=1)


def expected_differences(temps):
    week = weekly(temps)
    return (week - week.mean(dim=1, keepdim=True)).reshape(-1)


def expected_normalized(temps):
    week = weekly(temps)
    return ((week - week.mean(dim=1, keepdim=True)) / week.std(dim=1, keepdim=True)).reshape(-1)


def expect_normalized(got, temps):
    try:
        expect_close(got, expected_normalized(temps), what="the normalized temperatures")
    except CheckFailed:
        week = weekly(temps)
        biased = ((week - week.mean(dim=1, keepdim=True)) / week.std(dim=1, correction=0, keepdim=True)).reshape(-1)
        same_kind = isinstance(got, torch.Tensor) and got.shape == biased.shape and got.dtype == biased.dtype
        if same_kind and torch.allclose(got.detach(), biased, rtol=1e-4, atol=1e-5):
            raise CheckFailed(
                "the normalized temperatures use the biased standard deviation (dividing by 7)",
                (
                    "torch.std divides by n - 1 = 6 by default (the unbiased estimate); keep that default.",
                    "unbiased=False or correction=0 (numpy's default) divides by 7 instead.",
                ),
            ) from None
        raise


def inputs():
    """(description, temps, whether the week std is defined)."""
    spring = torch.tensor(SPRING)
    yield "3 weeks of spring, float32", spring, True
    yield "1 week, float32", 15 + 5 * randn(7, seed=1), True
    yield "5 weeks, float32", 15 + 5 * randn(35, seed=2), True
    yield "4 weeks, float64", 15 + 5 * randn(28, seed=3, dtype=torch.float64), True
    yield "3 weeks, non-contiguous (every other element of a longer tensor)", strided(15 + 5 * randn(21, seed=4)), True
    yield "0 weeks (empty)", torch.zeros(0), False


def check(learner):
    for description, temps, has_std in inputs():
        with context(f"temps: {description}"):
            expect_close(learner.temperatures_average(temps), expected_average(temps), what="the weekly averages")
            expect_close(learner.temperatures_differences(temps), expected_differences(temps), what="the differences")
            if has_std:
                expect_normalized(learner.temperatures_normalized(temps), temps)
