"""LaTeX rows broken for the line they will be printed on: linewidth= and --linewidth.

The proof is TeX's own: documents are compiled with pdflatex and their logs must hold no
"Overfull \\hbox" (a line wider than the column), in a two-column 10pt article and in the
default one-column 11pt article.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

import lagropt
from conftest import one_line_error, run_here
from lagropt.errors import LatexError
from lagropt.latex import compile as compile_tex, to_tex
from lagropt.latex.width import TEXT_WIDTH, TWOCOLUMN_WIDTH, line_width

ROOT = Path(__file__).resolve().parents[1]
x, y = sp.symbols("x y", real=True)
a, b, c = sp.symbols("a b c", positive=True)


def long_kkt_problem():
    """Several inequalities and symbolic parameters: closed forms in a, b, c, each case's
    point valid under conditions on them (long rows in every step)."""
    return lagropt.maximize(a * x + b * y - x**2 - x * y - y**2, [x + 2 * y <= c, x >= 0, y >= 0],
                            params=[a, b, c])


def projection_problem():
    """The point (a, b, c) projected on a polyhedron in three dimensions: eight cases kept
    under conditions on the parameters, whose points are long (f at such a point used to run
    off a two-column page)."""
    z = sp.Symbol("z", real=True)
    return lagropt.minimize((x - a)**2 + (y - b)**2 + (z - c)**2,
                            [x + y + z <= 1, x >= 0, y - z <= 2], params=[a, b, c])


@pytest.fixture(scope="module", params=[long_kkt_problem, projection_problem])
def long_kkt(request):
    problem = request.param()
    return problem, problem.solve()


def test_line_width_reads_points_and_twocolumn():
    assert line_width(None) == TEXT_WIDTH == 360
    assert line_width("twocolumn") == TWOCOLUMN_WIDTH == 241
    assert line_width(300) == line_width("300") == line_width("300pt") == 300


@pytest.mark.parametrize("bad", ["wide", 20, -241, float("nan"), float("inf"), True, [241]])
def test_a_width_that_is_no_width_is_a_one_line_error(bad):
    with pytest.raises(LatexError) as err:
        line_width(bad)
    assert "\n" not in str(err.value) and "linewidth" in str(err.value)


def test_narrower_lines_break_more_rows(long_kkt):
    _, sol = long_kkt
    wide, narrow = sol.latex(), sol.latex(linewidth="twocolumn")
    assert wide == sol.latex(linewidth=TEXT_WIDTH)
    assert narrow.count(r"\\") > wide.count(r"\\")
    # the same equations, only laid out differently: no row is lost
    assert narrow.count("Case active") == wide.count("Case active") == 8


def overfull(log: str) -> list[str]:
    return [line for line in log.splitlines() if "Overfull \\hbox" in line]


@pytest.mark.parametrize("linewidth, documentclass", [
    ("twocolumn", r"\documentclass[10pt,twocolumn]{article}"),
    (None, r"\documentclass[11pt]{article}"),
])
def test_the_kkt_derivation_fits_its_column(long_kkt, tmp_path, latex_required, linewidth,
                                            documentclass):
    problem, sol = long_kkt
    tex = tmp_path / "kkt.tex"
    body = problem.latex(linewidth=linewidth) + "\n" + sol.latex(linewidth=linewidth)
    to_tex(body, tex, raw=True, linewidth=linewidth)
    assert tex.read_text().splitlines()[0] == documentclass
    pdf = compile_tex(tex, clean=False)
    assert pdf.is_file()
    log = tex.with_suffix(".log").read_text(errors="replace")
    assert "Rejected" in tex.read_text() and "Kept" in tex.read_text()
    assert overfull(log) == []


def test_the_problem_statement_wraps_its_constraints():
    many = lagropt.minimize(x**2 + y**2, [x + 2 * y >= a * b * c + a**2 + b**2 + c**2, x <= 10 * a,
                                          y <= 10 * b, x - y <= c**3 + a**3, x + y <= 100 * c],
                            params=[a, b, c])
    one_line = many.latex()
    narrow = many.latex(linewidth="twocolumn")
    assert narrow.count(r"\\") > one_line.count(r"\\")
    for constraint in (r"x \leq 10 a", r"y \leq 10 b"):
        assert constraint in narrow


def test_the_command_line_writes_a_two_column_document(tmp_path, latex_required):
    tex = tmp_path / "kkt.tex"
    done = subprocess.run(
        [sys.executable, "-m", "lagropt", "solve", "a*x + b*y - x^2 - x*y - y^2", "--max",
         "-s", "x + 2*y <= c", "-s", "x >= 0", "-s", "y >= 0", "--params", "a,b,c",
         "--latex", str(tex), "--linewidth", "twocolumn", "--pdf"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert tex.read_text().splitlines()[0] == r"\documentclass[10pt,twocolumn]{article}"
    assert tex.with_suffix(".pdf").is_file()


@pytest.mark.parametrize("args, message", [
    (["--linewidth", "wide", "--latex", "out.tex"], "linewidth must be"),
    (["--linewidth", "30", "--latex", "out.tex"], "linewidth must be"),
    (["--linewidth", "300"], "--linewidth needs --latex"),
])
def test_a_bad_linewidth_on_the_command_line_exits_2(tmp_path, monkeypatch, capsys, args,
                                                      message):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_here(capsys, "solve", "x*y", "--max", "-s", "x + y <= 1", *args)
    assert code == 2
    assert message in one_line_error(err)
    assert not (tmp_path / "out.tex").exists()
