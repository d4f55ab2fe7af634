import torch


def make_rays_1d(num_pixels: int, y_limit: float) -> torch.Tensor:
    rays = torch.zeros(num_pixels, 2, 3)  # (num_pixels, origin/direction, xyz)
    rays[:, 1, 0] = 1.0
    rays[:, 1, 1] = torch.linspace(-y_limit, y_limit, num_pixels)
    return rays


def make_rays_2d(num_pixels_y: int, num_pixels_z: int, y_limit: float, z_limit: float) -> torch.Tensor:
    ys = torch.linspace(-y_limit, y_limit, num_pixels_y)  # (ny,)
    zs = torch.linspace(-z_limit, z_limit, num_pixels_z)  # (nz,)
    rays = torch.zeros(num_pixels_y, num_pixels_z, 2, 3)  # (ny, nz, origin/direction, xyz)
    rays[:, :, 1, 0] = 1.0
    rays[:, :, 1, 1] = ys[:, None]
    rays[:, :, 1, 2] = zs[None, :]
    return rays.reshape(num_pixels_y * num_pixels_z, 2, 3)  # y-major: ray iy * nz + iz
