import numpy as np

from mlkata.checking import CheckFailed, context, expect
from mlkata.checking.autograd import expect_backprop_like_torch, explained_crash, given, random_graph


def make(learner):
    return learner.BackwardFuncLookup()


def get(learner, lookup, forward_fn, position):
    return learner.call(lookup.get_back_func, forward_fn, position, name="get_back_func")


def add(learner, lookup, forward_fn, position, back_fn):
    learner.call(lookup.add_back_func, forward_fn, position, back_fn, name="add_back_func")


def expect_raises(learner, lookup, forward_fn, position, what):
    try:
        found = get(learner, lookup, forward_fn, position)
    except (CheckFailed, NotImplementedError):
        raise
    except Exception:  # noqa: BLE001 - any error is a clear "not there"
        return
    raise CheckFailed(
        f"get_back_func({what}) returned {found!r} for a pair that was never added",
        ("Raise an error instead (indexing a dict raises KeyError): backprop must stop at a missing backward "
         "function, not carry on with a wrong one or with None.",),
    )


def check(learner):
    A = given()
    with context("one lookup: np.log at 0, np.multiply at 0 and at 1"):
        lookup = make(learner)
        add(learner, lookup, np.log, 0, A.log_back)
        add(learner, lookup, np.multiply, 0, A.multiply_back0)
        add(learner, lookup, np.multiply, 1, A.multiply_back1)
        found = get(learner, lookup, np.log, 0)
        expect(found is A.log_back, f"get_back_func(np.log, 0) returned {found!r}; expected the log_back that was added")
        first, second = get(learner, lookup, np.multiply, 0), get(learner, lookup, np.multiply, 1)
        expect(
            first is A.multiply_back0,
            "get_back_func(np.multiply, 0) did not return multiply_back0"
            + (": it returned the function added for position 1" if first is A.multiply_back1 else ""),
            "Key the lookup by the pair (forward_fn, arg_position): one forward function has a backward function per argument.",
        )
        expect(second is A.multiply_back1, f"get_back_func(np.multiply, 1) returned {second!r}; expected multiply_back1")
        expect_raises(learner, lookup, np.multiply, 2, "np.multiply, 2")
        expect_raises(learner, lookup, np.exp, 0, "np.exp, 0")

    with context("adding (np.log, 0) again, with another function"):
        add(learner, lookup, np.log, 0, A.exp_back)
        found = get(learner, lookup, np.log, 0)
        expect(found is A.exp_back, "adding the same pair again should replace the back function it had",
               f"get_back_func(np.log, 0) returned {found!r}.")

    with context("two different lambdas as forward functions (both are named '<lambda>')"):
        lookup = make(learner)
        double, square = (lambda x: 2 * x), (lambda x: x * x)
        back_double, back_square = (lambda g, out, x: 2 * g), (lambda g, out, x: 2 * x * g)
        add(learner, lookup, double, 0, back_double)
        add(learner, lookup, square, 0, back_square)
        expect(
            get(learner, lookup, double, 0) is back_double and get(learner, lookup, square, 0) is back_square,
            "two different forward functions that share the name '<lambda>' got one entry",
            "Key by the function object itself (a dict accepts functions as keys), not by __name__ or str(fn).",
        )

    with context("two BackwardFuncLookup instances"):
        first, second = make(learner), make(learner)
        add(learner, first, np.exp, 0, A.exp_back)
        try:
            leaked = get(learner, second, np.exp, 0)
        except (CheckFailed, NotImplementedError):
            raise
        except Exception:  # noqa: BLE001 - the second lookup does not know it: right
            leaked = None
        expect(
            leaked is None,
            "a new BackwardFuncLookup already holds what was added to another instance",
            "Create the storage in __init__ (self.something = {}): a dict written in the class body is one dict "
            "shared by every instance.",
        )

    # Inside the framework: backprop looks every back function up in your lookup.
    lookup = make(learner)
    for forward_fn, by_position in A.BACK_FUNCS.back_funcs.items():
        for position, back_fn in by_position.items():
            add(learner, lookup, forward_fn, position, back_fn)
    for seed in range(4):
        graph = random_graph(seed=500 + seed, n_ops=8)
        with context(f"backprop looking up back functions in your lookup, random graph {seed + 1} of 4: {graph.describe()}"), \
                explained_crash(learner, "backprop using your lookup failed"):
            expect_backprop_like_torch(graph, back_funcs=lookup)
