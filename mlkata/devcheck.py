"""`mlkata dev check`: the one proof that a pack's exercises are what they claim to be.

For every exercise: the manifest and the files agree (no file missing or unlisted, names
unique, 2-4 hints, bans that resolve and say what to use instead, no scaffold left
over); its stub reports "not started"; its reference solution passes; every known
mistake gets its status and every phrase it expects; and it has at least two known
mistakes. The checks run on one warm worker, in parallel. The test suite calls
`prove` once per exercise, so a failure names the exercise.
"""

from __future__ import annotations

import queue
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from mlkata.curriculum import Curriculum, Exercise
from mlkata.errors import MlkataError
from mlkata.mistakes import MIN_MISTAKES, KnownMistake, load_mistakes
from mlkata.protocol import CheckRequest, CheckResult, Status

MIN_HINTS, MAX_HINTS = 2, 4
SCAFFOLD_MARK = "TODO"  # what `mlkata dev new` leaves in hints and `instead`
RESULT_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class Problem:
    where: str  # the exercise's name, or a file's path
    what: str


@dataclass(frozen=True)
class Proof:
    """What `dev check` established for one exercise."""

    exercise: str
    mistakes: int  # known mistakes run
    accepted: int  # right answers in other styles run
    problems: tuple[Problem, ...]


def static_problems(curriculum: Curriculum) -> list[Problem]:
    """What is wrong between the manifest and the files, without running anything."""
    problems = [problem for exercise in curriculum.exercises for problem in exercise_problems(curriculum, exercise)]
    problems.extend(pack_problems(curriculum))
    return problems


def pack_problems(curriculum: Curriculum) -> list[Problem]:
    """What is wrong with the pack as a whole: names used twice, files of no exercise, placeholders."""
    problems = _duplicate_names(curriculum) + _unlisted_files(curriculum)
    manifest = str(curriculum.pack.manifest_path)
    if SCAFFOLD_MARK in curriculum.title:
        problems.append(Problem(manifest, "the pack's title is still the scaffold's placeholder"))
    problems.extend(
        Problem(manifest, f"the title of section {section.name} is still the scaffold's placeholder")
        for section in curriculum.sections
        if SCAFFOLD_MARK in section.title
    )
    return problems


def exercise_problems(curriculum: Curriculum, exercise: Exercise) -> list[Problem]:
    found: list[str] = []
    if exercise.section not in {s.name for s in curriculum.sections}:
        found.append(f"section {exercise.section!r} has no [[sections]] entry")
    for kind, path in (("stub", exercise.stub_path), ("check", exercise.check_path), ("reference solution", exercise.solution_path)):
        if not path.is_file():
            found.append(f"the {kind} {path} is missing")
    if not MIN_HINTS <= len(exercise.hints) <= MAX_HINTS:
        found.append(f"has {len(exercise.hints)} hints; expected {MIN_HINTS}-{MAX_HINTS}")
    for level, hint in enumerate(exercise.hints, start=1):
        if SCAFFOLD_MARK in hint:
            found.append(f"hint {level} is still the scaffold's placeholder")
    if (exercise.banned or exercise.banned_imports) and not exercise.instead:
        found.append("bans calls but `instead` does not say what to build them from")
    if SCAFFOLD_MARK in exercise.instead:
        found.append("`instead` is still the scaffold's placeholder")
    found.extend(_unresolvable_bans(exercise.banned))
    try:
        mistakes = load_mistakes(exercise)
    except MlkataError as error:
        found.append(str(error))
    else:
        wrong = sum(m.status is not Status.PASSED for m in mistakes)
        if wrong < MIN_MISTAKES:
            found.append(f"has {wrong} known mistakes in {exercise.mistakes_path.name}; at least {MIN_MISTAKES} prove its explanations")
    return [Problem(exercise.name, what) for what in found]


def _duplicate_names(curriculum: Curriculum) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for exercise in curriculum.exercises:
        for name in (exercise.name, *exercise.aliases):
            if name in seen:
                problems.append(Problem(exercise.name, f"the name {name!r} is used twice"))
            seen.add(name)
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
    pack = curriculum.pack
    listed = {e.stub_path.resolve() for e in curriculum.exercises}
    folders = {e.folder.resolve() for e in curriculum.exercises}
    problems = []
    for path in sorted(pack.exercises_dir.rglob("*.py")) if pack.exercises_dir.is_dir() else []:
        if "__pycache__" not in path.parts and path.resolve() not in listed:
            problems.append(Problem(str(path), "is not listed in the manifest"))
    for path in sorted(pack.checks_dir.rglob("*")) if pack.checks_dir.is_dir() else []:
        if "__pycache__" in path.parts or not path.is_file():
            continue
        if path.resolve().parent not in folders:
            problems.append(Problem(str(path), "belongs to no exercise of the manifest"))
    return problems


# ---- running ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    """One check to run and what its verdict must be."""

    exercise: Exercise
    role: str  # "stub", "reference", or the known mistake's name
    request: CheckRequest | CheckResult
    status: Status
    expect: tuple[str, ...] = ()


