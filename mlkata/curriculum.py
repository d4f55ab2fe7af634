"""The one manifest, read into frozen dataclasses; every path is derived from it.

`mlkata/curriculum.toml` lists every exercise in curriculum order with its section,
hints, bans and limits. Nothing else stores exercise metadata: file paths are computed
from section and name, never written down twice. Reading it never imports torch.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mlkata.errors import MlkataError

MANIFEST_PATH = Path(__file__).with_name("curriculum.toml")
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MEMORY_MB = 4096


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    mlab_day: str


@dataclass(frozen=True)
class Exercise:
    name: str
    section: str
    hints: tuple[str, ...]
    banned: tuple[str, ...] = ()
    banned_imports: tuple[str, ...] = ()
    instead: str = ""
    aliases: tuple[str, ...] = ()
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB

    @property
    def relative_path(self) -> Path:
        """Where the learner's file sits, relative to the workspace root."""
        return Path("exercises") / self.section / f"{self.name}.py"

    @property
    def stub_path(self) -> Path:
        return data_root("exercises") / self.section / f"{self.name}.py"

    @property
    def check_path(self) -> Path:
        return data_root("checks") / self.section / f"{self.name}.py"

    @property
    def solution_path(self) -> Path:
        return data_root("checks") / self.section / "solutions" / f"{self.name}.py"


@dataclass(frozen=True)
class Curriculum:
    sections: tuple[Section, ...]
    exercises: tuple[Exercise, ...]

    def get(self, name: str) -> Exercise:
        """The exercise called `name` (or once called so, via its aliases)."""
        for exercise in self.exercises:
            if name == exercise.name or name in exercise.aliases:
                return exercise
        raise MlkataError(
            f"There is no exercise called {name!r}. Run `mlkata list` to see them all."
        )

    def find(self, name: str) -> Exercise | None:
        try:
            return self.get(name)
        except MlkataError:
            return None

    def index(self, exercise: Exercise) -> int:
        return self.exercises.index(exercise)

    def section(self, name: str) -> Section:
        for section in self.sections:
            if section.name == name:
                return section
        raise MlkataError(f"The manifest names an unknown section {name!r}.")


def data_root(kind: str) -> Path:
    """The folder holding `exercises` or `checks`.

    An installed wheel carries them inside the package (`mlkata/_data/`); a source
    checkout keeps them at the repository's top level.
    """
    packaged = Path(__file__).parent / "_data" / kind
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent / kind


def parse_manifest(text: str) -> Curriculum:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MlkataError(f"The exercise manifest is not valid TOML: {error}") from error
    sections = tuple(
        Section(name=s["name"], title=s["title"], mlab_day=s.get("mlab_day", ""))
        for s in raw.get("sections", [])
    )
    exercises = tuple(
        Exercise(
            name=e["name"],
            section=e["section"],
            hints=tuple(hint.strip() for hint in e.get("hints", [])),
            banned=tuple(e.get("banned", [])),
            banned_imports=tuple(e.get("banned_imports", [])),
            instead=e.get("instead", "").strip(),
            aliases=tuple(e.get("aliases", [])),
            timeout_s=float(e.get("timeout", DEFAULT_TIMEOUT_S)),
            memory_mb=int(e.get("memory_mb", DEFAULT_MEMORY_MB)),
        )
        for e in raw.get("exercises", [])
    )
    return Curriculum(sections=sections, exercises=exercises)


@cache
def load_curriculum(path: Path = MANIFEST_PATH) -> Curriculum:
    return parse_manifest(path.read_text(encoding="utf-8"))
