"""What each command does, as functions that return data for `render` to draw.

A `Session` is one command's view of the workspace: the manifest, the learner's
progress and any notices (a damaged state file set aside, new exercises added). Nothing
here prints and nothing here imports torch: checks go through the worker.
"""

from __future__ import annotations

import difflib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mlkata import state, workspace as workspace_mod

from mlkata.curriculum import Curriculum, Exercise, load_curriculum
from mlkata.errors import MlkataError
from mlkata.protocol import CheckResult, Status
from mlkata.workspace import Workspace

if TYPE_CHECKING:
    from mlkata.protocol import CheckRequest

# `mlkata.client` (subprocesses, threads) is imported by the functions that check:
# `list` and `hint` never do.


def remember_parts(progress: state.Progress, exercise: Exercise, result: CheckResult) -> None:
    """How many parts of an exercise of several parts passed last time ("2 of 3")."""
    if result.parts:
        progress.parts[exercise.name] = [result.parts_passed, len(result.parts)]
    else:
        progress.parts.pop(exercise.name, None)


@dataclass
class Session:
    curriculum: Curriculum
    workspace: Workspace
    progress: state.Progress
    notices: list[str] = field(default_factory=list)
    needs_rebuild: bool = False
    _by_file: dict[str, Exercise] | None = field(default=None, repr=False)

    def save(self) -> None:
        state.save(self.workspace.state_path, self.progress)

    def current(self) -> Exercise | None:
        name = self.progress.current
        exercise = self.curriculum.find(name) if name else None
        return exercise or self.next_pending(None)

    def next_pending(self, after: Exercise | None) -> Exercise | None:
        """The first unfinished exercise after `after` (wrapping round), or None."""
        order = list(self.curriculum.exercises)
        start = order.index(after) + 1 if after in order else 0
        for exercise in order[start:] + order[:start]:
            if exercise.name not in self.progress.done and exercise is not after:
                return exercise
        return None

    def request_for(self, exercise: Exercise) -> CheckRequest | CheckResult:
        from mlkata.protocol import EarlierExercise
        from mlkata.requests import build_request

        earlier = tuple(
            EarlierExercise(
                e.name,
                str(self.workspace.file_for(e).resolve()),
                self.workspace.display(e),
                "passed" if e.name in self.progress.done else self.progress.last_status.get(e.name, ""),
                str(e.solution_path.resolve()),
            )
            for e in self.curriculum.before(exercise)
        )
        return build_request(exercise, self.workspace.file_for(exercise), self.workspace.display(exercise), earlier)

    def record(self, exercise: Exercise, result: CheckResult) -> "Recorded":
        """Remember a verdict. A pass of the current exercise makes the next pending one
        current; a pass also unlocks the reference, copied to the workspace's solutions/."""
        progress = self.progress
        now = time.time()
        progress.attempts[exercise.name] = progress.attempts.get(exercise.name, 0) + 1
        progress.last_status[exercise.name] = result.status.value
        progress.started.setdefault(exercise.name, now)
        solution = None
        remember_parts(progress, exercise, result)
        if result.passed:
            progress.done.add(exercise.name)
            progress.finished.setdefault(exercise.name, now)
            if self.current() is exercise or progress.current is None:
                following = self.next_pending(exercise)
                progress.current = following.name if following else exercise.name
            solution = workspace_mod.write_solution(self.workspace, exercise)
        self.save()
        return self.recorded(exercise, result, solution)

    def recorded(self, exercise: Exercise, result: CheckResult, solution: Path | None = None) -> "Recorded":
        """What a verdict means for the learner's progress (see `Recorded`)."""
        progress = self.progress
        upcoming = self.current()
        if upcoming is None or upcoming is exercise or upcoming.name in progress.done:
            upcoming = self.next_pending(exercise)
        return Recorded(
            exercise=exercise,
            result=result,
            attempts=progress.attempts.get(exercise.name, 0),
            seconds=self.time_spent(exercise),
            solution=solution,
            next_exercise=upcoming,
            all_done=len(progress.done & {e.name for e in self.curriculum.exercises}) == len(self.curriculum.exercises),
        )

    def time_spent(self, exercise: Exercise) -> float | None:
        """From the first time the exercise was shown or checked to its first pass."""
        started = self.progress.started.get(exercise.name)
        finished = self.progress.finished.get(exercise.name)
        return None if started is None or finished is None else max(0.0, finished - started)

    def begin(self, exercise: Exercise) -> None:
        """Note that work on `exercise` begins now, unless it began before (saved with the
        next verdict: watch mode's start-up does not wait for a write to disk)."""
        self.progress.started.setdefault(exercise.name, time.time())

    def set_current(self, exercise: Exercise) -> None:
        self.progress.current = exercise.name
        self.progress.started.setdefault(exercise.name, time.time())
        self.save()

    def exercise_at(self, file: Path) -> Exercise | None:
        """The exercise whose workspace file is `file`, if any (looked up on every save)."""
        if self._by_file is None:
            self._by_file = {}
            for exercise in self.curriculum.exercises:
                self._by_file[os.path.abspath(self.workspace.root / exercise.relative_path)] = exercise
                self._by_file[os.path.abspath(self.workspace.root.resolve() / exercise.relative_path)] = exercise
        return self._by_file.get(os.path.abspath(file))


