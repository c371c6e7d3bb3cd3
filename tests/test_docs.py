"""The Python examples of the user guide run, in order, and their assertions hold."""

import contextlib
import io
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
RUNNABLE = ["losses.md", "regression.md"]


@pytest.mark.parametrize("page", RUNNABLE)
def test_page_examples_run(page):
    blocks = re.findall(r"```python\n(.*?)```", (DOCS / page).read_text(), re.S)
    assert blocks, f"{page} has no Python examples"
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for block in blocks:
            exec(compile(block, f"{page}", "exec"), namespace)  # noqa: S102 - our own docs
