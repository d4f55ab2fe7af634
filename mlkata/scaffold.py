"""`mlkata dev new SECTION NAME`: the five parts of a new exercise, ready to be filled in.

It adds the manifest entry (after the last exercise of its section, or with a new
section at the end) and writes the stub, the check, the reference and the mistakes
file, creating the pack first when the folder has none. It never overwrites: a name
the manifest knows, or any file already there, stops it before anything is written.
What it writes is a placeholder that `mlkata dev check` flags (TODO hints, a reference
that does not pass, no known mistakes) until the author has replaced it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from mlkata.curriculum import MANIFEST_NAME, Curriculum, Exercise, Pack, Section, load_curriculum
from mlkata.errors import MlkataError

NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]*$")  # also a module name: mlkata.exercises.NAME
SECTION_PATTERN = re.compile(r"^[a-z0-9_]+$")

PACK_MANIFEST = '''\
# The manifest of this exercise pack: every exercise in order, the one place for its
# metadata. Paths are derived from section and name (see mlkata's docs/packs.md):
#   stub      exercises/<section>/<name>.py
#   check     checks/<section>/<name>/check.py
#   solution  checks/<section>/<name>/solution.py
#   mistakes  checks/<section>/<name>/mistakes.toml

[pack]
title = "TODO: the title of this pack"
'''

SECTION_ENTRY = '''
# === {section} ===
[[sections]]
name = "{section}"
title = "TODO: what this section builds"
'''

EXERCISE_ENTRY = '''
[[exercises]]
name = "{name}"
section = "{section}"
banned = []
hints = [
  "TODO: a nudge towards the idea.",
  "TODO: the method, one step more concrete.",
]
'''

STUB = '''\
"""{name}: TODO one sentence on what the learner builds.

TODO: the task, the shape of every input and output, and every convention the check
relies on (the check must accept any other defensible reading).
"""

import torch


def {name}(x: torch.Tensor) -> torch.Tensor:
    """TODO: what it returns. x: (batch, features) -> (batch, features)."""
    # TODO
    raise NotImplementedError
'''

SOLUTION = '''\
import torch


def {name}(x: torch.Tensor) -> torch.Tensor:
    raise NotImplementedError("TODO: the reference solution, nanoGPT style (shapes in names and comments)")
'''

CHECK = '''\
"""The check of {name}: the learner's function against the reference, on seeded inputs."""

import torch

from mlkata.checking import context, expect_matches, load_reference, randn

reference = load_reference(__file__)

# Main cases first, so the first message a learner reads is about the idea;
# edge cases (empty, size 1) after them.
SHAPES = [(4, 5), (2, 3), (1, 1), (0, 3)]


def check(learner):
    for dtype in (torch.float32, torch.float64):
        for seed, shape in enumerate(SHAPES):
            x = randn(*shape, seed=seed, dtype=dtype)
            with context(f"x of shape {{shape}}, {{dtype}}"):
                expect_matches(learner.{name}, reference.{name}, x)
'''

MISTAKES = '''\
# Known mistakes of {name}: each is a wrong learner file and the phrases mlkata's
# explanation of it must contain. `mlkata dev check` wants at least two. For example:
#
# [[mistake]]
# name = "forgets the batch axis"
# expect = ["{name}(x) has shape"]
# [mistake.replace]        # the reference solution with this definition replaced
# {name} = \'\'\'
# def {name}(x):
#     return x.sum()
# \'\'\'
'''


def new_exercise(section: str, name: str, pack_root: Path | None) -> tuple[Pack, list[Path]]:
    """Scaffold exercise `name` in `section` of the pack at `pack_root` (default: mlkata's)."""
    if not SECTION_PATTERN.match(section):
        raise MlkataError(f"The section {section!r} must be lower case letters, digits and underscores (e.g. 11_diffusion).")
    if not NAME_PATTERN.match(name):
        raise MlkataError(f"The exercise name {name!r} must be a Python identifier in lower case (e.g. group_norm).")
    pack = Pack(pack_root.resolve()) if pack_root is not None else load_curriculum().pack
    created_pack = not pack.manifest_path.exists()
    if created_pack:
        if pack.root.exists() and (not pack.root.is_dir() or any(pack.root.iterdir())):
            raise MlkataError(f"{pack.root} has no {MANIFEST_NAME} and is not empty; nothing was changed.")
        curriculum = None
        manifest = PACK_MANIFEST
    else:
        curriculum = load_curriculum(pack.root)
        manifest = pack.manifest_path.read_text(encoding="utf-8")
        if curriculum.find(name) is not None:
            raise MlkataError(f"The manifest of {pack.root} already has an exercise {name!r}; nothing was changed.")
    exercise = Exercise(name=name, section=section, hints=(), pack=pack)
    files = {
        exercise.stub_path: STUB.format(name=name),
        exercise.check_path: CHECK.format(name=name),
        exercise.solution_path: SOLUTION.format(name=name),
        exercise.mistakes_path: MISTAKES.format(name=name),
    }
    existing = [path for path in files if path.exists()]
    if existing:
        raise MlkataError(f"{existing[0]} already exists; nothing was changed.")
    new_manifest = _with_entry(manifest, curriculum, section, name)
    tomllib.loads(new_manifest)  # never write a manifest that does not parse
    pack.root.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as out:  # "x": never overwrite
            out.write(text)
    pack.manifest_path.write_text(new_manifest, encoding="utf-8")
    load_curriculum.cache_clear()
    return pack, [pack.manifest_path, *files]


def _with_entry(manifest: str, curriculum: Curriculum | None, section: str, name: str) -> str:
    """The manifest text with the exercise's entry after the last one of its section."""
    entry = EXERCISE_ENTRY.format(name=name, section=section)
    sections: tuple[Section, ...] = curriculum.sections if curriculum else ()
    if section not in {s.name for s in sections}:
        return manifest.rstrip("\n") + "\n" + SECTION_ENTRY.format(section=section) + entry
    lines = manifest.splitlines(keepends=True)
    insert_at = _end_of_section(lines, section)
    return "".join(lines[:insert_at]).rstrip("\n") + "\n" + entry + "".join(lines[insert_at:])


def _end_of_section(lines: list[str], section: str) -> int:
    """The index of the line after the last [[exercises]] (or its [[sections]]) block of `section`."""
    headers = [i for i, line in enumerate(lines) if line.startswith("[")] + [len(lines)]
    quoted = re.escape(section)
    end = None
    for start, stop in zip(headers, headers[1:]):
        block = "".join(lines[start:stop])
        if (block.startswith("[[sections]]") and re.search(rf'^name\s*=\s*"{quoted}"\s*$', block, re.M)) or (
            block.startswith("[[exercises]]") and re.search(rf'^section\s*=\s*"{quoted}"\s*$', block, re.M)
        ):
            end = stop
    if end is None:
        return len(lines)
    while end > 0 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1  # before the blank lines and the next section's comment
    return end
