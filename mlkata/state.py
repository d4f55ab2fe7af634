"""The learner's progress: current exercise, done set, hint levels, attempts.

Stored as JSON in `.mlkata/state.json`, keyed by exercise name so a newer mlkata with
more, renamed (via manifest aliases) or reordered exercises keeps it. Written
atomically (temp file, fsync, rename, fsync of the folder): a crash or SIGKILL in the
middle of a save leaves either the old file or the new one, never a torn one. A damaged
file is set aside, not deleted, and the caller is told so it can rebuild.

Two mlkata commands can hold the progress at once (`mlkata watch` in one terminal,
`mlkata run` or `mlkata hint` in another). A save therefore merges: under a lock on the
folder it reads what is on disk and applies only what this process changed since it
last read or wrote, so neither overwrites the other's progress.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mlkata.curriculum import Curriculum
from mlkata.errors import MlkataError

try:
    import fcntl
except ImportError:  # Windows: no cross-process lock; saves still write atomically
    fcntl = None  # type: ignore[assignment]

STATE_VERSION = 1


@dataclass
class Progress:
    current: str | None = None
    done: set[str] = field(default_factory=set)
    hint_levels: dict[str, int] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    last_status: dict[str, str] = field(default_factory=dict)
    parts: dict[str, list[int]] = field(default_factory=dict)  # [passed, total] for exercises of several parts
    known: set[str] = field(default_factory=set)  # exercises this workspace has been given
    # When work on an exercise began (first shown or checked) and when it first passed,
    # in seconds since the epoch: the time a pass and the ending report.
    started: dict[str, float] = field(default_factory=dict)
    finished: dict[str, float] = field(default_factory=dict)
    # The stored form as this process last read or wrote it: what a save compares
    # against to tell its own changes from another process's.
    base: dict | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict:
        """The stored form: new containers, so later changes here do not alter it."""
        return {
            "version": STATE_VERSION,
            "current": self.current,
            "done": sorted(self.done),
            "hint_levels": dict(self.hint_levels),
            "attempts": dict(self.attempts),
            "last_status": dict(self.last_status),
            "parts": {name: list(counts) for name, counts in self.parts.items()},
            "known": sorted(self.known),
            "started": dict(self.started),
            "finished": dict(self.finished),
        }

    def take(self, other: "Progress") -> None:
        """Become `other` (after a merge), keeping this object, which callers hold."""
        self.current = other.current
        self.done = other.done
        self.hint_levels = other.hint_levels
        self.attempts = other.attempts
        self.last_status = other.last_status
        self.parts = other.parts
        self.known = other.known
        self.started = other.started
        self.finished = other.finished

    @classmethod
    def from_json(cls, data: dict, curriculum: Curriculum | None = None) -> "Progress":
        """Read saved progress, mapping old names onto renamed exercises."""
        if not isinstance(data, dict):
            raise ValueError("state is not a JSON object")

        def canonical(name: str) -> str:
            exercise = curriculum.find(name) if curriculum is not None else None
            return exercise.name if exercise else name

        def names(value) -> set[str]:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError("done is not a list of names")
            return {canonical(v) for v in value}

        def mapping(value, kind) -> dict:
            if not isinstance(value, dict) or not all(isinstance(v, kind) for v in value.values()):
                raise ValueError("malformed mapping in state")
            return {canonical(k): v for k, v in value.items()}

        current = data.get("current")
        if current is not None and not isinstance(current, str):
            raise ValueError("current is not a name")
        return cls(
            current=canonical(current) if current else None,
            done=names(data.get("done", [])),
            hint_levels=mapping(data.get("hint_levels", {}), int),
            attempts=mapping(data.get("attempts", {}), int),
            last_status=mapping(data.get("last_status", {}), str),
            parts=mapping(data.get("parts", {}), list),
            known=names(data.get("known", [])),
            started=mapping(data.get("started", {}), (int, float)),
            finished=mapping(data.get("finished", {}), (int, float)),
        )


@dataclass(frozen=True)
class LoadedProgress:
    progress: Progress
    damaged_copy: Path | None = None  # where a damaged file was set aside
    missing: bool = False


DAMAGE = (ValueError, TypeError, AttributeError, RecursionError)


def load(path: Path, curriculum: Curriculum) -> LoadedProgress:
    """Read progress; a missing or damaged file yields empty progress and says so."""
    with _locked(path.parent):
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return LoadedProgress(Progress(), missing=True)
        except OSError as error:
            raise MlkataError(f"Your progress file {path} cannot be read ({error.strerror}); nothing was changed.") from error
        try:
            data = json.loads(raw)
            progress = Progress.from_json(data, curriculum)
        except DAMAGE:
            damaged = _free_name(path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}"))
            os.replace(path, damaged)
            return LoadedProgress(Progress(), damaged_copy=damaged)
    progress.base = data
    return LoadedProgress(progress)


def save(path: Path, progress: Progress) -> None:
    """Write progress atomically and durably, keeping what other processes saved meanwhile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path.parent):
        theirs = _read_quietly(path)
        data = progress.to_json()
        if progress.base is not None and theirs is not None and theirs != progress.base:
            data = merge(progress.base, data, theirs)
            progress.take(Progress.from_json(data))
        _write(path, data)
        progress.base = data


def merge(base: dict, mine: dict, theirs: dict) -> dict:
    """Apply to `theirs` what changed from `base` to `mine` (all in stored form)."""
    merged = dict(theirs, version=STATE_VERSION)
    for key in ("done", "known"):
        before, now = set(base.get(key, [])), set(mine.get(key, []))
        merged[key] = sorted((set(theirs.get(key, [])) | (now - before)) - (before - now))
    for key in ("hint_levels", "last_status", "attempts", "parts", "started", "finished"):
        before, now, other = base.get(key, {}), mine.get(key, {}), dict(theirs.get(key, {}))
        for name in set(before) | set(now):
            if name not in now:
                other.pop(name, None)
            elif now[name] != before.get(name):
                if key == "attempts":  # both counted attempts: add this process's
                    other[name] = other.get(name, 0) + now[name] - before.get(name, 0)
                else:
                    other[name] = now[name]
        merged[key] = other
    if mine.get("current") != base.get("current"):
        merged["current"] = mine.get("current")
    return merged


def _read_quietly(path: Path) -> dict | None:
    """What is on disk, or None if it is missing or not readable as progress."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        Progress.from_json(data)  # validates the shape
        return data
    except (OSError, *DAMAGE):
        return None


def _free_name(path: Path) -> Path:
    candidate, counter = path, 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}-{counter}")
        counter += 1
    return candidate


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (progress is read and written under it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        fd = None  # no folder yet: there is nothing to read, and the write creates it
    if fd is None:
        yield
        return
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _write(path: Path, data: dict) -> None:
    payload = json.dumps(data, indent=2, sort_keys=True).encode()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        written = 0
        while written < len(payload):
            written += os.write(fd, payload[written:])
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)
    _fsync_directory(path.parent)


def _fsync_directory(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
