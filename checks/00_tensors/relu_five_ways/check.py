import torch
import torch.nn.functional as F

from mlkata.checking import context, expect, expect_close, layouts, randn

FUNCTIONS = ["relu_clone_setitem", "relu_where", "relu_maximum", "relu_abs", "relu_multiply_bool"]


def value_inputs():
    """(description, x): values of both signs, some large, some exactly zero."""
    for dtype in (torch.float32, torch.float64):
        name = str(dtype).removeprefix("torch.")
        x = 10 * randn(4, 5, seed=1, dtype=dtype)
        x[0, :2] = 0.0  # relu(0) = 0 whichever way it is computed
        for layout, x_in in layouts(x):
            yield f"{name} (4, 5), {layout}", x_in
        yield f"{name} (7,)", 10 * randn(7, seed=2, dtype=dtype)
        yield f"{name} (2, 3, 4)", 10 * randn(2, 3, 4, seed=3, dtype=dtype)
        yield f"{name} (0, 3)", randn(0, 3, seed=4, dtype=dtype)


def expect_gradient(learner, name):
    """With x.requires_grad, the gradient of sum(g * relu(x)) is g where x > 0 and 0 where x < 0."""
    for dtype in (torch.float32, torch.float64):
        x = randn(3, 4, seed=5, dtype=dtype).requires_grad_()  # no exact zeros: the gradient is defined everywhere
        g = randn(3, 4, seed=6, dtype=dtype)  # an upstream gradient
        with context(f"x: {str(dtype).removeprefix('torch.')} (3, 4) with requires_grad=True, backward with a random upstream gradient"):
            out = getattr(learner, name)(x)
            expect(
                isinstance(out, torch.Tensor) and out.requires_grad,
                f"the result of {name} is cut off from x: it does not require grad",
                "Compute it from x with torch operations; .detach(), .data, torch.tensor(...) and numpy cut the connection.",
            )
            out.backward(g)
            x_ref = x.detach().clone().requires_grad_()
            F.relu(x_ref).backward(g)
            expect_close(x.grad, x_ref.grad, what=f"the gradient of {name} with respect to x")


def check(learner):
    for name in FUNCTIONS:
        for description, x in value_inputs():
            with context(f"x: {description}"):
                expect_close(getattr(learner, name)(x), F.relu(x), what=f"{name}(x)")
        expect_gradient(learner, name)
