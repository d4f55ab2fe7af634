"""Watch mode: one loop over events — a file saved, a key pressed, a verdict arrived.

Producers run in threads and only put events on one queue: the file watcher
(watchfiles), the key reader, and the worker client. The loop owns all state and all
drawing. It never runs a check itself and never waits on one: a save that arrives while
a check runs cancels it and checks the newest content instead, so saving ten times a
second yields one verdict, for the content on disk.
"""

from __future__ import annotations

import os
import platform
import queue
import select
import signal
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Group
from rich.text import Text

from mlkata import app as logic
from mlkata import render
from mlkata.protocol import CheckRequest
from mlkata.curriculum import Exercise
from mlkata.protocol import CheckResult
from mlkata.client import WorkerClient, with_simplest

# watchfiles yields a batch once no new change has come for this long.
WATCH_STEP_MS = 20
POLL_DELAY_MS = 250
KEYS_HELP = "h hint · l list · n next exercise · r re-run · q quit"
EDITOR_TEMP_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".bak", "___jb_tmp___", "___jb_old___")


def is_exercise_source(path: str) -> bool:
    """Whether a changed path can be an exercise file (not a swap, backup or cache file)."""
    parts = Path(path).parts
    name = parts[-1] if parts else ""
    if name.endswith(EDITOR_TEMP_SUFFIXES) or not name.endswith(".py"):
        return False
    return not any(part.startswith(".") or part == "__pycache__" for part in parts)


@dataclass
class Screen:
    """What the loop last decided to show."""

    banner: Text | None = None
    result: CheckResult | None = None
    checking: bool = False
    message: str = ""
    hint: logic.HintView | None = None
    show_list: bool = False
    extra: list = field(default_factory=list)


class WatchLoop:
    def __init__(self, session: logic.Session, manual_run: bool, poll: bool) -> None:
        self.session = session
        self.manual_run = manual_run
        self.poll = poll
        self.events: queue.Queue[dict] = queue.Queue()
        self.stop = threading.Event()
        self.worker = WorkerClient(parallel=1, log_path=session.workspace.worker_log, messages=self.events)
        self.exercise: Exercise | None = session.current()
        self.running_id: str | None = None
        self.last_result_id: str | None = None  # the check whose verdict is on screen
        self.running_digest: str | None = None
        self.checked_digest: str | None = None
        self.screen = Screen()

    # ---- the loop -------------------------------------------------------------------

    def run(self) -> int:
        self._start_threads()
        if self.exercise is None:
            self.screen.banner = Text("Every exercise is done. 🎉 `mlkata list` shows them all.", style="bold green")
        else:
            self._check_current(force=True)
        self._draw()
        try:
            while not self.stop.is_set():
                try:
                    event = self.events.get(timeout=0.5)
                except queue.Empty:
                    continue
                self._handle(event)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop.set()
            self.worker.close()
        render.console.print(Text("Bye! Your progress is saved.", style="dim"))
        return 0

    def _handle(self, event: dict) -> None:
        kind = event.get("type")
        if kind == "file":
            self._on_file_change()
        elif kind == "key":
            self._on_key(event["key"])
        elif kind == "result":
            self._on_result(event["id"], CheckResult.from_json(event["result"]))
        elif kind == "detail":
            self._on_detail(event["id"], event.get("simplest"))
        elif kind == "resize":
            self._draw()
        elif kind == "watcher_failed":
            self.screen.message = (
                f"Watching files failed ({event['error']}). "
                "Restart with `mlkata watch --poll`, or `mlkata watch --manual-run` and press r to check."
            )
            self._draw()
        elif kind == "worker_failed":
            self.screen.message = "The check worker keeps failing; see .mlkata/worker.log. Press r to try again."
            self.running_id = None
            self.screen.checking = False
            self._draw()
        elif kind == "worker_restarted":
            self.screen.message = "The check worker stopped unexpectedly and was restarted."

    # ---- reactions ------------------------------------------------------------------

    def _on_file_change(self) -> None:
        if self.exercise is None or self.manual_run:
            return
        self._check_current(force=False)

    def _on_key(self, key: str) -> None:
        if key in ("q", "\x04"):
            self.stop.set()
            return
        self.screen.message = ""
        if key == "r":
            self._check_current(force=True)
        elif key == "h" and self.exercise is not None:
            self.screen.hint = logic.next_hint(self.session, self.exercise.name, show_all=False)
        elif key == "l":
            self.screen.show_list = not self.screen.show_list
        elif key == "n":
            self._skip_to_next()
        else:
            return
        self._draw()

    def _on_result(self, check_id: str, result: CheckResult) -> None:
        if check_id != self.running_id or self.exercise is None:
            return  # a cancelled or superseded check
        self.running_id = None
        self.last_result_id = check_id
        self.screen.checking = False
        self.checked_digest = result.source_digest
        finished = self.exercise
        moved_to = self.session.record(finished, result)
        self.screen.result = result
        if result.passed:
            self.screen.banner = render.moved_on(finished, moved_to)
            if moved_to is not None:
                self._switch_to(moved_to)
                self._check_current(force=True)
        self._draw()

    def _on_detail(self, check_id: str, simplest: dict | None) -> None:
        """The simplest failing case of the verdict on screen arrived (or none was found)."""
        result = self.screen.result
        if check_id != self.last_result_id or result is None or not result.seeking_simplest:
            return
        self.screen.result = with_simplest(result, simplest)
        self._draw()

    def _skip_to_next(self) -> None:
        following = self.session.next_pending(self.exercise)
        if following is None or following is self.exercise:
            self.screen.message = "There is no other pending exercise."
            return
        self.session.set_current(following)
        self._switch_to(following)
        self.screen.banner = None
        self._check_current(force=True)

    def _switch_to(self, exercise: Exercise) -> None:
        self.exercise = exercise
        self.screen.result = None
        self.screen.hint = None
        self.checked_digest = None

    # ---- checks ---------------------------------------------------------------------

    def _check_current(self, force: bool) -> None:
        """Check the current file unless this exact content is being or was checked."""
        assert self.exercise is not None
        request = self.session.request_for(self.exercise)
        if isinstance(request, CheckResult):  # missing or unreadable: say so, wait for it
            self._cancel_running()
            self.screen.checking = False
            self.screen.result = request
            self.checked_digest = None
            self._draw()
            return
        if not force and request.source_digest in (self.running_digest, self.checked_digest):
            return
        self._cancel_running()
        self._submit(request)

    def _submit(self, request: CheckRequest) -> None:
        self.running_id = self.worker.submit(request)
        self.running_digest = request.source_digest
        self.screen.checking = True
        self._draw()

    def _cancel_running(self) -> None:
        if self.running_id is not None:
            self.worker.cancel(self.running_id)
        self.running_id = None
        self.running_digest = None

    # ---- drawing --------------------------------------------------------------------

    def _draw(self) -> None:
        console = render.console
        parts = []
        if self.screen.banner is not None:
            parts.append(self.screen.banner)
        if self.exercise is not None:
            parts.append(render.exercise_header(self.session.curriculum, self.exercise, self.session.workspace.file_for(self.exercise)))
        parts.append(render.progress_bar(len(self.session.progress.done), len(self.session.curriculum.exercises)))
        parts.append(render.rule())
        if self.screen.checking:
            parts.append(Text("⠿ checking…", style="dim"))
        elif self.screen.result is not None:
            parts.append(render.verdict(self.screen.result))
        if self.screen.hint is not None:
            parts.append(render.hint(self.screen.hint))
        if self.screen.show_list:
            parts.append(render.list_table(logic.list_rows(self.session)))
        if self.screen.message:
            parts.append(Text(self.screen.message, style="bold yellow"))
        parts.append(render.rule())
        mode = "manual run: press r to check" if self.manual_run else "watching for saves"
        parts.append(Text(f"{mode} · {KEYS_HELP}", style="dim"))
        console.clear()
        console.print(Group(*parts))

    # ---- producers ------------------------------------------------------------------

    def _start_threads(self) -> None:
        if not self.manual_run:
            threading.Thread(target=self._watch_files, daemon=True).start()
        threading.Thread(target=self._read_keys, daemon=True).start()
        try:
            signal.signal(signal.SIGWINCH, lambda *_: self.events.put({"type": "resize"}))
        except (ValueError, AttributeError):
            pass

    def _watch_files(self) -> None:
        try:
            import watchfiles

            folder = self.session.workspace.exercises_dir
            for changes in watchfiles.watch(
                folder,
                watch_filter=lambda _change, path: is_exercise_source(os.path.relpath(path, folder)),
                stop_event=self.stop,
                step=WATCH_STEP_MS,
                force_polling=self.poll or None,
                poll_delay_ms=POLL_DELAY_MS,
                yield_on_timeout=False,
                raise_interrupt=False,
            ):
                current = self.session.workspace.file_for(self.exercise) if self.exercise else None
                if current is not None and any(Path(path) == current for _, path in changes):
                    self.events.put({"type": "file"})
        except Exception as error:  # noqa: BLE001 - reported to the user, with fallbacks
            if not self.stop.is_set():
                self.events.put({"type": "watcher_failed", "error": str(error) or type(error).__name__})

    def _read_keys(self) -> None:
        fd = sys.stdin.fileno()
        while not self.stop.is_set():
            try:
                ready, _, _ = select.select([fd], [], [], 0.2)
            except (OSError, ValueError):
                return
            if not ready:
                continue
            try:
                data = os.read(fd, 32)
            except OSError:
                return
            if not data:
                return  # stdin closed: no keys, but saves still work
            for key in keys_in(data.decode(errors="ignore")):
                self.events.put({"type": "key", "key": key})


