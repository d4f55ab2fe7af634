"""TensorDataset: several tensors indexed together, one example per row.

`TensorDataset(*tensors)` holds tensors that have the same size in their first
dimension: the inputs and the labels of a supervised problem, for example, often of
different dtypes (float features, int64 classes), so they cannot be stacked.

- `__init__` validates the sizes and stores the tensors, as a tuple, in `self.tensors`.
  Tensors whose first dimensions differ must raise an error right there. torch raises an
  AssertionError ("Size mismatch between tensors"), so an `assert` is what this stub asks
  for; a ValueError is accepted as well.
- `dataset[index]` returns a tuple with `tensor[index]` of every stored tensor, in order.
  `index` is an int (negative ones too) or a slice (with a step: `dataset[1:8:3]`).
  A tuple, not a list, and not one stacked tensor.
- `len(dataset)` is the size of the first dimension.

torch.utils.data.DataLoader can then batch it, as it batches torch's own TensorDataset.

Banned: torch.utils.data.TensorDataset (and StackDataset). Index the tensors yourself.
"""

import torch


class TensorDataset:
    def __init__(self, *tensors: torch.Tensor):
        """Validate the sizes and store the tensors in a field named `tensors`."""
        # TODO
        raise NotImplementedError

    def __getitem__(self, index: int | slice) -> tuple[torch.Tensor, ...]:
        """Return a tuple of length len(self.tensors) with the index applied to each."""
        # TODO
        raise NotImplementedError

    def __len__(self) -> int:
        """Return the size in the first dimension, common to all the tensors."""
        # TODO
        raise NotImplementedError
