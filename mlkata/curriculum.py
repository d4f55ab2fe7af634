"""Exercise packs and their one manifest, read into frozen dataclasses.

A pack is a folder:

    curriculum.toml              the manifest: sections and exercises, in order, with
                                 hints, bans and limits (the only place with metadata)
    exercises/SECTION/NAME.py    the stubs learners edit
    checks/SECTION/NAME/         check.py, solution.py (the reference), mistakes.toml
    given/NAME.py                optional: working code stubs import as mlkata.given.NAME

mlkata's own curriculum is one pack (the repository's top level, or `mlkata/_data` in
an installed wheel); `mlkata init --pack PATH` makes a workspace from another. Every
path is derived from the pack, the section and the name, never written down twice.
Reading a manifest never imports torch.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from mlkata.errors import MlkataError

MANIFEST_NAME = "curriculum.toml"
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MEMORY_MB = 4096


@dataclass(frozen=True)
class Pack:
    """A folder of exercises with its manifest (see the module docstring)."""

    root: Path

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST_NAME

    @property
    def exercises_dir(self) -> Path:
        return self.root / "exercises"

    @property
    def checks_dir(self) -> Path:
        return self.root / "checks"

    @property
    def given_dir(self) -> Path:
        return self.root / "given"

    @property
    def is_builtin(self) -> bool:
        return self.root == builtin_pack().root


def builtin_pack() -> Pack:
    """mlkata's own curriculum: inside the package when installed, else the repository."""
    packaged = Path(__file__).parent / "_data"
    if (packaged / MANIFEST_NAME).is_file():
        return Pack(packaged)
    return Pack(Path(__file__).resolve().parent.parent)


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    mlab_day: str = ""


@dataclass(frozen=True)
class Exercise:
    name: str
    section: str
    hints: tuple[str, ...]
    pack: Pack = field(default_factory=builtin_pack, compare=False)
    banned: tuple[str, ...] = ()
    banned_imports: tuple[str, ...] = ()
    instead: str = ""
    aliases: tuple[str, ...] = ()
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB

    @property
    def relative_path(self) -> Path:
        """Where the learner's file sits, relative to the workspace root (and to the pack)."""
        return Path("exercises") / self.section / f"{self.name}.py"

    @property
    def stub_path(self) -> Path:
        return self.pack.root / self.relative_path

    @property
    def folder(self) -> Path:
        """Everything of the exercise that learners do not see: check, reference, mistakes."""
        return self.pack.checks_dir / self.section / self.name

    @property
    def check_path(self) -> Path:
        return self.folder / "check.py"

    @property
    def solution_path(self) -> Path:
        return self.folder / "solution.py"

    @property
    def mistakes_path(self) -> Path:
        return self.folder / "mistakes.toml"


@dataclass(frozen=True)
class Curriculum:
    pack: Pack
    title: str
    sections: tuple[Section, ...]
    exercises: tuple[Exercise, ...]

    def get(self, name: str) -> Exercise:
        """The exercise called `name` (or once called so, via its aliases)."""
        exercise = self.find(name)
        if exercise is None:
            raise MlkataError(f"There is no exercise called {name!r}. Run `mlkata list` to see them all.")
        return exercise

    def find(self, name: str) -> Exercise | None:
        for exercise in self.exercises:
            if name == exercise.name or name in exercise.aliases:
                return exercise
        return None

    def index(self, exercise: Exercise) -> int:
        return self.exercises.index(exercise)

    def before(self, exercise: Exercise) -> tuple[Exercise, ...]:
        """The exercises that come before `exercise`: the ones its file may build on."""
        return self.exercises[: self.index(exercise)]

    def section(self, name: str) -> Section:
        for section in self.sections:
            if section.name == name:
                return section
        raise MlkataError(f"The manifest names an unknown section {name!r}.")


def parse_manifest(text: str, pack: Pack) -> Curriculum:
    try:
        raw = tomllib.loads(text)
        return _curriculum_from(raw, pack)
    except tomllib.TOMLDecodeError as error:
        raise MlkataError(f"The manifest {pack.manifest_path} is not valid TOML: {error}") from error
    except (KeyError, TypeError, ValueError) as error:
        raise MlkataError(f"The manifest {pack.manifest_path} is malformed: {error!r}") from error


def _curriculum_from(raw: dict, pack: Pack) -> Curriculum:
    sections = tuple(
        Section(name=s["name"], title=s["title"], mlab_day=s.get("mlab_day", ""))
        for s in raw.get("sections", [])
    )
    exercises = tuple(
        Exercise(
            name=e["name"],
            section=e["section"],
            hints=tuple(hint.strip() for hint in e.get("hints", [])),
            pack=pack,
            banned=tuple(e.get("banned", [])),
            banned_imports=tuple(e.get("banned_imports", [])),
            instead=e.get("instead", "").strip(),
            aliases=tuple(e.get("aliases", [])),
            timeout_s=float(e.get("timeout", DEFAULT_TIMEOUT_S)),
            memory_mb=int(e.get("memory_mb", DEFAULT_MEMORY_MB)),
        )
        for e in raw.get("exercises", [])
    )
    title = raw.get("pack", {}).get("title", "")
    return Curriculum(pack=pack, title=title, sections=sections, exercises=exercises)


@cache
def load_curriculum(root: Path | None = None) -> Curriculum:
    """The curriculum of the pack at `root` (default: mlkata's own)."""
    pack = Pack(Path(root).resolve()) if root is not None else builtin_pack()
    try:
        text = pack.manifest_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MlkataError(f"{pack.root} is not an exercise pack: it has no {MANIFEST_NAME}.") from None
    except OSError as error:
        raise MlkataError(f"The manifest {pack.manifest_path} cannot be read ({error.strerror}).") from None
    return parse_manifest(text, pack)
