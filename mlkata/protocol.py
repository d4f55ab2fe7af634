"""What crosses between the command line and the worker: requests and verdicts, as JSON.

Both sides import this module; nothing here imports torch or Rich.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Status(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_STARTED = "not_started"
    ERROR = "error"
    TIMED_OUT = "timed_out"
    CRASHED = "crashed"
    OUT_OF_MEMORY = "out_of_memory"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


@dataclass(frozen=True)
class SimplestCase:
    """The smallest inputs found that still fail the same way, small enough to read whole.

    Attributes:
        call: the call with its inputs described, `conv1d_minimal(x=float32[1, 1, 3], ...)`.
        inputs: (name, value written out) for every input.
        expected: the reference's result, written out.
        got: the learner's result, written out.
        headline: what is wrong on this case.
    """

    call: str
    inputs: tuple[tuple[str, str], ...]
    expected: str
    got: str
    headline: str

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "SimplestCase":
        return cls(**{**data, "inputs": tuple(tuple(pair) for pair in data.get("inputs", ()))})


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check on one version of a learner's file.

    Attributes:
        exercise: the exercise name from the manifest.
        status: the verdict.
        headline: one line that says what happened.
        details: further lines of explanation, in reading order.
        table: an optional side-by-side of expected and actual values; the first row
            is the header.
        trace: the learner-facing part of a traceback (only frames in their file).
        output: what the learner's code printed, possibly cut short.
        output_dropped: how many characters of printed output were dropped.
        duration_ms: wall time of the check, including process start-up.
        source_digest: digest of the file content that was checked.
        parts: for an exercise of several parts, (part, status value) for each, in order.
        simplest: the simplest failing case, once found.
        seeking_simplest: a simplest failing case is being looked for; it follows in a
            "detail" message from the worker.
    """

    exercise: str
    status: Status
    headline: str
    details: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()
    trace: str = ""
    output: str = ""
    output_dropped: int = 0
    duration_ms: float = 0.0
    source_digest: str = ""
    parts: tuple[tuple[str, str], ...] = ()
    simplest: SimplestCase | None = None
    seeking_simplest: bool = False

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    @property
    def parts_passed(self) -> int:
        return sum(status == Status.PASSED.value for _, status in self.parts)

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["status"] = self.status.value
        data["simplest"] = self.simplest.to_json() if self.simplest is not None else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CheckResult":
        fields = {f.name for f in dataclasses.fields(cls)}
        values = {key: value for key, value in data.items() if key in fields}
        values["status"] = Status(values["status"])
        values["details"] = tuple(values.get("details", ()))
        values["table"] = tuple(tuple(row) for row in values.get("table", ()))
        values["parts"] = tuple(tuple(part) for part in values.get("parts", ()))
        simplest = values.get("simplest")
        values["simplest"] = SimplestCase.from_json(simplest) if simplest else None
        return cls(**values)

    def with_updates(self, **changes: Any) -> "CheckResult":
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class EarlierExercise:
    """One exercise a checked file may import, as a check request carries it."""

    name: str
    file: str  # absolute path of the file `mlkata.exercises.NAME` loads
    display: str  # how messages name that file
    status: str  # its last verdict ("passed", "failed", ...) or "" if never checked
    reference: str  # its reference solution, which other references import instead

    def to_json(self) -> list[str]:
        return [self.name, self.file, self.display, self.status, self.reference]

    @classmethod
    def from_json(cls, data: list[str]) -> "EarlierExercise":
        return cls(*data)


@dataclass(frozen=True)
class CheckRequest:
    """Everything a check process needs; plain data so it can cross a pipe as JSON."""

    exercise: str
    learner_file: str  # absolute path; used for attribution and tracebacks
    display_path: str  # how messages name the file (relative to the workspace)
    source: str  # the exact content being checked
    source_digest: str
    check_file: str
    banned: tuple[str, ...] = ()
    banned_imports: tuple[str, ...] = ()  # modules the learner's file may not import ("torch")
    instead: str = ""
    timeout_s: float = 10.0
    memory_mb: int = 4096
    # The exercises `mlkata.exercises.NAME` may load, and the folder of `mlkata.given`.
    earlier: tuple[EarlierExercise, ...] = ()
    given_dir: str = ""

    def to_json(self) -> dict:
        data = dict(self.__dict__)
        data["banned"] = list(self.banned)
        data["banned_imports"] = list(self.banned_imports)
        data["earlier"] = [exercise.to_json() for exercise in self.earlier]
        return data

    def preparation_key(self) -> tuple:
        """What a prepared check process depends on: all but the source being checked."""
        return (
            self.exercise, self.learner_file, self.check_file, self.banned, self.banned_imports,
            self.instead, self.timeout_s, self.memory_mb,
        )

    @classmethod
    def from_json(cls, data: dict) -> "CheckRequest":
        earlier = tuple(EarlierExercise.from_json(item) for item in data.get("earlier", ()))
        return cls(**{
            **data,
            "banned": tuple(data.get("banned", ())),
            "banned_imports": tuple(data.get("banned_imports", ())),
            "earlier": earlier,
        })
