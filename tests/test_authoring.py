"""The authoring kit as a course author uses it: `dev new`, `dev check`, packs, known mistakes.

A pack is built in a temporary folder with `mlkata dev new`, filled in the way an author
would, proven with `mlkata dev check --pack`, and learned from with `mlkata init --pack`,
all through the real command line.
"""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest

from mlkata.curriculum import load_curriculum
from mlkata.mistakes import apply_replacements
from tests.cli_helpers import mlkata

REFERENCE = dedent('''\
    import torch

    from mlkata.given.scales import SCALE


    def scale(x: torch.Tensor) -> torch.Tensor:
        return x * SCALE  # (batch, features)


    class Affine(torch.nn.Module):
        def __init__(self, features: int):
            super().__init__()
            self.weight = torch.nn.Parameter(torch.ones(features))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x * self.weight + 1
''')

CHECK = dedent('''\
    import torch

    from mlkata.checking import context, expect_matches, load_reference, part, randn

    reference = load_reference(__file__)


    @part("scale")
    def check_scale(learner):
        for dtype in (torch.float32, torch.float64):
            x = randn(3, 4, seed=1, dtype=dtype)
            with context(f"x {dtype}"):
                expect_matches(learner.scale, reference.scale, x)


    @part("Affine")
    def check_affine(learner):
        x = randn(2, 3, seed=2)
        expect_matches(lambda x: learner.call(learner.Affine(3), x, name="Affine(3)"), reference.Affine(3), x, what="Affine(3)(x)")
''')

STUB = dedent('''\
    """Scale a tensor by mlkata's given SCALE, and an Affine module."""

    import torch

    from mlkata.given.scales import SCALE


    def scale(x: torch.Tensor) -> torch.Tensor:
        # TODO
        raise NotImplementedError


    class Affine(torch.nn.Module):
        def __init__(self, features: int):
            super().__init__()
            # TODO
            raise NotImplementedError

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            raise NotImplementedError
''')

MISTAKES = dedent("""\
    [[mistake]]
    name = "adds instead of multiplying"
    expect = ["scale(x) differs from the expected values"]
    [mistake.replace]
    scale = '''
    def scale(x):
        return x + SCALE
    '''

    [[mistake]]
    name = "forgets the bias of Affine"
    expect = ["Affine(3)(x) differs"]
    [mistake.replace]
    "Affine.forward" = '''
    def forward(self, x):
        return x * self.weight
    '''

    [[mistake]]
    name = "imports json, which the exercise bans"
    expect = ["scale.py:1 imports json"]
    prepend = '''import json
    '''

    [[mistake]]
    name = "a whole file of its own"
    expect = ["your file has no `Affine`"]
    source = '''
    def scale(x):
        return x * 3
    '''
""")


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    """A one-exercise pack scaffolded by `dev new` and filled in by hand."""
    root = tmp_path_factory.mktemp("authoring") / "pack"
    made = mlkata("dev", "new", "01_basics", "scale", "--pack", str(root), cwd=root.parent)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "dev check --exercise scale --pack" in made.stdout.replace("\n", " ")
    return root


def fill_in(root: Path) -> None:
    folder = root / "checks" / "01_basics" / "scale"
    (folder / "solution.py").write_text(REFERENCE)
    (folder / "check.py").write_text(CHECK)
    (folder / "mistakes.toml").write_text(MISTAKES)
    (root / "exercises" / "01_basics" / "scale.py").write_text(STUB)
    (root / "given").mkdir(exist_ok=True)
    (root / "given" / "scales.py").write_text("SCALE = 3.0\n")
    manifest = (root / "curriculum.toml").read_text()
    manifest = manifest.replace('"TODO: the title of this pack"', '"A pack for the tests"')
    manifest = manifest.replace('"TODO: what this section builds"', '"Basics"')
    manifest = manifest.replace('"TODO: a nudge towards the idea."', '"Multiply by SCALE."')
    manifest = manifest.replace('"TODO: the method, one step more concrete."', '"`x * SCALE`."')
    if "banned_imports" not in manifest:
        manifest = manifest.replace('banned = []', 'banned = []\nbanned_imports = ["json"]\ninstead = "No json needed."')
    (root / "curriculum.toml").write_text(manifest)


def test_a_scaffold_is_flagged_until_filled_in_then_proven(pack):
    scaffold = mlkata("dev", "check", "--pack", str(pack), cwd=pack)
    assert scaffold.returncode == 1
    report = " ".join(scaffold.stdout.split())
    for problem in (
        "hint 1 is still the scaffold's placeholder",
        "the pack's title is still the scaffold's placeholder",
        "has 0 known mistakes",
        "the reference is not started, expected passed",
    ):
        assert problem in report, report

    fill_in(pack)
    proven = mlkata("dev", "check", "--pack", str(pack), cwd=pack)
    assert proven.returncode == 0, proven.stdout + proven.stderr
    assert "1 exercise, 4 known mistakes" in " ".join(proven.stdout.split())


