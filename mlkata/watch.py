"""Watch mode: one loop over typed events — a file saved, a key pressed, a verdict arrived.

Producers run in threads and only put events on one queue: the file watcher, the key
reader, and the worker client. The loop owns all state: it decides, fills in a plain
`WatchScreen` and hands it to `render` to draw (nothing here draws or imports Rich).
It never runs a check itself and never waits on one: a save that arrives while a check
runs cancels it and checks the newest content instead, so saving ten times a second
yields one verdict, for the content on disk. A verdict is only shown (and recorded)
while the file still holds the content it is for; otherwise that content is checked.
"""

from __future__ import annotations

import os
import platform
import queue
import select
import shlex
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from mlkata import app as logic
from mlkata import render
from mlkata.client import WorkerClient, with_simplest
from mlkata.curriculum import Exercise
from mlkata.protocol import CheckRequest, CheckResult
from mlkata.requests import digest
from mlkata.screen import FILTERS, Checking, ListView, WatchScreen

# watchfiles yields a batch once no new change has come for this long.
WATCH_STEP_MS = 20
POLL_DELAY_MS = 250  # --poll: how often every exercise file is looked at
TICK_S = 0.25  # while a check runs, the spinner's elapsed time is redrawn this often
SPINNER_AFTER_S = 0.3  # … once it has run this long (most verdicts come sooner)
IDLE_WAKE_S = 1.0
EDITOR_TEMP_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".bak", "___jb_tmp___", "___jb_old___")


# ---- events -------------------------------------------------------------------------


@dataclass(frozen=True)
class FileSaved:
    path: Path


@dataclass(frozen=True)
class KeyPressed:
    key: str  # one character, or a name: up, down, enter, esc, backspace, pageup, …


@dataclass(frozen=True)
class VerdictArrived:
    check_id: str
    result: CheckResult


@dataclass(frozen=True)
class DetailArrived:
    """A follow-up to a verdict: its simplest failing case (None when none was found)."""

    check_id: str
    simplest: dict | None


@dataclass(frozen=True)
class WorkerRestarted:
    pass


@dataclass(frozen=True)
class WorkerFailed:
    pass


@dataclass(frozen=True)
class WorkerNote:
    """Any other message from the worker (kept for what later versions send)."""

    message: dict


@dataclass(frozen=True)
class WatcherFailed:
    error: str


@dataclass(frozen=True)
class Resized:
    pass


Event = FileSaved | KeyPressed | VerdictArrived | DetailArrived | WorkerRestarted | WorkerFailed | WorkerNote | WatcherFailed | Resized


def worker_event(message: dict) -> Event | None:
    """The event a worker message is, or None for one watch does not act on."""
    kind = message.get("type")
    if kind == "result":
        return VerdictArrived(str(message["id"]), CheckResult.from_json(message["result"]))
    if kind == "detail":
        return DetailArrived(str(message["id"]), message.get("simplest"))
    if kind == "worker_restarted":
        return WorkerRestarted()
    if kind == "worker_failed":
        return WorkerFailed()
    if kind in ("ready", "cancelled"):
        return None
    return WorkerNote(message)


class _WorkerMessages:
    """What the worker client puts messages on: each becomes a typed event on the loop's queue."""

    def __init__(self, events: queue.Queue) -> None:
        self.events = events

    def put(self, message: dict) -> None:
        event = worker_event(message)
        if event is not None:
            self.events.put(event)


def is_exercise_source(path: str) -> bool:
    """Whether a changed path can be an exercise file (not a swap, backup or cache file)."""
    parts = Path(path).parts
    name = parts[-1] if parts else ""
    if name.endswith(EDITOR_TEMP_SUFFIXES) or not name.endswith(".py"):
        return False
    return not any(part.startswith(".") or part == "__pycache__" for part in parts)


@dataclass
class Running:
    check_id: str
    digest: str
    started: float
    limit_s: float


