import torch

from mlkata.checking import CheckFailed, context, describe, expect, expect_equal

# The targets, in the stub's order. The check keeps its own copy: only the learner's sizes
# and strides are used, and the check applies as_strided itself, so a target can only be
# reached as a view of x.
TARGETS = [
    ("the first row", [0, 1, 2, 3, 4]),
    ("the first column", [0, 5, 10, 15]),
    ("the top-left 2 x 3 block", [[0, 1, 2], [5, 6, 7]]),
    ("the diagonal", [0, 6, 12, 18]),
    ("the first row, three times", [[0, 1, 2, 3, 4], [0, 1, 2, 3, 4], [0, 1, 2, 3, 4]]),
    ("overlapping windows of 3", [[0, 1, 2], [1, 2, 3], [2, 3, 4]]),
]
EXAMPLE = "for example size=(4,), stride=(5,)"


def int_tuple(value, what: str) -> tuple[int, ...]:
    if isinstance(value, int) and not isinstance(value, bool):
        raise CheckFailed(
            f"{what} is the int {value}; it should be a tuple",
            (f"Write ({value},): the comma makes a tuple of one int.",),
        )
    if not isinstance(value, (tuple, list, torch.Size)) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise CheckFailed(f"{what} should be a tuple of ints, got {describe(value)}", (EXAMPLE,))
    return tuple(value)


def size_and_stride(case) -> tuple:
    if hasattr(case, "size") and hasattr(case, "stride"):
        return case.size, case.stride
    if isinstance(case, (tuple, list)) and len(case) == 2:
        return case[0], case[1]
    raise CheckFailed(
        f"each entry should be a TestCase(output=..., size=..., stride=...), got {describe(case)}",
        ("Keep the list of TestCase from the stub and fill in size and stride.",),
    )


def check_case(x, case, description, target):
    size, stride = size_and_stride(case)
    expect(
        size is not None and stride is not None,
        f"the size and stride for {description} are not filled in yet (still None)",
        f"Replace each None with a tuple of ints, {EXAMPLE}.",
    )
    size = int_tuple(size, "size")
    stride = int_tuple(stride, "stride")
    expect(
        len(size) == len(stride),
        f"size {size} has {len(size)} entries but stride {stride} has {len(stride)}",
        "Give one stride per dimension: how far apart in storage two neighbours along that dimension are.",
    )
    expect(all(s >= 0 for s in size), f"size {size} has a negative entry", "Sizes count elements: 0 or more.")
    expect(all(s >= 0 for s in stride), f"stride {stride} has a negative entry", "as_strided takes strides of 0 or more.")
    if all(s > 0 for s in size):
        last = sum((s - 1) * st for s, st in zip(size, stride))
        expect(
            last < x.numel(),
            f"size {size} with stride {stride} reaches storage position {last}, past the end of x's storage",
            f"x's storage holds {x.numel()} elements, positions 0 to {x.numel() - 1}. The view's last element sits at "
            + " + ".join(f"({s} - 1) * {st}" for s, st in zip(size, stride))
            + f" = {last}.",
        )
    view = x.as_strided(size, stride)
    expect(
        view.untyped_storage().data_ptr() == x.untyped_storage().data_ptr(),
        "the view does not share x's storage",
    )
    with context(f"x.as_strided({size}, {stride}) is {view.tolist()}; {description} is {target}"):
        expect_equal(view, torch.tensor(target), what=f"x.as_strided({size}, {stride})")


def check(learner):
    cases = learner.as_strided_views()
    expect(
        isinstance(cases, (list, tuple)) and len(cases) == len(TARGETS),
        f"as_strided_views should return the {len(TARGETS)} test cases, got {describe(cases)}",
        "Fill in the list from the stub and return it.",
    )
    x = torch.arange(20).view(4, 5)
    for number, (case, (description, target)) in enumerate(zip(cases, TARGETS), start=1):
        with context(f"case {number}: {description}"):
            check_case(x, case, description, target)
