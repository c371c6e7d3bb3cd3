"""Cross-checks of the exact answer against scipy.optimize.

``verify(problem)`` solves the problem exactly (unless a solution is given), then numerically
with SLSQP from several random starts at a tight tolerance (ftol 1e-14), keeping the best
feasible end point, and compares the optimal value, the optimizer and the multipliers.

Without an optimum the claim is checked instead: a supremum/infimum (``not_attained``) must not
be beaten by scipy's best feasible value, and is reached by SLSQP on the closure when it is
approached on an excluded boundary (``Solution.approached_at``); an unbounded f must let SLSQP
go beyond every candidate and keep improving as its search box grows (|x| <= 10, then 1000).
Such rows compare one-sidedly (``Row.relation``). A "no critical point" or "unbounded" answer
is refuted when scipy's best point in |x| <= 10 is a local optimum: inside the box, off the
variables' sign bounds and the inequalities' boundaries, and not beaten in |x| <= 1000 (a
local optimum that a larger box beats is not detected).

Multipliers: SLSQP reports equality multipliers with the opposite sign to trust-constr, and
neither is exact; so the report recomputes them at scipy's point from the lecture's
stationarity equations, grad f = sum_k lambda_k grad g_k (least squares), and compares those.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize as so
import sympy as sp

from .compiler import compile_problem
from .errors import LagroptError
from .standard import StandardForm

__all__ = ["Report", "Row", "verify", "DescentReport", "DescentRow", "verify_descent"]


@dataclass
class Row:
    """One compared quantity.

    ``relation`` says what must hold between scipy's value and the exact one: ``"=="`` agree
    within the tolerance; ``"<="`` / ``">="`` scipy not above / below the exact value by more
    than the tolerance (a supremum / infimum); ``">"`` / ``"<"`` scipy beyond the exact value by
    more than ``margin`` (default: the tolerance), relative to max(1, |exact|).
    """

    quantity: str
    exact: float
    numeric: float
    relation: str = "=="
    margin: float | None = None

    @property
    def error(self) -> float:
        """'==': |exact - numeric| / max(1, |exact|), absolute near zero, relative for large
        values; one-sided rows: how far scipy is on the wrong side, on the same scale."""
        if np.isnan(self.exact) or np.isnan(self.numeric) or \
                (self.relation == "==" and not (np.isfinite(self.exact) and np.isfinite(self.numeric))):
            return float("inf")
        scale = max(1.0, abs(self.exact)) if np.isfinite(self.exact) else 1.0
        wrong_side = {"==": abs(self.exact - self.numeric), "<=": self.numeric - self.exact,
                      "<": self.numeric - self.exact, ">=": self.exact - self.numeric,
                      ">": self.exact - self.numeric}[self.relation]
        return max(0.0, float(wrong_side) / scale)

    def holds(self, tol: float) -> bool:
        """The relation holds with tolerance ``tol`` (or ``margin`` for the strict ones)."""
        if self.relation in ("==", "<=", ">="):
            return self.error <= tol
        if np.isnan(self.exact) or np.isnan(self.numeric):
            return False
        need = (tol if self.margin is None else self.margin) * max(1.0, abs(self.exact))
        gap = self.numeric - self.exact if self.relation == ">" else self.exact - self.numeric
        return bool(gap > need)

    @property
    def label(self) -> str:
        return self.quantity if self.relation == "==" else f"{self.quantity} [scipy {self.relation}]"


@dataclass
class Report:
    """The outcome of :func:`verify`: ``ok`` when every compared quantity agrees within ``tol``."""

    ok: bool
    status: str
    rows: list = field(default_factory=list)
    tol: float = 1e-6
    message: str = ""
    scipy_result: object = None

    @property
    def max_error(self) -> float:
        return max((r.error for r in self.rows), default=0.0)

    def table(self) -> str:
        width = max([14] + [len(r.label) + 2 for r in self.rows])
        head = f"{'quantity':<{width}}{'exact':>22}{'scipy':>22}{'error':>11}"
        lines = [head, "-" * len(head)]
        for r in self.rows:
            lines.append(f"{r.label:<{width}}{r.exact:>22.15g}{r.numeric:>22.15g}{r.error:>11.2e}")
        return "\n".join(lines)

    def __str__(self) -> str:
        verdict = "OK" if self.ok else "MISMATCH"
        text = f"verify: {verdict} (status {self.status}; max error {self.max_error:.2e}, tol {self.tol:g})"
        if self.message:
            text += f"\n{self.message}"
        return text + ("\n" + self.table() if self.rows else "")

    def to_dict(self) -> dict:
        return {"ok": self.ok, "status": self.status, "max_error": self.max_error, "tol": self.tol,
                "message": self.message,
                "rows": [{"quantity": r.quantity, "exact": r.exact, "scipy": r.numeric,
                          "error": r.error, "relation": r.relation} for r in self.rows]}


def _numbers(expr, subs) -> float:
    return float(sp.N(sp.sympify(expr).xreplace(subs), 30))


def _resolve_parametric(solution, subs):
    """Numeric values for the unknowns a parametric solution leaves (e.g. lambda_2)."""
    if not solution.unknowns:
        return {}
    unknowns = list(solution.unknowns)
    eqs = [(e.lhs - e.rhs).xreplace(subs) for e in solution.remaining]
    F = sp.lambdify([unknowns], eqs, modules="numpy")
    rng = np.random.default_rng(0)
    for z0 in [np.zeros(len(unknowns))] + [rng.normal(scale=s, size=len(unknowns)) for s in (1, 3, 10) * 5]:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            r = so.root(lambda z: np.asarray(F(z), dtype=float), z0, method="hybr")
        if r.success and np.all(np.isfinite(r.x)) and np.abs(F(r.x)).max() < 1e-12:
            return {u: sp.Float(v, 30) for u, v in zip(unknowns, r.x)}
    raise LagroptError("could not solve the remaining equations numerically for "
                       + ", ".join(map(str, unknowns)))


def _scipy_solve(cp, starts, seed, scale, box: float | None = None):
    """SLSQP from ``starts`` random points in [-scale, scale]^n (inside the variables' bounds,
    and inside |x_i| <= box when given); the best feasible end point, or None."""
    sign = -float(cp.sense.sign)
    f = lambda x: sign * cp.objective.value(x)  # noqa: E731
    df = lambda x: sign * cp.objective.grad(x)  # noqa: E731
    cons = cp.slsqp_constraints()
    bounds = [(None if lo is None else lo + (1e-12 if v.is_positive else 0.0),
               None if hi is None else hi - (1e-12 if v.is_negative else 0.0))
              for (lo, hi), v in zip(cp.bounds, cp.variables)]
    if box is not None:
        bounds = [(-box if lo is None else max(lo, -box), box if hi is None else min(hi, box))
                  for lo, hi in bounds]
    rng = np.random.default_rng(seed)
    starts_x = []
    for _ in range(starts):
        x0 = rng.uniform(-scale, scale, len(cp.variables))
        for k, (lo, hi) in enumerate(bounds):
            if lo is not None:
                x0[k] = lo + abs(x0[k]) + 1e-3
            if hi is not None:
                x0[k] = hi - abs(x0[k]) - 1e-3
        starts_x.append(x0)
    use_bounds = bounds if any(b != (None, None) for b in bounds) else None
    cons = _independent(cp, cons, starts_x)
    return _best_run(cp, f, starts_x, lambda x0: so.minimize(
        f, x0, jac=df, method="SLSQP", constraints=cons, bounds=use_bounds,
        options={"ftol": 1e-14, "maxiter": 2000}))


def _independent(cp, cons, points):
    """The constraints for SLSQP with equalities whose gradients depend on the others' at
    every sampled point dropped (an equality stated twice): SLSQP's least-squares subproblem
    is singular on them. Feasibility is still checked against every equality."""
    eq = cp.equalities
    if not eq.exprs or len(eq.exprs) < 2 or not points:
        return cons
    keep = []
    for k in range(len(eq.exprs)):
        trial = keep + [k]
        if any(np.linalg.matrix_rank(np.atleast_2d(eq.jac(x))[trial], tol=1e-9) == len(trial)
               for x in points[:3]):
            keep = trial
    if len(keep) == len(eq.exprs):
        return cons
    sub = {"type": "eq", "fun": lambda x: np.asarray(eq(x))[keep],
           "jac": lambda x: np.atleast_2d(eq.jac(x))[keep]}
    return [sub if c["type"] == "eq" else c for c in cons]


def _best_run(cp, f, starts, run):
    """The best feasible end point (constraint violation <= 1e-8) of ``run`` from each start."""
    best = None
    for x0 in starts:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                r = run(x0)
            except (ValueError, FloatingPointError, ZeroDivisionError, np.linalg.LinAlgError):
                continue
        if not np.all(np.isfinite(r.x)) or not np.isfinite(f(r.x)):
            continue
        r.fun = float(f(r.x))
        viol = 0.0
        if cp.equalities.exprs:
            viol = max(viol, np.abs(cp.equalities(r.x)).max())
        if cp.inequalities.exprs:
            viol = max(viol, max(0.0, -cp.inequalities(r.x).min()))
        if viol > 1e-8:
            continue
        if best is None or r.fun < best.fun - 1e-13:
            best = r
    return best


def _multipliers_at(internal, cp, x, active, subs):
    """lambda (and mu) from grad f = sum lambda_k grad g_k + sum mu_j grad h_j, least squares."""
    at = {**subs, **dict(zip(internal.variables, x))}
    grad_f = cp.objective.grad(x)
    if not internal.active_functions(active):
        return {}
    J = np.array(internal.jacobian(active).xreplace(at).evalf(), dtype=float)
    sol, *_ = np.linalg.lstsq(J.T, grad_f, rcond=None)
    names = internal.lambdas + tuple(internal.mus[j] for j in active)
    return dict(zip(names, sol))


def _exact_multipliers(point, names, subs) -> dict | None:
    """The point's multipliers as floats, or None when some is not a number (multipliers that
    are not unique are left free in a symbol)."""
    out = {}
    for name in names:
        exact = point.multipliers.get(name)
        if exact is None:
            continue
        try:
            out[name] = _numbers(exact, subs)
        except (TypeError, ValueError):
            return None
    return out


def _multiplier_rows(internal, cp, x, active, subs_real, point, subs) -> list:
    """Rows comparing the multipliers at scipy's point ``x`` with the exact ones. Unique
    multipliers (independent constraint gradients) are compared one by one; when they are not
    unique (dependent gradients: a constraint repeated, an active inequality duplicating an
    equality), the exact ones are one choice among many, so the row checks instead that SOME
    multipliers satisfy stationarity at ``x``: the least-squares residual of
    grad f = sum lambda_k grad g_k + sum mu_j grad h_j, relative to max(1, |grad f|)."""
    numeric = _multipliers_at(internal, cp, x, active, subs_real)
    if not numeric:
        return []
    exact = _exact_multipliers(point, list(numeric), subs)
    at = {**subs_real, **dict(zip(internal.variables, x))}
    J = np.array(internal.jacobian(active).xreplace(at).evalf(), dtype=float)
    unique = np.linalg.matrix_rank(J, tol=1e-9 * max(1.0, np.abs(J).max())) == J.shape[0]
    if unique and exact is not None:
        return [Row(str(name), exact[name], float(numeric[name])) for name in exact]
    grad_f = np.asarray(cp.objective.grad(x), dtype=float)
    residual = grad_f - J.T @ np.array([numeric[n] for n in numeric], dtype=float)
    scale = max(1.0, float(np.linalg.norm(grad_f)))
    return [Row("stationarity residual (multipliers not unique)", 0.0,
                float(np.linalg.norm(residual)) / scale)]


def verify(problem, solution=None, *, subs: dict | None = None, tol: float = 1e-6,
           starts: int = 16, seed: int = 0, descent=None, data=None) -> Report:
    """Check the exact solution of ``problem`` against scipy.optimize.

    With ``descent=`` (a result of :func:`lagropt.optim.descend`, or True to run it with its
    defaults) the descent result is checked instead, see :func:`verify_descent`.

    Parameters
    ----------
    problem : Problem
    solution : Solution, optional
        Default: ``problem.solve()``.
    subs : dict, optional
        Numbers for the problem's parameters (needed when it has any).
    tol : float
        Agreement required, as |exact - scipy| / max(1, |exact|).
    starts : int
        Random starts for SLSQP.
    descent : OptimizeResult or True, optional
        Verify a gradient-descent result (:func:`verify_descent`); ``problem`` may then be a
        compiled loss, with its ``data``.
    data : tuple of arrays, optional
        The data of a compiled loss (with ``descent=``).
    """
    if descent is not None:
        return verify_descent(problem, None if descent is True else descent, solution=solution,
                              subs=subs, tol=tol, data=data)
    if not _is_problem(problem):
        raise LagroptError("verify() of a loss (compiled, an expression or a function) checks a "
                           "descent result: pass descent=optim.minimize(...)'s result (and "
                           "data=... for a loss with data)")
    solution = solution if solution is not None else problem.solve()
    internal = StandardForm(problem)
    subs_real = {internal.to_real.get(k, k): sp.sympify(v) for k, v in (subs or {}).items()}
    user_subs = dict(subs or {})
    cp = compile_problem(internal, subs_real)
    status = solution.status
    if status in ("infeasible", "no_critical_point", "unbounded", "not_attained"):
        return _verify_no_optimum(solution, problem, cp, tol, starts, seed, user_subs)
    if not solution.optimum:
        return Report(False, status, [], tol, f"nothing to compare: {solution.message or status}")
    extra = _resolve_parametric(solution, user_subs) if status == "parametric" else {}
    full = {**user_subs, **extra}
    optima = [{v: _numbers(p.x[v], full) for v in problem.variables} for p in solution.optimum
              if not p.free]
    if not optima:
        return Report(False, status, [], tol, "the optimum is a family of points: compare a member")
    scale = max(2.0, 2 * max(abs(c) for pt in optima for c in pt.values()))
    best = _scipy_solve(cp, starts, seed, scale)
    if best is None:
        return Report(False, status, [], tol, "scipy found no feasible point")
    x_num = best.x
    nearest = min(range(len(optima)), key=lambda i: np.abs(
        np.array(list(optima[i].values())) - x_num).max())
    point = solution.optimum[nearest]
    rows = [Row("f", _numbers(point.value, full), cp.objective.value(x_num))]
    for k, v in enumerate(problem.variables):
        rows.append(Row(str(v), optima[nearest][v], float(x_num[k])))
    active = tuple(j - 1 for j in point.active)
    rows += _multiplier_rows(internal, cp, x_num, active, subs_real, point, full)
    ok = all(r.holds(tol) for r in rows)
    msg = f"{len(solution.optimum)} optimal point(s); scipy SLSQP best of {starts} starts"
    return Report(ok, status, rows, tol, msg, best)


def _verify_no_optimum(solution, problem, cp, tol, starts, seed, subs) -> Report:
    """Without an optimum, check the claim that replaces it (see the module docstring)."""
    status = solution.status
    if status == "infeasible":
        best = _scipy_solve(cp, starts, seed, 10.0)
        ok = best is None
        return Report(ok, status, [], tol, "scipy found no feasible point" if ok else
                      f"scipy found a feasible point {best.x}")
    bound = solution.value
    if status == "unbounded" or bound is not None and sp.sympify(bound).is_infinite:
        return _verify_unbounded(solution, cp, tol, starts, seed, subs)
    if status == "no_critical_point":
        small, _, found = _optimum_inside(cp, tol, starts, seed)
        if found:
            return _optimum_found(solution, cp, small, tol)
        if bound is None:
            return _verify_no_critical_point(solution, cp, tol, starts, seed, subs)
    if bound is not None:
        return _verify_bound(solution, problem, cp, tol, starts, seed, subs)
    candidates = _candidate_values(solution, subs)
    if not candidates:
        return Report(True, status, [], tol, "no value and no candidate: nothing to compare")
    best = _scipy_solve(cp, starts, seed, 10.0, box=1e3)
    if best is None:
        return Report(False, status, [], tol, "scipy found no feasible point to compare with")
    row = Row("f beyond candidates", cp.sense.best(candidates), cp.objective.value(best.x),
              cp.sense.strictly)
    ok = row.holds(tol)
    return Report(ok, status, [row], tol, "no optimum is attained, so scipy must find feasible "
                  "points better than every candidate" + ("" if ok else ": it did not"), best)


def _inside(cp, x, box: float) -> bool:
    """x lies off every edge: inside |x_i| < box, off the variables' sign bounds and off every
    inequality's boundary (where an optimum may be one the exact solver rightly excludes)."""
    if np.abs(x).max(initial=0.0) >= box * (1 - 1e-6):
        return False
    for xi, (lo, hi) in zip(x, cp.bounds):
        if lo is not None and xi - lo <= 1e-8 or hi is not None and hi - xi <= 1e-8:
            return False
    return not (cp.inequalities.exprs and cp.inequalities(x).min() <= 1e-8)


