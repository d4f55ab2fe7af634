import re

import torch
from torch import nn

from mlkata.checking import CheckFailed, Mistake, context, expect, expect_equal, expect_matches, layouts, part, randn
from mlkata.checking.windows import Refused, explaining, shares_memory

# (start_dim, end_dim) for Flatten on a (2, 3, 4, 5) input.
FLATTEN_DIMS = [(1, -1), (0, -1), (0, 2), (1, 2), (2, 3), (0, 0), (3, 3), (-3, -2), (-2, -1), (1, -2), (-4, 1)]
# MaxPool2d(*args), from the simplest.
POOL_ARGS = [(2,), (3, 2), (3, 2, 1), (3, None, 1), ((2, 3), (1, 2), (1, 0)), (1,)]
# MaxPool2d(*args) whose extra_repr is read: defaults left out first, then every setting given.
REPR_ARGS = [(2,), ((2, 3),), (3, 2, 1), (2, None, 0), ((2, 3), (1, 2), (1, 0))]


def expect_module(module, name):
    expect(
        isinstance(module, nn.Module),
        f"{name} should be an nn.Module (class {name}(nn.Module)), got a {type(module).__name__}",
    )
    expect_equal(len(list(module.parameters())), 0, what=f"the number of parameters of {name}")


def exact(got, expected, *args, what):
    if isinstance(got, Refused):
        raise got.failure
    expect_equal(got, expected, what=what)


def module_call(learner, module, label):
    """The module's forward through the learner, as a function of its input (for the simplest case)."""
    call = explaining(lambda x: learner.call(module.forward, x, name=label), learner=learner)
    call._name = label
    return call


RELU_MISTAKES = [
    Mistake("it keeps the negative values and zeroes the positive ones (min(x, 0))",
            lambda x: torch.minimum(x, torch.zeros_like(x)), "ReLU keeps the larger of x and 0: torch.maximum(x, torch.zeros_like(x))."),
    Mistake("it returns |x|", lambda x: x.abs(), "Negative values become 0, not their absolute value."),
    Mistake("it returns the mask x > 0, not the values", lambda x: (x > 0).to(x.dtype),
            "Keep the positive values themselves: torch.where(x > 0, x, 0) or torch.maximum(x, zeros)."),
]


@part("ReLU")
def check_relu(learner):
    relu = learner.ReLU()
    expect_module(relu, "ReLU")
    call = module_call(learner, relu, "ReLU()")
    for dtype in (torch.float32, torch.float64):
        x = randn(3, 4, 5, seed=1, dtype=dtype)
        x[0, 0, :3] = 0.0
        for layout, x_in in layouts(x):
            with context(f"ReLU on a {layout} {str(dtype).removeprefix('torch.')} input"):
                expect_matches(call, torch.relu, x_in, what="ReLU()(x)", judge=exact, mistakes=RELU_MISTAKES)
    for value in (-1.5, 2.0):
        with context(f"ReLU on a 0-dimensional tensor ({value})"):
            expect_matches(call, torch.relu, torch.tensor(value), what="ReLU()(x)", judge=exact, mistakes=RELU_MISTAKES)
    with context("ReLU on an empty tensor"):
        expect_matches(call, torch.relu, randn(0, 3, seed=2), what="ReLU()(x)", judge=exact)


def flatten_judge(label, layout):
    """Exact values, and a view wherever torch's Flatten gives one."""

    def judge(got, expected, x, what):
        exact(got, expected, x, what=what)
        if x.numel() > 0 and shares_memory(expected, x) and not shares_memory(got, x):
            if layout == "contiguous":
                raise CheckFailed(
                    f"{label} copied a contiguous input instead of returning a view",
                    ("Flattening a contiguous tensor never needs a copy: return input.reshape(new_shape) "
                     "as it is, with no .clone(), torch.cat or new tensor.",),
                )
            raise CheckFailed(
                f"{label} copied a {layout} input although a view was possible",
                ("The merged dimensions sit evenly in memory here, so torch returns a view. "
                 "input.reshape(new_shape) does the same; .contiguous() copies the whole tensor first.",),
            )

    return judge


def flatten_mistakes(start_dim, end_dim):
    def end_left_out(x):
        start, end = start_dim % x.dim(), end_dim % x.dim()
        return x.flatten(start, end - 1) if end - 1 > start else None

    def start_left_out(x):
        start, end = start_dim % x.dim(), end_dim % x.dim()
        return x.flatten(start + 1, end) if end > start + 1 else None

    return [
        Mistake("it leaves dimension end_dim out of the merge (end_dim is included)", end_left_out,
                "Flatten merges start_dim..end_dim, both included: the merged size is math.prod(shape[start:end + 1])."),
        Mistake("it leaves dimension start_dim out of the merge (start_dim is included)", start_left_out,
                "Flatten merges start_dim..end_dim, both included: the new shape is "
                "(*shape[:start], merged, *shape[end + 1:])."),
    ]


