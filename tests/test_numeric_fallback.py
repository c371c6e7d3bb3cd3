"""The numeric fallback: a fixed seeded multi-start that never passes off a worse point as the
optimum, checked on Hock-Schittkowski problems against their published optima and against
scipy run independently from the same starts."""

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
import scipy.optimize as so
import sympy as sp

import lagropt
from lagropt.solver import steps
from lagropt.standard import StandardForm
from lagropt.solver.multistart import MAX_ACTIVE_SETS, search, starting_points
from lagropt.solver.numeric import direct_solution, numeric_points, numeric_solution
from lagropt.solver.result import Solution

sys.path.insert(0, os.path.dirname(__file__))
from hs_problems import PROBLEMS, by_name  # noqa: E402

x, y = sp.symbols("x y", real=True)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def forced(problem, status="unsolved", budget=None, direct=False):
    """The fallback's answer, as if the exact solve had stopped (status ``status``)."""
    internal = StandardForm(problem)
    partial = Solution(status, [], [], None, steps.opening(internal, stationarity=not direct),
                       message="forced")
    run = direct_solution if direct else numeric_solution
    return run(internal, partial, "forced", budget=budget)


def close(a, b, rtol) -> bool:
    return abs(float(a) - float(b)) <= rtol * max(1.0, abs(float(b)))


# -- the reference data --------------------------------------------------------------------------

def _exact(v) -> bool:
    return not any(isinstance(a, sp.Float) for a in sp.preorder_traversal(v))


def _slack(c, at) -> sp.Expr:
    """lhs - rhs of an equality (0 when satisfied) or the slack of an inequality (>= 0)."""
    if isinstance(c, sp.Equality):
        return (c.lhs - c.rhs).xreplace(at)
    return (c.gts - c.lts).xreplace(at)


def _satisfied_exactly(c, at) -> bool:
    slack = sp.simplify(_slack(c, at))
    return slack == 0 if isinstance(c, sp.Equality) else bool(slack >= 0)


def _violation(c, at) -> float:
    """How far ``at`` is from satisfying the relation ``c``, in floats (0 when it does)."""
    slack = float(sp.N(_slack(c, at), 20))
    return abs(slack) if isinstance(c, sp.Equality) else max(0.0, -slack)


def test_the_reference_set_is_large_and_well_formed():
    assert len(PROBLEMS) >= 15
    assert len({p.name for p in PROBLEMS}) == len(PROBLEMS)
    for p in PROBLEMS:
        assert 2 <= len(p.variables) <= 5 and len(p.x_star) == len(p.variables)
        assert p.objective.free_symbols <= set(p.variables)
        assert all(isinstance(c, sp.Rel) for c in p.constraints)
        assert "Hock" in p.source and f"hs{int(p.name[2:]):03d}" in p.source


@pytest.mark.parametrize("p", PROBLEMS, ids=lambda p: p.name)
def test_published_optimum_is_attained_at_published_point(p):
    """f(x*) = f* and x* feasible: exactly where x* is exact, else to the published digits
    (x* has about 6 significant digits: 1e-4 relative on f, 2e-4 on the constraints)."""
    at = dict(zip(p.variables, p.x_star))
    f_at = p.objective.xreplace(at)
    if _exact(p.x_star) and _exact(p.f_star):
        assert sp.simplify(f_at - p.f_star) == 0
        assert all(_satisfied_exactly(c, at) for c in p.constraints)
    else:
        assert close(sp.N(f_at, 20), p.f_star, 1e-4)
        assert all(_violation(c, at) <= 2e-4 for c in p.constraints)


# -- the fallback on the reference set -------------------------------------------------------------