@dataclass(frozen=True)
class Recorded:
    """A verdict, recorded: how many attempts and how long it took, and what comes next."""

    exercise: Exercise
    result: CheckResult
    attempts: int
    seconds: float | None  # time from starting the exercise to its first pass
    solution: Path | None  # where the reference was copied in the workspace, on a pass
    next_exercise: Exercise | None  # the exercise to do next (None when all are done)
    all_done: bool


def open_session(start: Path | None = None) -> Session:
    ws = workspace_mod.find(start)
    curriculum = load_curriculum(ws.pack_root())
    loaded = state.load(ws.state_path, curriculum)
    session = Session(curriculum, ws, loaded.progress)
    if loaded.damaged_copy is not None:
        session.notices.append(
            f"Your progress file was damaged; it was kept as {loaded.damaged_copy.name} "
            "and your progress is being rebuilt by checking your files."
        )
        session.needs_rebuild = True
    elif loaded.missing:
        session.notices.append("Your progress file was missing; rebuilding it by checking your files.")
        session.needs_rebuild = True
    known = set(session.progress.known)
    if session.needs_rebuild:
        known = {e.name for e in curriculum.exercises if ws.file_for(e).exists()}
    added = workspace_mod.add_missing_stubs(ws, curriculum, known)
    if added:
        names = ", ".join(e.name for e in added)
        session.notices.append(f"New exercises were added to your workspace: {names}.")
    session.progress.known = known | {e.name for e in curriculum.exercises}
    if added or session.needs_rebuild:
        session.save()
    return session


def rebuild_progress(session: Session) -> list[CheckResult]:
    """After a lost state file: every exercise whose file differs from the stub is checked."""
    from mlkata.client import check_many, default_parallelism

    edited = [
        e for e in session.curriculum.exercises
        if session.workspace.file_for(e).exists()
        and session.workspace.file_for(e).read_bytes() != e.stub_path.read_bytes()
    ]
    results = check_many(
        [session.request_for(e) for e in edited],
        parallel=default_parallelism(),
        log_path=session.workspace.worker_log,
    )
    session.progress.done = {r.exercise for r in results if r.passed}
    for result in results:
        session.progress.last_status[result.exercise] = result.status.value
    current = session.next_pending(None)
    session.progress.current = current.name if current else None
    session.needs_rebuild = False
    session.save()
    return results


def init_workspace(target: Path, pack: Path | None = None) -> tuple[Workspace, Curriculum]:
    curriculum = load_curriculum(pack)
    return workspace_mod.init(target, curriculum), curriculum


@dataclass(frozen=True)
class ExerciseRow:
    name: str
    section: str
    section_title: str
    path: str
    done: bool
    current: bool
    last_status: str | None
    hint_level: int
    hints_total: int
    number: int = 0
    attempts: int = 0
    parts: tuple[int, int] | None = None  # (passed, total) last time, for an exercise of several parts

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "section": self.section,
            "path": self.path,
            "done": self.done,
            "current": self.current,
            "last_status": self.last_status,
            "number": self.number,
            "attempts": self.attempts,
            "parts": list(self.parts) if self.parts else None,
        }


