"""Every derivation lagropt produces renders and compiles; documents, notes, errors, the tour."""

import re
from pathlib import Path

import pytest
import sympy as sp

import lagropt
import lagropt.latex as L

x, y, z, w = sp.symbols("x y z w", real=True)
xp, yp = sp.symbols("x y", positive=True)
HARD = x ** 7 * y ** 5 + x * y ** 3 - z ** 4 * x + sp.sin(x * y)


def _boltzmann():
    ps = sp.symbols("p1:4", positive=True)
    eps = sp.symbols("varepsilon1:4", real=True)
    E = sp.Symbol("E", real=True)
    return lagropt.maximize(-sp.Add(*[p * sp.log(p) for p in ps]), subject_to=[
        sp.Eq(sp.Add(*ps), 1), sp.Eq(sp.Add(*[p * e for p, e in zip(ps, eps)]), E)],
        params=[*eps, E])


# name: (problem, solve options, status, what its LaTeX must say)
CASES = {
    "optimal": (lambda: lagropt.maximize(-(x - 2) ** 2 - (y - 1) ** 2 + 10, subject_to=[sp.Eq(x, y)]),
                {}, "optimal", [r"\frac{19}{2}", "Maximum"]),
    # max -(x - c)^2 s.t. x <= k: x = c where c <= k, x = k (mu = 2(c - k)) where c >= k
    "piecewise": (lambda: lagropt.maximize(-(x - z) ** 2, subject_to=[x <= w], variables=[x],
                                           params=[z, w]), {}, "piecewise",
                  [r"\begin{cases}", r"\text{for}\: w \geq z", "Optimal, by region"]),
    "parametric": (_boltzmann, {"timeout": 30}, "parametric",
                   [r"Z &= \sum_{i=1}^{3}", "fixed by the remaining equation"]),
    "unbounded": (lambda: lagropt.maximize(x + y, subject_to=[sp.Eq(x * y, 1)]), {}, "unbounded",
                  [r"Unbounded: $f \to \infty$ as $y \to 0$", r"f(1, 1) &= 2"]),
    # min xy on x + y = 1 with x, y > 0: xy -> 0 at the open ends, (1/2, 1/2) is the maximum
    "not_attained": (lambda: lagropt.minimize(xp * yp, subject_to=[sp.Eq(xp + yp, 1)]), {},
                     "not_attained", [r"Not attained: $f \to 0$", "the infimum 0 is approached"]),
    "infeasible": (lambda: lagropt.maximize(x + y, subject_to=[sp.Eq(x ** 2 + y ** 2 + 1, 0)]),
                   {}, "infeasible", ["cannot be satisfied"]),
    # no critical point, and no proof of a bound: e^x = 0 has no solution, f -> 0 as x -> -oo
    "no_critical_point": (lambda: lagropt.minimize(sp.exp(x) + y ** 2), {}, "no_critical_point",
                          ["No optimum among the critical points", r"e^{x} &= 0"]),
    # no critical point and f unbounded: the status is unbounded (issue 17)
    "unbounded_no_point": (lambda: lagropt.maximize(x + y), {}, "unbounded",
                           ["Unbounded", "1 &= 0"]),
    "timeout": (lambda: lagropt.maximize(HARD, subject_to=[sp.Eq(x ** 6 + y ** 6 + z ** 2, 1)]),
                {"timeout": 0.3, "numeric": False}, "timeout", ["exceeded its budget of 0.3 s CPU"]),
    # the quartic objective on a sextic: Bezout's bound 31104 for its stationarity system
    "too_large": (lambda: lagropt.minimize(x ** 3 * y * z + y ** 3 * z * w + z ** 3 * w * x + w ** 3 * x * y,
                                           subject_to=[sp.Eq(x ** 6 + y ** 6 + z ** 6 + w ** 6, 1),
                                                       sp.Eq(x * y * z * w + x + y, 1)]),
                  {"numeric": False}, "too_large", ["may have 31104 solutions (Bezout's bound)"]),
    "numeric": (lambda: lagropt.maximize(HARD, subject_to=[sp.Eq(x ** 6 + y ** 6 + z ** 2, 1)]),
                {"timeout": 5}, "numeric", ["found numerically (optimum, not exact)", r"&\approx"]),
    "unsolved": (lambda: lagropt.minimize(x ** 2 / 2 - sp.sin(x)), {"numeric": False}, "unsolved",
                 ["No exact method solved", r"x - \cos"]),
    "kkt": (lambda: lagropt.maximize(x * y, subject_to=[x + y <= 2, x >= 0, y >= 0]), {}, "optimal",
            ["Complementary slackness", r"h_{1}(x, y) &= x + y - 2 \leq 0", r"\mu_{1} = 1"]),
    "families": (lambda: lagropt.maximize(x ** 2 * y ** 2 * z ** 2,
                                          subject_to=[sp.Eq(x ** 2 + y ** 2 + z ** 2, 1)]),
                 {"timeout": 60}, "optimal", ["A family of critical points", r"\frac{\sqrt{3}}{3}"]),
    "algebraic": (lambda: lagropt.maximize(x ** 2 * y + x, subject_to=[sp.Eq(x ** 2 + y ** 2, 1)]),
                  {"timeout": 60}, "optimal", [r"\rho_{1}", "is a root of"]),
}
_SOLVED = {}


