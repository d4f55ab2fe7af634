import copy

import torch
import torch.nn.functional as F

from mlkata.checking import CheckFailed, context, expect, expect_close, load_reference
from mlkata.checking.training import (
    Loader,
    FLOAT64_TOLERANCE,
    RecordingMLP,
    expect_per_example_average,
    expect_python_float,
    image_regression_data,
    seeded,
)

reference = load_reference(__file__)

# (height, width of the picture, batch size): 300 examples in batches of 64 (4 x 64 + 44),
# then 130 in batches of 32 (4 x 32 + 2).
CASES = [(15, 20, 64, 0), (10, 13, 32, 1)]


def run_epoch(model, dataloader, zero_grad=True, rebuild=False, loss_fn=F.l1_loss, sgd=False):
    """One epoch as the reference runs it, or with one known mistake; returns the batch losses."""
    model.train()
    make = (lambda: torch.optim.SGD(model.parameters(), lr=0.001)) if sgd else (lambda: torch.optim.Adam(model.parameters()))
    optimizer = make()
    losses = []
    for X, y in dataloader:
        if rebuild:
            optimizer = make()
        if zero_grad:
            optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


TRAINING_MISTAKES = [
    ("never clears the gradients, so they add up from batch to batch",
     "Call optimizer.zero_grad() before each backward pass: backward adds into .grad.",
     dict(zero_grad=False)),
    ("creates a new optimizer for every batch, so Adam forgets its running averages",
     "Create the optimizer once, before the loop over batches.",
     dict(rebuild=True)),
    ("sums the loss over the batch instead of averaging it",
     "F.l1_loss(prediction, y) with its default reduction, 'mean'.",
     dict(loss_fn=lambda p, y: F.l1_loss(p, y, reduction="sum"))),
    ("uses the mean squared error",
     "The loss of this exercise is F.l1_loss(prediction, y), the mean absolute error.",
     dict(loss_fn=F.mse_loss)),
    ("uses SGD",
     "The optimizer is torch.optim.Adam(model.parameters()), with its defaults.",
     dict(sgd=True)),
]


def check(learner):
    for height, width, batch_size, seed in CASES:
        X, Y = image_regression_data(height, width, seed=seed)
        n = len(X)
        dataloader = Loader(X, Y, batch_size)
        sizes = dataloader.sizes()
        label = f"train_one_epoch on {n} pixels (coordinates -> colours) in batches of {batch_size} (the last holds {sizes[-1]}), float64"
        with context(label):
            model = seeded(RecordingMLP(2, 16, 3), seed, torch.float64).eval()
            start = copy.deepcopy(model)
            expected_model = copy.deepcopy(start)
            expected = reference.train_one_epoch(expected_model, dataloader)
            got = expect_python_float(learner.train_one_epoch(model, dataloader), "train_one_epoch")

            if not same_parameters(model, expected_model):
                for headline, advice, knobs in TRAINING_MISTAKES:
                    wrong = copy.deepcopy(start)
                    run_epoch(wrong, dataloader, **knobs)
                    if same_parameters(model, wrong):
                        raise CheckFailed(f"train_one_epoch {headline}", (advice, "The model's parameters after the epoch equal what that gives."))
                for (name, value), (_, expected_value) in zip(model.named_parameters(), expected_model.named_parameters()):
                    expect_close(value, expected_value, what=f"the model's `{name}` after one epoch", **FLOAT64_TOLERANCE)

            batch_losses = run_epoch(copy.deepcopy(start), dataloader)
            expect_per_example_average(got, expected, batch_losses, sizes, batch_size, what="the loss train_one_epoch returned")

            expect(len(model.calls) > 0, "train_one_epoch never called the model")
            expect(
                all(training for training, _, _ in model.calls),
                "train_one_epoch ran the model in eval mode",
                "Call model.train() at the start: evaluate() leaves the model in eval mode, where Dropout and "
                "BatchNorm behave as for inference.",
            )


def same_parameters(model, other) -> bool:
    return all(
        torch.allclose(a, b, **FLOAT64_TOLERANCE)
        for a, b in zip(model.parameters(), other.parameters())
    )
