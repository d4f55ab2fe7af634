import torch

from mlkata.checking import CheckFailed, context, expect, expect_close, load_reference
from mlkata.checking.describe import describe
from mlkata.checking.optimizers import dtype_name
from mlkata.checking.training import FLOAT32_TOLERANCE, FLOAT64_TOLERANCE, call_changing_inputs

reference = load_reference(__file__)

# (start, n_iters, keyword arguments, dtype): MLAB's run with the defaults first, then
# short runs (a step costs about a millisecond here).
CASES = [
    ((-1.5, 2.5), 100, {}, torch.float32),
    ((-1.5, 2.5), 30, {"lr": 0.001, "momentum": 0.98}, torch.float64),
    ((0.5, -0.5), 20, {"lr": 0.002, "momentum": 0.5}, torch.float64),
    ((1.2, 1.0), 6, {"lr": 0.0005, "momentum": 0.0}, torch.float32),
    ((-1.0, 1.0), 1, {}, torch.float64),
]


def trajectory(start, n_iters, lr, momentum, dtype, zero_grad=True, after=False):
    """The points before (or, with after=True, after) each of n_iters SGD steps."""
    xy = torch.tensor(start, dtype=dtype, requires_grad=True)
    optimizer = torch.optim.SGD([xy], lr=lr, momentum=momentum)
    points = []
    for _ in range(n_iters):
        if not after:
            points.append(xy.detach().clone())
        if zero_grad:
            optimizer.zero_grad()
        reference.rosenbrocks_banana(xy[0], xy[1]).backward()
        optimizer.step()
        if after:
            points.append(xy.detach().clone())
    return torch.stack(points) if points else torch.zeros(0, 2, dtype=dtype)


def check(learner):
    for start, n_iters, kwargs, dtype in CASES:
        settings = "".join(f", {key}={value}" for key, value in kwargs.items())
        with context(f"opt_banana(xy=({start[0]}, {start[1]}) {dtype_name(dtype)} requires_grad, n_iters={n_iters}{settings})"):
            lr, momentum = kwargs.get("lr", 0.001), kwargs.get("momentum", 0.98)
            expected = reference.opt_banana(torch.tensor(start, dtype=dtype, requires_grad=True), n_iters, **kwargs)
            xy = torch.tensor(start, dtype=dtype, requires_grad=True)
            got = call_changing_inputs(learner, "opt_banana", xy, n_iters, **kwargs)
            if not isinstance(got, torch.Tensor):
                raise CheckFailed(
                    f"opt_banana returned {describe(got)}, not a tensor of shape ({n_iters}, 2)",
                    ("Collect the points in `xy.new_zeros((n_iters, 2))` (or torch.stack a list of detached clones).",),
                )
            tolerance = FLOAT64_TOLERANCE if dtype == torch.float64 else FLOAT32_TOLERANCE
            if got.shape == expected.shape and not torch.allclose(got.detach().to(dtype), expected, **tolerance):
                name_mistake(got.detach().to(dtype), xy.detach(), start, n_iters, lr, momentum, dtype, tolerance)
            expect_close(got, expected, what="the trajectory", **tolerance)
            expect(
                xy.detach().data_ptr() != got.data_ptr(),
                "opt_banana returned xy's own memory",
                "Record copies: `out[i] = xy.detach()` writes the values into out.",
            )


def name_mistake(got, final, start, n_iters, lr, momentum, dtype, tolerance) -> None:
    if n_iters > 1 and torch.allclose(got, final.expand(n_iters, 2), equal_nan=True, **tolerance):
        raise CheckFailed(
            "every row of the trajectory is xy's final position: the rows are views of xy, not copies",
            ("xy.detach() shares xy's memory, so each stored row changes with every step. Write the values into a "
             "preallocated tensor (`out[i] = xy.detach()`) or store `xy.detach().clone()`.",),
        )
    if torch.allclose(got, trajectory(start, n_iters, lr, momentum, dtype, after=True), equal_nan=True, **tolerance):
        raise CheckFailed(
            "the trajectory records each point after its step: row 0 must be the starting point",
            ("Store the point first, then step: row i is xy BEFORE step i.",),
        )
    if torch.allclose(got, trajectory(start, n_iters, lr, momentum, dtype, zero_grad=False), equal_nan=True, **tolerance):
        raise CheckFailed(
            "the trajectory is what SGD gives when the gradients are never cleared",
            ("backward() adds into xy.grad: call optimizer.zero_grad() before each backward pass.",),
        )