def compare_flatten(learner, start_dim, end_dim, x, layout="contiguous", *, default=False):
    label = f"Flatten(start_dim={start_dim}, end_dim={end_dim})"
    flatten = learner.Flatten() if default else learner.Flatten(start_dim, end_dim)
    expect_module(flatten, "Flatten")
    expect_matches(module_call(learner, flatten, label), nn.Flatten(start_dim, end_dim), x,
                   what=f"{label}(x) for x of shape {tuple(x.shape)}", judge=flatten_judge(label, layout),
                   mistakes=flatten_mistakes(start_dim, end_dim))


@part("Flatten")
def check_flatten(learner):
    x = randn(2, 3, 4, 5, seed=3)
    for start_dim, end_dim in FLATTEN_DIMS:
        compare_flatten(learner, start_dim, end_dim, x, default=(start_dim, end_dim) == (1, -1))

    # Non-contiguous inputs: a view where the strides allow one (as torch gives), a copy otherwise.
    for layout, x_in in layouts(x)[1:]:
        for start_dim, end_dim in ((1, -1), (0, 1), (2, 3)):
            with context(f"Flatten(start_dim={start_dim}, end_dim={end_dim}) on a {layout} input"):
                compare_flatten(learner, start_dim, end_dim, x_in, layout)

    with context("Flatten(0, -1) on a 1-D input"):
        compare_flatten(learner, 0, -1, randn(6, seed=5))
    with context("Flatten on an empty batch (size 0)"):
        compare_flatten(learner, 1, -1, randn(0, 3, 4, seed=4), default=True)


def repr_value_forms(value, kernel_size):
    """The ways extra_repr may show one setting: as given, or as a pair (3 or (3, 3))."""
    if value is None:
        return ["None", *repr_value_forms(kernel_size, kernel_size)]
    if isinstance(value, int):
        return [str(value), str((value, value)), str([value, value])]
    return [str(tuple(value)), str(list(value))]


def pool_settings(args):
    """(kernel_size, stride, padding) of MaxPool2d(*args), with the defaults filled in."""
    return args[0], args[1] if len(args) > 1 else None, args[2] if len(args) > 2 else 0


def pool_label(args):
    return "MaxPool2d(" + ", ".join(map(str, args)) + ")"


@part("MaxPool2d")
def check_maxpool(learner):
    x = randn(2, 3, 7, 8, seed=6)
    for args in POOL_ARGS:
        label = pool_label(args)
        with context(label):
            pool = learner.MaxPool2d(*args)
            expect_module(pool, "MaxPool2d")
            kernel_size, stride, padding = pool_settings(args)
            mistakes = [
                Mistake("it takes stride=None as 1, not as kernel_size", nn.MaxPool2d(kernel_size, 1, padding),
                        "stride=None means the windows do not overlap: the stride is kernel_size.") if stride is None else None,
                Mistake("it uses kernel_size as the stride", nn.MaxPool2d(kernel_size, kernel_size, padding),
                        "Pass the stored stride on to the pooling (kernel_size only when stride is None).")
                if stride is not None and stride != kernel_size else None,
                Mistake("it ignores the padding", nn.MaxPool2d(kernel_size, stride, 0),
                        "Pass the stored padding on to the pooling in forward.") if padding else None,
            ]
            expect_matches(module_call(learner, pool, label), nn.MaxPool2d(*args), x, what=f"{label}(x)",
                           judge=exact, mistakes=[m for m in mistakes if m is not None])

    with context("MaxPool2d(kernel_size=3, stride=2, padding=1) on an all-negative input"):
        pool = learner.MaxPool2d(kernel_size=3, stride=2, padding=1)
        negative = -(randn(2, 3, 6, 7, seed=7).abs() + 0.1)
        expect_matches(module_call(learner, pool, "MaxPool2d(3, 2, 1)"), nn.MaxPool2d(3, 2, 1), negative,
                       what="the output", judge=exact)

    for args in REPR_ARGS:
        kernel_size, stride, padding = pool_settings(args)
        label = pool_label(args)
        pool = learner.MaxPool2d(*args)
        text = learner.call(pool.extra_repr, name=f"{label}.extra_repr")
        expect(isinstance(text, str), f"{label}.extra_repr() should return a str, got {type(text).__name__}")
        for name, value in (("kernel_size", kernel_size), ("stride", stride), ("padding", padding)):
            forms = repr_value_forms(value, kernel_size)
            shown = any(re.search(rf"\b{name}\s*=\s*{re.escape(form)}(?![\d.])", text) for form in forms)
            given = len(args) > 1 or name == "kernel_size"
            expect(
                shown,
                f"{label}.extra_repr() should show {name}={forms[0] if given or value is not None else forms[1]}; it returned {text!r}",
                'Return every setting as text, e.g. "kernel_size=3, stride=2, padding=1", the defaults too; '
                "print(model) shows it for every layer.",
            )
