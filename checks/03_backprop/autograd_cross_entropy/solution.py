import numpy as np

from mlkata.given.autograd import Tensor, arange, exp, log


def cross_entropy(logits: Tensor, true_labels: Tensor) -> Tensor:
    n_batch, n_classes = logits.shape
    true = logits[arange(0, n_batch), true_labels]  # (B,): logits[i, label_i]
    return -log(exp(true) / exp(logits).sum(1))  # (B,)
