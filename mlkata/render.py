"""Every Rich call in mlkata: verdicts, explanations, hints, tables, progress.

Functions here turn data (results, rows, hint views) into renderables or print them.
They decide nothing.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from mlkata.app import Ending, ExerciseRow, HintView, Recorded
from mlkata.curriculum import Curriculum, Exercise, Pack
from mlkata.protocol import CheckResult, Status

if TYPE_CHECKING:
    from mlkata.screen import Checking, ListView, WatchScreen

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

STYLE = {
    Status.PASSED: ("✓", "bold green"),
    Status.FAILED: ("✗", "bold red"),
    Status.NOT_STARTED: ("○", "bold yellow"),
    Status.ERROR: ("!", "bold red"),
    Status.TIMED_OUT: ("⏱", "bold magenta"),
    Status.CRASHED: ("☠", "bold magenta"),
    Status.OUT_OF_MEMORY: ("▣", "bold magenta"),
}


def file_link(display_path: str, absolute: Path | None) -> Text:
    """The path, clickable in terminals that support links."""
    text = Text(display_path, style="bold cyan")
    if absolute is not None:
        text.stylize(f"link {absolute.resolve().as_uri()}")
    return text


def verdict(result: CheckResult) -> RenderableType:
    icon, style = STYLE[result.status]
    parts: list[RenderableType] = [
        Text.assemble((f"{icon} {result.status.label.upper()}", style), "  ", (result.headline, "bold"))
    ]
    if result.parts:
        parts.append(parts_strip(result.parts))
    calls: list[str] = []
    for line in result.details:
        if line.startswith("call: "):
            call = line.removeprefix("call: ")
            head = _shown_before(call, calls)
            calls.append(call)
            if head:  # `Model(...)` named by the line above: only what this call adds
                parts.append(Text.assemble(("  called with ", "dim"), (call[len(head) + 1 : -1], "cyan")))
            else:
                parts.append(Text.assemble(("  in ", "dim"), (call, "cyan")))
        else:
            parts.append(Text("  " + line))
    if result.table:
        parts.append(_side_by_side(result.table))
    if result.simplest is not None:
        parts.append(simplest_case(result.simplest))
    elif result.seeking_simplest:
        parts.append(Text("  looking for the simplest failing case…", style="dim"))
    trace = _without_message(result.trace, result.headline)
    if trace:
        parts.append(Panel(Text(trace), title="traceback (your file)", title_align="left", border_style="red", box=box.ROUNDED))
    if result.output or result.output_dropped:
        shown, hidden = _first_lines(result.output)
        body = Text(shown)
        if hidden or result.output_dropped:
            body.append(f"\n… {hidden + result.output_dropped:,} more characters not shown", style="dim")
        parts.append(Panel(body, title="your code printed", title_align="left", border_style="dim", box=box.ROUNDED))
    return Group(*parts)


def _shown_before(call: str, earlier: list[str]) -> str:
    """The part of `call` before its argument list when an earlier line already shows it
    (`ResNet34(...)` then `ResNet34(...)(x=...)`): that head, else ""."""
    if not call.endswith(")"):
        return ""
    depth = 0
    for index in range(len(call) - 1, -1, -1):  # the "(" that opens the last argument list
        depth += {")": 1, "(": -1}.get(call[index], 0)
        if depth == 0:
            head = call[:index]
            break
    else:
        return ""
    if len(head) >= 12 and head.endswith(")") and any(line.startswith(head) for line in earlier):
        return head
    return ""


def _without_message(trace: str, headline: str) -> str:
    """The traceback without its last line when that line is the headline shown above it."""
    lines = trace.rstrip().splitlines()
    if lines and headline and lines[-1].strip() == headline.strip():
        lines = lines[:-1]
    return "\n".join(lines)


PART_MARK = {Status.PASSED.value: ("✓", "green"), Status.NOT_STARTED.value: ("○", "yellow")}


def parts_strip(statuses: tuple[tuple[str, str], ...]) -> RenderableType:
    """`2 of 3 parts pass  ✓ rearrange_1  ✗ rearrange_2  ○ rearrange_3`."""
    passed = sum(status == Status.PASSED.value for _, status in statuses)
    text = Text(f"  {passed} of {len(statuses)} parts pass ", style="bold")
    for name, status in statuses:
        mark, style = PART_MARK.get(status, ("✗", "red"))
        text.append(f" {mark} {name}", style=style)
    return text


def simplest_case(case) -> RenderableType:
    """The smallest inputs that still fail, written out whole, with expected and got."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", justify="right")
    grid.add_column()
    for name, value in case.inputs:
        grid.add_row(name, Text(value))
    grid.add_row("expected", Text(case.expected, style="green"))
    grid.add_row("got", Text(case.got, style="red"))
    return Panel(
        Group(Text(case.call, style="cyan"), Text(case.headline, style="dim"), grid),
        title="the simplest failing case",
        title_align="left",
        border_style="yellow",
        box=box.ROUNDED,
    )


