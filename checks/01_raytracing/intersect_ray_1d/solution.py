import torch


def intersect_ray_1d(ray: torch.Tensor, segment: torch.Tensor) -> bool:
    O, D = ray[:, :2]  # (2,) each: x and y only
    L1, L2 = segment[:, :2]  # (2,) each
    # O + u D = L1 + v (L2 - L1)  <=>  [D | L1 - L2] @ [u, v] = L1 - O
    mat = torch.stack([D, L1 - L2], dim=-1)  # (2, 2)
    vec = L1 - O  # (2,)
    try:
        u, v = torch.linalg.solve(mat, vec)
    except torch.linalg.LinAlgError:  # singular: the ray is parallel to the segment
        return False
    return bool((u >= 0) & (v >= 0) & (v <= 1))
