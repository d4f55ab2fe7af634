import torch


def raytrace_triangle(triangle: torch.Tensor, rays: torch.Tensor) -> torch.Tensor:
    A, B, C = triangle  # (3,) each
    O, D = rays.unbind(1)  # (NR, 3) each
    # O + u D = A + s (B - A) + t (C - A)  <=>  [-D | B - A | C - A] @ [u, s, t] = O - A
    mat = torch.stack([-D, (B - A).expand_as(D), (C - A).expand_as(D)], dim=-1)  # (NR, 3, 3)
    ust, info = torch.linalg.solve_ex(mat, O - A)  # (NR, 3); info != 0 where singular
    u, s, t = ust.unbind(-1)  # (NR,) each
    return (info == 0) & (u >= 0) & (s >= 0) & (t >= 0) & (s + t <= 1)
