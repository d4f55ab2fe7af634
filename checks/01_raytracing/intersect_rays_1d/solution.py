import torch


def intersect_rays_1d(rays: torch.Tensor, segments: torch.Tensor) -> torch.Tensor:
    NR, NS = rays.shape[0], segments.shape[0]
    O = rays[:, None, 0, :2]  # (NR, 1, 2)
    D = rays[:, None, 1, :2]  # (NR, 1, 2)
    L1 = segments[None, :, 0, :2]  # (1, NS, 2)
    L2 = segments[None, :, 1, :2]  # (1, NS, 2)
    # O + u D = L1 + v (L2 - L1)  <=>  [D | L1 - L2] @ [u, v] = L1 - O, for every pair
    mat = torch.stack([D.expand(NR, NS, 2), (L1 - L2).expand(NR, NS, 2)], dim=-1)  # (NR, NS, 2, 2)
    vec = (L1 - O).expand(NR, NS, 2)  # (NR, NS, 2)
    uv, info = torch.linalg.solve_ex(mat, vec)  # (NR, NS, 2); info != 0 where singular
    u, v = uv.unbind(-1)  # (NR, NS) each
    hits = (info == 0) & (u >= 0) & (v >= 0) & (v <= 1)  # (NR, NS)
    return hits.any(dim=1)  # (NR,)
