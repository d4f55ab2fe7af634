import torch

from mlkata.checking import CheckFailed, context, expect
from mlkata.checking.describe import describe
from mlkata.checking.optimizers import MoonsNet, Variant, expect_same_steps
from mlkata.checking.training import expect_raises

OPTIONS = ("lr", "momentum", "weight_decay")


def head(model):
    """shift, scale, unused: the model's own parameters (one of them without a gradient)."""
    return [model.shift, model.scale, model.unused]


def base(model):
    return model.layers.parameters()  # a generator, as ARENA's test passes it


# (description, params built from a model, keyword arguments): ARENA's three group
# configurations, then a plain generator, a plain list of tensors and three groups.
CASES = [
    ("[{'params': head}, {'params': base, 'lr': 0.01}], lr=0.1",
     lambda m: [{"params": head(m)}, {"params": base(m), "lr": 0.01}], dict(lr=0.1)),
    ("[{'params': head}, {'params': base}], lr=0.1, momentum=0.9",
     lambda m: [{"params": head(m)}, {"params": base(m)}], dict(lr=0.1, momentum=0.9)),
    ("[{'params': head, 'lr': 0.1, 'momentum': 0.95}, {'params': base, 'lr': 0.05}], momentum=0.9, weight_decay=0.1",
     lambda m: [{"params": head(m), "lr": 0.1, "momentum": 0.95}, {"params": base(m), "lr": 0.05}],
     dict(momentum=0.9, weight_decay=0.1)),
    ("model.parameters(), lr=0.1, momentum=0.5, weight_decay=0.05",
     lambda m: m.parameters(), dict(lr=0.1, momentum=0.5, weight_decay=0.05)),
    ("list(model.parameters()), lr=0.1, momentum=0.9",
     lambda m: list(m.parameters()), dict(lr=0.1, momentum=0.9)),
    ("[{'params': [shift, scale]}, {'params': [unused], 'lr': 0.3}, {'params': base, 'weight_decay': 0.2}], lr=0.05, momentum=0.8",
     lambda m: [{"params": [m.shift, m.scale]}, {"params": [m.unused], "lr": 0.3}, {"params": base(m), "weight_decay": 0.2}],
     dict(lr=0.05, momentum=0.8)),
]


def check(learner):
    for description, params, kwargs in CASES:
        label = f"SGD({description})"

        def build(model, params=params, kwargs=kwargs, label=label):
            given = params(model)
            try:
                optimizer = learner.SGD(given, **kwargs)
            except (TypeError, AttributeError, KeyError) as error:
                if isinstance(given, list) and not isinstance(given[0], dict):
                    raise CheckFailed(
                        f"{label} fails with {type(error).__name__}: {error}",
                        ("A list of tensors is one group of parameters, like a generator: only a list of dicts is "
                         "a list of groups. Decide by the first element: `isinstance(params[0], dict)`.",),
                    ) from None
                raise
            with context(f"{label}: its param_groups"):
                expect_groups(optimizer, torch.optim.SGD(params(model), **kwargs), params(model))
            return optimizer

        expect_same_steps(
            learner, label, build,
            lambda model, params=params, kwargs=kwargs: torch.optim.SGD(params(model), **kwargs),
            mistakes=[Variant(
                "uses the keyword arguments for every group and ignores the groups' own settings",
                "Read lr, momentum and weight_decay from each group in step: `for group in self.param_groups:` "
                "then `group['lr']`, ...",
                lambda model, kwargs=kwargs: torch.optim.SGD(model.parameters(), **kwargs),
            )],
        )

    model = MoonsNet().double()
    for description, params in [
        ("[{'params': base, 'lr': 0.01, 'momentum': 0.95}, {'params': base, 'lr': 0.001}], momentum=0.9",
         lambda: [{"params": base(model), "lr": 0.01, "momentum": 0.95}, {"params": base(model), "lr": 0.001}]),
        ("[{'params': [shift, scale]}, {'params': [unused, scale]}], lr=0.1, momentum=0.9",
         lambda: [{"params": [model.shift, model.scale]}, {"params": [model.unused, model.scale]}]),
    ]:
        with context(f"SGD({description}): a parameter in two groups"):
            expect_raises(
                lambda: learner.SGD(params(), lr=0.1, momentum=0.9),
                headline=f"SGD({description}) was created without an error, though a parameter is in two groups",
                advice="Each parameter belongs to one group: keep a set of the parameters seen so far (or of their "
                "id()) and raise a ValueError (or assert) when one comes again.",
            )


def expect_groups(optimizer, reference, given) -> None:
    """The learner's param_groups match torch's: same groups, same tensors, the same settings filled in."""
    groups = getattr(optimizer, "param_groups", None)
    expected = reference.param_groups
    if not isinstance(groups, (list, tuple)):
        raise CheckFailed(
            f"param_groups is {describe(groups)}, not a list of dicts",
            ("Keep `self.param_groups`: one dict per group, each with 'params', 'lr', 'momentum' and 'weight_decay'.",),
        )
    given = list(given)
    one_group = not given or not isinstance(given[0], dict)
    if len(groups) != len(expected):
        raise CheckFailed(
            f"param_groups holds {len(groups)} group{'s' if len(groups) != 1 else ''}; expected {len(expected)}",
            ("An iterable of parameters (a generator, or a list of tensors) is ONE group: wrap it as "
             "[{'params': list(params)}]." if one_group else "A list of dicts gives one group per dict.",),
        )
    for index, (group, want) in enumerate(zip(groups, expected)):
        if not isinstance(group, dict):
            raise CheckFailed(f"param_groups[{index}] is {describe(group)}, not a dict")
        mine = group.get("params")
        if not isinstance(mine, (list, tuple)) or len(mine) != len(want["params"]) or any(
            a is not b for a, b in zip(mine, want["params"])
        ):
            raise CheckFailed(
                f"param_groups[{index}]['params'] is {describe(mine)}; expected a list of the group's "
                f"{len(want['params'])} parameters, the tensors themselves",
                ("Store list(group['params']): a generator is used up after one pass, and copies are not the "
                 "model's parameters.",),
            )
        source = {} if one_group else given[index]
        for key in OPTIONS:
            if key not in group:
                raise CheckFailed(
                    f"param_groups[{index}] has no '{key}'; torch's has {want[key]}",
                    (f"Fill in every setting: the group's own, else the keyword arguments', else the default "
                     f"(momentum and weight_decay: 0). Here that is {want[key]}.",),
                )
            origin = "the group's own value" if key in source else "from the keyword arguments or the default, as the group does not set it"
            expect(
                group[key] == want[key],
                f"param_groups[{index}]['{key}'] is {group[key]}; expected {want[key]}, {origin}",
                "Merge in this order: defaults, then the keyword arguments, then the group's own keys "
                "({**defaults, **kwargs, **group}).",
            )
