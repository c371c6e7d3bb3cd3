"""The Python examples of the user guide run, in order, and their assertions hold."""

import contextlib
import io
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
RUNNABLE = ["losses.md", "descent.md", "regression.md", "statmech.md", "nn.md", "sensitivity.md",
            "web-notes.md"]


@pytest.mark.parametrize("page", RUNNABLE)
def test_page_examples_run(page):
    blocks = re.findall(r"```python\n(.*?)```", (DOCS / page).read_text(), re.S)
    assert blocks, f"{page} has no Python examples"
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for block in blocks:
            exec(compile(block, f"{page}", "exec"), namespace)  # noqa: S102 - our own docs


def _sphinx(builder, out):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b",
                           builder, str(DOCS), str(out / builder)],
                          capture_output=True, text=True, timeout=600)


def test_sphinx_site_builds_with_warnings_as_errors_and_its_examples_pass(tmp_path):
    """The user guide and API reference build (warnings are errors) and every doctest in the
    guide passes, as CI requires."""
    pytest.importorskip("sphinx", reason="Sphinx is not installed (pip install '.[test]')")
    pytest.importorskip("myst_parser", reason="myst-parser is not installed (pip install '.[test]')")
    html = _sphinx("html", tmp_path)
    assert html.returncode == 0, html.stderr[-3000:]
    assert (tmp_path / "html" / "api.html").exists()
    doctest = _sphinx("doctest", tmp_path)
    assert doctest.returncode == 0, (doctest.stdout + doctest.stderr)[-3000:]
    summary = (tmp_path / "doctest" / "output.txt").read_text()
    assert "0 failures in tests" in summary
