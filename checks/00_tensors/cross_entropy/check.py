import torch
import torch.nn.functional as F

from mlkata.checking import context, expect_matches, randint, randn, strided, transposed

INF = float("inf")


def inputs():
    """(description, logits, true_labels)."""
    for dtype in (torch.float32, torch.float64):
        name = str(dtype).removeprefix("torch.")
        for index, (batch, n_classes) in enumerate([(5, 4), (8, 10), (1, 1), (3, 1), (0, 3)]):
            logits = 2 * randn(batch, n_classes, seed=index, dtype=dtype)
            labels = randint(0, n_classes, batch, seed=index + 100)
            yield f"{name} {(batch, n_classes)}", logits, labels
        logits = 2 * randn(6, 5, seed=7, dtype=dtype)
        labels = randint(0, 5, 6, seed=107)
        yield f"{name} (6, 5), logits transposed in memory, labels strided", transposed(logits), strided(labels)
        yield (
            f"{name} logits of ±1000: [[1000, -1000, 0], [-1000, 1000, 999]], labels [1, 2]",
            torch.tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]], dtype=dtype),
            torch.tensor([1, 2]),
        )
        yield (
            f"{name} -inf logits: [[0, -inf, 1], [0, -inf, 1], [-inf, 2, 3]], labels [1, 2, 1]"
            " (the first example's true class is impossible: its loss is inf)",
            torch.tensor([[0.0, -INF, 1.0], [0.0, -INF, 1.0], [-INF, 2.0, 3.0]], dtype=dtype),
            torch.tensor([1, 2, 1]),
        )


def check(learner):
    for description, logits, labels in inputs():
        with context(f"logits: {description}"):
            expect_matches(learner.batched_cross_entropy_loss, per_example_loss, logits, labels, what="the losses")


def per_example_loss(logits, true_labels):
    return F.cross_entropy(logits, true_labels, reduction="none")