def _optimum_inside(cp, tol, starts, seed):
    """scipy's best feasible points in |x| <= 10 and |x| <= 1000, and whether the first is a
    local optimum: inside the small box, off every edge, and not beaten in the large one by
    more than ``tol``. Returns (small, large, found) with None for a box without a feasible
    point."""
    small = _scipy_solve(cp, starts, seed, 10.0, box=10.0)
    large = _scipy_solve(cp, starts, seed, 10.0, box=1e3)
    if small is None or large is None or not _inside(cp, small.x, 10.0):
        return small, large, False
    v_small, v_large = cp.objective.value(small.x), cp.objective.value(large.x)
    beaten = cp.sense.better(v_large, v_small)
    return small, large, not (beaten and abs(v_large - v_small) > tol * max(1.0, abs(v_small)))


def _optimum_found(solution, cp, point, tol) -> Report:
    """The claim (no critical point, unbounded) is refuted by scipy's local optimum ``point``."""
    kind = cp.sense.word
    claim = "f is unbounded" if solution.status == "unbounded" else "there is no critical point"
    value = cp.objective.value(point.x)
    return Report(False, solution.status, [], tol, f"the exact answer says {claim}, but scipy "
                  f"finds a local {kind} at x = {np.array2string(point.x, precision=8)} "
                  f"(f = {value:.10g}) inside |x| <= 10, off every edge, that |x| <= 1000 does "
                  "not beat", point)


