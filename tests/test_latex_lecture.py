"""The lecture's four derivations (decks 000 and 001), step by step and as LaTeX.

The expected equations are the lecture's, typed from ../shared/seeds/000 and 001: the
paraboloid on x = y (-2(x - 2) = lambda, -2(y - 1) = -lambda, y = -x + 3, f(1.5, 1.5) = 9.5),
the coin (-ln p1 - 1 = lambda, p1 = p2, p1 + p2 = 1, f(1/2, 1/2) = ln 2), the flat distribution
over I states (p_i = e^{-(1 + lambda)}, I e^{-(1 + lambda)} = 1, p_i = 1/I) and the Boltzmann
distribution (-ln p_i - 1 = lambda_1 + lambda_2 eps_i, p_i = e^{-(1 + lambda_1)} e^{-lambda_2 eps_i},
the normalisation eliminates lambda_1, p_i = e^{-lambda_2 eps_i}/Z, Z = sum_i e^{-lambda_2 eps_i}).

The snapshots in tests/snapshots/ pin the whole LaTeX of each derivation. They were compiled
and read as PNG pages (pdftoppm -png) before they were pinned. After a deliberate change of the
solver or the renderer, rewrite them with ``LAGROPT_UPDATE_SNAPSHOTS=1 python -m pytest
tests/test_latex_lecture.py``, compile them and look at the pages again.
"""

import os
from pathlib import Path

import pytest
import sympy as sp

import lagropt
from conftest import same
from lagropt.tour import lecture_examples

SNAPSHOTS = Path(__file__).parent / "snapshots"
LECTURE = ("paraboloid-on-line", "coin-normalised", "flat-4", "boltzmann-3")

x, y = sp.symbols("x y", real=True)
lam = sp.Symbol("lambda", real=True)
lam1, lam2 = sp.symbols("lambda_1 lambda_2", real=True)
f, g, g1, g2, L = (sp.Function(n) for n in ("f", "g", "g_1", "g_2", "L"))


@pytest.fixture(scope="module")
def solved():
    examples = {ex.name: ex for ex in lecture_examples() if ex.name in LECTURE}
    return {name: (ex, ex.problem.solve(timeout=30)) for name, ex in examples.items()}


def check(step, expected):
    """Each equation of ``step`` equals the expected (lhs, rhs), exactly and in order."""
    assert len(step.equations) == len(expected), (step.kind, step.equations)
    for eq, (lhs, rhs) in zip(step.equations, expected):
        assert isinstance(eq, sp.Equality), (step.kind, eq)
        assert same(eq.lhs, lhs) and same(eq.rhs, rhs), (step.kind, eq, lhs, rhs)


def steps(solution):
    d = solution.derivation
    return {k: d.find(k) for k in d.kinds}


def test_paraboloid_on_the_line_steps(solved):
    _, sol = solved["paraboloid-on-line"]
    d = sol.derivation
    assert d.kinds == ["problem", "lagrangian", "stationarity", "equations", "isolate",
                       "eliminate", "substitute", "solution", "value", "classification", "verdict"]
    s = steps(sol)
    fxy, gxy = f(x, y), g(x, y)
    objective = -(x - 2) ** 2 - (y - 1) ** 2 + 10
    check(s["problem"][0], [(fxy, objective), (gxy, x - y)])                 # g = x - y = 0
    check(s["lagrangian"][0], [(L(x, y, lam), fxy - lam * gxy),
                               (L(x, y, lam), objective - lam * (x - y))])
    check(s["stationarity"][0], [(sp.Derivative(fxy, x), lam * sp.Derivative(gxy, x)),
                                 (sp.Derivative(fxy, y), lam * sp.Derivative(gxy, y))])
    check(s["equations"][0], [(-2 * (x - 2), lam), (-2 * (y - 1), -lam), (x - y, 0)])
    check(s["isolate"][0], [(x, 2 - lam / 2), (y, 1 + lam / 2)])
    check(s["eliminate"][0], [(y, -x + 3)])                                  # y = -x + 3
    check(s["substitute"][0], [(2 - lam / 2, 1 + lam / 2), (lam, 1)])
    check(s["solution"][0], [(x, sp.Rational(3, 2)), (y, sp.Rational(3, 2)), (lam, 1)])
    check(s["value"][0], [(f(sp.Rational(3, 2), sp.Rational(3, 2)), sp.Rational(19, 2))])
    assert s["classification"][0].data["point_kind"] == "maximum"