OUTPUT_LINES_SHOWN = 12
OUTPUT_LINE_WIDTH = 200


def _first_lines(output: str) -> tuple[str, int]:
    """The start of what the learner's code printed, short enough to keep the verdict on screen."""
    lines = output.splitlines()[:OUTPUT_LINES_SHOWN]
    shown = "\n".join(line if len(line) <= OUTPUT_LINE_WIDTH else line[:OUTPUT_LINE_WIDTH] + "…" for line in lines)
    return shown, max(0, len(output) - len(shown))


def _side_by_side(rows: tuple[tuple[str, ...], ...]) -> Table:
    table = Table(box=box.SIMPLE, padding=(0, 1), show_edge=False)
    for name in rows[0]:
        table.add_column(name, justify="right")
    for row in rows[1:]:
        style = "bold red" if row and row[-1].startswith("<-") else None
        table.add_row(*row, style=style)
    return table


def exercise_header(curriculum: Curriculum, exercise: Exercise, absolute: Path | None) -> RenderableType:
    section = curriculum.section(exercise.section)
    position = curriculum.index(exercise) + 1
    return Text.assemble(
        (f"Exercise {position}/{len(curriculum.exercises)}", "bold"),
        "  ",
        (f"{section.name} · MLAB {section.mlab_day}" if section.mlab_day else section.name, "dim"),
        "  ",
        (exercise.name, "bold magenta"),
        "\n",
        file_link(exercise.relative_path.as_posix(), absolute),
    )


def progress_bar(done: int, total: int, width: int = 40) -> RenderableType:
    table = Table.grid(padding=(0, 1))
    table.add_row(
        ProgressBar(total=max(total, 1), completed=done, width=width, complete_style="green"),
        Text(f"{done}/{total} done", style="bold"),
    )
    return table


def list_table(rows: list[ExerciseRow]) -> RenderableType:
    parts: list[RenderableType] = []
    table = None
    section = None
    for number, row in enumerate(rows, start=1):
        if row.section != section:
            section = row.section
            table = Table(box=None, show_header=False, padding=(0, 1))
            table.add_column("#", justify="right", style="dim", min_width=3)
            table.add_column("exercise", min_width=28, no_wrap=True)
            table.add_column("status", min_width=14, no_wrap=True)
            folder = row.path.rsplit("/", 1)[0] + "/"
            parts.append(Text.assemble((f"{row.section} — {row.section_title}", "bold underline"), "  ", (folder, "dim")))
            parts.append(table)
        assert table is not None
        name = Text.assemble(("▶ ", "bold cyan"), (row.name, "bold")) if row.current else Text("  " + row.name)
        table.add_row(str(number), name, _row_status(row))
    done = sum(row.done for row in rows)
    parts.append(progress_bar(done, len(rows)))
    return Group(*parts)


def _row_status(row: ExerciseRow) -> Text:
    if row.done:
        return Text("✓ done", style="green")
    if row.last_status:
        icon, style = STYLE[Status(row.last_status)]
        parts = f" · {row.parts[0]}/{row.parts[1]} parts" if row.parts else ""
        return Text(f"{icon} {Status(row.last_status).label}{parts}", style=style.replace("bold ", ""))
    return Text("· pending", style="dim")


def hint(view: HintView) -> RenderableType:
    parts: list[RenderableType] = []
    for level, text in view.shown:
        parts.append(
            Panel(
                Text(text),
                title=f"hint {level} of {view.total} · {view.exercise.name}",
                title_align="left",
                border_style="yellow",
                box=box.ROUNDED,
            )
        )
    last_level = view.shown[-1][0]
    if view.done:
        parts.append(Text(f"{view.exercise.name} passes already: `mlkata solution {view.exercise.name}` shows the reference.", style="dim"))
    elif view.exhausted:
        parts.append(Text("That was the last hint. The solution unlocks once the exercise passes.", style="dim"))
    elif last_level < view.total:
        parts.append(Text("Still stuck? Ask again for the next hint.", style="dim"))
    return Group(*parts)


