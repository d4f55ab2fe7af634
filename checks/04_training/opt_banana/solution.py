import torch


def rosenbrocks_banana(x: torch.Tensor, y: torch.Tensor, a=1, b=100) -> torch.Tensor:
    return (a - x) ** 2 + b * (y - x**2) ** 2 + 1


def opt_banana(xy: torch.Tensor, n_iters: int, lr=0.001, momentum=0.98) -> torch.Tensor:
    assert xy.requires_grad
    out = xy.new_zeros((n_iters, 2))  # (n_iters, 2), xy's dtype
    optimizer = torch.optim.SGD([xy], lr=lr, momentum=momentum)
    for i in range(n_iters):
        out[i] = xy.detach()  # a copy of the values before the step
        optimizer.zero_grad()
        rosenbrocks_banana(xy[0], xy[1]).backward()
        optimizer.step()
    return out
