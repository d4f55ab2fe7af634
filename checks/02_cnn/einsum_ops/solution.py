import torch


def einsum_trace(a: torch.Tensor) -> torch.Tensor:
    return torch.einsum("ii->", a)  # (n, n) -> ()


def einsum_mv(mat: torch.Tensor, vec: torch.Tensor) -> torch.Tensor:
    return torch.einsum("ij,j->i", mat, vec)  # (i, j), (j,) -> (i,)


def einsum_mm(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.einsum("ij,jk->ik", a, b)  # (i, j), (j, k) -> (i, k)


def einsum_inner(v: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    return torch.einsum("i,i->", v, w)  # (n,), (n,) -> ()


def einsum_outer(v: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    return torch.einsum("i,j->ij", v, w)  # (i,), (j,) -> (i, j)
