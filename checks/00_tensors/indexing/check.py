import torch

from mlkata.checking import context, describe, expect, expect_close, expect_equal, rand, randint, randn, strided, transposed


def expect_number(got, expected: float, what: str, advice: str) -> None:
    """A Python number or a 0-dim float tensor, close to `expected`."""
    if isinstance(got, torch.Tensor):
        expect(got.dim() == 0, f"{what} should be one number, got a tensor {describe(got)}", advice)
        expect(
            got.is_floating_point(),
            f"{what} is an integer tensor ({describe(got)}); expected a float",
            advice,
        )
        got = got.item()
    expect(
        isinstance(got, (int, float)) and not isinstance(got, bool),
        f"{what} should be a number, got {type(got).__name__} ({describe(got)})",
        advice,
    )
    expect_close(float(got), expected, what=what, rtol=1e-5, atol=1e-6)


def coordinates(shape, batch, seed):
    """(batch, len(shape)) int64: random positions inside a tensor of `shape`."""
    columns = [randint(0, size, batch, seed=seed + axis) for axis, size in enumerate(shape)]
    return torch.stack(columns, dim=1) if columns else torch.zeros(batch, 0, dtype=torch.int64)


def check_classifier_accuracy(learner):
    advice = "Compare the argmax over the classes (dim=1) with true_classes, then average the bools: .float().mean()."
    for batch, n_classes, seed, dtype, layout in [
        (10, 4, 1, torch.float32, "contiguous"),
        (1, 3, 2, torch.float32, "contiguous"),
        (37, 5, 3, torch.float64, "contiguous"),
        (12, 6, 4, torch.float32, "transposed in memory"),
        (5, 1, 5, torch.float32, "contiguous"),
    ]:
        scores = randn(batch, n_classes, seed=seed, dtype=dtype)
        right = scores.argmax(dim=1)
        if n_classes > 1:
            wrong = (right + randint(1, n_classes, batch, seed=seed + 100)) % n_classes  # never the argmax
            true_classes = torch.where(rand(batch, seed=seed + 400) < 0.6, right, wrong)  # about 60% right
        else:
            true_classes = right
        expected = (right == true_classes).double().mean().item()
        if layout != "contiguous":
            scores = transposed(scores)
        with context(f"scores {tuple(scores.shape)} {layout}; {int((right == true_classes).sum())} of {batch} examples right"):
            expect_number(learner.classifier_accuracy(scores, true_classes), expected, "the accuracy", advice)


def price_cases():
    for k, n, seed, dtype, layout in [
        (5, 12, 1, torch.float32, "contiguous"),
        (1, 4, 2, torch.float32, "contiguous"),
        (7, 30, 3, torch.float64, "contiguous"),
        (6, 9, 4, torch.float32, "strided with gaps"),
        (3, 0, 5, torch.float32, "contiguous"),
    ]:
        prices = (rand(k, seed=seed, dtype=dtype) * 1000).round() / 100  # whole cents
        items = randint(0, k, n, seed=seed + 100)
        if layout != "contiguous":
            prices, items = strided(prices), strided(items)
        yield f"{k} kinds of item, a basket of {n}, {layout}", prices, items


def check_total_price(learner, name, tool):
    advice = f"Look up every item's price ({tool}) and add them up; .item() turns the 0-dim sum into a float."
    for description, prices, items in price_cases():
        expected = prices.double()[items].sum().item()
        with context(description):
            expect_number(getattr(learner, name)(prices, items), expected, "the total price", advice)


def check_gather_2d(learner):
    for m, n, k, seed, kind in [
        (3, 4, 2, 1, "float32"),
        (5, 3, 7, 2, "float32"),
        (1, 1, 1, 3, "float32"),
        (4, 6, 3, 4, "float32 transposed in memory"),
        (4, 5, 5, 5, "int64"),
        (0, 3, 2, 6, "float32"),
    ]:
        matrix = torch.arange(m * n).view(m, n) if kind == "int64" else randn(m, n, seed=seed)
        if "transposed" in kind:
            matrix = transposed(matrix)
        indexes = randint(0, n, m, k, seed=seed + 100)
        with context(f"matrix {kind} {(m, n)}, indexes {(m, k)}"):
            expect_equal(learner.gather_2d(matrix, indexes), torch.gather(matrix, 1, indexes), what="the result")


def check_integer_array_indexing(learner):
    for shape, batch, seed, layout in [
        ((5,), 4, 1, "contiguous"),
        ((3, 4), 6, 2, "contiguous"),
        ((2, 3, 4), 5, 3, "contiguous"),
        ((4, 5), 3, 4, "transposed in memory"),
        ((3, 4), 0, 5, "contiguous"),
    ]:
        matrix = randn(*shape, seed=seed)
        if layout != "contiguous":
            matrix = transposed(matrix)
        coords = coordinates(shape, batch, seed + 100)
        expected = torch.stack([matrix[tuple(row.tolist())] for row in coords]) if batch else matrix.new_zeros(0)
        with context(f"matrix {shape} {layout}, coords {tuple(coords.shape)}"):
            expect_equal(learner.integer_array_indexing(matrix, coords), expected, what="the result")


def check_collect(learner):
    for (m, n), picks, layout in [
        ((5, 3), [4, 0, 0, 2], "contiguous"),
        ((4, 6), [3, 1, 2, 0, 1], "transposed in memory"),
        ((1, 2), [0, 0, 0], "contiguous"),
        ((3, 4), [], "contiguous"),
    ]:
        matrix = randn(m, n, seed=m * 10 + n)
        if layout != "contiguous":
            matrix = transposed(matrix)
        rows = torch.tensor(picks, dtype=torch.int64)
        with context(f"matrix {(m, n)} {layout}, row_indexes {picks}"):
            expected = torch.stack([matrix[i] for i in picks]) if picks else matrix.new_zeros(0, n)
            expect_equal(learner.collect_rows(matrix, rows), expected, what="the rows")
    for (m, n), picks, layout in [
        ((3, 5), [1, 4, 4, 0, 2, 3], "contiguous"),
        ((4, 6), [5, 0, 2], "transposed in memory"),
        ((2, 1), [0, 0], "contiguous"),
        ((3, 4), [], "contiguous"),
    ]:
        matrix = randn(m, n, seed=m * 10 + n + 1)
        if layout != "contiguous":
            matrix = transposed(matrix)
        columns = torch.tensor(picks, dtype=torch.int64)
        with context(f"matrix {(m, n)} {layout}, column_indexes {picks}"):
            expected = torch.stack([matrix[:, j] for j in picks], dim=1) if picks else matrix.new_zeros(m, 0)
            expect_equal(learner.collect_columns(matrix, columns), expected, what="the columns")


def check(learner):
    check_classifier_accuracy(learner)
    check_total_price(learner, "total_price_indexing", "prices[items]")
    check_gather_2d(learner)
    check_total_price(learner, "total_price_gather", "prices.gather(0, items)")
    check_integer_array_indexing(learner)
    check_collect(learner)