def test_coin_steps(solved):
    _, sol = solved["coin-normalised"]
    p1, p2 = sol.problem.variables
    assert sol.derivation.kinds == ["problem", "lagrangian", "stationarity", "equations",
                                    "isolate", "eliminate", "substitute", "solution", "value",
                                    "classification", "verdict"]
    s = steps(sol)
    entropy = -p1 * sp.log(p1) - p2 * sp.log(p2)
    check(s["problem"][0], [(f(p1, p2), entropy), (g(p1, p2), p1 + p2 - 1)])
    check(s["lagrangian"][0], [(L(p1, p2, lam), f(p1, p2) - lam * g(p1, p2)),
                               (L(p1, p2, lam), entropy - lam * (p1 + p2 - 1))])
    check(s["equations"][0], [(-sp.log(p1) - 1, lam), (-sp.log(p2) - 1, lam), (p1 + p2 - 1, 0)])
    check(s["isolate"][0], [(p1, sp.exp(-(1 + lam))), (p2, sp.exp(-(1 + lam)))])
    check(s["eliminate"][0], [(p2, p1)])                                      # p1 = p2
    check(s["substitute"][0], [(2 * sp.exp(-(1 + lam)), 1), (sp.exp(-(1 + lam)), sp.Rational(1, 2)),
                               (lam, sp.log(2) - 1)])
    half = sp.Rational(1, 2)
    check(s["solution"][0], [(p1, half), (p2, half), (lam, sp.log(2) - 1)])
    check(s["value"][0], [(f(half, half), sp.log(2))])                         # ln 2 ~ 0.69
    assert s["classification"][0].data["point_kind"] == "maximum"


def test_flat_distribution_steps(solved):
    _, sol = solved["flat-4"]
    ps = sol.problem.variables
    I = len(ps)
    s = steps(sol)
    check(s["problem"][0], [(f(*ps), -sp.Add(*[p * sp.log(p) for p in ps])),
                            (g(*ps), sp.Add(*ps) - 1)])
    check(s["equations"][0], [(-sp.log(p) - 1, lam) for p in ps] + [(sp.Add(*ps) - 1, 0)])
    check(s["isolate"][0], [(p, sp.exp(-(1 + lam))) for p in ps])            # p_i = e^{-(1+lambda)}
    check(s["eliminate"][0], [(p, ps[0]) for p in ps[1:]])                   # probabilities constant
    chain = s["substitute"][0]
    # the lecture's chain: I e^{-(1+lambda)} = 1  =>  e^{-(1+lambda)} = 1/I  =>  lambda
    check(chain, [(I * sp.exp(-(1 + lam)), 1), (sp.exp(-(1 + lam)), sp.Rational(1, I)),
                  (lam, sp.log(I) - 1)])
    check(s["solution"][0], [(p, sp.Rational(1, I)) for p in ps] + [(lam, sp.log(I) - 1)])
    check(s["value"][0], [(f(*[sp.Rational(1, I)] * I), sp.log(I))])