def list_rows(session: Session) -> list[ExerciseRow]:
    current = session.current()
    progress = session.progress
    return [
        ExerciseRow(
            name=e.name,
            section=e.section,
            section_title=session.curriculum.section(e.section).title,
            path=session.workspace.display(e),
            done=e.name in progress.done,
            current=e is current,
            last_status=progress.last_status.get(e.name),
            hint_level=progress.hint_levels.get(e.name, 0),
            hints_total=len(e.hints),
            number=number,
            attempts=progress.attempts.get(e.name, 0),
            parts=tuple(progress.parts[e.name]) if e.name in progress.parts else None,
        )
        for number, e in enumerate(session.curriculum.exercises, start=1)
    ]


def resolve(session: Session, name: str | None) -> Exercise:
    """The exercise a learner means: a name (or an old name), its number in the list, or
    its file; the current exercise when they name none. A typo gets the closest names."""
    if not name:
        exercise = session.current()
        if exercise is None:
            raise MlkataError("Every exercise is done. Name one to work on it again.")
        return exercise
    exercises = session.curriculum.exercises
    if name.isdigit():
        if 1 <= int(name) <= len(exercises):
            return exercises[int(name) - 1]
        raise MlkataError(f"There is no exercise number {name}: they go from 1 to {len(exercises)}. `mlkata list` shows them.")
    found = session.curriculum.find(name)
    if found is not None:
        return found
    if name.endswith(".py") or os.sep in name or "/" in name:
        by_file = session.exercise_at(Path(name))
        if by_file is None:
            by_file = session.curriculum.find(Path(name).stem)
        if by_file is not None:
            return by_file
        raise MlkataError(f"{name} is not an exercise file of this workspace. `mlkata list` shows them.")
    names = [e.name for e in exercises] + [alias for e in exercises for alias in e.aliases]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    close += [n for n in names if name.lower() in n.lower() and n not in close][: 3 - len(close)]
    suggestion = f" Did you mean {' or '.join(close)}?" if close else ""
    raise MlkataError(f"There is no exercise called {name!r}.{suggestion} `mlkata list` shows them all.")


@dataclass(frozen=True)
class HintView:
    exercise: Exercise
    shown: list[tuple[int, str]]  # (level, text), level from 1
    total: int
    exhausted: bool  # the last level had been shown already
    done: bool = False  # the exercise has passed: no "still stuck?"


def next_hint(session: Session, name: str | None, show_all: bool) -> HintView:
    exercise = resolve(session, name)
    total = len(exercise.hints)
    if total == 0:
        raise MlkataError(f"{exercise.name} has no hints.")
    reached = session.progress.hint_levels.get(exercise.name, 0)
    if show_all:
        shown = list(enumerate(exercise.hints, start=1))
        level = total
    else:
        level = min(reached + 1, total)
        shown = [(level, exercise.hints[level - 1])]
    session.progress.hint_levels[exercise.name] = max(reached, level)
    session.save()
    return HintView(exercise, shown, total, exhausted=reached >= total and not show_all,
                    done=exercise.name in session.progress.done)


def run_one(session: Session, name: str | None, on_start=None) -> Recorded:
    from mlkata.client import check_many

    exercise = resolve(session, name)
    if on_start is not None:
        on_start(exercise)
    [result] = check_many([session.request_for(exercise)], log_path=session.workspace.worker_log, wait_for_simplest=True)
    return session.record(exercise, result)


def verify(session: Session, on_result=None) -> list[tuple[Exercise, CheckResult]]:
    from mlkata.client import check_many, default_parallelism

    exercises = list(session.curriculum.exercises)
    results = check_many(
        [session.request_for(e) for e in exercises],
        parallel=default_parallelism(),
        log_path=session.workspace.worker_log,
        on_result=on_result,
    )
    results = [_stub_not_started(session, exercise, result) for exercise, result in zip(exercises, results)]
    for exercise, result in zip(exercises, results):
        session.progress.last_status[exercise.name] = result.status.value
        remember_parts(session.progress, exercise, result)
        if result.passed:
            session.progress.done.add(exercise.name)
            session.progress.finished.setdefault(exercise.name, time.time())
            workspace_mod.write_solution(session.workspace, exercise)
    session.save()
    return list(zip(exercises, results))