def scipy_best(p) -> float:
    """The best feasible end point (violation <= 1e-7) of SLSQP and trust-constr from the
    fallback's own starts, written here with SymPy's lambdify and scipy's defaults (SLSQP at
    ftol 1e-12), independently of lagropt's compiled functions."""
    xs = list(p.variables)
    f = sp.lambdify([xs], p.objective, "numpy")
    df = sp.lambdify([xs], [sp.diff(p.objective, v) for v in xs], "numpy")
    eq = [c.lhs - c.rhs for c in p.constraints if isinstance(c, sp.Equality)]
    ge = [c.gts - c.lts for c in p.constraints if not isinstance(c, sp.Equality)]
    g = sp.lambdify([xs], eq, "numpy") if eq else None
    h = sp.lambdify([xs], ge, "numpy") if ge else None

    def violation(v):
        parts = [np.abs(np.asarray(g(v), dtype=float))] if g else []
        parts += [np.maximum(0.0, -np.asarray(h(v), dtype=float))] if h else []
        out = np.concatenate(parts) if parts else np.zeros(1)
        return out.max() if np.all(np.isfinite(out)) else np.inf

    slsqp = [{"type": t, "fun": (lambda v, fn=fn: np.asarray(fn(v), dtype=float))}
             for t, fn in (("eq", g), ("ineq", h)) if fn]
    trust = [so.NonlinearConstraint(lambda v, fn=fn: np.asarray(fn(v), dtype=float), lo, hi)
             for fn, lo, hi in ((g, 0, 0), (h, 0, np.inf)) if fn]
    best = np.inf
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for x0 in starting_points(p.variables):
            for method, cons, options in (("SLSQP", slsqp, {"ftol": 1e-12, "maxiter": 500}),
                                          ("trust-constr", trust, {"maxiter": 300})):
                try:
                    r = so.minimize(lambda v: float(f(v)), x0, method=method, constraints=cons,
                                    jac=lambda v: np.asarray(df(v), dtype=float), options=options)
                except (ValueError, ArithmeticError, np.linalg.LinAlgError):
                    continue
                if np.all(np.isfinite(r.x)) and violation(r.x) <= 1e-7 and f(r.x) < best:
                    best = float(f(r.x))
    return best


@pytest.mark.parametrize("p", PROBLEMS, ids=lambda p: p.name)
def test_fallback_finds_the_published_optimum_and_never_loses_to_scipy(p):
    sol = forced(p.problem())
    assert sol.status == "numeric", sol.message
    assert close(sol.value, p.f_star, 1e-6), (sol.value, p.f_star)
    best = scipy_best(p)
    assert float(sol.value) <= best + 1e-6 * max(1.0, abs(best)), (sol.value, best)
    at = {v: sol.x[v] for v in p.variables}
    assert close(p.objective.xreplace(at), sol.value, 1e-12)
    assert all(_violation(c, at) <= 1e-7 for c in p.constraints)
    assert all(q in sol.points for q in sol.optimum) and not sol.optimum[0].exact


def test_hs78_reports_its_several_local_minima():
    """The issue's case: the fallback reported -0.82 and about 0; the optimum is -2.91970041,
    attained at x* and at its images under the sign changes of (x3, x4), (x3, x5), (x4, x5)
    (they keep f and the constraints), and the other local minima are named."""
    p = by_name("HS78")
    sol = forced(p.problem())
    assert sol.status == "numeric" and close(sol.value, -2.91970041, 1e-8)
    assert "distinct local minima found" in sol.message and "best f = -2.9197" in sol.message
    assert any("relative" in e for e in sol.evidence)          # the merge tolerance is stated
    star = np.array(p.x_star, dtype=float)
    images = [star * np.array(s) for s in ((1, 1, 1, 1, 1), (1, 1, -1, -1, 1),
                                           (1, 1, -1, 1, -1), (1, 1, 1, -1, -1))]
    for q in sol.optimum:
        at = np.array([float(q.x[v]) for v in p.variables])
        assert min(np.abs(at - im).max() for im in images) <= 1e-5


