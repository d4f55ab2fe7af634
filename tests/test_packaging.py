"""The wheel is complete: installed outside the repository, mlkata runs from it alone."""

import json
import os
import site
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run(*args, cwd, env=None, check=True):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh virtual environment with only the built wheel installed as mlkata.

    Its dependencies (torch and friends) are borrowed from this environment through a
    .pth file, so the test installs nothing from the network.
    """
    root = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(root / "dist"), str(REPO), cwd=REPO)
    [wheel] = (root / "dist").glob("mlkata-*.whl")
    venv = root / "venv"
    run(sys.executable, "-m", "venv", str(venv), cwd=root)
    python = venv / "bin" / "python"
    purelib = run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=root).stdout.strip()
    borrowed = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (Path(purelib) / "borrowed_dependencies.pth").write_text("\n".join(borrowed) + "\n")
    run(str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel), cwd=root)
    return venv


def test_wheel_carries_exercises_checks_and_manifest(installed, tmp_path):
    python = installed / "bin" / "python"
    probe = run(
        str(python), "-c",
        "import json, mlkata.curriculum as c; cur = c.load_curriculum(); "
        "print(json.dumps([str(cur.pack.root), len(cur.exercises), "
        "all(e.stub_path.is_file() and e.check_path.is_file() and e.solution_path.is_file() "
        "and e.mistakes_path.is_file() for e in cur.exercises)]))",
        cwd=tmp_path,
    )
    exercises_root, count, complete = json.loads(probe.stdout)
    assert str(installed) in exercises_root  # read from the install, not the repository
    assert count > 0 and complete


def test_installed_command_initialises_and_runs(installed, tmp_path):
    mlkata = installed / "bin" / "mlkata"
    env = dict(os.environ, NO_COLOR="1", COLUMNS="160")
    run(str(mlkata), "init", "ws", cwd=tmp_path, env=env)
    workspace = tmp_path / "ws"
    stub = run(str(mlkata), "run", cwd=workspace, env=env, check=False)
    assert stub.returncode == 1
    assert "NOT STARTED" in stub.stdout
    module = run(str(installed / "bin" / "python"), "-m", "mlkata", "--help", cwd=tmp_path, env=env)
    assert "watch" in module.stdout
