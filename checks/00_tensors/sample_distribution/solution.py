import torch


def sample_distribution(probs: torch.Tensor, n: int) -> torch.Tensor:
    cdf = torch.cumsum(probs, dim=0)  # (k,): right end of each event's piece of [0, 1)
    u = torch.rand(n)  # (n,)
    # An id is how many right ends u has passed. The last end is 1 (up to rounding), which
    # u never reaches, so it is left out: the id stays below k whatever the rounding.
    passed = u[:, None] >= cdf[None, :-1]  # (n, k - 1)
    return passed.sum(dim=-1)  # (n,) int64
