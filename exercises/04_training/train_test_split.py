"""train_test_split: random, disjoint training, validation and test sets.

`train_test_split(all_data, train_frac=0.8, val_frac=0.01, test_frac=0.01)` -> [train, val, test]

- all_data is a TensorDataset (torch's, imported below) of n examples, for example the
  (X, labels) of preprocess_image.
- Each split has `int(n * frac)` examples: rounded down, as int() does (int(257 * 0.8)
  is 205, where round() would give 206). Fractions that add up to less than 1 leave the
  remaining examples unused.
- Draw ONE random order of all the examples, `torch.randperm(n)` (from torch's global
  generator, so that `torch.manual_seed(k)` before the call gives the same split again),
  and cut it into consecutive pieces: train the first n_train indices, val the next n_val,
  test the n_test after those. No example is in two splits.
- Each split is a TensorDataset of all_data's tensors indexed with the same indices, so
  the rows stay paired: example i's input stays with example i's label.
  (`all_data[indices]` indexes every tensor of a TensorDataset at once.)
- all_data itself is left unchanged.

Return a list of three TensorDatasets.

Banned: torch.utils.data.random_split.
"""

import torch
from torch.utils.data import TensorDataset


def train_test_split(all_data: TensorDataset, train_frac=0.8, val_frac=0.01, test_frac=0.01) -> list[TensorDataset]:
    """Return [train, val, test] datasets containing the specified fraction of examples.

    If the fractions add up to less than 1, some of the data is not used.
    """
    # TODO
    raise NotImplementedError
