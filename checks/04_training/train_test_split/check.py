import math

import torch
from torch.utils.data import TensorDataset

from mlkata.checking import CheckFailed, context, expect
from mlkata.checking.describe import describe

NAMES = ("train", "val", "test")
# (n, fractions as passed, seed): the defaults first, then splits of a size that show randomness.
CASES = [
    (257, {}, 0),
    (400, {"train_frac": 0.5, "val_frac": 0.25, "test_frac": 0.25}, 1),
    (300, {"train_frac": 0.3, "val_frac": 0.3, "test_frac": 0.3}, 2),
    (10, {"train_frac": 0.6, "val_frac": 0.2, "test_frac": 0.2}, 3),
    (1, {}, 4),
]
DEFAULTS = {"train_frac": 0.8, "val_frac": 0.01, "test_frac": 0.01}
MIN_SIZE_FOR_MEAN = 20  # a split this large has a mean index near the middle
SIGMAS = 6


class Examples(TensorDataset):
    """torch's TensorDataset, named by its contents in failure messages."""

    def __repr__(self) -> str:
        return f"TensorDataset({', '.join(describe(tensor) for tensor in self.tensors)})"


def make_data(n: int) -> TensorDataset:
    """Example i: features (i, -i / 2) in float64, label 3 i + 1 in int64, and a (2, 2) block i * ones."""
    ids = torch.arange(n)
    features = torch.stack([ids.double(), -ids.double() / 2], dim=1)
    labels = 3 * ids + 1
    blocks = ids.float().view(n, 1, 1).expand(n, 2, 2).contiguous()
    return Examples(features, labels, blocks)


def fractions_text(fractions: dict) -> str:
    return ", ".join(f"{key}={value}" for key, value in fractions.items())


def check(learner):
    for n, fractions, seed in CASES:
        label = f"train_test_split(all_data of {n} examples{', ' + fractions_text(fractions) if fractions else ''})"
        with context(f"{label}, after torch.manual_seed({seed})"):
            data = make_data(n)
            before = tuple(tensor.clone() for tensor in data.tensors)
            splits = run(learner, data, fractions, seed)
            for tensor, saved in zip(data.tensors, before):
                expect(torch.equal(tensor, saved), "train_test_split changed all_data in place",
                       "Index the tensors into new ones; never shuffle all_data's tensors in place.")
            ids = [expect_split(split, name, n, {**DEFAULTS, **fractions}[f"{name}_frac"]) for split, name in zip(splits, NAMES)]
            expect_disjoint(ids)
            expect_shuffled(ids, n)
            again = run(learner, make_data(n), fractions, seed)
            for name, mine, other in zip(NAMES, ids, (split_ids(split) for split in again)):
                expect(
                    torch.equal(mine, other),
                    f"the {name} split differs between two calls after the same torch.manual_seed({seed})",
                    "Draw the order with torch.randperm(n), from torch's global generator, so that seeding torch "
                    "makes the split reproducible (not numpy or random, and not a generator of your own).",
                )
            if n >= MIN_SIZE_FOR_MEAN:
                other_seed = [split_ids(split) for split in run(learner, make_data(n), fractions, seed + 100)]
                expect(
                    not all(torch.equal(a, b) for a, b in zip(ids, other_seed)),
                    f"torch.manual_seed({seed}) and torch.manual_seed({seed + 100}) give the same split",
                    "The split must be random: draw it with torch.randperm(n) on every call.",
                )


def run(learner, data, fractions, seed):
    torch.manual_seed(seed)
    splits = learner.train_test_split(data, **fractions)
    if not isinstance(splits, (list, tuple)) or len(splits) != 3:
        raise CheckFailed(
            f"train_test_split returned {describe(splits)}; expected a list of three TensorDatasets",
            ("Return [train, val, test], in that order.",),
        )
    return splits


def split_ids(split) -> torch.Tensor:
    return split.tensors[1].sub(1).div(3, rounding_mode="floor")


