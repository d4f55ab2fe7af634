import re

import torch
from torch import nn

from mlkata.checking import CheckFailed, context, expect, expect_close, expect_equal, layouts, randn
from mlkata.checking.windows import shares_memory

# (start_dim, end_dim) for Flatten on a (2, 3, 4, 5) input.
FLATTEN_DIMS = [(1, -1), (0, -1), (0, 2), (1, 2), (2, 3), (0, 0), (3, 3), (-3, -2), (-2, -1), (1, -2), (-4, 1)]
# MaxPool2d(*args), from the simplest.
POOL_ARGS = [(2,), (3, 2), (3, 2, 1), (3, None, 1), ((2, 3), (1, 2), (1, 0)), (1,)]


def expect_module(module, name):
    expect(
        isinstance(module, nn.Module),
        f"{name} should be an nn.Module (class {name}(nn.Module)), got a {type(module).__name__}",
    )
    expect_equal(len(list(module.parameters())), 0, what=f"the number of parameters of {name}")


def check_relu(learner):
    relu = learner.ReLU()
    expect_module(relu, "ReLU")
    for dtype in (torch.float32, torch.float64):
        x = randn(3, 4, 5, seed=1, dtype=dtype)
        x[0, 0, :3] = 0.0
        for layout, x_in in layouts(x):
            with context(f"ReLU on a {layout} input"):
                expect_close(learner.call(relu.forward, x_in, name="ReLU()"), torch.relu(x), what="ReLU()(x)")
    with context("ReLU on an empty tensor"):
        expect_close(learner.call(relu.forward, randn(0, 3, seed=2), name="ReLU()"), torch.zeros(0, 3), what="ReLU()(x)")


def check_flatten(learner):
    x = randn(2, 3, 4, 5, seed=3)
    for start_dim, end_dim in FLATTEN_DIMS:
        label = f"Flatten(start_dim={start_dim}, end_dim={end_dim})"
        flatten = learner.Flatten(start_dim, end_dim) if (start_dim, end_dim) != (1, -1) else learner.Flatten()
        expect_module(flatten, "Flatten")
        got = learner.call(flatten.forward, x, name=label)
        expected = nn.Flatten(start_dim, end_dim)(x)
        expect_equal(got, expected, what=f"{label}(x) for x of shape (2, 3, 4, 5)")
        expect(
            shares_memory(got, x),
            f"{label} copied a contiguous input instead of returning a view",
            "Flattening a contiguous tensor never needs a copy: return input.reshape(new_shape) "
            "as it is, with no .clone(), torch.cat or new tensor.",
        )

    # Non-contiguous inputs: a view where the strides allow one (as torch gives), a copy otherwise.
    for layout, x_in in layouts(x)[1:]:
        for start_dim, end_dim in ((1, -1), (0, 1), (2, 3)):
            label = f"Flatten(start_dim={start_dim}, end_dim={end_dim})"
            with context(f"{label} on a {layout} input"):
                flatten = learner.Flatten(start_dim, end_dim)
                expected = nn.Flatten(start_dim, end_dim)(x_in)
                try:
                    got = learner.call(flatten.forward, x_in, name=label)
                except RuntimeError as error:
                    if "view" not in str(error):
                        raise
                    raise CheckFailed(
                        f"{label} fails on a {layout} input: {str(error).splitlines()[0]}",
                        (
                            ".view() needs strides that let the merged dimensions be read as one; "
                            "input.reshape(new_shape) returns a view when it can and copies when it must.",
                        ),
                    ) from None
                expect_equal(got, expected, what=f"{label}(x)")
                if shares_memory(expected, x_in):
                    expect(
                        shares_memory(got, x_in),
                        f"{label} copied a {layout} input although a view was possible",
                        "The merged dimensions sit evenly in memory here, so torch returns a view. "
                        "input.reshape(new_shape) does the same; .contiguous() copies the whole tensor first.",
                    )

    with context("Flatten on an empty batch (size 0)"):
        empty = randn(0, 3, 4, seed=4)
        expect_equal(learner.call(learner.Flatten().forward, empty, name="Flatten()"), empty.reshape(0, 12), what="Flatten()(x)")
    with context("Flatten(0, -1) on a 1-D input"):
        vector = randn(6, seed=5)
        expect_equal(learner.call(learner.Flatten(0, -1).forward, vector, name="Flatten(0, -1)"), vector, what="Flatten(0, -1)(x)")


def repr_value_forms(value, kernel_size):
    """The ways extra_repr may show one setting: as given, or as a pair (3 or (3, 3))."""
    if value is None:
        return ["None", *repr_value_forms(kernel_size, kernel_size)]
    if isinstance(value, int):
        return [str(value), str((value, value)), str([value, value])]
    return [str(tuple(value)), str(list(value))]


def check_maxpool(learner):
    x = randn(2, 3, 7, 8, seed=6)
    for args in POOL_ARGS:
        label = "MaxPool2d(" + ", ".join(map(str, args)) + ")"
        with context(label):
            pool = learner.MaxPool2d(*args)
            expect_module(pool, "MaxPool2d")
            expect_equal(learner.call(pool.forward, x, name=label), nn.MaxPool2d(*args)(x), what=f"{label}(x)")

    with context("MaxPool2d(kernel_size=3, stride=2, padding=1) on an all-negative input"):
        pool = learner.MaxPool2d(kernel_size=3, stride=2, padding=1)
        negative = -(randn(2, 3, 6, 7, seed=7).abs() + 0.1)
        expect_equal(learner.call(pool.forward, negative, name="MaxPool2d(3, 2, 1)"), nn.MaxPool2d(3, 2, 1)(negative), what="the output")

    for args in ((3, 2, 1), (2, None, 0), ((2, 3), (1, 2), (1, 0))):
        kernel_size, stride, padding = args
        label = "MaxPool2d(" + ", ".join(map(str, args)) + ")"
        pool = learner.MaxPool2d(*args)
        text = learner.call(pool.extra_repr, name=f"{label}.extra_repr")
        expect(isinstance(text, str), f"{label}.extra_repr() should return a str, got {type(text).__name__}")
        for name, value in (("kernel_size", kernel_size), ("stride", stride), ("padding", padding)):
            forms = repr_value_forms(value, kernel_size)
            shown = any(re.search(rf"\b{name}\s*=\s*{re.escape(form)}(?![\d.])", text) for form in forms)
            expect(
                shown,
                f"{label}.extra_repr() should show {name}={forms[0]}; it returned {text!r}",
                'Return the settings as text, e.g. "kernel_size=3, stride=2, padding=1"; '
                "print(model) shows it for every layer.",
            )


def check(learner):
    check_relu(learner)
    check_flatten(learner)
    check_maxpool(learner)