def test_maximizing_is_the_mirror_image():
    p = by_name("HS78")
    sol = forced(lagropt.maximize(-p.objective, list(p.constraints), p.variables))
    assert sol.status == "numeric" and close(sol.value, 2.91970041, 1e-8)
    assert sol.optimum[0].kind == "maximum"


def _textbook(statuses):
    from test_textbook import CASES
    return [(n, c) for n, c in CASES.items() if c.status in statuses and not c.problem.params]


IRREGULAR_OPTIMA = {"cusp", "shifted-cusp"}     # the optimum is a cusp, where KKT does not hold


@pytest.mark.parametrize("name,case", _textbook(("optimal",)), ids=lambda v: v if isinstance(v, str) else "")
def test_textbook_optima_through_the_fallback(name, case):
    """The hand-derived optima of tests/test_textbook.py, found again by the fallback alone;
    at a cusp the searches cannot converge and the status says so."""
    sol = forced(case.problem)
    if name in IRREGULAR_OPTIMA:
        assert sol.status == "unsolved" and not sol.optimum
    else:
        assert sol.status == "numeric", sol.message
        assert close(sol.value, sp.N(case.value, 20), 1e-6)


@pytest.mark.parametrize("name,case", _textbook(("unbounded",)), ids=lambda v: v if isinstance(v, str) else "")
def test_textbook_unbounded_problems_are_never_given_a_numeric_optimum(name, case):
    sol = forced(case.problem)
    assert sol.status == "unsolved" and "better than every local" in sol.message


# -- what the search promises ----------------------------------------------------------------------

def test_same_answer_every_time():
    internal = StandardForm(by_name("HS77").problem())
    a, b = search(internal), search(internal)
    assert len(a.candidates) == len(b.candidates)
    for c, d in zip(a.candidates, b.candidates):
        assert np.array_equal(c.x, d.x) and c.value == d.value and c.kind == d.kind


def test_starts_that_disagree_are_reported():
    """x^4 - 3x^2 + x has two local minima; the reference values are f at the real roots of
    f' = 4x^3 - 6x + 1 where f'' > 0."""
    f = x ** 4 - 3 * x ** 2 + x
    minima = [r for r in sp.Poly(sp.diff(f, x), x).real_roots() if sp.diff(f, x, 2).subs(x, r) > 0]
    values = sorted(float(f.subs(x, r).evalf(30)) for r in minima)
    assert len(values) == 2
    sol = forced(lagropt.minimize(f, [], [x]))
    assert sol.status == "numeric" and close(sol.value, values[0], 1e-12)
    assert "2 distinct local minima found" in sol.message
    assert f"best f = {float(sol.value):.15g}" in sol.message
    assert sorted(float(p.value) for p in sol.points if p.kind == "minimum") == pytest.approx(values)


def test_a_runaway_search_makes_the_status_honest():
    """x^3 - 3x has a local minimum -2 at x = 1 but no minimum: not reported as numeric."""
    problem = lagropt.minimize(x ** 3 - 3 * x, [], [x])
    sol = forced(problem)
    assert sol.status == "unsolved" and not sol.optimum
    assert "better than every local minimum" in sol.message and "unbounded" in sol.message
    assert forced(problem, status="timeout").status == "timeout"


def test_a_search_running_away_along_an_equality_is_noticed():
    """max x + y on x y = 1: a local maximum -2 at (-1, -1), but x = t, y = 1/t gives
    t + 1/t -> oo; the searches' iterates leave the curve, their end points are moved back."""
    sol = forced(lagropt.maximize(x + y, [sp.Eq(x * y, 1)], [x, y]))
    assert sol.status == "unsolved" and "better than every local maximum" in sol.message
    assert any(p.kind == "maximum" and close(p.value, -2, 1e-9) for p in sol.points)


class StopAfter:
    """A budget stub: expired() after ``n`` calls."""

    def __init__(self, n):
        self.n, self.calls = n, 0

    def expired(self) -> bool:
        self.calls += 1
        return self.calls > self.n