@dataclass
class Options:
    manual_run: bool = False
    poll: bool = False
    auto_advance: bool = False
    edit_command: str | None = None  # --edit-cmd; else $VISUAL or $EDITOR


@dataclass
class _Shown:
    """What the loop shows about the exercise on screen."""

    result: CheckResult | None = None
    result_id: str | None = None  # the check whose verdict is shown (its details may follow)
    passed: logic.Recorded | None = None
    hint: logic.HintView | None = None
    banner: str = ""
    notes: list[str] = field(default_factory=list)


class WatchLoop:
    def __init__(self, session: logic.Session, options: Options | None = None, terminal: "TerminalKeys | None" = None) -> None:
        self.session = session
        self.options = options or Options()
        self.terminal = terminal
        self.events: queue.Queue[Event] = queue.Queue()
        self.stop = threading.Event()
        self.keys_paused = threading.Event()
        self.keys_idle = threading.Event()
        self.worker = WorkerClient(parallel=1, log_path=session.workspace.worker_log, messages=_WorkerMessages(self.events))  # type: ignore[arg-type]
        self.exercise: Exercise | None = session.current()
        self.running: dict[str, Running] = {}  # by exercise name
        self.checked: dict[str, str] = {}  # exercise name → digest of the content last given a verdict
        self.shown = _Shown()
        self.message = ""
        self.list_view: ListView | None = None
        self.ending: logic.Ending | None = None
        self.drawn = False

    # ---- the loop -------------------------------------------------------------------

    def run(self) -> int:
        self._start_threads()
        if self.exercise is None or self._all_done():
            self.ending = logic.ending(self.session)
            if self.exercise is None:
                self.exercise = self.session.curriculum.exercises[-1] if self.session.curriculum.exercises else None
        if self.exercise is not None:
            self.session.begin(self.exercise)
            self._check(self.exercise, force=True)  # draws the first screen
        if not self.drawn:
            self._draw()
        try:
            while not self.stop.is_set():
                try:
                    event = self.events.get(timeout=self._wake_in())
                except queue.Empty:
                    if self._shown_check() is not None:
                        self._draw()  # the spinner's elapsed time
                    continue
                self.handle(event)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop.set()
            self.worker.close()
        return 0

    def _wake_in(self) -> float:
        running = self._shown_check()
        return TICK_S if running is not None else IDLE_WAKE_S

    def handle(self, event: Event) -> None:
        if isinstance(event, FileSaved):
            self._on_saved(event.path)
        elif isinstance(event, KeyPressed):
            self._on_key(event.key)
        elif isinstance(event, VerdictArrived):
            self._on_verdict(event.check_id, event.result)
        elif isinstance(event, DetailArrived):
            self._on_detail(event.check_id, event.simplest)
        elif isinstance(event, Resized):
            self._draw()
        elif isinstance(event, WatcherFailed):
            self.message = (
                f"Watching files failed ({event.error}). "
                "Restart with `mlkata watch --poll`, or `mlkata watch --manual-run` and press r to check."
            )
            self._draw()
        elif isinstance(event, WorkerFailed):
            self.message = "The check worker keeps failing; see .mlkata/worker.log. Press r to try again."
            self.running.clear()
            self._draw()
        elif isinstance(event, WorkerRestarted):
            self.message = "The check worker stopped unexpectedly and was restarted."

    # ---- saves and verdicts ---------------------------------------------------------

    def _on_saved(self, path: Path) -> None:
        exercise = self.session.exercise_at(path)
        if exercise is None or self.options.manual_run:
            return
        if exercise is not self.exercise:
            if not self._changed(exercise):
                return  # touched, not changed: not worth leaving the exercise on screen
            self.session.set_current(exercise)
            self._show(exercise)
        self.shown.banner = ""
        self._check(exercise, force=False)

    def _changed(self, exercise: Exercise) -> bool:
        try:
            text = self.session.workspace.file_for(exercise).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return True
        return digest(text) not in (self.checked.get(exercise.name), getattr(self.running.get(exercise.name), "digest", None))

    def _on_verdict(self, check_id: str, result: CheckResult) -> None:
        name = next((n for n, r in self.running.items() if r.check_id == check_id), None)
        if name is None:
            return  # a cancelled or superseded check
        del self.running[name]
        exercise = self.session.curriculum.find(name)
        if exercise is None:
            return
        if self._disk_digest(exercise) != result.source_digest:
            # The file changed while this ran (a save the watcher has not reported yet,
            # or one it missed): that content is what needs a verdict.
            self._check(exercise, force=False)
            self._draw()
            return
        self.checked[name] = result.source_digest
        recorded = self.session.record(exercise, result)
        if exercise is not self.exercise:
            icon = render.STYLE[result.status][0]
            self.shown.notes = [f"{icon} {name}: {result.status.label}", *self.shown.notes][:3]
            self._draw()
            return
        self.shown.result, self.shown.result_id = result, check_id
        self.shown.passed = recorded if result.passed else None
        if recorded.all_done and result.passed:
            self.ending = logic.ending(self.session)
        elif result.passed and self.options.auto_advance and recorded.next_exercise is not None:
            self.shown.banner = f"✓ {exercise.name} passed! Next: {recorded.next_exercise.name}"
            self._go_to(recorded.next_exercise)
            return
        self._draw()

    def _on_detail(self, check_id: str, simplest: dict | None) -> None:
        """The simplest failing case of the verdict on screen arrived (or none was found)."""
        result = self.shown.result
        if check_id != self.shown.result_id or result is None or not result.seeking_simplest:
            return
        self.shown.result = with_simplest(result, simplest)
        self._draw()

    def _disk_digest(self, exercise: Exercise) -> str | None:
        try:
            return digest(self.session.workspace.file_for(exercise).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return None

    def _check(self, exercise: Exercise, force: bool) -> None:
        """Check `exercise`'s file unless this exact content is being or was checked."""
        request = self.session.request_for(exercise)
        if isinstance(request, CheckResult):  # missing or unreadable: say so, wait for it
            self._cancel(exercise)
            self.checked.pop(exercise.name, None)
            if exercise is self.exercise:
                self.shown.result, self.shown.passed = request, None
                self._draw()
            return
        running = self.running.get(exercise.name)
        if not force and request.source_digest in (getattr(running, "digest", None), self.checked.get(exercise.name)):
            return
        self._cancel(exercise)
        self._submit(exercise, request)

    def _submit(self, exercise: Exercise, request: CheckRequest) -> None:
        check_id = self.worker.submit(request)
        self.running[exercise.name] = Running(check_id, request.source_digest, time.monotonic(), request.timeout_s)
        if exercise is self.exercise:
            self._draw()

    def _cancel(self, exercise: Exercise) -> None:
        running = self.running.pop(exercise.name, None)
        if running is not None:
            self.worker.cancel(running.check_id)

    def _shown_check(self) -> Running | None:
        return self.running.get(self.exercise.name) if self.exercise is not None else None

    # ---- moving around --------------------------------------------------------------

    def _show(self, exercise: Exercise) -> None:
        self.exercise = exercise
        self.shown = _Shown(notes=self.shown.notes)
        self.ending = None if not self._all_done() else self.ending
        self.session.begin(exercise)

    def _go_to(self, exercise: Exercise) -> None:
        """Make `exercise` current and show it, checked."""
        self.session.set_current(exercise)
        banner = self.shown.banner
        self._show(exercise)
        self.shown.banner = banner
        self.list_view = None
        self._check(exercise, force=True)
        self._draw()

    def _next(self) -> None:
        following = self.session.next_pending(self.exercise)
        if following is None or following is self.exercise:
            self.message = "There is no other pending exercise." if not self._all_done() else "Every exercise is done. `l` lists them to revisit."
            return
        self._go_to(following)

    def _all_done(self) -> bool:
        names = {e.name for e in self.session.curriculum.exercises}
        return bool(names) and names <= self.session.progress.done

    # ---- keys -----------------------------------------------------------------------

    def _on_key(self, key: str) -> None:
        if key == "\x04":
            self.stop.set()
            return
        if self.list_view is not None:
            self._on_list_key(key)
            self._draw()
            return
        if key in ("q", "esc"):
            self.stop.set()
            return
        self.message = ""
        if key == "r":
            if self.exercise is not None:
                self.shown.banner = ""
                self._check(self.exercise, force=True)
        elif key == "h" and self.exercise is not None:
            self.shown.hint = logic.next_hint(self.session, self.exercise.name, show_all=False)
        elif key == "l":
            self._open_list()
        elif key == "n":
            self._next()
            return
        elif key == "e":
            self._edit()
        else:
            return
        self._draw()

    def _open_list(self) -> None:
        rows = logic.list_rows(self.session)
        selected = self.exercise.name if self.exercise is not None else (rows[0].name if rows else "")
        self.list_view = ListView(rows=rows, selected=selected)

    def _on_list_key(self, key: str) -> None:
        view = self.list_view
        assert view is not None
        if view.confirm_reset is not None:
            name, view.confirm_reset = view.confirm_reset, None
            if key == "y":
                exercise, backup = logic.reset_exercise(self.session, name)
                self.checked.pop(name, None)
                where = f"; your file is kept at {backup.relative_to(self.session.workspace.root)}" if backup else ""
                self.message = f"Restored the stub of {name}{where}."
                view.rows = logic.list_rows(self.session)
                if exercise is self.exercise:
                    self.shown = _Shown(notes=self.shown.notes)
                    self._check(exercise, force=True)
            else:
                self.message = f"{name} was not reset."
            return
        if view.searching:
            if key in ("enter", "esc"):
                view.searching = False
                if key == "esc":
                    view.query = ""
            elif key == "backspace":
                view.query = view.query[:-1]
            elif len(key) == 1 and key.isprintable():
                view.query += key
            self._keep_selection_visible()
            return
        visible = view.visible()
        index = view.selected_index()
        moves = {"down": 1, "j": 1, "up": -1, "k": -1, "pagedown": 10, "pageup": -10, "home": -len(view.rows), "end": len(view.rows)}
        self.message = ""
        if key in ("q", "esc"):
            self.list_view = None
        elif key in moves and visible:
            view.selected = visible[max(0, min(len(visible) - 1, index + moves[key]))].name
        elif key == "/":
            view.searching, view.query = True, ""
        elif key in ("d", "p", "a"):
            view.filter = {"d": "done", "p": "pending", "a": "all"}[key]
            self._keep_selection_visible()
        elif key == "f":
            view.filter = FILTERS[(FILTERS.index(view.filter) + 1) % len(FILTERS)]
            self._keep_selection_visible()
        elif key == "enter" and visible:
            target = self.session.curriculum.get(visible[index].name)
            self.list_view = None
            self.shown.banner = ""
            self._go_to(target)
        elif key == "r" and visible:
            view.confirm_reset = visible[index].name

    def _keep_selection_visible(self) -> None:
        view = self.list_view
        assert view is not None
        visible = view.visible()
        if visible and view.selected not in {row.name for row in visible}:
            view.selected = visible[0].name

    # ---- the editor -----------------------------------------------------------------

    def editor_command(self) -> list[str] | None:
        chosen = self.options.edit_command or os.environ.get("VISUAL") or os.environ.get("EDITOR")
        return shlex.split(chosen) if chosen and chosen.strip() else None

    def _edit(self) -> None:
        if self.exercise is None:
            return
        command = self.editor_command()
        if command is None:
            self.message = "No editor set: export EDITOR (or VISUAL), or start with `mlkata watch --edit-cmd 'code --wait'`."
            return
        file = self.session.workspace.file_for(self.exercise)
        self._pause_keys()
        try:
            with (self.terminal.suspended() if self.terminal is not None else _nothing()):
                code = subprocess.call([*command, str(file)])
        except OSError as error:
            self.message = f"Could not start the editor {command[0]!r}: {error.strerror or error}."
            return
        finally:
            self._resume_keys()
        if code != 0:
            self.message = f"The editor exited with code {code}."
        self._check(self.exercise, force=False)

    def _pause_keys(self) -> None:
        """Stop reading keys (the editor reads the terminal now) and wait until the reader has."""
        self.keys_idle.clear()
        self.keys_paused.set()
        self.keys_idle.wait(timeout=1.0)

    def _resume_keys(self) -> None:
        self.keys_paused.clear()

    # ---- drawing --------------------------------------------------------------------

    def screen(self) -> WatchScreen:
        """Everything the next frame shows, as data."""
        exercise = self.exercise
        running = self._shown_check()
        checking = None
        if running is not None and exercise is not None:
            checking = Checking(exercise.name, running.started, running.limit_s, time.monotonic() - running.started)
        command = self.editor_command()
        return WatchScreen(
            curriculum=self.session.curriculum,
            exercise=exercise,
            file=self.session.workspace.file_for(exercise) if exercise is not None else None,
            done=len(self.session.progress.done & {e.name for e in self.session.curriculum.exercises}),
            total=len(self.session.curriculum.exercises),
            checking=checking,
            result=self.shown.result,
            passed=self.shown.passed,
            banner=self.shown.banner,
            hint=self.shown.hint,
            message=self.message,
            manual_run=self.options.manual_run,
            list_view=self.list_view,
            ending=self.ending,
            editor=shlex.join(command) if command else "",
            notes=list(self.shown.notes),
        )

    def _draw(self) -> None:
        render.draw_watch(self.screen())
        self.drawn = True

    # ---- producers ------------------------------------------------------------------

    def _start_threads(self) -> None:
        if not self.options.manual_run:
            target = self._poll_files if self.options.poll else self._watch_files
            threading.Thread(target=target, daemon=True).start()
        threading.Thread(target=self._read_keys, daemon=True).start()
        try:
            signal.signal(signal.SIGWINCH, lambda *_: self.events.put(Resized()))
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
                yield_on_timeout=False,
                raise_interrupt=False,
            ):
                for path in sorted({Path(path) for _, path in changes}):
                    self.events.put(FileSaved(path))
        except Exception as error:  # noqa: BLE001 - reported to the user, with fallbacks
            if not self.stop.is_set():
                self.events.put(WatcherFailed(str(error) or type(error).__name__))

    def _poll_files(self) -> None:
        """--poll: look at every exercise file every POLL_DELAY_MS.

        For mounts where change events do not arrive (WSL /mnt, network and container
        mounts). A file counts as saved when its size, change time, inode or, for the
        exercise on screen, its content differs from the last look, so quick saves
        within one timestamp tick are seen too.
        """
        try:
            files = [self.session.workspace.file_for(e) for e in self.session.curriculum.exercises]
            seen = {file: _look(file) for file in files}
            shown_content: dict[Path, bytes | None] = {}
            while not self.stop.wait(POLL_DELAY_MS / 1000):
                shown = self.session.workspace.file_for(self.exercise) if self.exercise is not None else None
                for file in files:
                    now = _look(file)
                    changed = now != seen[file]
                    seen[file] = now
                    if file == shown:
                        content = _read_bytes(file)
                        changed = changed or (file in shown_content and content != shown_content[file])
                        shown_content = {file: content}
                    if changed:
                        self.events.put(FileSaved(file))
        except Exception as error:  # noqa: BLE001 - reported to the user, with fallbacks
            if not self.stop.is_set():
                self.events.put(WatcherFailed(str(error) or type(error).__name__))

    def _read_keys(self) -> None:
        fd = sys.stdin.fileno()
        while not self.stop.is_set():
            if self.keys_paused.is_set():
                self.keys_idle.set()
                time.sleep(0.05)
                continue
            try:
                ready, _, _ = select.select([fd], [], [], 0.1)
            except (OSError, ValueError):
                return
            if not ready or self.keys_paused.is_set():
                continue
            try:
                data = os.read(fd, 64)
            except OSError:
                return
            if not data:
                return  # stdin closed: no keys, but saves still work
            for key in keys_in(data.decode(errors="ignore")):
                self.events.put(KeyPressed(key))


