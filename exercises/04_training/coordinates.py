"""Coordinates: a picture as a supervised learning problem.

The ImageMemorizer learns the function (x, y) -> (R, G, B) of one picture. Its training
data is one example per pixel: the pixel's coordinates as input, its colour as label.

`all_coordinates_scaled(height, width)` -> float32 tensor of shape (height * width, 2):
- row p is pixel p, pixels numbered row by row: p = row * width + col (row-major, as
  `image.reshape(-1)` reads an image);
- column 0 is x, from the column index: x = 2 * col / width - 1;
- column 1 is y, from the row index:    y = 2 * row / height - 1.
  Both lie in [-1, 1) (MLAB's convention; it makes to_grid's inversion exact).
  For height=2, width=4: (-1, -1), (-0.5, -1), (0, -1), (0.5, -1), (-1, 0), (-0.5, 0), ...

`preprocess_image(img)` -> TensorDataset(X, labels):
- img is a float32 tensor of shape (channels, height, width) with values in [0, 1]
  (what MLAB gets from `transforms.ToTensor()(pil_image)`; mlkata passes the tensor).
  channels is 3 (RGB) or 4 (RGBA): drop the fourth, alpha, channel;
- X = all_coordinates_scaled(height, width), shape (height * width, 2);
- labels, shape (height * width, 3): the colour of pixel p in row p, in the same
  row-major order as X, scaled from [0, 1] to [-1, 1] (2 * value - 1);
- wrap them as `TensorDataset(X, labels)` (torch's, imported below).
"""

import torch
from einops import rearrange, repeat
from torch.utils.data import TensorDataset


def all_coordinates_scaled(height: int, width: int) -> torch.Tensor:
    """Return a tensor of shape (height*width, 2) where each row is a (x, y) coordinate.

    The range of x and y should be from [-1, 1] in both height and width dimensions.
    """
    # TODO
    raise NotImplementedError


def preprocess_image(img: torch.Tensor) -> TensorDataset:
    """Convert an image into a supervised learning problem predicting (R, G, B) given (x, y).

    img: (channels, height, width), channels 3 or 4, values in [0, 1].
    Return: TensorDataset wrapping input and label tensors.
    input: shape (num_pixels, 2)
    label: shape (num_pixels, 3)
    """
    # TODO
    raise NotImplementedError