def test_the_budget_is_only_a_safety_stop_and_says_so():
    internal = StandardForm(by_name("HS78").problem())
    assert search(internal, budget=StopAfter(3)).starts == 3
    assert not search(internal, budget=StopAfter(10 ** 6)).stopped
    sol = forced(by_name("HS78").problem(), budget=StopAfter(0))
    assert sol.status == "unsolved" and "time budget stopped" in sol.message
    sol = forced(by_name("HS6").problem(), budget=StopAfter(2))
    assert sol.status == "numeric" and "time budget stopped" in sol.message
    assert close(sol.value, 0, 1e-9)


def test_many_inequalities_stay_bounded_in_memory():
    """30 and 60 inequalities through one point: the 2^k active sets are never built (the old
    fallback took 12 GB); a 2 GiB address-space limit is plenty, the optimum (1, 0)."""
    code = (
        "import resource, sympy as sp, lagropt\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))\n"
        "from lagropt.standard import StandardForm\n"
        "from lagropt.solver.multistart import search\n"
        "x, y = sp.symbols('x y', real=True)\n"
        "for k in (30, 60):\n"
        "    s = search(StandardForm(lagropt.minimize(x**2 + y**2, [x + j*y >= 1 for j in range(k)],"
        " [x, y])))\n"
        "    best = min(s.candidates, key=lambda c: c.value)\n"
        "    print(k, s.sets_tried, s.sets_left, best.value, *best.x)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=300, env={**os.environ, "PYTHONPATH": ROOT})
    assert out.returncode == 0, out.stderr[-2000:]
    for line, k in zip(out.stdout.split("\n"), (30, 60)):
        kk, tried, left, value, bx, by = line.split()
        assert int(kk) == k and int(tried) == MAX_ACTIVE_SETS and left == "True"
        assert abs(float(value) - 1) <= 1e-12 and abs(float(bx) - 1) <= 1e-12
        assert abs(float(by)) <= 1e-12


def test_the_fallback_prints_nothing(recwarn, capfd):
    """log of negative numbers at some starts, overflow in exp at others: no warning escapes
    and nothing reaches stdout/stderr."""
    sol = forced(lagropt.minimize(x + y + sp.exp(x * y / 4), [sp.log(x) + sp.log(y) >= 1],
                                  [x, y]))
    assert sol.status == "numeric"
    direct = forced(lagropt.minimize(sp.Abs(x - 1) + sp.exp(y ** 2) - 1, [x + y >= -5], [x, y]),
                    direct=True)
    assert direct.status == "numeric" and close(direct.value, 0, 1e-9)
    assert len(recwarn) == 0, [str(w.message) for w in recwarn]
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_nonsmooth_direct_search():
    sol = forced(lagropt.minimize(sp.Abs(x - 1) + (y + 2) ** 2, [], [x, y]), direct=True)
    assert sol.status == "numeric" and close(sol.value, 0, 1e-9)
    assert abs(float(sol.x[x]) - 1) <= 1e-6 and abs(float(sol.x[y]) + 2) <= 1e-6
    assert "distinct" not in sol.message
    stopped = forced(lagropt.minimize(sp.Abs(x - 1) + (y + 2) ** 2, [], [x, y]), direct=True,
                     budget=StopAfter(0))
    assert stopped.status == "unsolved" and "time budget stopped" in stopped.message


def test_numeric_points_are_floats_marked_inexact():
    pts = numeric_points(StandardForm(lagropt.maximize(x * y, [sp.Eq(x + y, 2)], [x, y])))
    best = max(pts, key=lambda p: float(p.value))
    assert not best.exact and best.kind == "maximum" and close(best.value, 1, 1e-12)
    (lam,) = best.multipliers.values()            # grad f = lambda grad g: (y, x) = lambda (1, 1)
    assert close(lam, 1, 1e-10)
