"""Saving a learner's file the way editors do, with versions that fail in known ways.

Every saved version starts with a `print` of a token unique to that save. The verdict
shows what the learner's code printed, so the token on screen proves that this save's
verdict (not the previous one, not a "checking…" screen) has been drawn. The print
changes nothing the check looks at.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mlkata.curriculum import Curriculum, Exercise
from mlkata.mistakes import load_mistakes


@dataclass(frozen=True)
class FailingVersion:
    label: str  # what is wrong with it
    source: str  # the whole learner file


def save_in_place(path: Path, text: str) -> None:
    """Truncate and rewrite the file itself (nano, VS Code, most IDEs by default)."""
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)


def save_by_rename(path: Path, text: str) -> None:
    """Write a hidden temporary file next to it, then rename it over (vim's writebackup, gedit, Emacs)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.swp-save")
    with open(temporary, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


SAVE_STYLES: dict[str, Callable[[Path, str], None]] = {
    "in place": save_in_place,
    "temp + rename": save_by_rename,
}


def with_token(source: str, token: str) -> str:
    """The source with `print(token)` as its first statement, so it runs even if a later line raises."""
    line = f"print({token!r})\n"
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return f"{source.rstrip()}\n\n{line}"  # nothing runs either way; keep the error where it was
    # After the docstring and `from __future__` imports, which must come first.
    leading = 0
    for statement in body:
        is_docstring = leading == 0 and isinstance(statement, ast.Expr) and isinstance(getattr(statement, "value", None), ast.Constant)
        if is_docstring or (isinstance(statement, ast.ImportFrom) and statement.module == "__future__"):
            leading = statement.end_lineno or 0
        else:
            break
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return "".join(lines[:leading] + [line] + lines[leading:])


# Verdicts a learner meets on most saves; hangs and crashes are rare and slow by design.
EVERYDAY_STATUSES = ("failed", "error", "not_started")


def failing_versions(exercise: Exercise) -> list[FailingVersion]:
    """Two different versions of the exercise's file that do not pass.

    Known mistakes of the exercise (its mistakes.toml) where there are two (plain failures
    first); otherwise the stub and the stub with a note (both "not started"), which
    still makes the full trip through the check.
    """
    cases = [m for m in load_mistakes(exercise) if m.status.value in EVERYDAY_STATUSES]
    cases.sort(key=lambda m: EVERYDAY_STATUSES.index(m.status.value))
    versions: list[FailingVersion] = []
    for case in cases:
        if all(case.source != v.source for v in versions):
            versions.append(FailingVersion(case.name, case.source))
        if len(versions) == 2:
            return versions
    stub = exercise.stub_path.read_text(encoding="utf-8")
    return [
        FailingVersion("stub", stub),
        FailingVersion("stub, edited", stub + "\n# still thinking\n"),
    ]


def has_real_mistakes(exercise: Exercise) -> bool:
    return failing_versions(exercise)[0].label != "stub"


def default_exercises(curriculum: Curriculum) -> list[Exercise]:
    """The first exercise, and the furthest one along that has two catalogued mistakes."""
    exercises = list(curriculum.exercises)
    if not exercises:
        return []
    chosen = [exercises[0]]
    for exercise in reversed(exercises[1:]):
        if has_real_mistakes(exercise):
            chosen.append(exercise)
            break
    return chosen
