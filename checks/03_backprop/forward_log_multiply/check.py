import numpy as np

from mlkata.checking import context, expect_close, part
from mlkata.checking.autograd import (
    expect_backprop_like_torch,
    expect_no_recipe,
    expect_recipe,
    explained_crash,
    given,
    tracking_off,
    twin_leaf,
    Graph,
    Twin,
)

TIGHT = {"rtol": 1e-13, "atol": 1e-13}
TRACKING_OFF = "while grad tracking was off (autograd.grad_tracking_enabled is False inside NoGrad)"
STALE_FLAG = (
    "Read `autograd.grad_tracking_enabled` inside the function, at call time (`from mlkata.given import autograd`): "
    "`from mlkata.given.autograd import grad_tracking_enabled` copies the value once, at import."
)


def intermediate(values: np.ndarray):
    """A Tensor with a recipe that was never marked requires_grad: computed from a leaf that requires grad."""
    A = given()
    leaf = A.Tensor(values, requires_grad=True)
    made = A.Tensor(values * 1.0)
    made.recipe = A.Recipe(np.multiply, (leaf.array, 1.0), {}, {0: leaf})
    return made


def values_of(out, expected, what):
    expect_close(np.asarray(out.array), np.asarray(expected), what=f"{what}.array", **TIGHT)


@part("log_forward")
def check_log(learner):
    A = given()
    rng = np.random.default_rng(0)
    x = A.Tensor(rng.uniform(0.2, 3.0, (2, 3)), requires_grad=True)
    with context("log_forward(x), x of shape (2, 3) requiring grad"):
        out = learner.log_forward(x)
        expect_recipe(out, "log_forward(x)", np.log, (x.array,), {}, {0: x}, labels={0: "x"})
        values_of(out, np.log(x.array), "log_forward(x)")
    with context("log_forward(log_forward(x)): the inner output is an input with a recipe"):
        inner = learner.log_forward(A.Tensor(rng.uniform(1.5, 3.0, (4,)), requires_grad=True))
        outer = learner.log_forward(inner)
        expect_recipe(outer, "the outer log_forward", np.log, (inner.array,), {}, {0: inner}, labels={0: "the inner output"})
        values_of(outer, np.log(inner.array), "the outer log_forward")
    with context("log_forward(t), t has a recipe but requires_grad False (an intermediate never marked)"):
        t = intermediate(rng.uniform(0.5, 2.0, (3,)))
        out = learner.log_forward(t)
        expect_recipe(out, "log_forward(t)", np.log, (t.array,), {}, {0: t}, labels={0: "t"})
    with context("log_forward(x), x requires no grad and has no recipe"):
        plain = A.Tensor(rng.uniform(0.5, 2.0, (3,)))
        out = learner.log_forward(plain)
        expect_no_recipe(out, "log_forward(x)", "for an input that neither requires grad nor has a recipe")
        values_of(out, np.log(plain.array), "log_forward(x)")
    with context("log_forward(x), x requires grad, " + TRACKING_OFF):
        with tracking_off():
            out = learner.log_forward(x)
        expect_no_recipe(out, "log_forward(x)", TRACKING_OFF, STALE_FLAG)
    with context("log_forward(x), x 0-d requiring grad"):
        scalar = A.Tensor(np.array(2.5), requires_grad=True)
        out = learner.log_forward(scalar)
        expect_recipe(out, "log_forward(x)", np.log, (scalar.array,), {}, {0: scalar}, labels={0: "x"})
        values_of(out, np.log(scalar.array), "log_forward(x)")


