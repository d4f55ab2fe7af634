import torch
from torch import nn

from mlkata.checking import context, expect, expect_close, randn
from mlkata.checking.modules import expect_same_registration, seeded_state


def linear(in_features: int, out_features: int, seed: int) -> nn.Linear:
    layer = nn.Linear(in_features, out_features)
    layer.load_state_dict(seeded_state(layer, seed))
    return layer


def check(learner):
    label = "Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 4))"
    with context(label):
        children = [linear(4, 4, seed=1), nn.ReLU(), linear(4, 4, seed=2)]
        model = learner.Sequential(*children)
        reference = nn.Sequential(*children)
        expect_same_children(model, children, label)
        expect_same_registration(model, reference, what=label, reference_name=f"nn.{label}")
        for shape in [(5, 4), (2, 3, 4)]:
            x = randn(*shape, seed=3)
            expect_close(learner.call(model.forward, x, name=label), reference(x), what="the output")
        model.eval()
        expect(
            not any(child.training for child in children),
            f"{label}.eval() does not reach the children",
            "eval() and train() set `training` on every registered child; register the modules you were given.",
        )
        model.train()

    label = "Sequential(nn.Flatten(), Sequential(nn.Linear(12, 6), nn.ReLU()), nn.Linear(6, 2)).double()"
    with context(label):
        inner_children = [linear(12, 6, seed=4), nn.ReLU()]
        outer_children = [nn.Flatten(), linear(6, 2, seed=5)]
        inner = learner.Sequential(*inner_children)
        model = learner.Sequential(outer_children[0], inner, outer_children[1]).double()
        reference = nn.Sequential(outer_children[0], nn.Sequential(*inner_children), outer_children[1])
        expect_same_children(model, [outer_children[0], inner, outer_children[1]], label)
        expect_same_registration(model, reference, what="the outer Sequential", reference_name="nn.Sequential")
        x = randn(3, 3, 4, seed=6, dtype=torch.float64)
        expect_close(learner.call(model.forward, x, name=label), reference(x), what="the output")

    label = "Sequential of 12 nn.Linear(3, 3) layers"
    with context(label):
        children = [linear(3, 3, seed=10 + i) for i in range(12)]
        model = learner.Sequential(*children)
        reference = nn.Sequential(*children)
        expect_same_children(model, children, label)
        x = randn(2, 3, seed=7)
        expect_close(learner.call(model.forward, x, name=label), reference(x), what="the output")

    with context("Sequential() with no modules"):
        x = randn(2, 3, seed=8)
        expect_close(learner.call(learner.Sequential().forward, x, name="Sequential()"), x, what="the output")


def expect_same_children(model: nn.Module, given: list[nn.Module], label: str) -> None:
    """The children of `model` are the modules `given`, registered as "0", "1", ..."""
    names = [name for name, _ in model.named_children()]
    expected = [str(index) for index in range(len(given))]
    expect(
        names == expected,
        f"{label} has the children [{', '.join(names)}]; nn.Sequential has [{', '.join(expected)}]",
        "Register each module under its position: self.add_module(str(index), module). "
        "A Python list or tuple attribute registers nothing.",
    )
    for name, module in zip(expected, given):
        expect(
            model.get_submodule(name) is module,
            f"{label}'s child `{name}` is not the module passed at position {name}",
            "Register the modules you were given, in order, without copying them.",
        )
