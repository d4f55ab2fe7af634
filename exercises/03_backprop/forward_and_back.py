"""forward_and_back: backpropagate through a small graph by hand.

The forward pass, elementwise:

    a ──┐
        (*) ── d ──┐
    b ──┘          (*) ── f ── log ── g
    c ── log ── e ─┘

    d = a * b,  e = log(c),  f = d * e,  g = log(f)

a and b have shape (n,); c has shape (1,), so e is broadcast against d in f = d * e.
(The check also tries a 0-d c, of shape ().)

Walk the graph backwards from g, calling the backward functions of the ops
(log_back, multiply_back0, multiply_back1, given: mlkata's own, known to be right):
each call turns the gradient of g with respect to an op's output into the gradient
with respect to one of its inputs. Start from dg/dg = 1 for every element of g
(np.ones_like(g)), so what you return is the gradient of g.sum().

Return (dg_da, dg_db, dg_dc), each of the shape of its input: dg_dc has c's shape
(1,), not f's. A backward function's arguments are (grad_out, out, x, ...): the
gradient of the op's output, the op's output, and the op's inputs in order.
"""

import numpy as np

from mlkata.given.autograd import Arr, log_back, multiply_back0, multiply_back1


def forward_and_back(a: Arr, b: Arr, c: Arr) -> tuple[Arr, Arr, Arr]:
    """Computes g from a, b and c, then returns dg/da, dg/db and dg/dc."""
    d = a * b
    e = np.log(c)
    f = d * e
    g = np.log(f)
    # TODO: from dg/dg = 1, call the backward functions in order to reach a, b and c.
    raise NotImplementedError
