"""Every Rich call in mlkata: verdicts, explanations, hints, tables, progress.

Functions here turn data (results, rows, hint views) into renderables or print them.
They decide nothing.
"""

from __future__ import annotations

from pathlib import Path

from rich import box
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from mlkata.app import ExerciseRow, HintView
from mlkata.curriculum import Curriculum, Exercise, Pack
from mlkata.protocol import CheckResult, Status

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
    for line in result.details:
        if line.startswith("call: "):
            parts.append(Text.assemble(("  in ", "dim"), (line.removeprefix("call: "), "cyan")))
        else:
            parts.append(Text("  " + line))
    if result.table:
        parts.append(_side_by_side(result.table))
    if result.simplest is not None:
        parts.append(simplest_case(result.simplest))
    elif result.seeking_simplest:
        parts.append(Text("  looking for the simplest failing case…", style="dim"))
    if result.trace:
        parts.append(Panel(Text(result.trace), title="traceback (your file)", title_align="left", border_style="red", box=box.ROUNDED))
    if result.output or result.output_dropped:
        shown, hidden = _first_lines(result.output)
        body = Text(shown)
        if hidden or result.output_dropped:
            body.append(f"\n… {hidden + result.output_dropped:,} more characters not shown", style="dim")
        parts.append(Panel(body, title="your code printed", title_align="left", border_style="dim", box=box.ROUNDED))
    return Group(*parts)


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
    if view.exhausted:
        parts.append(Text("That was the last hint. The solution unlocks once the exercise passes.", style="dim"))
    elif last_level < view.total:
        parts.append(Text("Still stuck? Ask again for the next hint.", style="dim"))
    return Group(*parts)


def verify_summary(pairs: list[tuple[Exercise, CheckResult]]) -> RenderableType:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("exercise")
    table.add_column("verdict")
    table.add_column("ms", justify="right", style="dim")
    table.add_column("why")
    for exercise, result in pairs:
        icon, style = STYLE[result.status]
        why = "" if result.passed else result.headline
        table.add_row(exercise.name, Text(f"{icon} {result.status.label}", style=style), f"{result.duration_ms:.0f}", escape(why))
    passed = sum(result.passed for _, result in pairs)
    return Group(table, progress_bar(passed, len(pairs)), Text(f"{passed} passed, {len(pairs) - passed} failed"))


def solution(exercise: Exercise, source: str) -> RenderableType:
    from rich.syntax import Syntax  # pygments is slow to import; only this command needs it

    return Panel(
        Syntax(source, "python", line_numbers=True, word_wrap=True),
        title=f"reference solution · {exercise.name}",
        title_align="left",
        border_style="green",
    )


def moved_on(finished: Exercise, next_exercise: Exercise | None) -> RenderableType:
    if next_exercise is None:
        return Text(f"🎉 {finished.name} passed — and that was the last pending exercise. Well done!", style="bold green")
    return Text.assemble(
        (f"✓ {finished.name} passed! ", "bold green"),
        "Next: ",
        (next_exercise.name, "bold magenta"),
        " in ",
        (next_exercise.relative_path.as_posix(), "cyan"),
    )


def created_workspace(root: Path, first: Exercise | None) -> RenderableType:
    lines = [Text.assemble(("Created your mlkata workspace in ", ""), (str(root), "bold cyan"))]
    if first is not None:
        lines.append(Text(f"Start with {first.relative_path.as_posix()}, then:"))
    lines.append(Text(f"    cd {root}\n    mlkata watch", style="bold"))
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
