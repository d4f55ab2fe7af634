"""to_grid: put the pixels of a dataset back into a picture, to look at it.

`to_grid(X, Y, width, height)` -> float32 tensor of shape (height, width, 3), ready for
plt.imshow.

- X: (n_pixels, 2) coordinates (x, y) made as all_coordinates_scaled makes them:
  x = 2 * col / width - 1, y = 2 * row / height - 1. The pixels may be any subset of the
  picture (a training split), in any order.
- Y: (n_pixels, 3) float32 colours in [-1, 1], Y[i] the colour of pixel X[i].
- Pixel (row, col) of the grid gets (Y[i] + 1) / 2, back in [0, 1]; pixels that are not
  in X stay 0 (black).
- Invert the scaling: col = (x + 1) / 2 * width, row = (y + 1) / 2 * height. In floating
  point these land a hair below the integer (39.99998 for 40): round to the nearest
  integer (add 0.5 before .long(), or torch.round) rather than truncate, or whole columns
  come out black.

No Python loop over pixels is needed: `grid[rows, cols] = colours` writes them all.
"""

import torch


def to_grid(X: torch.Tensor, Y: torch.Tensor, width: int, height: int) -> torch.Tensor:
    """Convert preprocessed data from the format used in the Dataset back to an image tensor.

    X: shape (n_pixels, dim=2)
    Y: shape (n_pixels, channel=3)

    Return: shape (height, width, channels=3)
    """
    # TODO
    raise NotImplementedError
