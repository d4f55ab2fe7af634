"""NoGrad: a context manager that turns gradient tracking off, like torch.no_grad.

    with NoGrad():
        b = a + a        # no recipe, requires_grad False: not part of any graph

Every forward function of mlkata's framework reads one flag when it is called:
`mlkata.given.autograd.grad_tracking_enabled`. NoGrad switches that flag:
- `__enter__`: remember the flag as it was (in `self.was_enabled`), then set it to False;
- `__exit__(type, value, traceback)`: put back what __enter__ remembered (read the flag in
  __enter__, when the block starts, not when the NoGrad is made). Not simply
  True: a NoGrad inside another NoGrad must leave tracking off when it ends, and a
  NoGrad entered while tracking was already off must leave it off. __exit__ also runs
  when the block raises: the exception goes on (return None), and the flag is restored.

The flag lives in the framework's module, not in your file. MLAB writes
`global grad_tracking_enabled`, which works there because the flag and NoGrad share a
file; here `global` (or `from mlkata.given.autograd import grad_tracking_enabled`) would
give your file a variable of its own that the framework never reads. Set the module's
attribute: `autograd.grad_tracking_enabled = False`.

The check looks at the flag, and at what `a + a` records, before, inside and after a
block, in nested blocks, in a block entered while tracking is off, in a block that
raises, and with one NoGrad used twice. NumPy only: torch is not available in this section.
"""

import mlkata.given.autograd as autograd


class NoGrad:
    """Context manager that disables grad inside the block. Like torch.no_grad."""

    was_enabled: bool

    def __enter__(self):
        # TODO
        raise NotImplementedError

    def __exit__(self, type, value, traceback):
        # TODO
        raise NotImplementedError
