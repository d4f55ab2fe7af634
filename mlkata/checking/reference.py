"""Access to an exercise's hidden reference solution from its check."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


# Names of the check and reference modules this process has loaded, for the guard.
loaded_check_modules: list[str] = []


def register_check_module(name: str) -> None:
    loaded_check_modules.append(name)


def load_reference(check_file: str, exercise: str | None = None) -> ModuleType:
    """The reference solution that sits beside a check: `solution.py` in the same folder.

    Call it as `reference = load_reference(__file__)` at the top of a check; another
    exercise's of the same section as `load_reference(__file__, "intersect_ray_1d")`.
    """
    folder = Path(check_file).parent
    path = (folder.parent / exercise if exercise else folder) / "solution.py"
    name = f"mlkata_reference_{path.parent.parent.name}_{path.parent.name}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, f"no reference solution at {path}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    register_check_module(name)
    from mlkata.sandbox.imports import loading_references

    with loading_references():  # its imports of earlier exercises are references too
        spec.loader.exec_module(module)
    return module
