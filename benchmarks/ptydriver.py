"""A program on a real pseudo-terminal, read the way a person reads the screen.

The one terminal driver of the project: the test suite drives `mlkata watch` (and any
other command) through it, and the feedback benchmark times it with it. It lives here,
in the `benchmarks` package, because both can import that package as it is (the
benchmark puts the repository on its path; pytest does so for the test suite), while
the package itself does not import tests.

The terminal is a fresh pty that becomes the controlling terminal of the program, so
Ctrl-C (the byte 0x03) raises SIGINT there as it does for a learner, and the terminal's
settings can be compared before and after. A reader thread drains it all the time (a
full pty would block the program and distort every timing) and stamps every chunk with
the moment it was read, so "when did this text appear" is a lookup, not a guess.

Positions are byte offsets in everything the program has written so far. Watch mode
clears the screen before every redraw, so output splits into frames: each clear starts
what the learner sees next.
"""

from __future__ import annotations

import bisect
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

from benchmarks import proc

CLEAR_SCREEN = "\x1b[2J"
WORKER_MODULE = "mlkata.sandbox.worker"
# CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks, titles): what a
# person does not see as text.
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def plain(text: str) -> str:
    """The text without escape codes, with the terminal's "\r\n" line ends as "\n"."""
    return ANSI.sub("", text).replace("\r\n", "\n")


def mlkata(*args: str) -> list[str]:
    """The command line of `python -m mlkata ARGS` with this interpreter."""
    return [sys.executable, "-m", "mlkata", *args]