def solved(name):
    if name not in _SOLVED:
        make, options, _, _ = CASES[name]
        problem = make()
        _SOLVED[name] = (problem, problem.solve(**options))
    return _SOLVED[name]


OTHER_VIEWS = "% the derivation written out (fold=False) and the Jupyter summary"


def everything(name) -> str:
    """Every LaTeX view of one case: statement, derivation (folded and not), Jupyter summary."""
    problem, sol = solved(name)
    return "\n\n".join([problem.latex(), sol.latex(), OTHER_VIEWS,
                        sol.derivation.latex(fold=False), sol._repr_latex_()])


def test_the_cases_cover_every_status():
    from lagropt.solver.result import STATUSES

    assert sorted({status for _, _, status, _ in CASES.values()}) == sorted(STATUSES)


@pytest.mark.parametrize("name", CASES)
def test_every_kind_of_derivation_renders(name):
    _, sol = solved(name)
    assert sol.status == CASES[name][2], sol.message
    text = everything(name)
    for marker in CASES[name][3]:
        assert marker in text, marker
    for raw in ("**", "Derivative(", "\\text{false}", "CRootOf(x"):
        assert raw not in text, raw
    assert not re.search(r"(?<![\\A-Za-z])(lambda|mu|varepsilon)(?![a-z])", text)   # names typeset
    for display in re.findall(r"\\begin\{(align\*|alignat\*)\}.*?\\end\{\1\}", text, re.S):
        assert "\n\n" not in display                     # a blank line would break pdflatex


@pytest.mark.parametrize("name", CASES)
def test_every_kind_of_derivation_compiles(name, tmp_path, latex_required):
    path = L.to_tex(L.LaTeXString(everything(name)), tmp_path / f"{name}.tex", title=name)
    pdf = L.compile(path, clean=False)
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    # the default views fit the page (lines written out in full may not)
    log = path.with_suffix(".log").read_text(errors="replace")
    overfull = [int(n) for n in re.findall(r"Overfull \\hbox .* at lines? (\d+)", log)]
    other = path.read_text().splitlines().index(OTHER_VIEWS) + 1
    assert all(n > other for n in overfull), f"lines {overfull} run into the margin"


def test_compile_cleans_up_after_itself(tmp_path, latex_required):
    path = L.to_tex(solved("optimal")[1], tmp_path / "d.tex")
    L.compile(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.pdf", "d.tex"]


def test_fragment_inputs_into_existing_notes(tmp_path, latex_required):
    _, sol = solved("optimal")
    fragment = sol.to_tex(tmp_path / "steps.tex", standalone=False)
    assert "documentclass" not in fragment.read_text()
    main = tmp_path / "notes.tex"
    main.write_text("\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
                    "\\section{Lagrange}\nThe steps:\n\n\\input{steps}\n\\end{document}\n")
    assert L.compile(main).is_file()


def test_notes_with_derivations_text_and_figures(tmp_path, latex_required):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    problem, sol = solved("optimal")
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, 1])
    png = tmp_path / "drawing.png"
    fig.savefig(png)
    notes = (L.Notes("Lagrange multipliers").section("The paraboloid on $x = y$", raw=True)
             .add(problem).add(sol).text("A figure drawn by matplotlib:")
             .figure(fig, "The line $x = y$.", raw=True)
             .section("Boltzmann").add(solved("parametric")[1]).figure(png, width="5cm"))
    out = tmp_path / "out" / "my notes.tex"
    pdf = notes.compile(out)
    plt.close(fig)
    tex = out.read_text()
    assert "\\usepackage{graphicx}" in tex and "\\maketitle" in tex
    assert "\\includegraphics[width=0.8\\linewidth]{my-notes-figure-1}" in tex
    assert "\\includegraphics[width=5cm]{my-notes-figure-2}" in tex
    assert (out.parent / "my-notes-figure-1.pdf").is_file()
    assert (out.parent / "my-notes-figure-2.png").is_file()
    assert pdf.is_file()


def test_an_image_inside_the_folder_is_referred_to_not_copied(tmp_path, latex_required):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, 1])
    png = tmp_path / "notes" / "figures" / "a-line.png"
    png.parent.mkdir(parents=True)
    fig.savefig(png)
    plt.close(fig)
    out = tmp_path / "notes" / "lecture.tex"
    pdf = L.Notes("Figures").figure(png, "A line.").compile(out)
    assert "\\includegraphics[width=0.8\\linewidth]{figures/a-line.png}" in out.read_text()
    assert sorted(p.name for p in out.parent.glob("*.png")) == []       # no copy beside it
    assert pdf.is_file()             # pdflatex halts when a graphic is not found


