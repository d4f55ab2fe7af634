import torch
import torch.nn.functional as F

from mlkata.checking import context, expect_matches, layouts, part, randn

INF = float("inf")
HUGE_ROWS = [
    [1000.0, 1000.0, 999.0],
    [-1000.0, -1000.0, -999.0],
    [1000.0, -1000.0, 0.0],
]


def inputs():
    """(description, matrix)."""
    for dtype in (torch.float32, torch.float64):
        name = str(dtype).removeprefix("torch.")
        for index, shape in enumerate([(4, 6), (1, 1), (3, 1), (0, 5)]):
            for layout, matrix in layouts(randn(*shape, seed=index, dtype=dtype)):
                yield f"{name} {shape}, {layout}", matrix
        yield f"{name} rows of ±1000: {HUGE_ROWS}", torch.tensor(HUGE_ROWS, dtype=dtype)
        yield f"{name} (5, 7) of values up to a few hundred", 300 * randn(5, 7, seed=9, dtype=dtype)
        yield f"{name} rows with a -inf entry: [[0, -inf, 1], [2, 3, -inf]]", torch.tensor([[0.0, -INF, 1.0], [2.0, 3.0, -INF]], dtype=dtype)


def check_rows(learner_fn, reference, what):
    for description, matrix in inputs():
        with context(f"matrix: {description}"):
            expect_matches(learner_fn, reference, matrix, what=what)


@part("batched_logsumexp")
def check_logsumexp(learner):
    check_rows(learner.batched_logsumexp, lambda matrix: torch.logsumexp(matrix, dim=1), "logsumexp")


@part("batched_softmax")
def check_softmax(learner):
    check_rows(learner.batched_softmax, lambda matrix: F.softmax(matrix, dim=1), "softmax")


@part("batched_logsoftmax")
def check_logsoftmax(learner):
    check_rows(learner.batched_logsoftmax, lambda matrix: F.log_softmax(matrix, dim=1), "logsoftmax")
