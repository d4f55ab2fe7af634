"""What runs inside the disposable check process: import the learner's file, run the check.

This module is the whole life of one check process after the fork. It returns a
`CheckResult` for every outcome it can observe from inside (pass, failure, stub not
written, exception, ban, out of memory); what it cannot observe (a hang, a crash, an
early exit) the worker that forked it works out from outside. A pass is returned only
when the check function returned normally, no banned call was made and nothing the
check relies on was replaced. Everything learner code chose (what it printed, the
messages of its exceptions) reaches the learner cut to size and with terminal control
characters spelled out, so it cannot flood or reprogram their terminal.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import linecache
import os
import random
import signal
import sys
import time
import traceback
import types
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mlkata.protocol import CheckRequest, CheckResult, SimplestCase, Status
from mlkata.sandbox.imports import EarlierWork

OUTPUT_LIMIT_CHARS = 8_000
# Sizes a verdict's parts are cut to; a screen cannot show more anyway.
HEADLINE_LIMIT_CHARS = 500
DETAIL_LIMIT_CHARS = 2_000
DETAIL_LIMIT_LINES = 40
CELL_LIMIT_CHARS = 200
TABLE_LIMIT_ROWS = 60
TRACE_LIMIT_CHARS = 8_000
FIRST_LINE_SCAN_CHARS = 100_000
REPEATED_FRAMES_SHOWN = 3
MLKATA_DIR = str(Path(__file__).resolve().parent) + os.sep
MLKATA_PACKAGE_DIR = str(Path(__file__).resolve().parent.parent) + os.sep
OOM_MARKERS = ("can't allocate memory", "DefaultCPUAllocator", "not enough memory", "out of memory")


class CappedOutput(io.TextIOBase):
    """Keeps the first characters written and counts the rest (prints by the megabyte)."""

    def __init__(self, limit: int = OUTPUT_LIMIT_CHARS) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.kept = 0
        self.dropped = 0

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            text = str(text)
        room = self.limit - self.kept
        if room > 0:
            piece = text[:room]
            self.parts.append(piece)
            self.kept += len(piece)
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def writable(self) -> bool:
        return True

    def text(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True)
class Finished:
    """A check's verdict, and what looks for its simplest failing case (run after the verdict
    has been sent, until a deadline; None when there is nothing to look for)."""

    result: CheckResult
    follow_up: Callable[[], SimplestCase | None] | None = None


# How long a check process may look for the simplest failing case after its verdict.
SIMPLEST_CASE_BUDGET_S = 1.0
ALARM_GRACE_S = 0.1


def run(request: CheckRequest) -> Finished:
    """Run one check in this (disposable) process and return its verdict."""
    return prepare(request)(request)


def prepare(template: CheckRequest) -> Callable[[CheckRequest], Finished]:
    """Do everything that does not need the learner's source; return what runs the rest.

    Loading the check, installing the bans and the snapshot take a good part of a
    check's time. A standby check process does them ahead of the save, then waits for
    the request (the same exercise, with the source) and finishes in the rest of the time.
    """
    outcome = _Outcome(template)
    # Bound before learner code runs: it may replace the methods that decide the verdict.
    explain, decide = _Outcome.explain, _Outcome.finish
    restore = _nothing
    prepare_error: BaseException | None = None
    try:
        outcome.snapshot = _prepare(template, outcome)
        restore = functools.partial(type(outcome.snapshot).restore, outcome.snapshot)
    except BaseException as error:  # noqa: BLE001 - reported once the request arrives
        prepare_error = error

    def finish(request: CheckRequest) -> Finished:
        started = time.perf_counter()
        output = CappedOutput()
        sys.stdout = sys.stderr = output
        warnings.showwarning = functools.partial(_show_warning, request)
        outcome.request = request
        try:
            if prepare_error is not None:
                raise prepare_error
            outcome.result = _run_check(request, outcome, restore, explain)
        except BaseException as error:  # noqa: BLE001 - every escape becomes a verdict
            restore()  # the explanation uses torch and mlkata, which learner code may have replaced
            outcome.result = explain(outcome, error)
            outcome.simplest_finder = _finder_of(error)
        restore()
        result = decide(outcome)
        follow_up = None
        found_by = outcome.simplest_finder
        if found_by is not None and result.status is Status.FAILED and result.headline == outcome.result.headline:
            remaining = request.timeout_s - (time.perf_counter() - started)
            budget = min(SIMPLEST_CASE_BUDGET_S, remaining / 2)
            follow_up = functools.partial(_look_for_simplest, found_by, outcome, restore, budget)
        result = _presentable(result).with_updates(
            output=visible(output.text()),
            output_dropped=output.dropped,
            duration_ms=(time.perf_counter() - started) * 1000,
            source_digest=request.source_digest,
            seeking_simplest=follow_up is not None,
        )
        return Finished(result, follow_up)

    return finish


def _finder_of(error: BaseException):
    from mlkata.checking.failure import CheckFailed

    return error.simplest if isinstance(error, CheckFailed) else None


def _look_for_simplest(finder, outcome: "_Outcome", restore, budget_s: float) -> SimplestCase | None:
    """Run after the verdict has gone: learner code runs again on smaller inputs.

    Whatever goes wrong here costs only the simplest case, never the verdict; a banned
    call made on the smaller inputs discards it.
    """
    from mlkata.checking.shrink import OutOfTime

    violations = len(outcome.bans.violations) if outcome.bans is not None else 0

    def out_of_time(_signum, _frame):
        raise OutOfTime

    # The deadline is checked between attempts; the alarm ends a slow one (learner code
    # that loops on small inputs) a moment after it.
    previous = signal.signal(signal.SIGALRM, out_of_time)
    signal.setitimer(signal.ITIMER_REAL, budget_s + ALARM_GRACE_S)
    try:
        found = finder(time.monotonic() + budget_s)
    except BaseException:  # noqa: BLE001 - the verdict has been given already
        found = None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    restore()
    if outcome.bans is not None and len(outcome.bans.violations) > violations:
        return None
    if found is None:
        return None
    return SimplestCase(
        call=_cut(visible(found.call), HEADLINE_LIMIT_CHARS),
        inputs=tuple((_cut(visible(name), CELL_LIMIT_CHARS), _cut(visible(text), DETAIL_LIMIT_CHARS)) for name, text in found.inputs[:TABLE_LIMIT_ROWS]),
        expected=_cut(visible(found.expected), DETAIL_LIMIT_CHARS),
        got=_cut(visible(found.got), DETAIL_LIMIT_CHARS),
        headline=_cut(visible(found.headline), HEADLINE_LIMIT_CHARS),
    )


# Control characters other than newline and tab, spelled out. Learner code controls
# what it prints and the messages of the exceptions it raises; an escape sequence in
# them would otherwise clear, recolour or retitle the learner's terminal.
_CONTROL_SPELLED = {
    code: f"\\x{code:02x}"
    for code in (*range(0x00, 0x20), *range(0x7F, 0xA0))
    if chr(code) not in "\n\t\r"
}
_CONTROL_SPELLED[ord("\r")] = ""  # "\r\n" line ends and progress bars: just drop it


def visible(text: str) -> str:
    """`text` with terminal control characters shown as `\\xNN` instead of obeyed."""
    return text.translate(_CONTROL_SPELLED)


def _show_warning(request: CheckRequest, message, category, filename, lineno, file=None, line=None) -> None:
    """A warning, as the learner's code printed it: a warning raised through one of
    mlkata's own wrappers (a ban) names the learner's line, never mlkata's file."""
    if str(filename).startswith(MLKATA_PACKAGE_DIR):
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename != request.learner_file:
            frame = frame.f_back
        if frame is None:
            return  # raised by mlkata or the check itself: not the learner's concern
        filename, lineno = request.display_path, frame.f_lineno
        line = linecache.getline(request.learner_file, lineno)
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def _presentable(result: CheckResult) -> CheckResult:
    """The verdict with control characters spelled out and every part cut to a readable size.

    Learner code chooses exception messages; `raise ValueError("x" * 10**8)` must not
    become a 100 MB headline.
    """
    return result.with_updates(
        headline=_cut(visible(result.headline), HEADLINE_LIMIT_CHARS),
        details=tuple(_cut(visible(line), DETAIL_LIMIT_CHARS) for line in result.details[:DETAIL_LIMIT_LINES]),
        table=tuple(tuple(_cut(visible(cell), CELL_LIMIT_CHARS) for cell in row) for row in result.table[:TABLE_LIMIT_ROWS]),
        trace=_cut(visible(result.trace), TRACE_LIMIT_CHARS, keep_end=True),
    )


