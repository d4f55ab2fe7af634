import torch


def raytrace_mesh(triangles: torch.Tensor, rays: torch.Tensor) -> torch.Tensor:
    NR, NT = rays.shape[0], triangles.shape[0]
    O = rays[:, None, 0].expand(NR, NT, 3)  # (NR, NT, 3)
    D = rays[:, None, 1].expand(NR, NT, 3)  # (NR, NT, 3)
    A, B, C = triangles[None].expand(NR, NT, 3, 3).unbind(2)  # (NR, NT, 3) each
    # O + u D = A + s (B - A) + t (C - A)  <=>  [-D | B - A | C - A] @ [u, s, t] = O - A
    mat = torch.stack([-D, B - A, C - A], dim=-1)  # (NR, NT, 3, 3)
    ust, info = torch.linalg.solve_ex(mat, O - A)  # (NR, NT, 3); info != 0 where singular
    u, s, t = ust.unbind(-1)  # (NR, NT) each
    hits = (info == 0) & (u >= 0) & (s >= 0) & (t >= 0) & (s + t <= 1)  # (NR, NT)
    distances = torch.where(hits, u, torch.inf)  # (NR, NT)
    return distances.amin(dim=1)  # (NR,)
