"""The command line: Typer signatures and help text; each command calls one function.

Logic lives in `app`, drawing in `render`. A `MlkataError` anywhere becomes a clean
message on stderr and exit code 1.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from mlkata.errors import MlkataError

# The logic and the rendering are imported inside each command, not here: `--help`
# needs neither, and every command's start-up time is felt on every call.

cli = typer.Typer(
    help="Build the pieces of deep learning from scratch; every save is checked against torch.\n\n"
    "Inside a workspace, `mlkata` alone opens watch mode.",
    invoke_without_command=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
dev = typer.Typer(help="Tools for mlkata's own developers.", no_args_is_help=True)
cli.add_typer(dev, name="dev")



def complete_exercise(incomplete: str) -> list[str]:
    """Shell completion: the exercise names of the workspace here (or of mlkata's curriculum)."""
    from mlkata.app import exercise_names

    return [name for name in exercise_names() if name.startswith(incomplete)]


NameArgument = Annotated[
    Optional[str],
    typer.Argument(
        help="Exercise name, number (as `mlkata list` shows it) or file (default: the current exercise).",
        show_default=False,
        autocompletion=complete_exercise,
    ),
]


def clean_errors(command):
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except MlkataError as error:
            from mlkata import render

            render.error(str(error))
            raise typer.Exit(1) from None

    return wrapper


def _session():
    from mlkata import app as logic
    from mlkata import render

    session = logic.open_session()
    for message in session.notices:
        render.notice(message)
    if session.needs_rebuild:
        results = logic.rebuild_progress(session)
        render.notice(f"Progress rebuilt: {sum(r.passed for r in results)} exercises pass.")
    return session


def _version(value: bool) -> None:
    if value:
        from mlkata import __version__

        print(f"mlkata {__version__}")
        raise typer.Exit(0)


@cli.callback()
def main_callback(
    context: typer.Context,
    version: Annotated[bool, typer.Option("--version", "-V", help="Print mlkata's version and exit.", callback=_version, is_eager=True)] = False,
) -> None:
    # Bare `mlkata`: watch mode inside a workspace, else how to start.
    if context.invoked_subcommand is not None:
        return
    from mlkata import workspace
    from mlkata.app import mlkata_command

    try:
        workspace.find()
    except MlkataError:
        print(context.get_help())
        print(
            "\nThis folder is not inside an mlkata workspace. Start with:\n"
            f"    {mlkata_command()} init mlkata-workspace\n"
            f"    cd mlkata-workspace && {mlkata_command()}"
        )
        raise typer.Exit(0) from None
    context.invoke(watch)


@cli.command()
@clean_errors
def init(
    folder: Annotated[Path, typer.Argument(help="Where to create the workspace (must not exist or be empty).")] = Path("mlkata-workspace"),
    pack: Annotated[Optional[Path], typer.Option("--pack", help="Make it from this exercise pack instead of mlkata's curriculum.")] = None,
) -> None:
    """Create a workspace with fresh copies of every exercise. Never overwrites anything."""
    from mlkata import app as logic
    from mlkata import render

    workspace, curriculum = logic.init_workspace(folder, pack)
    render.show(render.created_workspace(workspace.root, curriculum.exercises[0] if curriculum.exercises else None, logic.mlkata_command()))


@cli.command()
@clean_errors
def watch(
    manual_run: Annotated[bool, typer.Option("--manual-run", help="Do not watch files; press r to check.")] = False,
    poll: Annotated[bool, typer.Option("--poll", help="Look at the files every 0.25 s instead of waiting for change events (WSL /mnt, network and container mounts).")] = False,
    auto_advance: Annotated[bool, typer.Option("--auto-advance", help="Move on to the next exercise as soon as one passes.")] = False,
    edit_cmd: Annotated[Optional[str], typer.Option("--edit-cmd", help="The editor `e` opens the exercise in (default: $VISUAL, else $EDITOR), e.g. 'code --wait'.", show_default=False)] = None,
) -> None:
    """Check every exercise file you save; stay on a pass until you press n.

    Keys: h next hint, l list (arrows or j/k, / search, Enter go there, r reset), n next
    exercise, e edit, r re-run, q quit.
    """
    from mlkata.watch import Options, run_watch

    options = Options(manual_run=manual_run, poll=poll, auto_advance=auto_advance, edit_command=edit_cmd)
    raise typer.Exit(run_watch(_session(), options))


@cli.command()
@clean_errors
def run(name: NameArgument = None) -> None:
    """Check one exercise once. Exit code 0 when it passes, 1 otherwise."""
    from mlkata import app as logic
    from mlkata import render

    session = _session()
    exercise = logic.resolve(session, name)
    with render.checking_status(exercise.name, exercise.timeout_s):
        recorded = logic.run_one(session, exercise.name)
    render.show(render.exercise_header(session.curriculum, exercise, session.workspace.file_for(exercise)))
    render.show(render.verdict(recorded.result))
    if recorded.result.passed:
        render.show(render.after_pass(recorded, session.workspace.root))
        if recorded.all_done:
            render.show(render.ending(logic.ending(session)))
    raise typer.Exit(0 if recorded.result.passed else 1)


@cli.command()
@clean_errors
def hint(
    name: NameArgument = None,
    all_levels: Annotated[bool, typer.Option("--all", help="Show every hint level at once.")] = False,
) -> None:
    """Show the next hint for an exercise; each call goes one level further."""
    from mlkata import app as logic
    from mlkata import render

    render.show(render.hint(logic.next_hint(_session(), name, all_levels)))


@cli.command("list")
@clean_errors
def list_exercises(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array instead of a table.")] = False,
) -> None:
    """Every exercise by section, with status, the current one marked, and progress."""
    from mlkata import app as logic
    from mlkata import render

    rows = logic.list_rows(_session())
    if as_json:
        print(json.dumps([row.to_json() for row in rows], indent=2))
    else:
        render.show(render.list_table(rows))


@cli.command()
@clean_errors
def reset(name: NameArgument = None) -> None:
    """Put the stub back. Your current file is kept as a backup first."""
    from mlkata import app as logic
    from mlkata import render

    exercise, backup = logic.reset_exercise(_session(), name)
    render.show(render.reset_done(exercise, backup))


@cli.command()
@clean_errors
def verify() -> None:
    """Check every exercise (in parallel). Exit code 0 only if all pass."""
    from mlkata import app as logic
    from mlkata import render

    session = _session()
    with render.checking_status("", 0, total=len(session.curriculum.exercises)) as arrived:
        pairs = logic.verify(session, on_result=arrived)
    render.show(render.verify_summary(pairs))
    raise typer.Exit(0 if all(result.passed for _, result in pairs) else 1)


@cli.command()
@clean_errors
def solution(name: NameArgument = None) -> None:
    """Show the reference solution of an exercise you have finished (plain Python when piped)."""
    import sys

    from mlkata import app as logic
    from mlkata import render

    exercise, source = logic.solution_source(_session(), name)
    if sys.stdout.isatty():
        render.show(render.solution(exercise, source))
    else:
        sys.stdout.write(source if source.endswith("\n") else source + "\n")


PackOption = Annotated[
    Optional[Path], typer.Option("--pack", help="The exercise pack's folder (default: mlkata's own curriculum).", show_default=False)
]


@dev.command("check")
@clean_errors
def dev_check(
    exercise: Annotated[Optional[str], typer.Option("--exercise", "-e", help="Prove only this exercise.", show_default=False)] = None,
    pack: PackOption = None,
) -> None:
    """Prove a pack: manifest and files agree, stubs are not started, references pass,
    every known mistake fails with its phrases."""
    from mlkata import devcheck, render
    from mlkata.curriculum import load_curriculum

    curriculum = load_curriculum(pack)
    static, proofs = devcheck.check_curriculum(curriculum, only=exercise)
    render.show(render.dev_check_report(static, proofs))
    raise typer.Exit(1 if static or any(proof.problems for proof in proofs) else 0)


@dev.command("new")
@clean_errors
def dev_new(
    section: Annotated[str, typer.Argument(help="Section (MLAB day) folder, e.g. 02_cnn; a new one is added at the end.", show_default=False)],
    name: Annotated[str, typer.Argument(help="The exercise's name, unique in the pack.", show_default=False)],
    pack: PackOption = None,
) -> None:
    """Scaffold an exercise: manifest entry, stub, check, reference and mistakes file."""
    from mlkata import render, scaffold

    pack_, written = scaffold.new_exercise(section, name, pack)
    render.show(render.scaffolded(name, pack_, written))


def main() -> None:
    cli(prog_name="mlkata")