def _verify_no_critical_point(solution, cp, tol, starts, seed, subs) -> Report:
    """"No critical point" and no value, once scipy found no local optimum off the edges (see
    :func:`_optimum_inside`): scipy's best point in |x| <= 1000 must beat the irregular
    candidates, if any."""
    status = solution.status
    large = _scipy_solve(cp, starts, seed, 10.0, box=1e3)
    if large is None:
        return Report(False, status, [], tol, "scipy found no feasible point in |x| <= 1000 "
                      "to compare with")
    candidates = _candidate_values(solution, subs)
    rows = []
    if candidates:
        rows.append(Row("f beyond candidates", cp.sense.best(candidates),
                        cp.objective.value(large.x), cp.sense.strictly))
    ok = all(r.holds(tol) for r in rows)
    return Report(ok, status, rows, tol, "no critical point: scipy's best point in |x| <= 10 "
                  "lies on an edge or is beaten in |x| <= 1000" + (
                      "" if ok else ", but not beyond every candidate"), large)


def _candidate_values(solution, subs) -> list:
    """f at the isolated candidate points, as floats."""
    out = []
    for p in solution.points:
        if p.free or p.value is None:
            continue
        try:
            out.append(_numbers(p.value, subs))
        except (TypeError, ValueError):
            continue
    return [v for v in out if np.isfinite(v)]