def _cut(text: str, limit: int, keep_end: bool = False) -> str:
    if len(text) <= limit:
        return text
    dropped = f"({len(text) - limit:,} characters cut)"
    if keep_end:  # a traceback ends with the exception: keep both ends
        half = limit // 2
        return f"{text[:half]} … {dropped} … {text[-half:]}"
    return f"{text[:limit]} … {dropped}"


class _Outcome:
    """Collects what happened during one check and decides the verdict."""

    def __init__(self, request: CheckRequest) -> None:
        self.request = request
        self.result: CheckResult | None = None
        self.learner = None
        self.bans = None
        self.snapshot = None
        self.check_module = None
        self.earlier = EarlierWork(request.earlier)
        self.banned_imports: list[tuple[str, int]] = []  # (module, line) the learner's file imported
        # What looks for the simplest failing case of the failure the verdict reports.
        self.simplest_finder = None
        self.part_finders: dict = {}

    def verdict(self, status: Status, headline: str, details=(), table=(), trace="") -> CheckResult:
        return CheckResult(
            exercise=self.request.exercise,
            status=status,
            headline=headline,
            details=tuple(details),
            table=tuple(tuple(row) for row in table),
            trace=trace,
        )

    def finish(self) -> CheckResult:
        # A banned call decides the verdict even if the learner's code caught it or the
        # check failed later for a reason the ban caused.
        if self.banned_imports:
            name, line = self.banned_imports[0]
            return self.verdict(
                Status.FAILED,
                f"{self.request.display_path}:{line} imports {name}, which this exercise does without",
                (self.request.instead or f"Remove the import of {name}.",),
            )
        if self.bans is not None and self.bans.violations:
            first = self.bans.violations[0]
            advice = self.request.instead or "Build it from the operations the exercise names."
            return self.verdict(
                Status.FAILED,
                f"{self.request.display_path}:{first.line} calls {first.name}, which this exercise asks you to build yourself",
                (advice,),
            )
        result = self.result
        if self.snapshot is not None:
            self.snapshot.restore()
            if self.snapshot.tampered and result is not None and result.status is Status.PASSED:
                names = ", ".join(sorted(self.snapshot.tampered)[:3])
                return self.verdict(
                    Status.FAILED,
                    f"your code replaced {names}, which the check relies on",
                    ("Remove the assignment; mlkata cannot trust a comparison your code rewrote.",),
                )
        assert result is not None
        return self._with_earlier_notes(result)

    def _with_earlier_notes(self, result: CheckResult) -> CheckResult:
        """A failure of a file that uses earlier exercises says which of them have not passed."""
        if result.status in (Status.PASSED, Status.NOT_STARTED):
            return result
        notes = [
            f"Your file uses exercise {exercise.name} ({exercise.display}), which has not passed its own check yet"
            f"{f' (last: {exercise.status.replace(chr(95), chr(32))})' if exercise.status else ''}: "
            f"make it pass first (`mlkata run {exercise.name}`)."
            for exercise in self.earlier.unfinished_used()
            if not any(f"`mlkata run {exercise.name}`" in line for line in result.details)  # named already
        ]
        return result.with_updates(details=(*result.details, *notes)) if notes else result

    def explain(self, error: BaseException) -> CheckResult:
        from mlkata.sandbox.bans import BannedCall
        from mlkata.checking.failure import CheckFailed, NotWritten, current_calls

        calls = [f"call: {line}" for line in current_calls()]
        if isinstance(error, CheckFailed):
            return self.verdict(Status.FAILED, error.headline, error.details, error.table)
        if isinstance(error, BannedCall):
            return self.verdict(Status.FAILED, str(error))  # finish() explains it
        if isinstance(error, NotImplementedError):
            error = self._stub_error(error) or error
        if isinstance(error, NotWritten) and error.earlier is not None:
            return self.verdict(
                Status.FAILED,
                f"`{error.name}` in {error.earlier.display} is not written yet",
                (*calls, f"Your file uses it from exercise {error.earlier.name}: finish that exercise first "
                 f"(`mlkata run {error.earlier.name}`)."),
            )
        if isinstance(error, NotWritten):
            completed = self.learner.calls_completed if self.learner is not None else 0
            if completed == 0:
                return self.verdict(
                    Status.NOT_STARTED,
                    f"not started: write `{error.name}` in {self.request.display_path}",
                    ("Replace `raise NotImplementedError` with your code and save.",),
                )
            return self.verdict(
                Status.FAILED,
                f"`{error.name}` is not written yet",
                (*calls, "The parts you wrote before it ran; this one still raises NotImplementedError."),
            )
        earlier_file = self.earlier.exercise_of(getattr(error, "filename", None) or "") if isinstance(error, SyntaxError) else None
        if earlier_file is not None:
            return self.verdict(
                Status.ERROR,
                f"{earlier_file.display}, which your file imports, has a {type(error).__name__}: {error.msg}",
                (f"Fix it in exercise {earlier_file.name} (`mlkata run {earlier_file.name}`).",),
                trace=self._syntax_trace(error, earlier_file.display),
            )
        if isinstance(error, SyntaxError) and error.filename == self.request.learner_file:
            return self.verdict(
                Status.ERROR,
                f"{type(error).__name__}: {error.msg}",
                (),
                trace=self._syntax_trace(error),
            )
        if isinstance(error, MemoryError) or (
            isinstance(error, RuntimeError) and any(marker in str(error) for marker in OOM_MARKERS)
        ):
            mb = self.request.memory_mb
            return self.verdict(
                Status.OUT_OF_MEMORY,
                f"out of memory: your code asked for more than the {mb} MB a check may use",
                (*calls, _first_line(error), "Look for a tensor far larger than intended, or a list that never stops growing."),
                trace=self._trace(error),
            )
        if isinstance(error, SystemExit):
            return self.verdict(
                Status.ERROR,
                f"your code called sys.exit({_short_repr(error.code)}); the check could not finish",
                (*calls, "Return a value instead of exiting."),
                trace=self._trace(error),
            )
        if isinstance(error, KeyboardInterrupt):
            return self.verdict(
                Status.ERROR,
                "your code raised KeyboardInterrupt; the check could not finish",
                tuple(calls),
                trace=self._trace(error),
            )
        headline = f"{type(error).__name__}: {_first_line(error)}"
        earlier = self._innermost_earlier_file(error)
        if earlier is not None:
            calls = [*calls, f"It was raised in {earlier.display}, your file of exercise {earlier.name}: "
                     f"fix it there (`mlkata run {earlier.name}` checks it on its own)."]
        if not self._in_learner_file(error, anywhere=True):
            # The exception came from the check or torch, using what the learner returned.
            return self.verdict(
                Status.ERROR,
                headline,
                (*calls, "The check could not use what your code returned; see the message above."),
                trace=self._trace(error),
            )
        return self.verdict(Status.ERROR, headline, tuple(calls), trace=self._trace(error))

    def _is_learners(self, filename: str) -> bool:
        """The checked file, or the file of an earlier exercise it imports."""
        return filename == self.request.learner_file or self.earlier.exercise_of(filename) is not None

    def _in_learner_file(self, error: BaseException, anywhere: bool = False) -> bool:
        frames = traceback.extract_tb(error.__traceback__)
        if anywhere:
            return any(self._is_learners(f.filename) for f in frames)
        return bool(frames) and self._is_learners(frames[-1].filename)

    def _innermost_earlier_file(self, error: BaseException):
        """The earlier exercise whose file holds the innermost of the learner's frames, if any."""
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            if self._is_learners(frame.filename):
                return self.earlier.exercise_of(frame.filename)
        return None

    def _stub_error(self, error: NotImplementedError):
        """NotWritten for a NotImplementedError raised by one of the learner's stubs, else None."""
        from mlkata.checking.failure import NotWritten
        from mlkata.checking.learner import innermost_qualname

        frames = traceback.extract_tb(error.__traceback__)
        if not frames or not self._is_learners(frames[-1].filename):
            return None
        filename = frames[-1].filename
        earlier = self.earlier.exercise_of(filename)
        return NotWritten(innermost_qualname(error, filename) or self.request.exercise, earlier=earlier)

    def _trace(self, error: BaseException) -> str:
        """The traceback cut down to the learner's file, with the lines as checked.

        A frame repeated many times in a row (runaway recursion) is shown a few times
        and then counted, as Python itself does.
        """
        lines = self.request.source.splitlines()
        out = []
        frames = [f for f in traceback.extract_tb(error.__traceback__) if self._is_learners(f.filename)]
        for place, repeats in _runs((frame.filename, frame.lineno, frame.name, frame.line) for frame in frames):
            filename, lineno, name, text = place
            earlier = self.earlier.exercise_of(filename)
            if earlier is None:
                display, text = self.request.display_path, lines[lineno - 1] if lineno and 0 < lineno <= len(lines) else ""
            else:
                display = earlier.display
            entry = [f'  File "{display}", line {lineno}, in {name}']
            if text and text.strip():
                entry.append(f"    {text.strip()}")
            out.extend(entry * min(repeats, REPEATED_FRAMES_SHOWN))
            if repeats > REPEATED_FRAMES_SHOWN:
                out.append(f"  [the same line repeated {repeats - REPEATED_FRAMES_SHOWN} more times]")
        out.append(f"{type(error).__name__}: {_first_line(error)}")
        return "\n".join(out)

    def _syntax_trace(self, error: SyntaxError, display: str | None = None) -> str:
        out = [f'  File "{display or self.request.display_path}", line {error.lineno}']
        if error.text:
            text = error.text.rstrip("\n")
            stripped = text.lstrip()
            out.append(f"    {stripped}")
            if error.offset:
                caret_at = max(0, error.offset - 1 - (len(text) - len(stripped)))
                out.append("    " + " " * caret_at + "^")
        out.append(f"{type(error).__name__}: {error.msg}")
        return "\n".join(out)