def test_a_known_mistake_that_passes_is_reported(pack, tmp_path):
    fill_in(pack)
    mistakes = pack / "checks" / "01_basics" / "scale" / "mistakes.toml"
    original = mistakes.read_text()
    try:
        mistakes.write_text(original + dedent("""
            [[mistake]]
            name = "not a mistake at all"
            expect = ["anything"]
            [mistake.replace]
            scale = '''
            def scale(x):
                return SCALE * x
            '''
        """))
        result = mlkata("dev", "check", "--pack", str(pack), "--exercise", "scale", cwd=pack)
    finally:
        mistakes.write_text(original)
    assert result.returncode == 1
    assert "the known mistake 'not a mistake at all' is passed, expected failed" in " ".join(result.stdout.split())


def test_dev_new_never_overwrites(pack):
    again = mlkata("dev", "new", "01_basics", "scale", "--pack", str(pack), cwd=pack)
    assert again.returncode == 1
    assert "already has an exercise 'scale'; nothing was changed" in " ".join(again.stderr.split())
    bad = mlkata("dev", "new", "01_basics", "Not-A-Name", "--pack", str(pack), cwd=pack)
    assert bad.returncode == 1 and "must be a Python identifier" in bad.stderr


def test_dev_new_keeps_sections_in_order(tmp_path):
    root = tmp_path / "pack"
    for section, name in [("01_a", "first"), ("02_b", "second"), ("01_a", "third")]:
        made = mlkata("dev", "new", section, name, "--pack", str(root), cwd=tmp_path)
        assert made.returncode == 0, made.stderr
    curriculum = load_curriculum(root)
    assert [e.name for e in curriculum.exercises] == ["first", "third", "second"]
    assert [s.name for s in curriculum.sections] == ["01_a", "02_b"]


def test_a_workspace_made_from_a_pack_learns_from_it(pack, tmp_path):
    fill_in(pack)
    init = mlkata("init", "--pack", str(pack), str(tmp_path / "ws"), cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    ws = tmp_path / "ws"
    assert json.loads((ws / ".mlkata" / "config.json").read_text()) == {"pack": str(pack.resolve())}
    listed = json.loads(mlkata("list", "--json", cwd=ws).stdout)
    assert [row["name"] for row in listed] == ["scale"]
    stub = mlkata("run", cwd=ws)
    assert stub.returncode == 1 and "NOT STARTED" in stub.stdout
    (ws / "exercises" / "01_basics" / "scale.py").write_text(REFERENCE.replace("x * self.weight + 1", "x * self.weight"))
    half = mlkata("run", cwd=ws)
    assert half.returncode == 1 and "Affine(3)(x) differs" in half.stdout
    (ws / "exercises" / "01_basics" / "scale.py").write_text(REFERENCE)
    done = mlkata("run", cwd=ws)
    assert done.returncode == 0 and "scale passed" in done.stdout


def test_replacements_reach_methods_and_keep_the_rest(tmp_path):
    replaced = apply_replacements(REFERENCE, {"Affine.forward": "def forward(self, x):\n    return x\n"})
    assert "        return x\n" in replaced
    assert "def scale(x: torch.Tensor)" in replaced and "self.weight = torch.nn.Parameter" in replaced
    with pytest.raises(ValueError, match="no 'Affine.backward'"):
        apply_replacements(REFERENCE, {"Affine.backward": "def backward(self): pass"})


def test_an_earlier_exercise_that_is_wrong_is_named(tmp_path):
    """block_group uses the learner's own ResidualBlock: when that is wrong, the verdict says where."""
    init = mlkata("init", str(tmp_path / "ws"), cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    ws = tmp_path / "ws"
    builtin = load_curriculum()
    block_group, residual_block = builtin.get("block_group"), builtin.get("residual_block")
    (ws / block_group.relative_path).write_text(block_group.solution_path.read_text())

    stub_block = mlkata("run", "block_group", cwd=ws)
    assert stub_block.returncode == 1
    text = " ".join(stub_block.stdout.split())
    assert "`ResidualBlock` in exercises/02_cnn/residual_block.py is not written yet" in text
    assert "finish that exercise first (`mlkata run residual_block`)" in text

    wrong = residual_block.solution_path.read_text().replace(
        "return self.relu(out + self.downsample(x))", "return out + self.downsample(x)")
    (ws / residual_block.relative_path).write_text(wrong)
    wrong_block = mlkata("run", "block_group", cwd=ws)
    text = " ".join(wrong_block.stdout.split())
    assert wrong_block.returncode == 1
    assert "the output in train mode differs" in text  # compared with reference blocks, not the learner's
    assert "uses exercise residual_block (exercises/02_cnn/residual_block.py), which has not passed" in text


def test_every_module_of_the_check_api_is_warmed_and_guarded():
    """A helper module added to mlkata.checking is imported before the fork and snapshotted."""
    import pkgutil
    import subprocess
    import sys

    import mlkata.checking

    probe = subprocess.run(
        [sys.executable, "-c",
         "from mlkata.sandbox import guard, worker; worker.prepare_torch(); print(' '.join(guard._taken_before_fork._spaces))"],
        capture_output=True, text=True, timeout=120, check=True,
    )
    watched = set(probe.stdout.split())
    for info in pkgutil.iter_modules(mlkata.checking.__path__):
        assert f"mlkata.checking.{info.name}" in watched, info.name