def _verify_bound(solution, problem, cp, tol, starts, seed, subs) -> Report:
    """A supremum (infimum) that no feasible point attains: scipy's best feasible value must
    not beat it; approached on an excluded boundary, SLSQP on the closure reaches it."""
    status, word = solution.status, ("sup f" if cp.sense.is_max else "inf f")
    bound = _numbers(solution.value, subs)
    near = [{v: _numbers(at[v], subs) for v in problem.variables} for at in solution.approached_at]
    scale = max([10.0] + [2 * abs(c) for at in near for c in at.values()])
    best = _scipy_solve(cp, starts, seed, scale)
    if best is None:
        return Report(False, status, [], tol, "scipy found no feasible point to compare with the "
                      + cp.sense.bound)
    value = cp.objective.value(best.x)
    if not near:
        row = Row(word, bound, value, cp.sense.relation)
        ok = row.holds(tol)
        return Report(ok, status, [row], tol, f"scipy's best feasible value (SLSQP, {starts} "
                      f"starts) {'does not beat' if ok else 'beats'} the exact bound", best)
    # SLSQP treats strict inequalities as non-strict: it optimizes over the closure
    k = min(range(len(near)), key=lambda i: np.abs(np.array(list(near[i].values())) - best.x).max())
    rows = [Row(word, bound, value)] + [Row(str(v), near[k][v], float(best.x[i]))
                                        for i, v in enumerate(problem.variables)]
    ok = all(r.holds(tol) for r in rows)
    return Report(ok, status, rows, tol, "the bound is approached on the excluded boundary: "
                  f"SLSQP on the closure ({starts} starts) " + ("reaches it there" if ok else
                                                                "does not reach it there"), best)


