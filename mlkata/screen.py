"""What watch mode shows, as plain data: the loop in `watch` fills it in, `render` draws it.

Nothing here draws, decides or imports Rich. A `WatchScreen` is everything one frame
needs; `render.watch_screen(screen)` turns it into what the terminal shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mlkata.app import Ending, ExerciseRow, HintView, Recorded
from mlkata.curriculum import Curriculum, Exercise
from mlkata.protocol import CheckResult

FILTERS = ("all", "pending", "done")


@dataclass
class Checking:
    """A check of the shown exercise is on its way."""

    exercise: str
    started: float  # time.monotonic() when it was sent
    limit_s: float  # the exercise's time limit
    elapsed_s: float = 0.0  # filled in just before drawing


@dataclass
class ListView:
    """The full-screen list of exercises: a filter, a search, a selected row."""

    rows: list[ExerciseRow]
    selected: str  # the name of the selected exercise
    filter: str = "all"  # one of FILTERS
    query: str = ""
    searching: bool = False  # keys go to the search text
    confirm_reset: str | None = None  # the exercise a reset waits for y/n on

    def visible(self) -> list[ExerciseRow]:
        """The rows the filter and the search let through, in curriculum order."""
        query = self.query.strip().lower()
        return [
            row for row in self.rows
            if (self.filter == "all" or (self.filter == "done") == row.done)
            and (not query or query in row.name.lower() or query == str(row.number))
        ]

    def selected_index(self) -> int:
        """Where the selection is among the visible rows (0 if it is filtered out)."""
        names = [row.name for row in self.visible()]
        return names.index(self.selected) if self.selected in names else 0


@dataclass
class WatchScreen:
    curriculum: Curriculum
    exercise: Exercise | None  # the exercise shown
    file: Path | None  # its file in the workspace
    done: int
    total: int
    checking: Checking | None = None
    result: CheckResult | None = None  # the verdict shown, always for `exercise`
    passed: Recorded | None = None  # the pass being shown, with attempts, time and what comes next
    banner: str = ""  # with --auto-advance: the pass that moved watch on
    hint: HintView | None = None
    message: str = ""
    manual_run: bool = False
    list_view: ListView | None = None
    ending: Ending | None = None  # every exercise is done
    editor: str = ""  # the editor `e` opens, as the learner would type it
    notes: list[str] = field(default_factory=list)  # one-line news: verdicts of other exercises
