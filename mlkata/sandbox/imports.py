"""Your earlier exercises and mlkata's given code, importable from any exercise file.

Later exercises build on earlier ones without pasting code: a stub writes

    from mlkata.exercises.residual_block import ResidualBlock   # your own, from that exercise
    from mlkata.given.autograd import Tensor                     # working code mlkata provides

`mlkata.exercises.NAME` is the learner's file of exercise NAME; `mlkata.given.NAME` is
`given/NAME.py` of the exercise pack. Inside a check process, `EarlierWork` decides which
file each earlier exercise is (the learner's file in a workspace; the reference solution
when mlkata proves its own curriculum) and remembers which ones the checked file used,
so a failure that comes from an earlier exercise can name it. Outside a check (the
learner runs their file with python), `mlkata/exercises/__init__.py` finds the workspace.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.util
import sys
from collections.abc import Iterator

from mlkata.protocol import EarlierExercise

EXERCISES_PACKAGE = "mlkata.exercises"
GIVEN_PACKAGE = "mlkata.given"


class EarlierWork(importlib.abc.MetaPathFinder):
    """Maps `mlkata.exercises.NAME` to the files a check request names; records what was used.

    While a reference solution loads (`for_references`), the same names resolve to the
    other exercises' reference solutions instead, so that a check compares the learner's
    ResNet34 with a ResNet34 built from reference blocks, never from the learner's own.
    """

    def __init__(self, earlier: tuple[EarlierExercise, ...] = ()) -> None:
        self.update(earlier)
        self.used: list[EarlierExercise] = []
        self._references = False

    def update(self, earlier: tuple[EarlierExercise, ...]) -> None:
        """Take the request's view of the earlier exercises (their statuses may have moved on)."""
        self.by_name = {exercise.name: exercise for exercise in earlier}
        self.by_file = {exercise.file: exercise for exercise in earlier}

    def find_spec(self, fullname, path=None, target=None):
        package, _, name = fullname.rpartition(".")
        if package != EXERCISES_PACKAGE:
            return None
        exercise = self.by_name.get(name)
        if exercise is None:
            return None
        if self._references:
            return importlib.util.spec_from_file_location(fullname, exercise.reference)
        self.used.append(exercise)
        return importlib.util.spec_from_file_location(fullname, exercise.file)

    def install(self, given_dir: str) -> None:
        global current
        current = self
        sys.meta_path.insert(0, self)
        import mlkata.given

        mlkata.given.__path__[:] = [given_dir] if given_dir else []

    @contextlib.contextmanager
    def for_references(self) -> Iterator[None]:
        """Within this block `mlkata.exercises.NAME` loads reference solutions, cached apart."""
        prefix = EXERCISES_PACKAGE + "."
        learners = {name: module for name, module in sys.modules.items() if name.startswith(prefix)}
        for name in learners:
            del sys.modules[name]
        self._references = True
        try:
            yield
        finally:
            self._references = False
            for name in [name for name in sys.modules if name.startswith(prefix)]:
                del sys.modules[name]  # the reference modules live on through what imported them
            sys.modules.update(learners)

    def exercise_of(self, filename: str) -> EarlierExercise | None:
        return self.by_file.get(filename)

    def unfinished_used(self) -> list[EarlierExercise]:
        """Earlier exercises this file imported that have not passed their own check."""
        seen: dict[str, EarlierExercise] = {}
        for exercise in self.used:
            if exercise.status != "passed":
                seen.setdefault(exercise.name, exercise)
        return list(seen.values())


# The finder of this check process, once the harness has installed it.
current: EarlierWork | None = None


def loading_references():
    """A context in which `mlkata.exercises.NAME` means the reference solutions."""
    return current.for_references() if current is not None else contextlib.nullcontext()