def _runs(items) -> list[tuple[object, int]]:
    """Consecutive equal items as (item, count)."""
    runs: list[list] = []
    for item in items:
        if runs and runs[-1][0] == item:
            runs[-1][1] += 1
        else:
            runs.append([item, 1])
    return [(item, count) for item, count in runs]


def _short_repr(value: object) -> str:
    try:
        return repr(value)[:HEADLINE_LIMIT_CHARS]
    except BaseException:  # noqa: BLE001 - learner code defines __repr__ too
        return f"<{type(value).__name__}>"


def _first_line(error: BaseException) -> str:
    try:
        text = str(error).strip()
    except BaseException:  # noqa: BLE001 - learner code defines __str__ too
        return f"({type(error).__name__} whose message could not be shown)"
    return text[:FIRST_LINE_SCAN_CHARS].splitlines()[0] if text else type(error).__name__


def _nothing() -> None:
    pass


def _prepare(request: CheckRequest, outcome: _Outcome):
    """Load the check, enforce the bans and snapshot what learner code must not change."""
    from mlkata.sandbox.bans import BanList, install
    from mlkata.sandbox.guard import Snapshot

    outcome.earlier.install(request.given_dir)  # before the check loads its reference
    outcome.check_module = _load_module(f"mlkata_check_{request.exercise}", request.check_file)
    outcome.bans = BanList(
        request.banned,
        learner_file=request.learner_file,
        trusted_files=(request.check_file,),
        trusted_dirs=(
            MLKATA_DIR,
            str(Path(request.check_file).parents[2]) + os.sep,  # the pack's checks/: every check and reference
            *((request.given_dir.rstrip(os.sep) + os.sep,) if request.given_dir else ()),
        ),
    )
    install(outcome.bans)
    return Snapshot()


