import torch
from torch.utils.data import DataLoader

from mlkata.checking import CheckFailed, Mistake, context, expect, expect_equal, expect_matches, rand, randint
from mlkata.checking.describe import describe
from mlkata.checking.training import expect_raises

# Indexes in the order a learner meets them: ints, slices, then steps and edges.
INDEXES = [0, 7, -1, slice(0, 5), slice(2, 9), slice(1, 8, 3), slice(None, None, 2), slice(6, 100), slice(4, 4)]


def inputs():
    """(description, tensors): two alike, features with labels of another dtype, more dimensions, one alone."""
    yield "(float32[10, 3], float32[10, 3])", (rand(10, 3, seed=12), rand(10, 3, seed=13))
    yield "(float32[10, 4], int64[10])", (rand(10, 4, seed=1), randint(0, 3, 10, seed=2))
    yield "(float32[10, 2, 3], float64[10], int64[10, 1])", (
        rand(10, 2, 3, seed=3), rand(10, seed=4, dtype=torch.float64), randint(0, 9, 10, 1, seed=5),
    )
    yield "(float32[10, 5],)", (rand(10, 5, seed=6),)


def step_ignored(tensors):
    return Mistake(
        "ignores the slice's step",
        lambda index: tuple(tensor[index.start:index.stop] for tensor in tensors),
        "Index each tensor with the slice object itself (`tensor[index]`): it carries start, stop and step.",
    )


def check(learner):
    for description, tensors in inputs():
        label = f"TensorDataset{description}"
        with context(label):
            dataset = learner.TensorDataset(*tensors)
            stored = getattr(dataset, "tensors", None)
            expect(
                isinstance(stored, (tuple, list)) and len(stored) == len(tensors),
                f"{label}.tensors should be a tuple of the {len(tensors)} tensors, got {describe(stored)}",
                "Store them as given: `self.tensors = tensors` (a tuple, since *tensors collects one).",
            )
            for position, (got, expected) in enumerate(zip(stored, tensors)):
                expect_equal(got, expected, what=f"{label}.tensors[{position}]")
            length = learner.call(dataset.__len__, name="TensorDataset.__len__")
            expect_equal(length, 10, what=f"len({label})")
        for index in INDEXES:
            with context(f"{label}[{index_text(index)}]"):
                got = learner.call(dataset.__getitem__, index, name=f"{label}.__getitem__")
                expect_tuple(got, index)
                expect_matches(
                    lambda index: got, lambda index: tuple(tensor[index] for tensor in tensors), index,
                    what=f"dataset[{index_text(index)}]",
                    mistakes=[step_ignored(tensors)] if isinstance(index, slice) else [],
                )

    with context("DataLoader(your TensorDataset(float32[10, 4], int64[10]), batch_size=4)"):
        features, labels = rand(10, 4, seed=1), randint(0, 3, 10, seed=2)
        dataset = learner.TensorDataset(features, labels)
        batches = learner.call(lambda: list(DataLoader(dataset, batch_size=4)), name="list(DataLoader(dataset, batch_size=4))")
        expect(len(batches) == 3, f"the DataLoader gave {len(batches)} batches; expected 3 (4 + 4 + 2 examples)")
        for number, (batch, start) in enumerate(zip(batches, (0, 4, 8))):
            expect_equal(batch[0], features[start:start + 4], what=f"batch {number}'s features")
            expect_equal(batch[1], labels[start:start + 4], what=f"batch {number}'s labels")

    for description, tensors in [
        ("float32[10, 3], float32[9]", (rand(10, 3, seed=7), rand(9, seed=8))),
        ("float32[4], int64[4], float32[5, 2]", (rand(4, seed=9), randint(0, 2, 4, seed=10), rand(5, 2, seed=11))),
    ]:
        with context(f"TensorDataset({description}): first dimensions differ"):
            expect_raises(
                lambda: learner.TensorDataset(*tensors),
                headline=f"TensorDataset({description}) was created without an error",
                advice="The tensors must agree on their first dimension (one row per example): "
                "`assert all(t.shape[0] == tensors[0].shape[0] for t in tensors)` in __init__.",
            )

    with context("TensorDataset(float32[0, 3], int64[0]): no examples"):
        dataset = learner.TensorDataset(rand(0, 3), randint(0, 2, 0))
        expect_equal(learner.call(dataset.__len__, name="TensorDataset.__len__"), 0, what="its length")


def expect_tuple(got, index) -> None:
    if isinstance(got, tuple):
        return
    if isinstance(got, torch.Tensor):
        raise CheckFailed(
            f"dataset[{index_text(index)}] returned one tensor {describe(got)}, not a tuple",
            ("Return one entry per stored tensor, `tuple(tensor[index] for tensor in self.tensors)`: "
             "stacking would need equal shapes and dtypes, and loses which tensor is which.",),
        )
    raise CheckFailed(
        f"dataset[{index_text(index)}] returned a {type(got).__name__}, not a tuple",
        ("torch's TensorDataset returns a tuple (DataLoader and `x, y = dataset[i]` rely on it): "
         "`tuple(tensor[index] for tensor in self.tensors)`.",),
    )


def index_text(index) -> str:
    if not isinstance(index, slice):
        return str(index)
    parts = ["" if value is None else str(value) for value in (index.start, index.stop)]
    return ":".join(parts) + (f":{index.step}" if index.step is not None else "")
