"""The request to check one file of one exercise, built from the manifest and the file.

Building a request reads the learner's file once: the worker checks exactly the text
that was read, and the verdict carries its digest, so a verdict is always known to be
for a given version of the file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from mlkata.curriculum import Exercise, load_curriculum
from mlkata.protocol import CheckRequest, CheckResult, EarlierExercise, Status


def digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def reference_earlier(exercise: Exercise) -> tuple[EarlierExercise, ...]:
    """The exercises before `exercise`, each as its reference solution (which passes)."""
    curriculum = load_curriculum(exercise.pack.root)
    before = curriculum.before(exercise) if exercise in curriculum.exercises else ()
    return tuple(
        EarlierExercise(e.name, str(e.solution_path.resolve()), e.relative_path.as_posix(), "passed", str(e.solution_path.resolve()))
        for e in before
    )


def build_request(
    exercise: Exercise,
    file: Path,
    display_path: str,
    earlier: tuple[EarlierExercise, ...] | None = None,
) -> CheckRequest | CheckResult:
    """The request for checking `file` as it is now, or the verdict if it cannot be read.

    `earlier` says which file each earlier exercise is (`mlkata.exercises.NAME`); by
    default, the reference solutions.
    """
    try:
        source = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _unreadable(exercise, f"{display_path} is missing", f"Restore the stub with `mlkata reset {exercise.name}`.")
    except PermissionError:
        return _unreadable(exercise, f"{display_path} cannot be read (permission denied)", "Give yourself read permission on the file.")
    except (UnicodeDecodeError, OSError) as error:
        return _unreadable(exercise, f"{display_path} cannot be read: {error}", "Save the file as UTF-8 text.")
    return CheckRequest(
        exercise=exercise.name,
        learner_file=str(file.resolve()),
        display_path=display_path,
        source=source,
        source_digest=digest(source),
        check_file=str(exercise.check_path.resolve()),
        banned=exercise.banned,
        banned_imports=exercise.banned_imports,
        instead=exercise.instead,
        timeout_s=exercise.timeout_s,
        memory_mb=exercise.memory_mb,
        earlier=reference_earlier(exercise) if earlier is None else earlier,
        given_dir=str(exercise.pack.given_dir),
    )


def _unreadable(exercise: Exercise, headline: str, advice: str) -> CheckResult:
    return CheckResult(exercise=exercise.name, status=Status.ERROR, headline=headline, details=(advice,))
