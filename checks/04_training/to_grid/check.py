import torch

from mlkata.checking import Mistake, context, expect_matches, generator, load_reference
from mlkata.checking.training import gradient_image, pixel_coordinates

reference = load_reference(__file__)

# (height, width, fraction of the pixels given, nudge): shuffled pixels of a picture. Widths 20
# and 40 make x land below the integer on their own; "nudged" moves every coordinate one
# float32 step down, as any other computation of the coordinates might.
CASES = [
    (12, 20, 1.0, False),
    (30, 40, 0.7, False),
    (12, 16, 1.0, True),
    (9, 6, 0.5, True),
    (5, 1, 1.0, False),
    (1, 1, 1.0, True),
]


def truncating(X, Y, width, height):
    cols_rows = ((X + 1) / 2 * torch.tensor([width, height])).long()
    grid = torch.zeros(height, width, 3)
    grid[cols_rows[:, 1], cols_rows[:, 0]] = (Y + 1) / 2
    return grid


MISTAKES = [
    Mistake(
        "truncates the pixel positions (whole columns or rows come out black)",
        truncating,
        "(x + 1) / 2 * width gives 39.99998 where 40 is meant, and .long() cuts it to 39: add 0.5 before .long() "
        "(or use torch.round) so each value goes to the nearest integer.",
    ),
    Mistake(
        "has height and width swapped",
        lambda X, Y, width, height: reference.to_grid(X, Y, width, height).transpose(0, 1),
        "The grid is (height, width, 3), indexed grid[row, col]: the row comes from y and height, the column from x and width.",
    ),
    Mistake(
        "does not map the colours back to [0, 1]",
        lambda X, Y, width, height: reference.to_grid(X, Y * 2 - 1, width, height),
        "The labels were scaled to [-1, 1]; imshow wants [0, 1]: (Y + 1) / 2.",
    ),
]


def inputs():
    for seed, (height, width, fraction, nudge) in enumerate(CASES):
        n = height * width
        order = torch.randperm(n, generator=generator(seed))[: max(1, int(n * fraction))]
        X = pixel_coordinates(height, width)[order]
        if nudge:
            X = torch.nextafter(X, torch.full_like(X, -2.0))
        image = gradient_image(height, width, seed=seed)
        Y = (image.permute(1, 2, 0).reshape(n, 3) * 2 - 1)[order]
        given = "every pixel" if fraction == 1 else f"{len(order)} of the {n} pixels"
        yield f"{given} of a {height} x {width} picture, shuffled{', coordinates one float32 step low' if nudge else ''}", X, Y, width, height


def check(learner):
    for description, X, Y, width, height in inputs():
        with context(f"X, Y: {description}"):
            expect_matches(learner.to_grid, reference.to_grid, X, Y, width, height, mistakes=MISTAKES)
