"""The main job, as a user runs it: every section, its notes, figures and report."""

import json
import subprocess
import sys

import matplotlib.image as mpimg

from test_text_mode_math import text_mode_math


def test_tour_reproduces_the_lecture_and_everything_agrees(tmp_path, latex_required):
    out = tmp_path / "tour"
    done = subprocess.run([sys.executable, "-m", "lagropt", "tour", "--out", str(out)],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    text = done.stdout
    assert "checks agree" in text and "figures:" in text and "report:" in text
    rows = json.loads((out / "report.json").read_text())
    sections = {r["section"] for r in rows}
    assert {"lagrange", "maxent", "descent", "regularization", "logistic", "backprop",
            "multipliers"} <= sections
    assert all(r["ok"] for r in rows), [r for r in rows if not r["ok"]]
    # every lecture example is checked three ways where descent applies
    paraboloid = [r for r in rows if r["example"] == "paraboloid-on-line"]
    assert {r["quantity"] for r in paraboloid} == {"f", "x", "y", "lambda"}
    assert all(r["exact"] is not None and r["descent"] is not None and r["scipy"] is not None
               for r in paraboloid)
    assert "| section |" in (out / "report.md").read_text()
    figures = sorted((out / "figures").glob("*.png"))
    assert len(figures) >= 9
    for png in figures:
        assert mpimg.imread(png).std() > 0.02, png.name
    tex = (out / "lagropt-tour.tex").read_text()
    # the notes show the figures where they are: no copies beside the .tex
    assert not list(out.glob("*.png")), sorted(p.name for p in out.glob("*.png"))
    for png in figures:
        assert f"{{figures/{png.name}}}" in tex, png.name
    for heading in ("Lagrange multipliers", "Maximum entropy and the Boltzmann distribution",
                    "Gradient descent", "Regularization", "Logistic regression", "Backpropagation",
                    "What the multipliers mean"):
        assert heading in tex
    assert (out / "lagropt-tour.pdf").is_file()
    # every section's prose and derivations print their mathematics as mathematics
    assert text_mode_math(tex) == []


def test_unknown_section_is_a_one_line_error(tmp_path):
    done = subprocess.run([sys.executable, "-m", "lagropt", "tour", "--sections", "magic",
                           "--out", str(tmp_path / "t")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "unknown tour section magic" in done.stderr
