import mlkata.given.autograd as autograd


class NoGrad:
    was_enabled: bool

    def __enter__(self):
        self.was_enabled = autograd.grad_tracking_enabled  # the framework's flag, as it is now
        autograd.grad_tracking_enabled = False

    def __exit__(self, type, value, traceback):
        autograd.grad_tracking_enabled = self.was_enabled  # restore (nested blocks stay off); None: exceptions go on