def verify_summary(pairs: list[tuple[Exercise, CheckResult]], width: int | None = None) -> RenderableType:
    """One row per exercise at any width (long reasons are cut, never wrapped), then the counts."""
    name_width = max((len(e.name) for e, _ in pairs), default=8)
    verdict_width = max((len(r.status.label) + 2 for _, r in pairs), default=8)
    why_width = max(8, (width or console.width) - name_width - verdict_width - 5 - 8)  # ms, and the gaps
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("exercise", no_wrap=True, min_width=name_width)
    table.add_column("verdict", no_wrap=True, min_width=verdict_width)
    table.add_column("ms", justify="right", style="dim", no_wrap=True, min_width=5)
    table.add_column("why", no_wrap=True, overflow="ellipsis", max_width=why_width)
    for exercise, result in pairs:
        icon, style = STYLE[result.status]
        why = "" if result.passed else (result.headline.splitlines() or [""])[0]
        if len(why) > why_width:
            why = why[: why_width - 1] + "…"
        table.add_row(exercise.name, Text(f"{icon} {result.status.label}", style=style), f"{result.duration_ms:.0f}", escape(why))
    passed = sum(result.passed for _, result in pairs)
    return Group(table, progress_bar(passed, len(pairs)), Text(verify_counts([result for _, result in pairs])))


def verify_counts(results: list[CheckResult]) -> str:
    """`3 passed, 2 failed, 27 not started` (and errors, time-outs … when there are any)."""
    counts = {status: sum(result.status is status for result in results) for status in Status}
    words = [f"{counts[Status.PASSED]} passed", f"{counts[Status.FAILED]} failed", f"{counts[Status.NOT_STARTED]} not started"]
    words += [f"{counts[status]} {status.label}" for status in Status
              if status not in (Status.PASSED, Status.FAILED, Status.NOT_STARTED) and counts[status]]
    return ", ".join(words)


def solution(exercise: Exercise, source: str) -> RenderableType:
    from rich.syntax import Syntax  # pygments is slow to import; only this command needs it

    return Panel(
        Syntax(source, "python", line_numbers=True, word_wrap=True),
        title=f"reference solution · {exercise.name}",
        title_align="left",
        border_style="green",
    )


def after_pass(recorded: Recorded, workspace_root: Path | None = None) -> RenderableType:
    """What a pass means: attempts and time, the unlocked reference, what comes next."""
    exercise = recorded.exercise
    lines = [Text.assemble((f"✓ {exercise.name} passed", "bold green"), f" on attempt {recorded.attempts}", _took(recorded.seconds), ".")]
    if recorded.solution is not None:
        where = recorded.solution
        if workspace_root is not None:
            with contextlib.suppress(ValueError):
                where = recorded.solution.relative_to(workspace_root)
        lines.append(Text.assemble("The reference solution is unlocked: ", (str(where), "cyan"),
                                   f" (or `mlkata solution {exercise.name}`)."))
    if recorded.next_exercise is not None:
        lines.append(Text.assemble("Next: ", (recorded.next_exercise.name, "bold magenta"), " in ",
                                   (recorded.next_exercise.relative_path.as_posix(), "cyan")))
    elif recorded.all_done:
        lines.append(Text("That was the last one: every exercise passes.", style="bold green"))
    return Group(*lines)


def _took(seconds: float | None) -> str:
    return f", {duration(seconds)} after you started it" if seconds is not None else ""


def duration(seconds: float) -> str:
    """`45 s`, `12 min`, `3 h 05 min`."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def ending(summary: Ending) -> RenderableType:
    """The last exercise passed: what was built, section by section, with time and attempts."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title_justify="left")
    table.add_column("section", no_wrap=True)
    table.add_column("what you built")
    table.add_column("exercises", justify="right", no_wrap=True)
    table.add_column("attempts", justify="right", no_wrap=True)
    table.add_column("time", justify="right", no_wrap=True)
    for section in summary.sections:
        day = f" · MLAB {section.mlab_day}" if section.mlab_day else ""
        table.add_row(f"{section.name}{day}", section.title, str(len(section.exercises)), str(section.attempts), duration(section.seconds))
    table.add_row(Text("all", style="bold"), "", str(sum(len(s.exercises) for s in summary.sections)),
                  str(summary.attempts), duration(summary.seconds))
    return Panel(
        Group(Text("🎉 Every exercise passes. You built, from scratch:", style="bold green"), table,
              Text("Revisit any of them from the list (`l` in watch mode); the references are in solutions/.", style="dim")),
        title="the end", title_align="left", border_style="green", box=box.ROUNDED,
    )