def _look(file: Path) -> tuple | None:
    try:
        info = file.stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _read_bytes(file: Path) -> bytes | None:
    try:
        return file.read_bytes()
    except OSError:
        return None


ESCAPES = {
    "[A": "up", "[B": "down", "[C": "right", "[D": "left", "OA": "up", "OB": "down", "OC": "right", "OD": "left",
    "[H": "home", "[F": "end", "OH": "home", "OF": "end", "[1~": "home", "[4~": "end", "[7~": "home", "[8~": "end",
    "[5~": "pageup", "[6~": "pagedown", "[3~": "delete", "[2~": "insert",
}
NAMED = {"\r": "enter", "\n": "enter", "\x7f": "backspace", "\x08": "backspace", "\t": "tab"}


def keys_in(typed: str) -> list[str]:
    """The keys in a piece of terminal input: characters (letters lowercased), or names
    for arrows, Home/End, Page Up/Down, Enter, Backspace and Esc; other sequences are dropped."""
    keys = []
    i = 0
    while i < len(typed):
        char = typed[i]
        if char == "\x1b":
            if i + 1 >= len(typed) or typed[i + 1] not in "[O":
                keys.append("esc")  # a lone Esc (an escape sequence arrives in one piece)
                i += 1
                continue
            start = i + 1
            i += 2
            if typed[start] == "[":  # CSI: runs to a final letter or ~
                while i < len(typed) and not (typed[i].isalpha() or typed[i] == "~"):
                    i += 1
            i += 1
            name = ESCAPES.get(typed[start:i])
            if name is not None:
                keys.append(name)
            continue
        keys.append(NAMED.get(char, char.lower() if char.isalpha() else char))
        i += 1
    return keys


