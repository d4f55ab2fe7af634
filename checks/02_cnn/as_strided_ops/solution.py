import torch


def as_strided_trace(a: torch.Tensor) -> torch.Tensor:
    n = a.shape[0]
    row_stride, col_stride = a.stride()
    diagonal = a.as_strided((n,), (row_stride + col_stride,))  # (n,): a[0, 0], a[1, 1], ...
    return diagonal.sum()


def as_strided_mv(mat: torch.Tensor, vec: torch.Tensor) -> torch.Tensor:
    i, j = mat.shape
    vec_rows = vec.as_strided((i, j), (0, vec.stride(0)))  # (i, j): every row is vec
    return (mat * vec_rows).sum(dim=1)  # (i,)


def as_strided_matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    i, j = a.shape
    k = b.shape[1]
    a_ijk = a.as_strided((i, j, k), (a.stride(0), a.stride(1), 0))  # a[i, j] repeated over k
    b_ijk = b.as_strided((i, j, k), (0, b.stride(0), b.stride(1)))  # b[j, k] repeated over i
    return (a_ijk * b_ijk).sum(dim=1)  # (i, k)