def test_boltzmann_steps(solved):
    ex, sol = solved["boltzmann-3"]
    ps = sol.problem.variables
    eps = sp.symbols("varepsilon1:4", real=True)
    E = sp.Symbol("E", real=True)
    assert sol.derivation.kinds == ["problem", "lagrangian", "stationarity", "equations",
                                    "isolate", "substitute", "solution", "value",
                                    "classification", "remaining"]
    s = steps(sol)
    Z = sp.Add(*[sp.exp(-lam2 * e) for e in eps])
    check(s["problem"][0], [(f(*ps), -sp.Add(*[p * sp.log(p) for p in ps])),
                            (g1(*ps), sp.Add(*ps) - 1),
                            (g2(*ps), sp.Add(*[p * e for p, e in zip(ps, eps)]) - E)])
    check(s["lagrangian"][0],
          [(L(*ps, lam1, lam2), f(*ps) - lam1 * g1(*ps) - lam2 * g2(*ps)),
           (L(*ps, lam1, lam2), -sp.Add(*[p * sp.log(p) for p in ps]) - lam1 * (sp.Add(*ps) - 1)
            - lam2 * (sp.Add(*[p * e for p, e in zip(ps, eps)]) - E))])
    check(s["stationarity"][0], [(sp.Derivative(f(*ps), p), lam1 * sp.Derivative(g1(*ps), p)
                                  + lam2 * sp.Derivative(g2(*ps), p)) for p in ps])
    # -ln p_i - 1 = lambda_1 + lambda_2 eps_i
    check(s["equations"][0], [(-sp.log(p) - 1, lam1 + lam2 * e) for p, e in zip(ps, eps)]
          + [(sp.Add(*ps) - 1, 0), (sp.Add(*[p * e for p, e in zip(ps, eps)]) - E, 0)])
    # p_i = e^{-(1 + lambda_1)} e^{-lambda_2 eps_i}
    check(s["isolate"][0], [(p, sp.exp(-(1 + lam1)) * sp.exp(-lam2 * e)) for p, e in zip(ps, eps)])
    # the normalisation g_1 eliminates lambda_1: e^{-(1 + lambda_1)} = 1/Z
    chain = s["substitute"][0].equations
    assert same(chain[0].lhs, sp.exp(-(1 + lam1)) * Z) and chain[0].rhs == 1
    assert chain[-1].lhs == lam1 and same(sp.exp(-(1 + chain[-1].rhs)), 1 / Z)
    # the lecture's middle line, e^{-(1 + lambda_1)} = 1/Z (not e^{-lambda_1} = e/Z)
    assert any(e.lhs == sp.exp(-(1 + lam1)) and same(e.rhs, 1 / Z) for e in chain)
    # p_i = e^{-lambda_2 eps_i} / Z
    check(s["solution"][0], [(p, sp.exp(-lam2 * e) / Z) for p, e in zip(ps, eps)])
    # S = ln Z + lambda_2 <eps>, and with the remaining equation S = ln Z + lambda_2 E
    check(s["value"][0], [(f(*ps), sp.log(Z) + lam2 * sp.Add(*[e * sp.exp(-lam2 * e) for e in eps]) / Z),
                          (f(*ps), sp.log(Z) + lam2 * E)])
    assert s["classification"][0].data["point_kind"] == "maximum"
    check(s["remaining"][0], [(sp.Add(*[e * sp.exp(-lam2 * e) for e in eps]) / Z, E)])


# -- the same derivations as LaTeX ------------------------------------------------------------