def _verify_unbounded(solution, cp, tol, starts, seed, subs) -> Report:
    """f unbounded: scipy's best point in |x| <= 10 is no local optimum (see
    :func:`_optimum_inside`), and in the box |x| <= 1000 SLSQP must go beyond every candidate
    and beyond its best in |x| <= 10 by at least max(1, |that value|)."""
    beyond = cp.sense.strictly
    small, large, found = _optimum_inside(cp, tol, starts, seed)
    if found:
        return _optimum_found(solution, cp, small, tol)
    if small is None or large is None:
        return Report(False, solution.status, [], tol, "scipy found no feasible point in the "
                      "boxes |x| <= 10 and |x| <= 1000")
    v_small, v_large = cp.objective.value(small.x), cp.objective.value(large.x)
    rows = [Row("f, |x|<=1000 vs |x|<=10", v_small, v_large, beyond, margin=1.0)]
    candidates = _candidate_values(solution, subs)
    if candidates:
        rows.append(Row("f beyond candidates", cp.sense.best(candidates), v_large, beyond))
    ok = all(r.holds(tol) for r in rows)
    direction = cp.sense.side
    return Report(ok, solution.status, rows, tol, f"f unbounded {direction}: SLSQP's best feasible "
                  f"value goes from {v_small:.6g} (|x| <= 10) to {v_large:.6g} (|x| <= 1000)" +
                  ("" if ok else ", which does not show it"), large)