def wsl_mount_hint(root: Path) -> str | None:
    """On WSL, files under /mnt are on Windows' disk, where change events do not arrive."""
    if "microsoft" in platform.release().lower() and str(root).startswith("/mnt/"):
        return "Your workspace is on a Windows drive (/mnt); if saves are not noticed, use `mlkata watch --poll`."
    return None


def run_watch(session: logic.Session, options: Options | None = None) -> int:
    options = options or Options()
    hint = wsl_mount_hint(session.workspace.root)
    if hint and not options.poll:
        render.notice(hint)
    with TerminalKeys() as terminal:
        code = WatchLoop(session, options, terminal).run()
    render.goodbye(logic.come_back_command(session.workspace.root))
    return code


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False


class TerminalKeys:
    """Keys arrive one at a time without echo; the terminal is restored on any exit,
    and for the time an editor runs in it."""

    def __enter__(self) -> "TerminalKeys":
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
        self._restore()
        return False

    def _restore(self) -> None:
        if self.saved is not None:
            import termios

            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self.saved)

    def suspended(self) -> "_Suspended":
        return _Suspended(self)


class _Suspended:
    def __init__(self, keys: TerminalKeys) -> None:
        self.keys = keys

    def __enter__(self):
        self.keys._restore()
        return self

    def __exit__(self, *exc_info):
        if self.keys.saved is not None:
            import tty

            tty.setcbreak(sys.stdin.fileno())
        return False