class Terminal:
    """One program running on a pseudo-terminal of `rows` × `columns`."""

    def __init__(
        self,
        command: list[str],
        cwd: Path,
        rows: int = 40,
        columns: int = 120,
        env: dict[str, str] | None = None,
    ) -> None:
        self.command = command
        self.master, self.slave = os.openpty()
        self._set_size(rows, columns)
        self.settings_before = termios.tcgetattr(self.slave)
        environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
        environment["TERM"] = "xterm-256color"
        environment.update(env or {})
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            env=environment,
            start_new_session=True,
            preexec_fn=_take_controlling_terminal,
        )
        self.worker_pid: int | None = None
        self.step = 0  # where `frames` and `text` start (see `start_step`)
        self.expect_mark = 0  # where `expect` looks from, in plain-text characters
        self._raw = bytearray()
        self._ends: list[int] = []  # end offset of each chunk read …
        self._times: list[float] = []  # … and when it was read
        self._changed = threading.Condition()
        self._eof = False
        self._stopping = False
        self._reader = threading.Thread(target=self._read_forever, daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    # ---- reading ----------------------------------------------------------------------

    def _read_forever(self) -> None:
        while not self._stopping:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.2)
            except (OSError, ValueError):
                break
            if not ready:
                continue
            try:
                data = os.read(self.master, 1 << 16)
            except OSError:  # EIO: every holder of the other side has closed it
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
                continue
            if not data:
                break
            now = time.perf_counter()
            with self._changed:
                self._raw += data
                self._ends.append(len(self._raw))
                self._times.append(now)
                self._changed.notify_all()
        with self._changed:
            self._eof = True
            self._changed.notify_all()

    def position(self) -> int:
        """Now, as an offset: what is written after it is new."""
        with self._changed:
            return len(self._raw)

    def text_since(self, offset: int = 0) -> str:
        """What was written after `offset`, escape codes included."""
        with self._changed:
            return bytes(self._raw[offset:]).decode(errors="replace")

    def plain_since(self, offset: int = 0) -> str:
        """What was written after `offset` as a person reads it: no escape codes."""
        return plain(self.text_since(offset))

    def start_step(self) -> int:
        """Forget what was drawn so far, for `text` and `frames`; returns the new start."""
        self.step = self.position()
        return self.step

    def text(self) -> str:
        """Everything written since the last `start_step`, escape codes included."""
        return self.text_since(self.step)

    def frames(self, since: int | None = None) -> list[str]:
        """The screens drawn after `since` (default: the last `start_step`), as plain text."""
        parts = self.text_since(self.step if since is None else since).split(CLEAR_SCREEN)
        return [plain(part) for part in parts[1:]]

    def screen(self) -> str:
        """What the terminal shows now: the last frame drawn (ever)."""
        return plain(self.text_since(0).split(CLEAR_SCREEN)[-1])

    def wait_for(self, pattern: bytes | str | re.Pattern, since: int = 0, timeout: float = 30.0) -> float | None:
        """When (perf_counter) output matching `pattern` after `since` was read; None on timeout or exit.

        The pattern is matched against the raw bytes, escape codes included.
        """
        if isinstance(pattern, re.Pattern):
            regex = pattern
        else:
            regex = re.compile(pattern.encode() if isinstance(pattern, str) else pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                match = regex.search(self._raw, since)
                if match:
                    chunk = bisect.bisect_left(self._ends, match.end())
                    return self._times[chunk]
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._eof:
                    return None
                self._changed.wait(min(remaining, 0.5))

    def wait_until(self, predicate, timeout: float = 30.0) -> bool:
        """Wait until `predicate(self)` holds; False if it did not within `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            if predicate(self):
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with self._changed:
                if self._eof:
                    return predicate(self)
                self._changed.wait(min(remaining, 0.1))

    def expect(self, pattern: str, timeout: float = 60.0) -> re.Match:
        """Wait until `pattern` (a regex) appears in the plain text after the last match; move past it."""
        regex = re.compile(pattern)
        found: list[re.Match] = []

        def appeared(terminal: "Terminal") -> bool:
            match = regex.search(terminal.plain_since(0), terminal.expect_mark)
            if match:
                found.append(match)
            return bool(match)

        if not self.wait_until(appeared, timeout):
            tail = self.plain_since(0)[self.expect_mark:][-3000:]
            raise AssertionError(f"{pattern!r} did not appear within {timeout} s; screen after the last match:\n{tail}")
        self.expect_mark = found[-1].end()
        return found[-1]

    def settle(self, quiet: float = 0.5, limit: float = 10.0) -> str:
        """Wait until nothing new has arrived for `quiet` seconds (at most `limit`); return what arrived."""
        start = self.position()
        called = time.perf_counter()
        deadline = time.monotonic() + limit
        with self._changed:
            while not self._eof:
                last = max(self._times[-1] if self._times else self.started, called)
                idle_for = time.perf_counter() - last
                remaining = deadline - time.monotonic()
                if idle_for >= quiet or remaining <= 0:
                    break
                self._changed.wait(min(quiet - idle_for, remaining))
        return self.plain_since(start)

    def skip_to_end(self, quiet: float = 0.2) -> None:
        """Let drawing finish, then make `expect` look only at what comes next."""
        self.settle(quiet=quiet, limit=2.0)
        self.expect_mark = len(self.plain_since(0))

    # ---- acting -----------------------------------------------------------------------

    def send(self, keys: str | bytes) -> None:
        try:
            os.write(self.master, keys.encode() if isinstance(keys, str) else keys)
        except OSError:
            pass  # the program has gone; waiting for its output will say so

    press = send

    def _set_size(self, rows: int, columns: int) -> None:
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))

    def resize(self, rows: int, columns: int) -> None:
        """Change the terminal's size, as a window manager does (the program gets SIGWINCH)."""
        self._set_size(rows, columns)
        try:
            os.kill(self.process.pid, signal.SIGWINCH)
        except ProcessLookupError:
            pass

    def settings(self) -> list:
        return termios.tcgetattr(self.slave)

    # ---- processes --------------------------------------------------------------------

    def children(self) -> list[int]:
        """Pids of the program's children (for watch: its check worker)."""
        return proc.children(self.process.pid)

    def find_worker(self, timeout: float) -> int | None:
        """The check worker the program started (`python -m mlkata.sandbox.worker`)."""
        deadline = time.monotonic() + timeout
        while self.worker_pid is None:
            for child in self.children():
                if WORKER_MODULE in " ".join(proc.command_line(child)):
                    self.worker_pid = child
                    break
            else:
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.05)
        return self.worker_pid

    def exited(self) -> bool:
        return self.process.poll() is not None

    def wait_exit(self, timeout: float = 15.0) -> int | None:
        """The exit code once the program has ended (after its last output is read); None if it did not."""
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self.settle(quiet=0.1, limit=1.0)
        return code

    def close(self, timeout: float = 5.0) -> None:
        """Quit the way a user does (q); force it if that fails. Never leaves a worker behind."""
        if self.worker_pid is None:
            self.find_worker(timeout=0)
        if not self.exited():
            self.send("q")  # from a list or another view, q goes back first
            if self.wait_exit(1.0) is None:
                self.send("q")
            if self.wait_exit(timeout) is None:
                _signal_group(self.process.pid, signal.SIGTERM)
                if self.wait_exit(2.0) is None:
                    _signal_group(self.process.pid, signal.SIGKILL)
                    self.wait_exit(2.0)
        self._stop_worker(timeout)
        self._stopping = True
        self._reader.join(timeout=2.0)
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass

    def _stop_worker(self, timeout: float) -> None:
        worker = self.worker_pid
        if worker is None or not _is_worker(worker):
            return
        # A worker whose parent has gone sees its stdin close and exits by itself.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _is_worker(worker):
            time.sleep(0.05)
        if _is_worker(worker):
            for check in proc.children(worker):  # each check runs in its own process group
                _signal_group(check, signal.SIGKILL)
            _signal_group(worker, signal.SIGKILL)

    def __enter__(self) -> "Terminal":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def watch(workspace: Path, *args: str, command: list[str] | None = None, **options) -> Terminal:
    """`mlkata watch ARGS` in `workspace` on a new terminal."""
    return Terminal([*(command or mlkata()), "watch", *args], workspace, **options)


def _take_controlling_terminal() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _is_worker(pid: int) -> bool:
    return proc.alive(pid) and WORKER_MODULE in " ".join(proc.command_line(pid))


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, signum)
        except (ProcessLookupError, PermissionError):
            pass