def expect_split(split, name: str, n: int, frac: float) -> torch.Tensor:
    """The example ids of one split, after checking its size and that its rows are whole examples."""
    tensors = getattr(split, "tensors", None)
    if not isinstance(tensors, (tuple, list)) or len(tensors) != 3:
        raise CheckFailed(
            f"the {name} split is {describe(split)}, not a TensorDataset of all_data's 3 tensors",
            ("Build each split as TensorDataset(*all_data[indices]): every tensor of all_data, indexed alike.",),
        )
    expected_size = int(n * frac)
    size = len(tensors[0])
    if size != expected_size:
        rounded = round(n * frac)
        raise CheckFailed(
            f"the {name} split has {size} examples; expected int({n} * {frac}) = {expected_size}",
            ("Round down with int(n * frac): round() gives one more here." if size == rounded != expected_size
             else "Each split has int(n * frac) examples; what is left over is not used.",),
        )
    features, labels, blocks = tensors
    for position, (tensor, original) in enumerate(zip(tensors, make_data(1).tensors)):
        expect(
            tuple(tensor.shape[1:]) == tuple(original.shape[1:]) and tensor.dtype == original.dtype and len(tensor) == size,
            f"the {name} split's tensor {position} is {describe(tensor)}; expected {size} rows of all_data's "
            f"tensor {position}, {describe(original).replace('[1', f'[{size}', 1)}",
            "Index all_data's tensors with one tensor of indices and keep them as they are.",
        )
    ids = labels.sub(1).div(3, rounding_mode="floor")
    paired = (
        torch.equal(features[:, 0], ids.double()) and torch.equal(features[:, 1], -ids.double() / 2)
        and torch.equal(blocks, ids.float().view(-1, 1, 1).expand(-1, 2, 2))
    )
    if not paired:
        raise CheckFailed(
            f"the {name} split's rows do not belong together: the features of one example sit next to the label of another",
            (
                "Shuffle with ONE permutation for every tensor: `TensorDataset(*all_data[idx])` indexes them all "
                "with the same idx. A randperm per tensor scrambles the pairs.",
            ),
        )
    expect(
        bool(((ids >= 0) & (ids < n)).all()),
        f"the {name} split holds examples that are not in all_data",
    )
    return ids


def expect_disjoint(ids: list[torch.Tensor]) -> None:
    for name, split in zip(NAMES, ids):
        expect(
            len(torch.unique(split)) == len(split),
            f"the {name} split holds the same example more than once",
            "Take each split from one permutation of the indices: torch.randperm(n) never repeats.",
        )
    for i in range(3):
        for j in range(i + 1, 3):
            shared = set(ids[i].tolist()) & set(ids[j].tolist())
            expect(
                not shared,
                f"{len(shared)} example{'s are' if len(shared) > 1 else ' is'} in both the {NAMES[i]} and the {NAMES[j]} split",
                "Draw one permutation and cut it into consecutive pieces; a new randperm for every split "
                "lets the splits overlap, and a test score on examples the model trained on says nothing.",
            )


def expect_shuffled(ids: list[torch.Tensor], n: int) -> None:
    start = 0
    for name, split in zip(NAMES, ids):
        size = len(split)
        if size >= 2 and torch.equal(split, torch.arange(start, start + size)):
            raise CheckFailed(
                f"the {name} split is examples {start} to {start + size - 1} in order: the data was not shuffled",
                ("Pictures and datasets come sorted (the top rows of an image first): take the indices from "
                 "torch.randperm(n), not from torch.arange(n).",),
            )
        start += size
    for name, split in zip(NAMES, ids):
        size = len(split)
        if size < MIN_SIZE_FOR_MEAN or size == n:
            continue
        # The mean of `size` indices drawn without replacement from 0 .. n-1.
        spread = math.sqrt((n * n - 1) / 12 / size * (n - size) / (n - 1))
        mean = float(split.double().mean())
        expect(
            abs(mean - (n - 1) / 2) <= SIGMAS * spread,
            f"the {name} split's examples have mean index {mean:.1f}; a random split of {n} has about "
            f"{(n - 1) / 2:.1f} (± {spread:.1f})",
            "Every split must be a uniformly random part of the data: cut one torch.randperm(n) into pieces.",
        )
