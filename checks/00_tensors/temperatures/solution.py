import einops
import torch


def temperatures_average(temps: torch.Tensor) -> torch.Tensor:
    assert len(temps) % 7 == 0
    return einops.reduce(temps, "(week day) -> week", "mean", day=7)  # (n_weeks,)


def temperatures_differences(temps: torch.Tensor) -> torch.Tensor:
    assert len(temps) % 7 == 0
    week_mean = temperatures_average(temps)  # (n_weeks,)
    return temps - einops.repeat(week_mean, "week -> (week day)", day=7)  # (n_days,)


def temperatures_normalized(temps: torch.Tensor) -> torch.Tensor:
    assert len(temps) % 7 == 0
    week_std = einops.reduce(temps, "(week day) -> week", torch.std, day=7)  # (n_weeks,), unbiased
    return temperatures_differences(temps) / einops.repeat(week_std, "week -> (week day)", day=7)
