"""Checks for training code: generated data, small models, training loops' results.

Nothing here downloads anything. The data is generated: two moons from NumPy (as
sklearn's make_moons draws them), and a smooth colour gradient with a little seeded
noise standing in for a photograph. The models are tiny and seeded, so a whole
training run costs a few milliseconds.

    X, Y = image_regression_data(15, 20)          # 300 pixels: coordinates -> colours
    model = seeded(RecordingMLP(2, 16, 3, dropout=0.5), seed=0, dtype=torch.float64)
    expect_per_example_average(got, expected, batch_losses, sizes, batch_size, what="the loss")

Optimizers are compared with torch.optim in `optimizers.py`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from mlkata.checking.compare import expect_close
from mlkata.checking.failure import CheckFailed
from mlkata.checking.inputs import generator
from mlkata.checking.learner import Learner

# Bound once, before learner code runs (see compare.py for why).
_is_grad_enabled = torch.is_grad_enabled
_is_inference_mode_enabled = torch.is_inference_mode_enabled

# Float64 runs compare with room for a rearranged formula, far below any real mistake.
FLOAT64_TOLERANCE = {"rtol": 1e-9, "atol": 1e-12}
FLOAT32_TOLERANCE = {"rtol": 1e-4, "atol": 1e-6}
EXCEPTIONS_OF_BUGS = (TypeError, AttributeError, NameError, KeyError, IndexError, ZeroDivisionError, NotImplementedError)


# ---------------------------------------------------------------- generated data


def two_moons(n: int, noise: float = 0.1, seed: int = 0, dtype: torch.dtype = torch.float64):
    """(X, y): n points on two interleaved half circles (as sklearn's make_moons), shuffled.

    X has shape (n, 2) and `dtype`; y is int64, 0 for the upper moon and 1 for the lower.
    """
    rng = numpy.random.default_rng(seed)
    n_upper = n // 2
    n_lower = n - n_upper
    t_upper = numpy.linspace(0, numpy.pi, n_upper)
    t_lower = numpy.linspace(0, numpy.pi, n_lower)
    upper = numpy.stack([numpy.cos(t_upper), numpy.sin(t_upper)], axis=1)
    lower = numpy.stack([1 - numpy.cos(t_lower), 0.5 - numpy.sin(t_lower)], axis=1)
    X = numpy.concatenate([upper, lower]) + rng.normal(scale=noise, size=(n, 2))
    y = numpy.concatenate([numpy.zeros(n_upper, dtype=numpy.int64), numpy.ones(n_lower, dtype=numpy.int64)])
    order = rng.permutation(n)
    return torch.from_numpy(X[order]).to(dtype), torch.from_numpy(y[order])


def gradient_image(height: int, width: int, channels: int = 3, seed: int = 0) -> torch.Tensor:
    """A (channels, height, width) float32 picture in [0, 1]: colour gradients plus a little noise.

    Red grows to the right, green downwards, blue along the diagonal; a fourth channel
    (alpha) is a different gradient, so keeping it is visible. The noise makes every
    pixel differ from its neighbours, so no reordering of pixels can go unnoticed.
    """
    rows = torch.linspace(0, 1, height).view(height, 1).expand(height, width)
    cols = torch.linspace(0, 1, width).view(1, width).expand(height, width)
    planes = [cols, rows, (rows + cols) / 2, 1 - rows * cols][:channels]
    image = torch.stack(planes) * 0.8 + 0.2 * torch.rand(channels, height, width, generator=generator(seed))
    return image.clamp(0, 1).contiguous()


def pixel_coordinates(height: int, width: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """(height * width, 2): (x, y) of every pixel, row by row, x = 2 col / width - 1, y = 2 row / height - 1."""
    rows = torch.arange(height, dtype=dtype).repeat_interleave(width)
    cols = torch.arange(width, dtype=dtype).repeat(height)
    return torch.stack([cols / width, rows / height], dim=1) * 2 - 1


def image_regression_data(height: int, width: int, seed: int = 0, dtype: torch.dtype = torch.float64):
    """(X, Y) for the image memorizer: pixel coordinates and their colours scaled to [-1, 1]."""
    image = gradient_image(height, width, seed=seed).to(dtype)
    X = pixel_coordinates(height, width, dtype)
    Y = image.permute(1, 2, 0).reshape(height * width, 3) * 2 - 1
    return X, Y


class Loader(DataLoader):
    """torch's DataLoader over (X, Y), in order, named by what it holds in failure messages."""

    def __init__(self, X: torch.Tensor, Y: torch.Tensor, batch_size: int) -> None:
        super().__init__(TensorDataset(X, Y), batch_size=batch_size)

    def sizes(self) -> list[int]:
        """The number of examples in each batch; the last is smaller when batch_size does not divide them."""
        n = len(self.dataset)
        return [min(self.batch_size, n - start) for start in range(0, n, self.batch_size)]

    def __repr__(self) -> str:
        return f"DataLoader({len(self.dataset)} examples in batches of {', '.join(map(str, self.sizes()))})"


# ---------------------------------------------------------------- models


class RecordingMLP(nn.Module):
    """Linear-ReLU-(Dropout)-Linear-ReLU-Linear that remembers how each forward pass ran.

    `calls` holds one (training, grad_enabled, inference_mode) triple per forward pass,
    so a check can tell whether a loop put the model in eval mode and switched off
    gradient tracking.
    """

    def __init__(self, in_dim: int, hidden_dim: int, out_dim: int, dropout: float = 0.0) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Linear(in_dim, hidden_dim), nn.ReLU()]
        if dropout:
            layers.append(nn.Dropout(dropout))
        layers += [nn.Linear(hidden_dim, hidden_dim), nn.ReLU(), nn.Linear(hidden_dim, out_dim)]
        self.layers = nn.Sequential(*layers)
        self.calls: list[tuple[bool, bool, bool]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls.append((self.training, _is_grad_enabled(), _is_inference_mode_enabled()))
        return self.layers(x)


def seeded(module: nn.Module, seed: int, dtype: torch.dtype) -> nn.Module:
    """`module` in `dtype` with every parameter drawn from `seed`: uniform in ±1/√fan_in, 0-d ones near 1."""
    gen = generator(seed)
    module = module.to(dtype)
    with torch.no_grad():
        for parameter in module.parameters():
            if parameter.dim() == 0:
                parameter.copy_(1 + 0.2 * torch.rand((), generator=gen, dtype=dtype))
            else:
                fan_in = parameter.shape[1] if parameter.dim() > 1 else parameter.shape[0]
                bound = 1 / math.sqrt(fan_in)
                parameter.copy_((torch.rand(parameter.shape, generator=gen, dtype=dtype) * 2 - 1) * bound)
    return module


# ---------------------------------------------------------------- other helpers


def expect_raises(call: Callable[[], Any], *, headline: str, advice: str) -> None:
    """`call()` must raise an error of its own making (an assert, ValueError, ...), not a bug's.

    A TypeError, AttributeError, IndexError or the like comes from a mistake in the code,
    not from a check: it fails as an error with its own traceback.
    """
    try:
        call()
    except EXCEPTIONS_OF_BUGS:
        raise
    except Exception:  # noqa: BLE001 - the error asked for
        return
    raise CheckFailed(headline, (advice,))


def call_changing_inputs(learner: Learner, name: str, *args: Any, **kwargs: Any) -> Any:
    """The learner's `name(*args, **kwargs)`, allowed to change its tensor arguments in place.

    An optimization loop moves the tensor it is given (`xy` of opt_banana), so the usual
    "input changed in place" guard must not apply; everything else (not written yet,
    replaced functions put back) does.
    """
    function = getattr(learner, name)._fn
    return learner.call(function, *args, name=name, inputs_may_change=True, **kwargs)


def expect_python_float(value: Any, what: str) -> float:
    """`value` is a Python float (not a tensor, which would keep the graph alive)."""
    if isinstance(value, torch.Tensor):
        graph = " that still carries its autograd graph" if value.requires_grad else ""
        raise CheckFailed(
            f"{what} returned a tensor{graph}, not a Python float",
            ("Add up plain numbers: `loss.item()` turns a one-element tensor into a float and lets its graph go.",),
        )
    if isinstance(value, bool) or not isinstance(value, (float, int, numpy.floating)):
        raise CheckFailed(
            f"{what} returned {type(value).__name__}, not a float",
            ("Did you forget a `return`?" if value is None else "Return the average loss as a Python float.",),
        )
    return float(value)


def expect_per_example_average(
    got: float, expected: float, batch_losses: Sequence[float], sizes: Sequence[int], batch_size: int, *, what: str
) -> None:
    """`got` is the per-example average loss; the usual wrong averages are named.

    `batch_losses[i]` is the mean loss of batch i, which holds `sizes[i]` examples; the
    loader's nominal batch size is `batch_size` (the last batch is smaller).
    """
    count = sum(sizes)
    wrong = [
        (sum(batch_losses) / len(batch_losses),
         "is the plain mean of the batch losses",
         f"The last batch holds {sizes[-1]} examples, not {batch_size}: weight each batch's mean loss by its size, "
         "`total += loss.item() * len(X)`, and divide by the number of examples."),
        (sum(loss * batch_size for loss in batch_losses) / count,
         "weights every batch by the loader's batch_size",
         f"The last batch holds only {sizes[-1]} examples: weight by `len(X)`, the size of the batch at hand."),
        (sum(loss * size for loss, size in zip(batch_losses, sizes)) / len(batch_losses),
         "divides by the number of batches instead of the number of examples",
         f"Divide the weighted total by the number of examples seen ({count})."),
        (sum(loss * size for loss, size in zip(batch_losses, sizes)),
         "is the total loss, not divided by the number of examples",
         f"Divide the weighted total by the number of examples seen ({count})."),
        (sum(batch_losses),
         "is the sum of the batch losses",
         "Weight each batch's mean loss by its size, add them up and divide by the number of examples."),
        (batch_losses[-1],
         "is the last batch's loss only",
         "Accumulate over every batch: `total += loss.item() * len(X)` inside the loop, and divide at the end."),
    ]
    tolerance = FLOAT64_TOLERANCE
    if math.isclose(got, expected, rel_tol=tolerance["rtol"], abs_tol=tolerance["atol"]):
        return
    for value, headline, advice in wrong:
        if math.isclose(got, value, rel_tol=tolerance["rtol"], abs_tol=tolerance["atol"]):
            raise CheckFailed(f"{what} {headline}", (advice, f"expected {expected:.10g}, got {got:.10g}"))
    expect_close(got, expected, what=what, **tolerance)