def runs_for(exercise: Exercise, scratch: Path) -> list[_Run]:
    """Everything `dev check` runs for `exercise`: its stub, its reference, its known mistakes.

    Each known mistake is written to a file of its own under `scratch`, where a learner's
    file would be, and checked from there.
    """
    from mlkata.requests import build_request

    display = exercise.relative_path.as_posix()
    runs = []
    if exercise.stub_path.is_file():
        runs.append(_Run(exercise, "stub", build_request(exercise, exercise.stub_path, display), Status.NOT_STARTED))
    if exercise.solution_path.is_file():
        runs.append(_Run(exercise, "reference", build_request(exercise, exercise.solution_path, display), Status.PASSED))
    try:
        mistakes: list[KnownMistake] = load_mistakes(exercise)
    except MlkataError:
        mistakes = []  # reported by exercise_problems
    for number, mistake in enumerate(mistakes, start=1):
        file = scratch / exercise.name / str(number) / exercise.relative_path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(mistake.source, encoding="utf-8")
        request = build_request(exercise, file, display)
        role = f"accepted answer {mistake.name!r}" if mistake.status is Status.PASSED else f"known mistake {mistake.name!r}"
        runs.append(_Run(exercise, role, request, mistake.status, mistake.expect))
    return runs


def judge(run: _Run, result: CheckResult) -> list[Problem]:
    """What is wrong with a verdict, given what it must be."""
    where = run.exercise.name
    if result.status is not run.status:
        return [Problem(where, f"the {run.role} is {result.status.label}, expected {run.status.label}: {_gist(result)}")]
    text = explanation(result)
    return [
        Problem(where, f"the {run.role}'s explanation lacks {phrase!r}; it reads: {_gist(result)}")
        for phrase in run.expect
        if phrase not in text
    ]


def _gist(result: CheckResult, lines: int = 3) -> str:
    """The headline and the first lines of explanation: enough to see what went wrong."""
    shown = [result.headline, *result.details[:lines]]
    if result.trace:
        shown.append(result.trace.splitlines()[-1])
    return " / ".join(shown)


def explanation(result: CheckResult) -> str:
    """Everything a learner reads about a verdict, as one string (what phrases are sought in)."""
    parts = [f"{result.parts_passed} of {len(result.parts)} parts pass"] if result.parts else []
    return "\n".join([result.headline, *parts, *result.details, result.trace])


def prove(
    exercises: Iterable[Exercise],
    curriculum: Curriculum,
    submit: Callable[[CheckRequest], str],
    results: "queue.Queue[dict]",
) -> list[Proof]:
    """Run everything for `exercises` on a worker (`submit` and its `results` queue)."""
    with tempfile.TemporaryDirectory(prefix="mlkata-dev-check-") as scratch:
        return _prove(list(exercises), curriculum, submit, results, Path(scratch))


def _prove(exercises, curriculum, submit, results, scratch: Path) -> list[Proof]:
    runs = {exercise.name: runs_for(exercise, scratch) for exercise in exercises}
    problems = {name: [p for p in exercise_problems(curriculum, curriculum.get(name))] for name in runs}
    waiting: dict[str, tuple[str, _Run]] = {}
    for name, exercise_runs in runs.items():
        for run in exercise_runs:
            if isinstance(run.request, CheckResult):
                problems[name].extend(judge(run, run.request))
            else:
                waiting[submit(run.request)] = (name, run)
    held = []
    try:
        while waiting:
            message = results.get(timeout=RESULT_TIMEOUT_S)
            if message.get("type") == "worker_failed":
                raise MlkataError("The check worker keeps dying; see its log.")
            if message.get("type") != "result" or message["id"] not in waiting:
                held.append(message)
                continue
            name, run = waiting.pop(message["id"])
            problems[name].extend(judge(run, CheckResult.from_json(message["result"])))
    except queue.Empty:
        raise MlkataError(f"No verdict came within {RESULT_TIMEOUT_S:g} s.") from None
    finally:
        for message in held:
            results.put(message)
    return [
        Proof(
            name,
            mistakes=sum(r.role.startswith("known") for r in runs[name]),
            accepted=sum(r.role.startswith("accepted") for r in runs[name]),
            problems=tuple(problems[name]),
        )
        for name in runs
    ]


def check_curriculum(curriculum: Curriculum, only: str | None = None, parallel: int | None = None) -> tuple[list[Problem], list[Proof]]:
    """`mlkata dev check`: the static problems of the pack, then every exercise proven."""
    from mlkata.client import WorkerClient, default_parallelism

    exercises = [curriculum.get(only)] if only else list(curriculum.exercises)
    static = [] if only else pack_problems(curriculum)
    with WorkerClient(parallel=parallel or default_parallelism()) as worker:
        proofs = prove(exercises, curriculum, worker.submit, worker.messages)
    return static, proofs
