"""`mlkata dev check`: the manifest and the files agree, stubs fail, references pass.

Catches drift between the one manifest and the files: unlisted or missing files,
duplicate names, hint counts out of range, bans that name nothing, a stub that does not
report "not started", a reference solution that does not pass its own check.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mlkata.protocol import CheckRequest
from mlkata.protocol import CheckResult
from mlkata.curriculum import Curriculum, data_root
from mlkata.protocol import Status
from mlkata.client import check_many, default_parallelism
from mlkata.requests import build_request

MIN_HINTS, MAX_HINTS = 2, 4


@dataclass(frozen=True)
class Problem:
    where: str
    what: str


def static_problems(curriculum: Curriculum) -> list[Problem]:
    problems: list[Problem] = []
    names: set[str] = set()
    sections = {s.name for s in curriculum.sections}
    for exercise in curriculum.exercises:
        for name in (exercise.name, *exercise.aliases):
            if name in names:
                problems.append(Problem(exercise.name, f"the name {name!r} is used twice"))
            names.add(name)
        if exercise.section not in sections:
            problems.append(Problem(exercise.name, f"section {exercise.section!r} has no [[sections]] entry"))
        for kind, path in (("stub", exercise.stub_path), ("check", exercise.check_path), ("reference solution", exercise.solution_path)):
            if not path.is_file():
                problems.append(Problem(exercise.name, f"the {kind} {path} is missing"))
        if not MIN_HINTS <= len(exercise.hints) <= MAX_HINTS:
            problems.append(Problem(exercise.name, f"has {len(exercise.hints)} hints; expected {MIN_HINTS}-{MAX_HINTS}"))
        if exercise.banned and not exercise.instead:
            problems.append(Problem(exercise.name, "bans calls but `instead` does not say what to build them from"))
        problems.extend(Problem(exercise.name, message) for message in _unresolvable_bans(exercise.banned))
    problems.extend(_unlisted_files(curriculum))
    return problems


def _unresolvable_bans(banned: tuple[str, ...]) -> list[str]:
    if not banned:
        return []
    from mlkata.sandbox.bans import resolve  # imports torch: only dev check pays for it

    messages = []
    for spec in banned:
        try:
            resolve(spec)
        except ValueError as error:
            messages.append(str(error))
    return messages


def _unlisted_files(curriculum: Curriculum) -> list[Problem]:
    listed = set()
    for exercise in curriculum.exercises:
        listed |= {exercise.stub_path.resolve(), exercise.check_path.resolve(), exercise.solution_path.resolve()}
    problems = []
    for root in (data_root("exercises"), data_root("checks")):
        for path in sorted(root.rglob("*.py")):
            if "__pycache__" in path.parts or path.name == "__init__.py":
                continue
            if path.resolve() not in listed:
                problems.append(Problem(str(path), "is not listed in the manifest"))
    return problems


def run_problems(curriculum: Curriculum) -> list[Problem]:
    """Check every stub (must be not started) and every reference (must pass)."""
    requests: list[tuple[str, str, CheckRequest | CheckResult]] = []
    for exercise in curriculum.exercises:
        for role, path in (("stub", exercise.stub_path), ("reference", exercise.solution_path)):
            if path.is_file():
                display = str(Path(role) / exercise.relative_path.name)
                requests.append((exercise.name, role, build_request(exercise, path, display)))
    results = check_many([request for _, _, request in requests], parallel=default_parallelism())
    problems = []
    for (name, role, _), result in zip(requests, results):
        wanted = Status.NOT_STARTED if role == "stub" else Status.PASSED
        if result.status is not wanted:
            problems.append(Problem(name, f"the {role} is {result.status.label}, expected {wanted.label}: {result.headline}"))
    return problems
