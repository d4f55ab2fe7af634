"""What each command does, as functions that return data for `render` to draw.

A `Session` is one command's view of the workspace: the manifest, the learner's
progress and any notices (a damaged state file set aside, new exercises added). Nothing
here prints and nothing here imports torch: checks go through the worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mlkata import state, workspace as workspace_mod
from typing import TYPE_CHECKING

from mlkata.curriculum import Curriculum, Exercise, load_curriculum
from mlkata.errors import MlkataError
from mlkata.protocol import CheckResult
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

    def record(self, exercise: Exercise, result: CheckResult) -> Exercise | None:
        """Remember a verdict; on a pass of the current exercise, move on and return the next."""
        progress = self.progress
        progress.attempts[exercise.name] = progress.attempts.get(exercise.name, 0) + 1
        progress.last_status[exercise.name] = result.status.value
        remember_parts(progress, exercise, result)
        moved_to = None
        if result.passed:
            progress.done.add(exercise.name)
            if self.current() is exercise or progress.current is None:
                moved_to = self.next_pending(exercise)
                progress.current = moved_to.name if moved_to else exercise.name
        self.save()
        return moved_to

    def set_current(self, exercise: Exercise) -> None:
        self.progress.current = exercise.name
        self.save()


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
    parts: tuple[int, int] | None = None  # (passed, total) last time, for an exercise of several parts

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "section": self.section,
            "path": self.path,
            "done": self.done,
            "current": self.current,
            "last_status": self.last_status,
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
            parts=tuple(progress.parts[e.name]) if e.name in progress.parts else None,
        )
        for e in session.curriculum.exercises
    ]


def resolve(session: Session, name: str | None) -> Exercise:
    """The named exercise, or the current one."""
    if name:
        return session.curriculum.get(name)
    exercise = session.current()
    if exercise is None:
        raise MlkataError("Every exercise is done. Name one to work on it again.")
    return exercise


@dataclass(frozen=True)
class HintView:
    exercise: Exercise
    shown: list[tuple[int, str]]  # (level, text), level from 1
    total: int
    exhausted: bool  # the last level had been shown already


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
    return HintView(exercise, shown, total, exhausted=reached >= total and not show_all)


def run_one(session: Session, name: str | None) -> tuple[Exercise, CheckResult, Exercise | None]:
    from mlkata.client import check_many

    exercise = resolve(session, name)
    [result] = check_many([session.request_for(exercise)], log_path=session.workspace.worker_log, wait_for_simplest=True)
    moved_to = session.record(exercise, result)
    return exercise, result, moved_to


def verify(session: Session, on_result=None) -> list[tuple[Exercise, CheckResult]]:
    from mlkata.client import check_many, default_parallelism

    exercises = list(session.curriculum.exercises)
    results = check_many(
        [session.request_for(e) for e in exercises],
        parallel=default_parallelism(),
        log_path=session.workspace.worker_log,
        on_result=on_result,
    )
    for exercise, result in zip(exercises, results):
        session.progress.last_status[exercise.name] = result.status.value
        remember_parts(session.progress, exercise, result)
        if result.passed:
            session.progress.done.add(exercise.name)
    session.save()
    return list(zip(exercises, results))


def reset_exercise(session: Session, name: str) -> tuple[Exercise, Path | None]:
    exercise = session.curriculum.get(name)
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

