"""The learner's workspace on disk: create it, find it, reset one file with a backup.

A workspace is a folder with `.mlkata/` (state, backups, logs) and `exercises/`, the
learner's copies of the stubs. Nothing here overwrites a learner's file without first
keeping a copy of it.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from mlkata import state
from mlkata.curriculum import Curriculum, Exercise
from mlkata.errors import MlkataError

MARKER = ".mlkata"
DEFAULT_FOLDER = "mlkata-workspace"

WORKSPACE_README = """\
# My mlkata workspace

Your exercises are in `exercises/`, one folder per MLAB day. Start with:

    mlkata watch

Save a file and the check runs at once. In watch mode: `h` hint, `l` list (move with
the arrows or j/k, `/` to search, Enter to go there), `n` next exercise, `e` edit,
`r` re-run, `q` quit. Elsewhere: `mlkata list`, `mlkata hint`, `mlkata run`,
`mlkata reset` (keeps a backup), `mlkata solution` (once done); each takes an exercise
name, number or file, and defaults to the current one.

Progress lives in `.mlkata/state.json`; backups of reset files in `.mlkata/backups/`.
Once an exercise passes, its reference solution is copied to `solutions/`.
"""


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def meta(self) -> Path:
        return self.root / MARKER

    @property
    def state_path(self) -> Path:
        return self.meta / "state.json"

    @property
    def backups(self) -> Path:
        return self.meta / "backups"

    @property
    def worker_log(self) -> Path:
        return self.meta / "worker.log"

    @property
    def exercises_dir(self) -> Path:
        return self.root / "exercises"

    @property
    def solutions_dir(self) -> Path:
        return self.root / "solutions"

    def solution_file(self, exercise: Exercise) -> Path:
        return self.solutions_dir / exercise.section / f"{exercise.name}.py"

    @property
    def config_path(self) -> Path:
        return self.meta / "config.json"

    def pack_root(self) -> Path | None:
        """The exercise pack this workspace was made from; None for mlkata's own curriculum."""
        try:
            config = json.loads(self.config_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            raise MlkataError(f"{self.config_path} cannot be read ({error}); it names this workspace's exercise pack.") from None
        pack = config.get("pack") if isinstance(config, dict) else None
        return Path(pack) if isinstance(pack, str) else None

    def file_for(self, exercise: Exercise) -> Path:
        return self.root / exercise.relative_path

    def display(self, exercise: Exercise) -> str:
        return exercise.relative_path.as_posix()


def find(start: Path | None = None) -> Workspace:
    """The workspace containing `start` (default: the current folder)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_dir():
            return Workspace(folder)
    raise MlkataError(
        "This folder is not inside an mlkata workspace. "
        "Create one with `mlkata init`, or cd into yours."
    )


def init(target: Path, curriculum: Curriculum) -> Workspace:
    """Create a new workspace at `target`; refuse if anything is already there.

    A path that cannot hold a workspace (under a file, not writable, too long) is refused
    with one line; if creating fails halfway, what was created is removed again.
    """
    target = Path(os.path.abspath(target))
    try:
        _refuse_unusable(target)
        target = target.resolve()
        for folder in (target, *target.parents):
            if (folder / MARKER).is_dir():
                raise MlkataError(
                    f"{folder} is already an mlkata workspace; nothing was changed. "
                    "Run `mlkata watch` there, or choose another folder."
                )
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise MlkataError(
                f"{target} already exists and is not empty; nothing was changed. "
                "Choose a new folder: `mlkata init NEW_FOLDER`."
            )
        created = _first_missing(target)
    except OSError as error:
        raise MlkataError(f"Cannot create a workspace in {target}: {error.strerror or error}; nothing was changed.") from None
    workspace = Workspace(target)
    try:
        workspace.meta.mkdir(parents=True)
        if not curriculum.pack.is_builtin:
            workspace.config_path.write_text(json.dumps({"pack": str(curriculum.pack.root)}, indent=2) + "\n", encoding="utf-8")
        for exercise in curriculum.exercises:
            _copy_new(exercise.stub_path, workspace.file_for(exercise))
        (target / "README.md").write_text(WORKSPACE_README, encoding="utf-8")
        (target / ".gitignore").write_text(".mlkata/\n__pycache__/\n", encoding="utf-8")
        first = curriculum.exercises[0].name if curriculum.exercises else None
        known = {exercise.name for exercise in curriculum.exercises}
        state.save(workspace.state_path, state.Progress(current=first, known=known))
    except OSError as error:
        _remove_created(target, created)
        raise MlkataError(f"Cannot create a workspace in {target}: {error.strerror or error}; nothing was changed.") from None
    return workspace


def _refuse_unusable(target: Path) -> None:
    """One clear line for a path that can never be a workspace folder."""
    if any(len(part.encode()) > 255 for part in target.parts):
        raise MlkataError(f"Cannot create a workspace in {target}: a folder name is too long; nothing was changed.")
    for folder in reversed((target, *target.parents)):
        if folder.exists() and not folder.is_dir():
            raise MlkataError(f"Cannot create a workspace in {target}: {folder} is a file, not a folder; nothing was changed.")
        if not folder.exists():
            parent = folder.parent
            if not os.access(parent, os.W_OK | os.X_OK):
                raise MlkataError(f"Cannot create a workspace in {target}: {parent} is not writable; nothing was changed.")
            break


def _first_missing(target: Path) -> Path | None:
    """The outermost folder of `target` that does not exist yet (what init creates)."""
    missing = None
    for folder in (target, *target.parents):
        if folder.exists():
            break
        missing = folder
    return missing


def _remove_created(target: Path, created: Path | None) -> None:
    if created is not None:
        shutil.rmtree(created, ignore_errors=True)
    elif target.is_dir():  # an empty folder that existed: empty it again
        for child in target.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)


def write_solution(workspace: Workspace, exercise: Exercise) -> Path | None:
    """Copy the reference solution into the workspace's solutions/ (once it is unlocked)."""
    destination = workspace.solution_file(exercise)
    try:
        content = exercise.solution_path.read_bytes()
        if destination.exists() and destination.read_bytes() == content:
            return destination
        destination.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(destination, content)
    except OSError:
        return None  # a read-only workspace: `mlkata solution` still shows it
    return destination


def add_missing_stubs(workspace: Workspace, curriculum: Curriculum, known: set[str]) -> list[Exercise]:
    """Bring a workspace made by an older mlkata up to date, never overwriting.

    A renamed exercise (its old name is an alias in the manifest) gets the learner's
    file from its old name whenever the new file is missing; the old file stays. Saved
    progress already speaks of the new name, so `known` cannot tell a rename. Otherwise
    only exercises the workspace has never had (not in `known`) are added, as stubs: a
    file the learner deleted is theirs to restore.
    """
    added = []
    for exercise in curriculum.exercises:
        destination = workspace.file_for(exercise)
        if destination.exists():
            continue
        previous = [
            old
            for alias in exercise.aliases
            if (old := workspace.root / "exercises" / exercise.section / f"{alias}.py").exists()
        ]
        if previous:
            _copy_new(previous[0], destination)
        elif exercise.name not in known:
            _copy_new(exercise.stub_path, destination)
        else:
            continue
        added.append(exercise)
    return added


def reset(workspace: Workspace, exercise: Exercise) -> Path | None:
    """Put the stub back; the learner's current file is copied to a backup first."""
    destination = workspace.file_for(exercise)
    backup = None
    if destination.exists():
        workspace.backups.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = workspace.backups / f"{exercise.name}.{stamp}.py"
        counter = 1
        while backup.exists():
            backup = workspace.backups / f"{exercise.name}.{stamp}-{counter}.py"
            counter += 1
        _write_atomic(backup, destination.read_bytes())
    destination.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(destination, exercise.stub_path.read_bytes())
    return backup


def _copy_new(source: Path, destination: Path) -> None:
    content = source.read_bytes()
    destination.parent.mkdir(parents=True, exist_ok=True)
    with open(destination, "xb") as out:  # "x": never overwrite
        out.write(content)
    shutil.copymode(source, destination)


def _write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