def _run_check(request: CheckRequest, outcome: _Outcome, restore, explain) -> CheckResult:
    import numpy
    import torch

    from mlkata.checking.learner import Learner
    from mlkata.checking.spec import parts_of

    outcome.earlier.update(request.earlier)
    _seed_everything(torch, numpy)
    module = _exec_learner(request, outcome)
    restore()
    _seed_everything(torch, numpy)

    outcome.learner = Learner(module, request.learner_file, outcome.snapshot, request.display_path, outcome.earlier)
    check = getattr(outcome.check_module, "check", None)
    if check is not None:
        check(outcome.learner)
        return outcome.verdict(Status.PASSED, f"{request.exercise} passed")
    return _run_parts(parts_of(outcome.check_module), outcome, restore, explain)


def _run_parts(parts, outcome: _Outcome, restore, explain) -> CheckResult:
    """Every part of the check, even after one fails: the verdict says how many pass.

    A part's failure, error or unwritten stub is that part's verdict; what ends the whole
    check (a banned call, an exit, memory running out) ends it here too. The verdict is
    the first part that fails, else the first not yet written, with every part's status.
    """
    from mlkata.checking.failure import forget_calls

    verdicts: list[tuple[str, CheckResult]] = []
    for name, check_part in parts:
        outcome.learner.calls_completed = 0  # "not started" is judged part by part
        forget_calls()
        try:
            check_part(outcome.learner)
            verdicts.append((name, outcome.verdict(Status.PASSED, f"{name} passes")))
        except MemoryError:
            raise
        except Exception as error:  # noqa: BLE001 - this part's verdict; the next part runs
            restore()
            verdicts.append((name, explain(outcome, error)))
            outcome.part_finders[name] = _finder_of(error)
    statuses = tuple((name, verdict.status.value) for name, verdict in verdicts)
    passed = sum(verdict.passed for _, verdict in verdicts)
    if passed == len(verdicts):
        return outcome.verdict(Status.PASSED, f"{outcome.request.exercise} passed").with_updates(parts=statuses)
    if all(verdict.status is Status.NOT_STARTED for _, verdict in verdicts):
        return verdicts[0][1].with_updates(parts=statuses)
    failing = [(name, v) for name, v in verdicts if v.status not in (Status.PASSED, Status.NOT_STARTED)]
    name, verdict = failing[0] if failing else next((n, v) for n, v in verdicts if v.status is Status.NOT_STARTED)
    if verdict.status is Status.NOT_STARTED:
        verdict = outcome.verdict(
            Status.FAILED,
            f"`{name}` is not written yet",
            ("Write it next: the parts before it already run.",) if passed else (),
        )
    outcome.simplest_finder = outcome.part_finders.get(name)
    return verdict.with_updates(parts=statuses)


