"""The layers of shared/DESIGN.md, checked: import-linter's contracts (pyproject.toml,
[tool.importlinter]) kept, imports inside functions counted, no module shadowed by a name."""

import importlib
import os
import pkgutil
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import lagropt

ROOT = Path(__file__).resolve().parent.parent
# ``lint-imports`` (import-linter, in the test extra) with this interpreter
LINT = [sys.executable, "-c", "from importlinter.cli import lint_imports_command as lint; lint()"]

# Modules still shadowed by a function of their parent; each entry says what removes it.
KNOWN_SHADOWED: set = set()


def lint(folder: Path) -> subprocess.CompletedProcess:
    """Run import-linter in ``folder`` (the packages there are the ones analysed)."""
    env = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run([*LINT, "--no-cache"], cwd=folder, capture_output=True,
                          text=True, timeout=120, env=env)


def test_the_layer_and_cycle_contracts_are_kept():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_an_upward_import_inside_a_function_breaks_the_contract(tmp_path):
    # the contract must count function-local imports (the 122 hidden imports)
    package = tmp_path / "probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "high.py").write_text("from . import low\n")
    (package / "low.py").write_text(textwrap.dedent("""\
        def climb():
            from .high import low
            return low
        """))
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("""\
        [tool.importlinter]
        root_package = "probe"
        [[tool.importlinter.contracts]]
        name = "probe layers"
        type = "layers"
        containers = ["probe"]
        layers = ["high", "low"]
        """))
    result = lint(tmp_path)
    assert result.returncode != 0
    assert "probe.low -> probe.high (l.2)" in result.stdout


def _modules():
    """Every module of lagropt except ``__main__`` (importing it runs the command line)."""
    for info in pkgutil.walk_packages(lagropt.__path__, "lagropt."):
        if not info.name.endswith("__main__"):
            yield info.name


def test_no_module_is_shadowed_by_a_name_of_its_package():
    shadowed = set()
    for name in _modules():
        module = importlib.import_module(name)
        parent, _, leaf = name.rpartition(".")
        if getattr(sys.modules[parent], leaf) is not module:
            shadowed.add(name)
    assert shadowed == KNOWN_SHADOWED


def test_the_user_facing_functions_keep_their_names():
    # the subpackages were renamed (compiler, solver, verification) so these stay functions
    for name in ("compile", "solve", "verify"):
        assert isinstance(getattr(lagropt, name), types.FunctionType), name
    assert lagropt.solve is importlib.import_module("lagropt.solver").solve
    assert lagropt.compile is importlib.import_module("lagropt.compiler").compile
    assert lagropt.verify is importlib.import_module("lagropt.verification").verify
