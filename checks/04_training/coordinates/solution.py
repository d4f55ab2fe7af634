import torch
from einops import rearrange, repeat
from torch.utils.data import TensorDataset


def all_coordinates_scaled(height: int, width: int) -> torch.Tensor:
    xs = repeat(torch.arange(width, dtype=torch.float32), "w -> (h w)", h=height) / width  # (H*W,)
    ys = repeat(torch.arange(height, dtype=torch.float32), "h -> (h w)", w=width) / height  # (H*W,)
    return torch.stack((xs, ys), dim=1) * 2.0 - 1.0  # (H*W, 2), in [-1, 1)


def preprocess_image(img: torch.Tensor) -> TensorDataset:
    rgb = img[:3]  # (3, H, W): alpha dropped
    _, H, W = rgb.shape
    X = all_coordinates_scaled(H, W)  # (H*W, 2)
    labels = rearrange(rgb, "c h w -> (h w) c") * 2.0 - 1.0  # (H*W, 3), in [-1, 1]
    return TensorDataset(X, labels)
