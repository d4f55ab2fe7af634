import torch


class TensorDataset:
    def __init__(self, *tensors: torch.Tensor):
        if tensors:
            N = tensors[0].shape[0]
            assert all(tensor.shape[0] == N for tensor in tensors), "Size mismatch between tensors"
        self.tensors = tensors

    def __getitem__(self, index: int | slice) -> tuple[torch.Tensor, ...]:
        return tuple(tensor[index] for tensor in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]  # N
