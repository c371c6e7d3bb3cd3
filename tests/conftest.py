import os
from pathlib import Path

import pytest
import sympy as sp

# a failure inside the exact solver must fail the tests, not fall back to numerics silently
os.environ.setdefault("LAGROPT_STRICT", "1")
# processes the tests start (python -m lagropt from any folder, examples/, the tour) import the
# tree under test, never a copy installed in site-packages
_TREE = str(Path(__file__).resolve().parents[1])
os.environ["PYTHONPATH"] = os.pathsep.join([_TREE] + [p for p in os.environ.get(
    "PYTHONPATH", "").split(os.pathsep) if p and p != _TREE])


def same(a, b) -> bool:
    """Exact equality of two SymPy expressions (the project's standard)."""
    return sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0


@pytest.fixture
def latex_required():
    """Skip (with the reason) when pdflatex is missing; fail instead in CI.

    ``.ci/run`` installs TeX Live and sets ``LAGROPT_REQUIRE_LATEX=1``, so that the LaTeX
    tests can never be skipped there.
    """
    from lagropt.latex import latex_available

    if latex_available():
        return
    if os.environ.get("LAGROPT_REQUIRE_LATEX"):
        pytest.fail("LAGROPT_REQUIRE_LATEX is set but pdflatex is not installed")
    pytest.skip("pdflatex is not installed (apt-get install texlive-latex-base "
                "texlive-latex-recommended latexmk): LaTeX documents are not compiled")


def compiled_mse():
    """The lecture's mean squared error (1/m) ||y - X beta||^2, compiled (shared by tests)."""
    import lagropt
    from lagropt import losses

    X, y, beta = losses.regression_symbols()
    return lagropt.compile(losses.mse(y, losses.linear(X, beta)), wrt=beta, data=[X, y])


def run_here(capsys, *args):
    """``lagropt ARGS`` in this process (quicker, for the many refusals): code, stdout, stderr."""
    from lagropt.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(stderr):
    """The one line of a refusal (no traceback, ``lagropt: error:`` first)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert lines[0].startswith("lagropt: error:")
    return lines[0]