# -- gradient descent against the exact solution and scipy.optimize.minimize --------------------

@dataclass
class DescentRow:
    """One quantity: the descent's value, the exact one (NaN when there is none) and scipy's."""

    quantity: str
    descent: float
    exact: float
    scipy: float

    @property
    def error(self) -> float:
        """The larger of |descent - exact| and |descent - scipy|, each / max(1, |reference|)."""
        errors = [abs(self.descent - ref) / max(1.0, abs(ref))
                  for ref in (self.exact, self.scipy) if not np.isnan(ref)]
        if not np.isfinite(self.descent) or not errors:
            return float("inf")
        return max(errors)


class DescentReport(Report):
    """The outcome of :func:`verify_descent`: ``rows`` of :class:`DescentRow`."""

    def table(self) -> str:
        head = f"{'quantity':<14}{'descent':>22}{'exact':>22}{'scipy':>22}{'error':>11}"
        lines = [head, "-" * len(head)]
        for r in self.rows:
            exact = "-" if np.isnan(r.exact) else f"{r.exact:.15g}"
            lines.append(f"{r.quantity:<14}{r.descent:>22.15g}{exact:>22}{r.scipy:>22.15g}"
                         f"{r.error:>11.2e}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"ok": self.ok, "status": self.status, "max_error": self.max_error,
                "tol": self.tol, "message": self.message,
                "rows": [{"quantity": r.quantity, "descent": r.descent,
                          "exact": None if np.isnan(r.exact) else r.exact, "scipy": r.scipy,
                          "error": r.error} for r in self.rows]}


