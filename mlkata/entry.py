"""The `mlkata` command's entry point: start what is slow first, then the command line.

`mlkata watch` needs a check worker, and the worker needs torch, which takes a second
or two to import. Starting the worker here, before Typer and Rich are even imported,
lets that import overlap the command's own start-up.
"""

import sys


def main() -> None:
    # `mlkata watch`, or `mlkata` alone, which opens watch mode inside a workspace.
    if (sys.argv[1:2] == ["watch"] and not {"-h", "--help"} & set(sys.argv[2:])) or len(sys.argv) == 1:
        _prestart_watch_worker()
    from mlkata.cli import main as cli_main

    cli_main()


def _prestart_watch_worker() -> None:
    from mlkata import client, workspace
    from mlkata.errors import MlkataError

    try:
        found = workspace.find()
    except MlkataError:
        return  # the command will say so itself
    client.prestart_worker(1, found.worker_log)
