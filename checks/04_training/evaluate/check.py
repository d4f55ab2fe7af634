import copy

import torch
import torch.nn.functional as F

from mlkata.checking import context, expect, load_reference
from mlkata.checking.training import (
    Loader,
    RecordingMLP,
    expect_per_example_average,
    expect_python_float,
    image_regression_data,
    seeded,
)

reference = load_reference(__file__)

# (height, width of the picture, batch size, seed): 130 examples in batches of 32
# (4 x 32 + 2), then 300 in batches of 64 (4 x 64 + 44).
CASES = [(10, 13, 32, 0), (15, 20, 64, 1)]


def check(learner):
    for height, width, batch_size, seed in CASES:
        X, Y = image_regression_data(height, width, seed=seed)
        n = len(X)
        dataloader = Loader(X, Y, batch_size)
        sizes = dataloader.sizes()
        label = (f"evaluate on {n} pixels in batches of {batch_size} (the last holds {sizes[-1]}), "
                 "model with Dropout(0.5) handed over in training mode, float64")
        with context(label):
            model = seeded(RecordingMLP(2, 16, 3, dropout=0.5), seed, torch.float64).train()
            expected_model = copy.deepcopy(model)
            expected = reference.evaluate(expected_model, dataloader)
            before = {name: value.detach().clone() for name, value in model.named_parameters()}
            got = expect_python_float(learner.evaluate(model, dataloader), "evaluate")

            expect(len(model.calls) > 0, "evaluate never called the model")
            expect(
                not any(training for training, _, _ in model.calls),
                "evaluate ran the model in training mode: its Dropout dropped activations",
                "Call model.eval() before the loop: in eval mode Dropout passes everything through "
                "(and BatchNorm uses its running statistics).",
            )
            expect(
                not any(grad_enabled for _, grad_enabled, _ in model.calls),
                "evaluate ran the model with gradient tracking on",
                "Wrap the loop in `with torch.inference_mode():` (or torch.no_grad()): evaluation needs no "
                "autograd graph, and building one costs memory and time.",
            )

            model.eval()
            with torch.inference_mode():
                batch_losses = [F.l1_loss(model(X), y).item() for X, y in dataloader]
            expect_per_example_average(got, expected, batch_losses, sizes, batch_size, what="the loss evaluate returned")

            for name, value in model.named_parameters():
                expect(
                    torch.equal(value.detach(), before[name]),
                    f"evaluate changed the model's `{name}`",
                    "Evaluation only measures: no optimizer step, no in-place change of a parameter.",
                )
                expect(
                    value.grad is None,
                    f"evaluate left a gradient in `{name}.grad`",
                    "No backward in evaluate: under torch.inference_mode() nothing is recorded to backpropagate.",
                )
