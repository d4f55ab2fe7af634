import torch

from mlkata.checking import CheckFailed, Mistake, context, expect_matches, load_reference, part
from mlkata.checking.describe import describe
from mlkata.checking.training import gradient_image

reference = load_reference(__file__)

# (height, width): height != width first, so a swap shows; then squares and single rows/columns.
SIZES = [(2, 4), (12, 16), (16, 12), (5, 5), (1, 6), (7, 1), (1, 1)]
# (channels, height, width) of the pictures preprocessed.
IMAGES = [(3, 12, 16), (4, 8, 5), (3, 1, 7), (4, 1, 1)]


def grid(height: int, width: int):
    rows = torch.arange(height, dtype=torch.float32).repeat_interleave(width)
    cols = torch.arange(width, dtype=torch.float32).repeat(height)
    return rows, cols


def column_major(height, width):
    rows = torch.arange(height, dtype=torch.float32).repeat(width)
    cols = torch.arange(width, dtype=torch.float32).repeat_interleave(height)
    return torch.stack([cols / width, rows / height], dim=1) * 2 - 1


def scaled(fx, fy):
    def formula(height, width):
        rows, cols = grid(height, width)
        return torch.stack([fx(cols, width), fy(rows, height)], dim=1)
    return formula


COORDINATE_MISTAKES = [
    Mistake(
        "x and y are swapped",
        lambda height, width: reference.all_coordinates_scaled(height, width).flip(1),
        "Column 0 is x, which grows along a row (from the column index, divided by width); column 1 is y, from the row index.",
    ),
    Mistake(
        "pixels are numbered column by column",
        column_major,
        "Number the pixels row by row, p = row * width + col: x changes fastest, as in img.reshape(-1) and "
        "rearrange(img, 'c h w -> (h w) c'), so that X lines up with the labels.",
    ),
    Mistake(
        "scales to [-1, 1] with both ends included (linspace)",
        scaled(lambda c, n: c / max(n - 1, 1) * 2 - 1, lambda r, n: r / max(n - 1, 1) * 2 - 1),
        "The stub's convention is x = 2 * col / width - 1 (MLAB's), which stops short of 1: to_grid inverts exactly that.",
    ),
    Mistake(
        "scales pixel centres, (col + 0.5) / width",
        scaled(lambda c, n: (c + 0.5) / n * 2 - 1, lambda r, n: (r + 0.5) / n * 2 - 1),
        "The stub's convention is x = 2 * col / width - 1, starting at exactly -1 for column 0.",
    ),
    Mistake(
        "is scaled to [0, 1) only",
        scaled(lambda c, n: c / n, lambda r, n: r / n),
        "After dividing by the size, map [0, 1) to [-1, 1): multiply by 2 and subtract 1.",
    ),
    Mistake(
        "is not scaled (raw pixel indices)",
        scaled(lambda c, n: c, lambda r, n: r),
        "Divide the column by width and the row by height, then map [0, 1) to [-1, 1) with * 2 - 1. "
        "Unscaled inputs in the hundreds make training slow or unstable.",
    ),
]


LABEL_MISTAKES = [
    Mistake(
        "keeps the alpha channel",
        lambda img: img.permute(1, 2, 0).reshape(-1, img.shape[0]) * 2 - 1,
        "Keep only the first three channels, img[:3], before building the labels.",
    ),
    Mistake(
        "reshapes (channels, height, width) straight to (pixels, 3)",
        lambda img: img[:3].reshape(-1, 3) * 2 - 1,
        "A reshape keeps memory order, so each row mixes one channel's neighbouring pixels. Move the channel axis "
        "last first: rearrange(img[:3], 'c h w -> (h w) c') (or permute(1, 2, 0) then reshape).",
    ),
    Mistake(
        "labels are in column-major order while X is row by row",
        lambda img: img[:3].permute(2, 1, 0).reshape(-1, 3) * 2 - 1,
        "Label p must be the colour of pixel p of X: both row by row, '(h w)' in that order.",
    ),
    Mistake(
        "labels are not scaled to [-1, 1]",
        lambda img: img[:3].permute(1, 2, 0).reshape(-1, 3),
        "Map the colours from [0, 1] to [-1, 1] like the coordinates: 2 * value - 1.",
    ),
]


@part("all_coordinates_scaled")
def check_coordinates(learner):
    for height, width in SIZES:
        with context(f"height={height}, width={width}"):
            expect_matches(
                learner.all_coordinates_scaled, reference.all_coordinates_scaled, height, width,
                mistakes=COORDINATE_MISTAKES,
            )


@part("preprocess_image")
def check_preprocess(learner):
    for seed, (channels, height, width) in enumerate(IMAGES):
        img = gradient_image(height, width, channels, seed=seed)
        with context(f"img: {'RGBA' if channels == 4 else 'RGB'} picture of height {height}, width {width}, float32[{channels}, {height}, {width}]"):
            X, labels = reference.preprocess_image(img).tensors
            got = dataset_tensors(learner.preprocess_image(img))
            expect_matches(lambda img: got[0], lambda img: X, img, what="X, the dataset's first tensor")
            expect_matches(lambda img: got[1], lambda img: labels, img, what="labels, the dataset's second tensor", mistakes=LABEL_MISTAKES)


def dataset_tensors(dataset):
    tensors = getattr(dataset, "tensors", None)
    if not isinstance(tensors, (tuple, list)) or len(tensors) != 2:
        raise CheckFailed(
            f"preprocess_image returned {describe(dataset)}, not a TensorDataset",
            ("Return `TensorDataset(X, labels)` (torch.utils.data.TensorDataset, imported in the stub).",),
        )
    return tuple(tensors)