def _stub_not_started(session: Session, exercise: Exercise, result: CheckResult) -> CheckResult:
    """A file still exactly its stub is not started, whatever stopped its check (an earlier
    exercise it builds on that is not written yet, say): verify counts it so."""
    if result.passed or result.status is Status.NOT_STARTED:
        return result
    try:
        untouched = session.workspace.file_for(exercise).read_bytes() == exercise.stub_path.read_bytes()
    except OSError:
        return result
    return result.with_updates(status=Status.NOT_STARTED) if untouched else result


def reset_exercise(session: Session, name: str | None) -> tuple[Exercise, Path | None]:
    exercise = resolve(session, name)
    backup = workspace_mod.reset(session.workspace, exercise)
    session.progress.done.discard(exercise.name)
    session.progress.last_status.pop(exercise.name, None)
    session.save()
    return exercise, backup


def solution_source(session: Session, name: str | None) -> tuple[Exercise, str]:
    exercise = resolve(session, name)
    if exercise.name not in session.progress.done:
        raise MlkataError(
            f"The solution to {exercise.name} unlocks once the exercise passes. "
            f"Stuck? `mlkata hint {exercise.name}` gives the next hint."
        )
    return exercise, exercise.solution_path.read_text(encoding="utf-8")



@dataclass(frozen=True)
class SectionSummary:
    name: str
    title: str
    mlab_day: str
    exercises: tuple[str, ...]
    attempts: int
    seconds: float


@dataclass(frozen=True)
class Ending:
    """What was built, section by section, once every exercise passes."""

    sections: tuple[SectionSummary, ...]
    attempts: int
    seconds: float


def ending(session: Session) -> Ending:
    progress = session.progress
    sections = []
    for section in session.curriculum.sections:
        members = [e for e in session.curriculum.exercises if e.section == section.name]
        if not members:
            continue
        sections.append(SectionSummary(
            name=section.name,
            title=section.title,
            mlab_day=section.mlab_day,
            exercises=tuple(e.name for e in members),
            attempts=sum(progress.attempts.get(e.name, 0) for e in members),
            seconds=sum(session.time_spent(e) or 0.0 for e in members),
        ))
    return Ending(tuple(sections), sum(s.attempts for s in sections), sum(s.seconds for s in sections))


def exercise_names(start: Path | None = None) -> list[str]:
    """Every exercise name of the workspace around `start` (or of mlkata's own curriculum), for shell completion."""
    try:
        ws = workspace_mod.find(start)
        curriculum = load_curriculum(ws.pack_root())
    except MlkataError:
        try:
            curriculum = load_curriculum()
        except MlkataError:
            return []
    return [e.name for e in curriculum.exercises]


def mlkata_command() -> str:
    """How the learner runs mlkata from a shell: `mlkata` when that is on PATH and is this
    mlkata, else the full path of the script that started this command (a virtual
    environment's bin/ that is not activated), else `python -m mlkata`."""
    import shutil
    import sys

    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    on_path = shutil.which("mlkata")
    if script is not None and script.name == "mlkata" and script.exists():
        if on_path and Path(on_path).resolve() == script.resolve():
            return "mlkata"
        return str(script.resolve())
    beside = Path(sys.executable).with_name("mlkata")
    if on_path and beside.exists() and Path(on_path).resolve() == beside.resolve():
        return "mlkata"
    if beside.exists():
        return str(beside)
    return f"{sys.executable} -m mlkata"


def come_back_command(root: Path) -> str:
    """The exact command that reopens watch mode on this workspace (a start script that
    wraps mlkata says its own, in MLKATA_COME_BACK)."""
    if os.environ.get("MLKATA_COME_BACK"):
        return os.environ["MLKATA_COME_BACK"]
    here = Path.cwd().resolve()
    command = mlkata_command()
    if here == root.resolve():
        return command
    return f"cd {root} && {command}"
