import torch
from torch import nn

from mlkata.checking import Mistake, context, expect, randn
from mlkata.checking.modules import chained, expect_forward_matches, expect_same_registration, seeded_state


def linear(in_features: int, out_features: int, seed: int) -> nn.Linear:
    layer = nn.Linear(in_features, out_features)
    layer.load_state_dict(seeded_state(layer, seed))
    return layer


def order_mistakes(given: list[nn.Module]) -> list[Mistake]:
    """Containers that run the modules they were given in the usual wrong orders."""
    unique = list({id(module): module for module in given}.values())
    by_name = [module for _, module in sorted((str(index), module) for index, module in enumerate(given))]
    found = []
    if len(unique) < len(given):
        found.append(Mistake(
            "it runs a module that was passed twice only once", chained(unique),
            "self.children() and self.modules() list each module object once; self._modules.values() keeps every "
            "position: loop over that.",
        ))
    found += [
        Mistake("it runs the modules in reverse order", chained(given[::-1]), "forward runs them first to last."),
        Mistake("it returns after the first module", chained(given[:1]),
                "Pass x through every module in turn, and return after the loop."),
        Mistake("it leaves out the last module", chained(given[:-1]), "Pass x through every module, the last one too."),
    ]
    if by_name != given:
        found.append(Mistake(
            'it runs the modules in the order of their names as strings ("10" before "2")', chained(by_name),
            "Loop over self._modules.values(): it keeps the order in which the modules were registered.",
        ))
    return found


def check(learner):
    label = "Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 4))"
    with context(label):
        children = [linear(4, 4, seed=1), nn.ReLU(), linear(4, 4, seed=2)]
        model = learner.Sequential(*children)
        reference = nn.Sequential(*children)
        expect_same_children(model, reference, label)
        expect_same_registration(model, reference, what=label, reference_name=f"nn.{label}")
        for shape in [(5, 4), (2, 3, 4)]:
            x = randn(*shape, seed=3)
            expect_forward_matches(learner, model, reference, x, label=label, what=f"{label}(x)", mistakes=order_mistakes(children))
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
        reference = nn.Sequential(outer_children[0], inner, outer_children[1])
        expect_same_children(model, reference, label)
        expect_same_registration(model, nn.Sequential(outer_children[0], nn.Sequential(*inner_children), outer_children[1]),
                                 what="the outer Sequential", reference_name="nn.Sequential")
        x = randn(3, 3, 4, seed=6, dtype=torch.float64)
        expect_forward_matches(learner, model, reference, x, label=label, what="the output",
                               mistakes=order_mistakes([outer_children[0], inner, outer_children[1]]))

    label = "Sequential(linear_0, ..., linear_11)"
    with context(f"{label}: 12 nn.Linear(3, 3) layers"):
        children = [linear(3, 3, seed=10 + i) for i in range(12)]
        model = learner.Sequential(*children)
        reference = nn.Sequential(*children)
        expect_same_children(model, reference, label)
        expect_forward_matches(learner, model, reference, randn(2, 3, seed=7), label=label, what=f"{label}(x)", mistakes=order_mistakes(children))

    shared = linear(3, 3, seed=30)
    label = "Sequential(layer, nn.ReLU(), layer)"
    with context(f"{label}: one nn.Linear(3, 3), `layer`, passed twice"):
        children = [shared, nn.ReLU(), shared]
        model = learner.Sequential(*children)
        reference = nn.Sequential(*children)
        expect_same_children(model, reference, label)
        expect_same_registration(model, reference, what=label, reference_name="nn.Sequential(layer, nn.ReLU(), layer)")
        expect_forward_matches(learner, model, reference, randn(2, 3, seed=8), label=label, what=f"{label}(x)", mistakes=order_mistakes(children))

    with context("Sequential() with no modules"):
        x = randn(2, 3, seed=9)
        model = learner.Sequential()
        expect_forward_matches(learner, model, nn.Sequential(), x, label="Sequential()", what="Sequential()(x)", mistakes=[
            Mistake("with no modules it returns None, not x", lambda x: None,
                    "Start from x and pass it through each module in turn: with none, x comes back as it is."),
        ])


def expect_same_children(model: nn.Module, reference: nn.Sequential, label: str) -> None:
    """`model` registers the modules `reference` holds, each under its position "0", "1", ..."""
    names = list(model._modules)
    expected = list(reference._modules)
    expect(
        names == expected,
        f"{label} has the children [{', '.join(names)}]; nn.Sequential has [{', '.join(expected)}]",
        "Register each module under its position: self.add_module(str(index), module). "
        "A Python list or tuple attribute registers nothing"
        + (", and a dict keyed by module object holds a module passed twice once." if len(set(map(id, reference))) < len(reference) else "."),
    )
    for name in expected:
        expect(
            model._modules[name] is reference._modules[name],
            f"{label}'s child `{name}` is not the module passed at position {name}",
            "Register the modules you were given, in order, without copying them.",
        )