def keys_in(typed: str) -> list[str]:
    """Single-character keys from terminal input; escape sequences (arrows, Home, F-keys) are dropped."""
    keys = []
    i = 0
    while i < len(typed):
        char = typed[i]
        if char == "\x1b":
            i += 1
            if i < len(typed) and typed[i] in "[O":  # CSI or SS3: runs to a final letter or ~
                i += 1
                while i < len(typed) and not (typed[i].isalpha() or typed[i] == "~"):
                    i += 1
            i += 1
            continue
        keys.append(char.lower())
        i += 1
    return keys


def wsl_mount_hint(root: Path) -> str | None:
    """On WSL, files under /mnt are on Windows' disk, where change events do not arrive."""
    if "microsoft" in platform.release().lower() and str(root).startswith("/mnt/"):
        return "Your workspace is on a Windows drive (/mnt); if saves are not noticed, use `mlkata watch --poll`."
    return None


def run_watch(session: logic.Session, manual_run: bool = False, poll: bool = False) -> int:
    hint = wsl_mount_hint(session.workspace.root)
    if hint and not poll:
        render.notice(hint)
    with _terminal_keys():
        return WatchLoop(session, manual_run=manual_run, poll=poll).run()


class _terminal_keys:
    """Keys arrive one at a time without echo; the terminal is restored on any exit."""

    def __enter__(self):
        self.saved = None
        try:
            import termios
            import tty

            if sys.stdin.isatty():
                self.saved = termios.tcgetattr(sys.stdin.fileno())
                tty.setcbreak(sys.stdin.fileno())
        except (ImportError, OSError, ValueError):
            self.saved = None
        return self

    def __exit__(self, *exc_info):
        if self.saved is not None:
            import termios

            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self.saved)
        return False