def created_workspace(root: Path, first: Exercise | None, command: str = "mlkata") -> RenderableType:
    lines = [Text.assemble(("Created your mlkata workspace in ", ""), (str(root), "bold cyan"))]
    if first is not None:
        lines.append(Text(f"Start with {first.relative_path.as_posix()}, then:"))
    lines.append(Text(f"    cd {root}\n    {command}", style="bold"))
    return Group(*lines)


def reset_done(exercise: Exercise, backup: Path | None) -> RenderableType:
    text = Text.assemble(("Restored the stub of ", ""), (exercise.name, "bold"), (".", ""))
    if backup is not None:
        text.append("\nYour previous file is kept at ")
        text.append(str(backup), style="bold cyan")
    return text


def notice(message: str) -> None:
    err_console.print(Text("note: ", style="bold yellow") + Text(message), soft_wrap=True)


def error(message: str) -> None:
    err_console.print(Text("error: ", style="bold red") + Text(message), soft_wrap=True)


def show(renderable: RenderableType) -> None:
    console.print(renderable)


def goodbye(come_back: str) -> None:
    console.print(Text.assemble(("Bye! Your progress is saved. Come back with: ", "dim"), (come_back, "bold")))


SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def checking_line(name: str, elapsed_s: float, limit_s: float) -> Text:
    frame = SPINNER[int(elapsed_s * 10) % len(SPINNER)]
    return Text(f"{frame} checking… {name} · {elapsed_s:.1f} s (time limit {limit_s:g} s)", style="dim")


@contextlib.contextmanager
def checking_status(name: str, limit_s: float, total: int = 1) -> Iterator:
    """A spinner with the elapsed time and the limit while one-shot commands check, on a
    terminal only. Yields a function to call as each verdict arrives."""
    done = [0]
    if not console.is_terminal:
        yield lambda *_: None
        return
    started = time.monotonic()

    def text() -> Text:
        elapsed = time.monotonic() - started
        if name:
            return checking_line(name, elapsed, limit_s)
        return Text(f"checking {total} exercises… {done[0]}/{total} done, {elapsed:.1f} s", style="dim")

    stop = threading.Event()
    with console.status(text(), spinner="dots") as status:
        def tick() -> None:
            while not stop.wait(0.1):
                status.update(text())

        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        try:
            yield lambda *_: done.__setitem__(0, done[0] + 1)
        finally:
            stop.set()
            ticker.join()


def rule(title: str = "") -> RenderableType:
    return Rule(title, style="dim")


def dev_check_report(static, proofs) -> RenderableType:
    problems = [*static, *(problem for proof in proofs for problem in proof.problems)]
    mistakes = sum(proof.mistakes for proof in proofs)
    accepted = sum(proof.accepted for proof in proofs)
    if not problems:
        also = f" and {accepted} other right answer{'s' if accepted != 1 else ''}" if accepted else ""
        return Text(
            f"✓ {len(proofs)} exercise{'s' if len(proofs) != 1 else ''}, {mistakes} known mistakes: manifest and files agree, "
            f"every stub is not started, every reference{also} {'pass' if accepted else 'passes'}, every known mistake fails as it should.",
            style="bold green",
        )
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title=f"{len(problems)} problem{'s' if len(problems) != 1 else ''}")
    table.add_column("where", style="bold")
    table.add_column("what")
    for problem in problems:
        table.add_row(escape(problem.where), escape(problem.what))
    return table


def scaffolded(name: str, pack: Pack, written: list[Path]) -> RenderableType:
    lines = [Text.assemble("Scaffolded ", (name, "bold magenta"), " in ", (str(pack.root), "cyan"), ":")]
    lines.extend(Text(f"  {path.relative_to(pack.root)}") for path in written)
    pack_option = "" if pack.is_builtin else f" --pack {pack.root}"
    lines.append(Text(f"Fill in the TODOs, then drive it to green with `mlkata dev check --exercise {name}{pack_option}`."))
    return Group(*lines)