def _scipy_unconstrained(cp, x0):
    """scipy.optimize.minimize from the descent's start: BFGS, or L-BFGS-B when a variable is
    declared nonnegative or positive (its bound)."""
    sign = -float(cp.sense.sign)
    bounded = any(b != (None, None) for b in cp.bounds)
    method = "L-BFGS-B" if bounded else "BFGS"
    options = {"gtol": 1e-12, "maxiter": 10000}
    if bounded:
        options.update(ftol=1e-15, maxcor=20)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        r = so.minimize(lambda x: sign * cp.objective.value(x), x0,
                        jac=lambda x: sign * cp.objective.grad(x), method=method,
                        bounds=cp.bounds if bounded else None, options=options)
    return r, method


def _exact_optimum(problem, solution, x_descent, subs):
    """The exact optimal point nearest to the descent's, as numbers, or None."""
    try:
        solution = solution if solution is not None else problem.solve()
    except LagroptError:
        return None, None
    if solution.status not in ("optimal", "parametric") or not solution.optimum:
        return None, solution
    full = {**subs, **(_resolve_parametric(solution, subs) if solution.status == "parametric"
                       else {})}
    points = [p for p in solution.optimum if not p.free]
    if not points:
        return None, solution
    coords = [np.array([_numbers(p.x[v], full) for v in problem.variables]) for p in points]
    k = min(range(len(points)), key=lambda i: np.abs(coords[i] - x_descent).max())
    point = points[k]
    return (coords[k], _numbers(point.value, full),
            {m: _numbers(v, full) for m, v in point.multipliers.items()}), solution


def _is_problem(obj) -> bool:
    from .problem import Problem

    return isinstance(obj, Problem)


def _verify_loss_descent(loss, result, data, tol: float) -> DescentReport:
    """A descent on a loss (compiled, SymPy expression or function) against scipy.optimize's
    BFGS from the same start, with the loss's exact gradient."""
    from .optim.objective import as_data, as_objective

    if result is None or not hasattr(result, "path"):
        raise LagroptError("verifying a descent on a loss needs its result: "
                           "verify(loss, descent=optim.minimize(loss, x0, ...), data=...)")
    data = as_data(data)
    try:
        objective = as_objective(loss, None, data)
    except LagroptError as e:
        raise LagroptError(f"cannot verify this descent: {e}") from None
    x0 = np.asarray(result.path[0], dtype=float).reshape(-1)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        best = so.minimize(lambda x: objective.value_and_grad(x, data), x0, jac=True,
                           method="BFGS", options={"gtol": 1e-10, "maxiter": 20000})
    x_desc = np.asarray(result.x, dtype=float).reshape(-1)
    nan = float("nan")
    rows = [DescentRow("f", float(objective.value(x_desc, data)), nan, float(best.fun))]
    names = _parameter_names(loss, x_desc.size)
    rows += [DescentRow(n, float(a), nan, float(b)) for n, a, b in zip(names, x_desc, best.x)]
    ok = bool(result.success) and all(r.error <= tol for r in rows)
    message = (f"descent: {result.message}\ncompared with scipy.optimize BFGS from the same "
               f"start (exact gradient): {best.message}")
    return DescentReport(ok, "numeric", rows, tol, message, best)


