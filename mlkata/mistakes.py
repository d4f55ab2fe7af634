"""Known mistakes: wrong implementations of an exercise and what mlkata must say about each.

They live next to the check, in `checks/SECTION/NAME/mistakes.toml`, as data:

    [[mistake]]
    name = "flipped kernel"
    expect = ["conv1d_minimal(x, weights) differs"]   # phrases the explanation must contain
    # status = "failed"                               # the verdict; "failed" unless said
    [mistake.replace]                                 # the reference solution, with these
    conv1d_minimal = '''                              # top-level definitions (or Class.method)
    def conv1d_minimal(x, weights):                   # replaced
        ...
    '''

Instead of `replace`, `source` gives the whole learner file; `prepend` adds lines (an
import) before the reference. `[[accepted]]` entries, in the same form, are right answers
in other styles than the reference's (a stable formula written another way): they must
pass. `mlkata dev check` runs them all and requires each to get its status and phrases,
so an exercise's explanations, and its tolerance for other styles, are proven, not hoped.
"""

from __future__ import annotations

import ast
import tomllib
from dataclasses import dataclass
from textwrap import dedent, indent

from mlkata.curriculum import Exercise
from mlkata.errors import MlkataError
from mlkata.protocol import Status

MIN_MISTAKES = 2


@dataclass(frozen=True)
class KnownMistake:
    exercise: str
    name: str  # what the mistake is: "uses torch.eye"
    source: str  # the whole learner file
    status: Status = Status.FAILED
    expect: tuple[str, ...] = ()  # phrases the headline, details or trace must contain

    @property
    def id(self) -> str:
        return f"{self.exercise}: {self.name}"


def load_mistakes(exercise: Exercise) -> list[KnownMistake]:
    """The known mistakes of `exercise`, each assembled into a whole learner file."""
    path = exercise.mistakes_path
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise MlkataError(f"{path} cannot be read: {error}") from None
    entries = []
    for table, status in (("mistake", Status.FAILED), ("accepted", Status.PASSED)):
        found = raw.get(table, [])
        if not isinstance(found, list):
            raise MlkataError(f"{path}: `{table}` must be an array of tables ([[{table}]])")
        entries += [(table, number, entry, status) for number, entry in enumerate(found, start=1)]
    reference = None
    mistakes = []
    for table, number, entry, default_status in entries:
        where = f"{path}, {table} {number}"
        try:
            if "source" in entry:
                source = entry["source"]
            else:
                if reference is None:
                    reference = exercise.solution_path.read_text(encoding="utf-8")
                source = entry.get("prepend", "") + apply_replacements(reference, entry.get("replace", {}))
            mistakes.append(
                KnownMistake(
                    exercise=exercise.name,
                    name=entry["name"],
                    source=source,
                    status=Status(entry.get("status", default_status.value)) if table == "mistake" else Status.PASSED,
                    expect=tuple(entry.get("expect", ())),
                )
            )
        except (KeyError, ValueError, TypeError, SyntaxError) as error:
            raise MlkataError(f"{where} is malformed: {error}") from None
    return mistakes


def apply_replacements(source: str, replacements: dict[str, str]) -> str:
    """`source` with each named top-level definition (or `Class.method`) replaced by new code."""
    for name, code in replacements.items():
        source = replace_definition(source, name, code)
    return source


def replace_definition(source: str, name: str, code: str) -> str:
    """Replace the lines of definition `name` ("fn", "Class" or "Class.method") with `code`."""
    lines = source.splitlines(keepends=True)
    body = ast.parse(source).body
    owner, _, member = name.partition(".")
    node = _named(body, owner)
    if node is None:
        raise ValueError(f"the reference defines no {owner!r}")
    column = 0
    if member:
        node = _named(node.body, member) if isinstance(node, ast.ClassDef) else None
        if node is None:
            raise ValueError(f"the reference defines no {name!r}")
        column = node.col_offset
    start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))]) - 1
    new = indent(dedent(code).strip("\n"), " " * column) + "\n"
    return "".join(lines[:start]) + new + "".join(lines[node.end_lineno:])


def _named(body: list[ast.stmt], name: str) -> ast.stmt | None:
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return node
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return node
    return None
