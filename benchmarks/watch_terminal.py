"""`mlkata watch` on a real pseudo-terminal, with the time each piece of output arrived.

A reader thread drains the terminal the whole time (a full pty would block the watch
process and distort every figure) and stamps every chunk with the moment it was read,
so "when did this text appear on screen" is a lookup, not a guess.
"""

from __future__ import annotations

import bisect
import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import threading
import time
from pathlib import Path

from benchmarks import proc

WORKER_MODULE = "mlkata.sandbox.worker"
# Colours, cursor moves and hyperlinks (OSC 8): what a person does not see as text.
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


class WatchTerminal:
    """One `mlkata watch` process on a pty.

    Offsets are byte positions in everything the process has written so far;
    `position()` marks "now" and `wait_for` looks only at what came after a mark.
    """

    def __init__(self, command: list[str], workspace: Path, columns: int = 120, rows: int = 40) -> None:
        self.command = command
        self.started = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child becomes `mlkata watch`
            try:
                os.chdir(workspace)
                os.environ.update(COLUMNS=str(columns), LINES=str(rows), TERM=os.environ.get("TERM", "xterm-256color"))
                os.execv(command[0], command)
            finally:
                os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.worker_pid: int | None = None
        self.exit_status: int | None = None
        self._raw = bytearray()
        self._ends: list[int] = []  # end offset of each chunk read …
        self._times: list[float] = []  # … and when it was read
        self._changed = threading.Condition()
        self._eof = False
        self._stopping = False
        self._reader = threading.Thread(target=self._read_forever, daemon=True)
        self._reader.start()

    # ---- output ---------------------------------------------------------------------

    def _read_forever(self) -> None:
        while not self._stopping:
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.2)
            except (OSError, ValueError):
                break
            if not ready:
                continue
            try:
                data = os.read(self.fd, 1 << 16)
            except OSError:  # EIO: the process has gone and the pty is closed
                break
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
        with self._changed:
            return len(self._raw)

    def text_since(self, offset: int) -> str:
        """What was written after `offset`, as text, escape codes included."""
        with self._changed:
            return bytes(self._raw[offset:]).decode(errors="replace")

    def screen_text_since(self, offset: int) -> str:
        """What was written after `offset` as a person reads it: no escape codes."""
        return ANSI.sub("", self.text_since(offset))

    def wait_for(self, pattern: bytes | re.Pattern, since: int, timeout: float) -> float | None:
        """When (perf_counter) output matching `pattern` after `since` was read; None on timeout or exit."""
        regex = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)
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

    def settle(self, quiet: float, limit: float) -> None:
        """Wait until nothing new has arrived for `quiet` seconds (at most `limit`)."""
        deadline = time.monotonic() + limit
        with self._changed:
            while not self._eof:
                last = self._times[-1] if self._times else self.started
                idle_for = time.perf_counter() - last
                remaining = deadline - time.monotonic()
                if idle_for >= quiet or remaining <= 0:
                    return
                self._changed.wait(min(quiet - idle_for, remaining))

    def send(self, keys: str) -> None:
        try:
            os.write(self.fd, keys.encode())
        except OSError:
            pass  # the process has gone; waiting for its output will say so

    # ---- processes ------------------------------------------------------------------

    def find_worker(self, timeout: float) -> int | None:
        """The check worker the watch process started (`python -m mlkata.sandbox.worker`)."""
        deadline = time.monotonic() + timeout
        while self.worker_pid is None:
            for child in proc.children(self.pid):
                if WORKER_MODULE in proc.command_line(child):
                    self.worker_pid = child
                    break
            else:
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.05)
        return self.worker_pid

    def exited(self) -> bool:
        if self.exit_status is not None:
            return True
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            self.exit_status = -1
            return True
        if pid == 0:
            return False
        self.exit_status = status
        return True

    def _wait_exit(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.exited():
                return True
            time.sleep(0.05)
        return self.exited()

    def close(self, timeout: float = 5.0) -> None:
        """Quit the way a user does (q); force it if that fails. Never leaves the worker behind."""
        if self.worker_pid is None:
            self.find_worker(timeout=0)
        if not self.exited():
            self.send("q")
            if not self._wait_exit(timeout):
                _signal_group(self.pid, signal.SIGTERM)
                if not self._wait_exit(2.0):
                    _signal_group(self.pid, signal.SIGKILL)
                    self._wait_exit(2.0)
        self._stop_worker(timeout)
        self._stopping = True
        self._reader.join(timeout=2.0)
        try:
            os.close(self.fd)
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

    def __enter__(self) -> "WatchTerminal":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _is_worker(pid: int) -> bool:
    return proc.alive(pid) and WORKER_MODULE in proc.command_line(pid)


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, signum)
        except (ProcessLookupError, PermissionError):
            pass