def _parameter_names(loss, size: int) -> list:
    """beta, or beta[0], beta[1], ... for the flattened parameter vector of a compiled loss."""
    wrt = tuple(getattr(loss, "wrt", ()))
    if len(wrt) == size:
        return [str(w) for w in wrt]
    if len(wrt) == 1:
        return [f"{wrt[0]}[{k}]" for k in range(size)]
    return [f"x[{k}]" for k in range(size)]


def verify_descent(problem, result=None, *, solution=None, subs: dict | None = None,
                   tol: float = 1e-6, data=None, **descend_options) -> DescentReport:
    """Check a gradient-descent result against the exact solution and scipy.optimize.

    The scipy reference is ``scipy.optimize.minimize`` from the descent's start: BFGS, or
    L-BFGS-B when a variable is declared nonnegative or positive; with equality constraints,
    SLSQP (BFGS and L-BFGS-B do not take constraints), whose multipliers are recomputed from
    the lecture's stationarity equations at its point.

    Parameters
    ----------
    problem : Problem, or a loss
        A loss (compiled with :func:`lagropt.compile`, a SymPy expression or a function with
        its gradient) is compared with scipy's BFGS from the descent's start (no exact column).
    result : OptimizeResult, optional
        From :func:`lagropt.optim.descend` or :func:`lagropt.optim.minimize`; default (for a
        problem): run descend (``descend_options`` are passed).
    solution : Solution, optional
        The exact solution (default ``problem.solve()``); a problem without an exact optimum
        is compared with scipy alone.
    subs : dict, optional
        Numbers for the problem's parameters.
    tol : float
        Agreement required, as |descent - reference| / max(1, |reference|).
    data : tuple of arrays, optional
        The data a loss takes after its parameters (as given to ``optim.minimize``).
    """
    from .optim import descend

    if not _is_problem(problem):
        return _verify_loss_descent(problem, result, data, tol)
    internal = StandardForm(problem)
    subs_real = {internal.to_real.get(k, k): sp.sympify(v) for k, v in (subs or {}).items()}
    cp = compile_problem(internal, subs_real)
    if result is None:
        result = descend(problem, subs=subs, **descend_options)
    x_desc = np.asarray(result.x, dtype=float)
    exact, solution = _exact_optimum(problem, solution, x_desc, dict(subs or {}))
    if cp.equalities.exprs or cp.inequalities.exprs:
        best = _scipy_solve(cp, 8, 0, max(2.0, 2 * float(np.abs(x_desc).max())))
        method = "SLSQP"
    else:
        best, method = _scipy_unconstrained(cp, result.path[0])
    if best is None or not np.all(np.isfinite(best.x)):
        return DescentReport(False, solution.status if solution else "unknown", [], tol,
                             f"scipy ({method}) found no point to compare with")
    nan = float("nan")
    rows = [DescentRow("f", result.fun, exact[1] if exact else nan, cp.objective.value(best.x))]
    for k, v in enumerate(problem.variables):
        rows.append(DescentRow(str(v), float(x_desc[k]), float(exact[0][k]) if exact else nan,
                               float(best.x[k])))
    scipy_multipliers = _multipliers_at(internal, cp, best.x, (), subs_real) \
        if cp.equalities.exprs else {}
    for name, value in getattr(result, "multipliers", {}).items():
        rows.append(DescentRow(str(name), float(value),
                               exact[2].get(name, nan) if exact else nan,
                               float(scipy_multipliers.get(name, nan))))
    ok = bool(result.success) and all(r.error <= tol for r in rows)
    status = solution.status if solution is not None else "unknown"
    message = (f"descent: {result.message}\ncompared with "
               + ("the exact optimum and " if exact else "scipy only (no exact optimum): ")
               + f"scipy.optimize {method}")
    return DescentReport(ok, status, rows, tol, message, best)