LECTURE_LINES = {
    "paraboloid-on-line": [
        r"g(x, y) &= x - y = 0",
        r"L(x, y, \lambda) &= f(x, y) - \lambda g(x, y)",
        r"&= - \left(x - 2\right)^{2} - \left(y - 1\right)^{2} + 10 - \lambda \left(x - y\right)",
        r"\frac{\partial f(x, y)}{\partial x} &= \lambda \frac{\partial g(x, y)}{\partial x}",
        r"-2 \left(x - 2\right) &= \lambda",
        r"-2 \left(y - 1\right) &= - \lambda",
        r"y &= - x + 3",
        r"\Rightarrow\quad && \lambda &= 1",
        r"x &= \frac{3}{2}, \quad y = \frac{3}{2}, \quad \lambda = 1",
        r"f\left(\frac{3}{2}, \frac{3}{2}\right) &= \frac{19}{2}",
        r"Maximum: the Hessian of $L$ is negative definite.",
    ],
    "coin-normalised": [
        r"f(p_{1}, p_{2}) &= - p_{1} \ln p_{1} - p_{2} \ln p_{2}",
        r"g(p_{1}, p_{2}) &= p_{1} + p_{2} - 1 = 0",
        r"- \ln p_{1} - 1 &= \lambda",
        r"- \ln p_{2} - 1 &= \lambda",
        r"p_{2} &= p_{1}",
        r"&& 2 e^{-(1 + \lambda)} &= 1",
        r"\Rightarrow\quad && \lambda &= \ln 2 - 1",
        r"p_{1} &= \frac{1}{2}, \quad p_{2} = \frac{1}{2}",
        r"f\left(\frac{1}{2}, \frac{1}{2}\right) &= \ln 2 \approx 0.6931",
    ],
    "flat-4": [
        r"f(p_{1}, p_{2}, p_{3}, p_{4}) &= - \sum_{i=1}^{4} p_{i} \ln p_{i}",
        r"g(p_{1}, p_{2}, p_{3}, p_{4}) &= \sum_{i=1}^{4} p_{i} - 1 = 0",
        r"\frac{\partial f(p_{1}, p_{2}, p_{3}, p_{4})}{\partial p_{i}} &= \lambda "
        r"\frac{\partial g(p_{1}, p_{2}, p_{3}, p_{4})}{\partial p_{i}}, \qquad i = 1, \dots, 4",
        r"- \ln p_{i} - 1 &= \lambda, \qquad i = 1, \dots, 4",
        r"p_{i} &= e^{-(1 + \lambda)}, \qquad i = 1, \dots, 4",
        r"&& 4 e^{-(1 + \lambda)} &= 1",
        r"p_{i} &= \frac{1}{4}, \qquad i = 1, \dots, 4",
        r"&= \ln 4 \approx 1.386",
    ],
    "boltzmann-3": [
        r"L(p_{1}, p_{2}, p_{3}, \lambda_{1}, \lambda_{2}) &= f(p_{1}, p_{2}, p_{3}) - \lambda_{1} "
        r"g_{1}(p_{1}, p_{2}, p_{3}) - \lambda_{2} g_{2}(p_{1}, p_{2}, p_{3})",
        r"g_{2}(p_{1}, p_{2}, p_{3}) &= \sum_{i=1}^{3} p_{i} \varepsilon_{i} - E = 0",
        r"- \ln p_{i} - 1 &= \lambda_{1} + \lambda_{2} \varepsilon_{i}, \qquad i = 1, 2, 3",
        r"p_{i} &= e^{-(1 + \lambda_{1})} e^{- \lambda_{2} \varepsilon_{i}}, \qquad i = 1, 2, 3",
        r"\Rightarrow\quad && e^{-(1 + \lambda_{1})} \sum_{i=1}^{3} e^{- \lambda_{2} \varepsilon_{i}} &= 1",
        r"p_{i} &= \frac{e^{- \lambda_{2} \varepsilon_{i}}}{Z}, \qquad i = 1, 2, 3",
        r"Z &= \sum_{i=1}^{3} e^{- \lambda_{2} \varepsilon_{i}} \quad \text{(the partition function)}",
        r"$\lambda_{2}$ is fixed by the remaining equation:",
    ],
}


@pytest.mark.parametrize("name", LECTURE)
def test_lecture_latex_has_the_lectures_lines(solved, name):
    text = solved[name][1].latex()
    for line in LECTURE_LINES[name]:
        assert line in text, line


@pytest.mark.parametrize("name", LECTURE)
def test_lecture_latex_snapshot(solved, name):
    text = solved[name][1].latex()
    path = SNAPSHOTS / f"{name}.tex"
    if os.environ.get("LAGROPT_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no snapshot {path.name}: see this module's docstring"
    assert text == path.read_text(encoding="utf-8")


def test_lecture_derivations_compile_as_notes(solved, tmp_path, latex_required):
    notes = lagropt.latex.Notes("The lecture's derivations")
    for name in LECTURE:
        ex, sol = solved[name]
        notes.section(ex.title).add(ex.problem).add(sol)
    pdf = notes.compile(tmp_path / "lecture.tex", clean=False)
    assert pdf.stat().st_size > 10_000
    log = (tmp_path / "lecture.log").read_text(errors="replace")
    assert "Overfull \\hbox" not in log          # every line of the lecture's steps fits the page
