import torch


def triangle_line_intersects(A: torch.Tensor, B: torch.Tensor, C: torch.Tensor, O: torch.Tensor, D: torch.Tensor) -> bool:
    # O + u D = A + s (B - A) + t (C - A)  <=>  [-D | B - A | C - A] @ [u, s, t] = O - A
    mat = torch.stack([-D, B - A, C - A], dim=-1)  # (3, 3)
    try:
        u, s, t = torch.linalg.solve(mat, O - A)
    except torch.linalg.LinAlgError:  # singular: the ray is parallel to the triangle's plane
        return False
    return bool((u >= 0) & (s >= 0) & (t >= 0) & (s + t <= 1))