def test_a_document_that_does_not_compile_says_why(tmp_path, latex_required):
    bad = tmp_path / "bad.tex"
    bad.write_text("\\documentclass{article}\n\\begin{document}\nfine\n\\nosuchcommand\n"
                   "\\end{document}\n")
    with pytest.raises(L.LatexError, match=r"bad.tex does not compile: Undefined control "
                                           r"sequence.*\(line 4\)"):
        L.compile(bad)


def test_missing_latex_is_named(tmp_path, monkeypatch):
    path = L.to_tex(solved("optimal")[1], tmp_path / "d.tex")
    monkeypatch.setattr(L.documents.shutil, "which", lambda name: None)
    assert not L.latex_available()
    with pytest.raises(L.LatexNotFoundError, match="pdflatex not found: install TeX Live "
                                                   r"\(Debian/Ubuntu: apt-get install texlive-latex-base"):
        L.compile(path)


def test_bad_inputs_are_clear_errors(tmp_path):
    with pytest.raises(L.LatexError, match="no such LaTeX file"):
        L.compile(tmp_path / "missing.tex")
    with pytest.raises(L.LatexError, match="no such figure file"):
        L.Notes().figure(tmp_path / "missing.png")
    with pytest.raises(L.LatexError, match="cannot write a dict as LaTeX"):
        L.Notes().add({})
    assert issubclass(L.LatexError, lagropt.LagroptError)


def test_standalone_documents_use_amsmath_and_amssymb_only(tmp_path):
    text = solved("optimal")[1].to_tex(tmp_path / "d.tex").read_text()
    assert re.findall(r"\\usepackage\{(\w+)\}", text) == ["amsmath", "amssymb"]
    assert text.startswith("\\documentclass[11pt]{article}") and text.endswith("\\end{document}\n")


# -- the tour and the docs ----------------------------------------------------------------------

def test_tour_writes_the_lecture_notes(tmp_path, monkeypatch, capsys, latex_required):
    from lagropt import tour
    from lagropt.cli import main

    few = [ex for ex in tour.lecture_examples() if ex.name in ("paraboloid-on-line", "boltzmann-3")]
    monkeypatch.setattr(tour, "lecture_examples", lambda: few)
    assert main(["tour", "--out", str(tmp_path / "notes"), "--sections", "lagrange"]) == 0
    out = capsys.readouterr().out
    tex = tmp_path / "notes" / "lagropt-tour.tex"
    assert f"notes:   {tex}" in out and f"pdf:     {tex.with_suffix('.pdf')}" in out
    text = tex.read_text()
    assert "\\section*{paraboloid on $x = y$}" in text
    assert "\\section*{Boltzmann distribution, 3 states}" in text
    assert "-2 \\left(x - 2\\right) &= \\lambda" in text
    assert tex.with_suffix(".pdf").is_file()


def test_tour_without_latex_writes_the_tex_to_the_default_folder(tmp_path, monkeypatch, capsys):
    from lagropt import tour
    from lagropt.cli import main

    few = [ex for ex in tour.lecture_examples() if ex.name == "paraboloid-on-line"]
    monkeypatch.setattr(tour, "lecture_examples", lambda: few)
    monkeypatch.setattr(L, "latex_available", lambda: False)
    monkeypatch.chdir(tmp_path)
    assert main(["tour", "--sections", "lagrange"]) == 0
    out = capsys.readouterr().out
    assert "notes:   lagropt-tour/lagropt-tour.tex" in out
    assert "pdf:     not built (pdflatex not found" in out
    assert (tmp_path / "lagropt-tour" / "lagropt-tour.tex").is_file()
    assert not (tmp_path / "lagropt-tour" / "lagropt-tour.pdf").exists()


def test_docs_page_runs_and_shows_the_real_output(tmp_path, monkeypatch, latex_required):
    page = (Path(__file__).resolve().parents[1] / "docs" / "latex.md").read_text()
    code = "\n".join(re.findall(r"```python\n(.*?)```", page, re.S))
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(code, "docs/latex.md", "exec"), namespace)      # noqa: S102 (our own docs)
    shown = re.findall(r"```latex\n(.*?)```", page, re.S)[0]
    actual = namespace["solution"].latex()
    for line in shown.splitlines():
        if line.strip() != "...":
            assert line in actual.splitlines(), line
    assert (tmp_path / "notes" / "lagrange.pdf").is_file()
    assert (tmp_path / "notes" / "lagrange-figure-1.pdf").is_file()
    # the document of the "Into existing notes" section compiles around the fragment
    main = re.findall(r"```latex\n(.*?)```", page, re.S)[1]
    (tmp_path / "notes" / "main.tex").write_text(main)
    assert L.compile(tmp_path / "notes" / "main.tex").is_file()