def _seed_everything(torch, numpy) -> None:
    random.seed(0)
    numpy.random.seed(0)
    # The CPU generator is all a check uses; torch.manual_seed also seeds every lazily
    # initialised device backend, at a cost of milliseconds a call.
    torch.random.default_generator.manual_seed(0)


def _load_module(name: str, path: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    from mlkata.checking.reference import register_check_module

    register_check_module(name)
    spec.loader.exec_module(module)
    return module


def _exec_learner(request: CheckRequest, outcome: _Outcome) -> types.ModuleType:
    """Import the learner's file from the exact source being checked."""
    name = f"learner_{request.exercise}"
    module = types.ModuleType(name)
    module.__file__ = request.learner_file
    if request.banned_imports:
        module.__builtins__ = _builtins_refusing(request.banned_imports, outcome)
    sys.modules[name] = module
    # inspect and tracebacks read the text that is checked, never the file as it is now.
    linecache.cache[request.learner_file] = (len(request.source), None, request.source.splitlines(True), request.learner_file)
    exec(_compile_learner(request), module.__dict__)
    return module


def _builtins_refusing(banned: tuple[str, ...], outcome: _Outcome) -> dict:
    """Builtins for the learner's module whose `__import__` refuses the banned modules.

    Only the learner's own file sees them: libraries it uses import what they like.
    """
    import builtins

    from mlkata.sandbox.bans import BannedCall

    original = builtins.__import__

    def refusing_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and any(name == module or name.startswith(module + ".") for module in banned):
            line = sys._getframe(1).f_lineno
            outcome.banned_imports.append((name, line))
            raise BannedCall(f"import {name} (line {line})")
        return original(name, globals, locals, fromlist, level)

    return {**vars(builtins), "__import__": refusing_import}


def _compile_learner(request: CheckRequest) -> types.CodeType:
    """Compile the learner's source; every way it can fail is a SyntaxError in their file."""
    # Python's own import accepts a UTF-8 byte-order mark (Windows editors write one).
    source = request.source.removeprefix("\ufeff")
    if "\0" in source:
        line_number = source.count("\n", 0, source.index("\0")) + 1
        text = source.splitlines()[line_number - 1]
        raise SyntaxError(
            "your file contains a null byte (an invisible character); retype or delete this line",
            (request.learner_file, line_number, text.index("\0") + 1, text.replace("\0", " ")),
        )
    return compile(source, request.learner_file, "exec", dont_inherit=True)