@part("multiply_forward")
def check_multiply(learner):
    A = given()
    rng = np.random.default_rng(1)
    a = A.Tensor(rng.standard_normal((3, 1)), requires_grad=True)
    b = A.Tensor(rng.standard_normal((1, 4)), requires_grad=True)
    names = {0: "a", 1: "b"}
    with context("multiply_forward(a, b), a (3, 1) and b (1, 4) both requiring grad"):
        out = learner.multiply_forward(a, b)
        expect_recipe(out, "multiply_forward(a, b)", np.multiply, (a.array, b.array), {}, {0: a, 1: b}, labels=names)
        values_of(out, a.array * b.array, "multiply_forward(a, b)")
    constant = A.Tensor(rng.standard_normal((1, 4)))
    with context("multiply_forward(a, c), c a Tensor that requires no grad"):
        out = learner.multiply_forward(a, constant)
        expect_recipe(out, "multiply_forward(a, c)", np.multiply, (a.array, constant.array), {}, {0: a},
                      untracked={1: constant}, labels={0: "a", 1: "c"})
    with context("multiply_forward(c, b), c a Tensor that requires no grad"):
        out = learner.multiply_forward(constant, b)
        expect_recipe(out, "multiply_forward(c, b)", np.multiply, (constant.array, b.array), {}, {1: b},
                      untracked={0: constant}, labels={0: "c", 1: "b"})
    with context("multiply_forward(a, 3): a number on the right"), \
            explained_crash(learner, "multiply_forward crashed when b is a Python int"):
        out = learner.multiply_forward(a, 3)
        expect_recipe(out, "multiply_forward(a, 3)", np.multiply, (a.array, 3), {}, {0: a}, labels={0: "a"})
        values_of(out, a.array * 3, "multiply_forward(a, 3)")
    with context("multiply_forward(2.5, b): a number on the left"), \
            explained_crash(learner, "multiply_forward crashed when a is a Python float"):
        out = learner.multiply_forward(2.5, b)
        expect_recipe(out, "multiply_forward(2.5, b)", np.multiply, (2.5, b.array), {}, {1: b}, labels={1: "b"})
        values_of(out, 2.5 * b.array, "multiply_forward(2.5, b)")
    with context("multiply_forward(t, 2.0), t has a recipe but requires_grad False"):
        t = intermediate(rng.standard_normal((2, 2)))
        out = learner.multiply_forward(t, 2.0)
        expect_recipe(out, "multiply_forward(t, 2.0)", np.multiply, (t.array, 2.0), {}, {0: t}, labels={0: "t"})
    with context("multiply_forward(c, d), neither requires grad nor has a recipe"):
        other = A.Tensor(rng.standard_normal((3, 1)))
        out = learner.multiply_forward(other, constant)
        expect_no_recipe(out, "multiply_forward(c, d)", "when no input requires grad or has a recipe")
        values_of(out, other.array * constant.array, "multiply_forward(c, d)")
    with context("multiply_forward(a, b), both require grad, " + TRACKING_OFF):
        with tracking_off():
            out = learner.multiply_forward(a, b)
        expect_no_recipe(out, "multiply_forward(a, b)", TRACKING_OFF, STALE_FLAG)

    # Your two forward functions build a graph; the given backprop walks it.
    x = twin_leaf("x", rng.uniform(0.5, 2.0, (2, 3)))
    y = twin_leaf("y", rng.uniform(0.5, 2.0, (1, 3)))
    mine = learner.log_forward(learner.multiply_forward(2.0, learner.multiply_forward(x.mine, learner.log_forward(y.mine + 2.0))))
    mine = learner.multiply_forward(mine, x.mine)
    ref = (2.0 * (x.ref * (y.ref + 2.0).log())).log() * x.ref
    graph = Graph([x, y], [], Twin(mine, ref, "end"), rng.standard_normal((2, 3)), ["end = log(2.0 * (x * log(y + 2))) * x"])
    with context("backprop through a graph your forward functions built: end = log(2.0 * (x * log(y + 2))) * x"), \
            explained_crash(learner, "backprop through the graph your forward functions built failed"):
        values_of(mine, ref.detach().numpy(), "end")
        expect_backprop_like_torch(graph)