# ---- watch mode ------------------------------------------------------------------------

KEYS_HELP = "h hint · l list · n next · e edit · r re-run · q quit"
LIST_HELP = "↑↓ jk move · Enter go · / search · r reset · d done · p pending · a all · q back"


def draw_watch(screen: "WatchScreen") -> None:
    """Draw a whole frame at once: clear, then the screen (one write, so it never flickers half-drawn)."""
    with console.capture() as captured:
        console.print(watch_screen(screen, console.size.height))
    frame = captured.get()
    if console.is_terminal and not console.is_dumb_terminal:
        frame = "\x1b[2J\x1b[H" + frame
    console.file.write(frame)
    console.file.flush()


def watch_screen(screen: "WatchScreen", height: int = 24) -> RenderableType:
    if screen.list_view is not None:
        return list_view(screen.list_view, screen.done, screen.total, height, screen.message)
    parts: list[RenderableType] = []
    if screen.banner:
        parts.append(Text(screen.banner, style="bold green"))
    exercise = screen.exercise
    if exercise is not None:
        parts.append(exercise_header(screen.curriculum, exercise, screen.file))
    parts.append(progress_bar(screen.done, screen.total))
    parts.append(rule(f"verdict for {exercise.name}" if exercise is not None else ""))
    if screen.checking is not None:
        parts.append(checking_line(screen.checking.exercise, screen.checking.elapsed_s, screen.checking.limit_s))
    elif screen.result is not None:
        parts.append(verdict(screen.result))
    if screen.passed is not None and screen.checking is None:
        parts.append(Panel(after_pass(screen.passed, screen.file.parents[2] if screen.file else None),
                           border_style="green", box=box.ROUNDED, title="passed", title_align="left"))
    if screen.ending is not None:
        parts.append(ending(screen.ending))
    if screen.hint is not None:
        parts.append(hint(screen.hint))
    for note in screen.notes:
        parts.append(Text(f"also checked: {note}", style="dim"))
    if screen.message:
        parts.append(Text(screen.message, style="bold yellow"))
    parts.append(rule())
    mode = "manual run: press r to check" if screen.manual_run else "watching for saves"
    parts.append(Text(f"{mode} · {KEYS_HELP}", style="dim"))
    return Group(*parts)


def list_view(view: "ListView", done: int, total: int, height: int, message: str = "") -> RenderableType:
    """The full-screen list: one line per exercise, as many as fit, the selected one in view."""
    rows = view.visible()
    index = view.selected_index()
    footer = 2 + bool(message or view.confirm_reset)
    capacity = max(1, height - 2 - footer)  # the title, and the line the cursor ends on
    top = min(max(0, index - capacity // 2), max(0, len(rows) - capacity))
    shown = rows[top : top + capacity]
    where = f"{top + 1}–{top + len(shown)} of {len(rows)}" if rows else "none"
    filtered = "" if view.filter == "all" else f" · {view.filter} only"
    lines: list[RenderableType] = [_line(Text.assemble(("Exercises", "bold"), f" · {done}/{total} done{filtered} · {where}"))]
    for offset, row in enumerate(shown):
        selected = top + offset == index
        line = Text.assemble(
            ("› " if selected else "  ", "bold cyan"),
            (f"{row.number:>3} ", "dim"),
            ("▶ " if row.current else "  ", "bold cyan"),
            (f"{row.name:<28}", "bold" if selected else ""),
            " ",
            _row_status(row),
            (f"  {row.section}", "dim"),
        )
        if selected:
            line.stylize("reverse")
        lines.append(_line(line))
    if not rows:
        lines.append(_line(Text("  no exercise matches", style="dim")))
    if view.searching:
        lines.append(_line(Text.assemble(("search: ", "bold"), view.query, ("▏", "bold"), ("  Enter keep · Esc clear", "dim"))))
    elif view.query:
        lines.append(_line(Text.assemble(("search: ", "bold"), view.query, ("  / new search", "dim"))))
    else:
        lines.append(_line(Text("/ search by name or number", style="dim")))
    if view.confirm_reset:
        lines.append(_line(Text(f"Reset {view.confirm_reset} to its stub? Your file is kept in .mlkata/backups. y / n", style="bold yellow")))
    elif message:
        lines.append(_line(Text(message, style="bold yellow")))
    lines.append(_line(Text(LIST_HELP, style="dim")))
    return Group(*lines)


def _line(text: Text) -> Text:
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text
