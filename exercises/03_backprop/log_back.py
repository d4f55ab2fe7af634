"""log_back: the backward function of log, the first piece of your own autograd.

This section builds backpropagation the way PyTorch does it, in NumPy: every array is
wrapped in a `Tensor` that remembers how it was computed, and `backward()` walks that
record from the loss back to the inputs, calling one *backward function* per operation.
You write the pieces one exercise at a time. mlkata gives you a complete, working
framework, `mlkata.given.autograd`; each check puts your piece into it, so every
exercise stands on pieces that are known to be right. (Reading a piece in
given/autograd.py before writing it spoils that exercise.) NumPy only: a file of this
section that imports torch fails its check.

A backward function turns the gradient of the loss L with respect to an operation's
output into the gradient with respect to one of its inputs (the chain rule). For
out = log(x), elementwise:

    dL/dx = dL/dout * dout/dx = grad_out * (1 / x)

`log_back(grad_out, out, x)` receives
- grad_out: dL/dout, an array of out's shape (random values, not ones, in the check);
- out: np.log(x), the forward output (some backward functions are cheaper with it;
  log's is not);
- x: the input of the forward call, positive values;
and returns dL/dx, a new array of x's shape and dtype (float32 in gives float32 out).
Never change grad_out or x in place: they belong to the rest of the graph. For a 0-d
x, a 0-d array or a NumPy scalar are both fine.
"""

import numpy as np

from mlkata.given.autograd import Arr


def log_back(grad_out: Arr, out: Arr, x: Arr) -> Arr:
    """Backward function for f(x) = log(x): dL/dx from grad_out = dL/d(log x)."""
    # TODO
    raise NotImplementedError
