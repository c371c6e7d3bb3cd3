"""Numeric fallback: the same stationarity system, solved from many starting points.

When the exact solve times out or cannot finish, the N + K (+ active inequalities) equations
are solved with ``scipy.optimize.root`` from a grid of random starts, for every active set;
SLSQP runs on the problem itself add the best feasible point it finds. Points come back with
``exact=False`` and 15 significant digits, classified by the eigenvalues of the reduced
Hessian, and the derivation keeps the system that was solved numerically.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import scipy.optimize as so
import sympy as sp

from ..compiler import compile_problem
from .result import Point, Solution

__all__ = ["numeric_solution", "numeric_points"]


def _starts(variables, count, rng):
    n = len(variables)
    scales = np.array([0.5, 2.0, 10.0])
    pts = []
    for i in range(count):
        s = scales[i % len(scales)]
        z = rng.uniform(-s, s, n)
        for k, v in enumerate(variables):
            if v.is_positive or v.is_nonnegative:
                z[k] = abs(z[k]) + 1e-3
            if v.is_negative or v.is_nonpositive:
                z[k] = -abs(z[k]) - 1e-3
        pts.append(z)
    return pts


def _kkt_functions(internal, active):
    unknowns = list(internal.variables) + list(internal.lambdas) + [internal.mus[j] for j in active]
    eqs = internal.lagrangian_gradient(active) + list(internal.g) + [internal.h[j] for j in active]
    F = sp.lambdify([unknowns], eqs, modules="numpy", cse=True)
    J = sp.lambdify([unknowns], sp.Matrix(eqs).jacobian(unknowns), modules="numpy", cse=True)
    return unknowns, (lambda z: np.asarray(F(z), dtype=float)), (lambda z: np.asarray(J(z), dtype=float))


def _reduced_hessian_kind(internal, active, x, mult, sense):
    at = dict(zip(internal.variables, x)) | mult
    H = np.array(internal.hessian_of_lagrangian(active).xreplace(at).evalf(), dtype=float)
    J = np.array(internal.jacobian(active).xreplace(at).evalf(), dtype=float) if (
        internal.g or active) else np.zeros((0, len(x)))
    if J.shape[0]:
        _, s, vt = np.linalg.svd(J)
        rank = int((s > 1e-9 * max(1.0, s.max())).sum())
        Z = vt[rank:].T
    else:
        Z = np.eye(len(x))
    if Z.shape[1] == 0:
        return ("maximum" if sense == "max" else "minimum"), "no feasible direction (numeric)"
    ev = np.linalg.eigvalsh(Z.T @ H @ Z)
    tol = 1e-7 * max(1.0, np.abs(ev).max())
    if (ev < -tol).all():
        return "maximum", "the reduced Hessian is negative definite (numeric eigenvalues)"
    if (ev > tol).all():
        return "minimum", "the reduced Hessian is positive definite (numeric eigenvalues)"
    if (ev < -tol).any() and (ev > tol).any():
        return "saddle", "the reduced Hessian is indefinite (numeric eigenvalues)"
    return "inconclusive", "the reduced Hessian is singular (numeric eigenvalues)"


def _feasible(cp, x, tol: float = 1e-8) -> bool:
    if cp.equalities.exprs and np.abs(cp.equalities(x)).max() > tol:
        return False
    if cp.inequalities.exprs:
        h = cp.inequalities(x)
        for hv, strict in zip(h, cp.strict):
            if hv < (tol if strict else -tol):
                return False
    for v, val in zip(cp.variables, x):
        if (v.is_positive and val <= 0) or (v.is_negative and val >= 0):
            return False
        if (v.is_nonnegative and val < -tol) or (v.is_nonpositive and val > tol):
            return False
    return True


MIN_STARTS = 8


def numeric_points(internal, starts: int = 40, seed: int = 0, budget: float | None = None) -> list[Point]:
    """Critical points of the KKT system found numerically (floats), classified numerically;
    stops starting new searches once ``budget`` seconds have passed (after the first
    ``MIN_STARTS``, each a few milliseconds, so that a loaded machine still gets an answer)."""
    if internal.params:
        return []
    cp = compile_problem(internal)
    rng = np.random.default_rng(seed)
    found: list[Point] = []
    tried = 0
    usable = [j for j, s in enumerate(internal.strict) if not s]
    sets = [c for k in range(len(usable) + 1) for c in itertools.combinations(usable, k)][:256]
    for active in sets:
        unknowns, F, J = _kkt_functions(internal, active)
        n = len(internal.variables)
        for x0 in _starts(internal.variables, starts, rng):
            if budget is not None and tried >= MIN_STARTS and budget.expired():
                break
            tried += 1
            z0 = np.concatenate([x0, rng.normal(size=len(unknowns) - n)])
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                try:
                    r = so.root(F, z0, jac=J, method="hybr")
                except (ValueError, FloatingPointError, ZeroDivisionError):
                    continue
            if not np.all(np.isfinite(r.x)) or np.abs(F(r.x)).max() > 1e-10:
                continue
            x = r.x[:n]
            if not _feasible(cp, x):
                continue
            mult = dict(zip(unknowns[n:], r.x[n:]))
            if any(mult[internal.mus[j]] < -1e-9 for j in active):
                continue
            if any(np.allclose(x, [float(p.x[v]) for v in internal.variables], atol=1e-7) for p in found):
                continue
            multipliers = {m: sp.Float(mult.get(m, 0.0), 15) for m in internal.lambdas}
            multipliers.update({m: sp.Float(mult.get(m, 0.0), 15) for m in internal.mus})
            kind, reason = _reduced_hessian_kind(internal, active, x, mult, internal.sense)
            found.append(Point({v: sp.Float(val, 15) for v, val in zip(internal.variables, x)},
                               multipliers, sp.Float(cp.objective.value(x), 15), kind, exact=False,
                               active=tuple(j + 1 for j in active), reason=reason))
    return found


def numeric_solution(internal, partial: Solution, reason: str, budget: float | None = None) -> Solution:
    """The numeric answer, keeping the exact derivation so far and the system solved."""
    d = partial.derivation
    if internal.params:
        d.add("numeric", "A numeric solve needs numbers for the parameters "
              + ", ".join(map(str, internal.params)) + ".")
        partial.message = f"{reason}; the numeric fallback needs parameter values"
        return partial
    points = numeric_points(internal, budget=budget)
    d.add("numeric", f"Exact solving stopped ({reason}); the system was solved numerically "
          "(multi-start root finding on the stationarity equations):",
          tuple(e for e in partial.remaining) or ())
    right = "maximum" if internal.sense == "max" else "minimum"
    local = [p for p in points if p.kind in (right, "inconclusive")]
    if not local:
        partial.status = partial.status if partial.status in ("timeout", "too_large") else "unsolved"
        partial.points = points
        partial.message = f"{reason}; no local {right} found numerically either"
        return partial
    vals = [float(p.value) for p in local]
    best = max(vals) if internal.sense == "max" else min(vals)
    optimum = [p for p, v in zip(local, vals) if abs(v - best) <= 1e-9 * max(1.0, abs(best))]
    evidence = ["numeric multi-start root finding (not a proof of global optimality)"]
    _conclude(d, internal, points, optimum, evidence)
    return Solution("numeric", points, optimum, optimum[0].value, d,
                    remaining=partial.remaining, unknowns=partial.unknowns,
                    evidence=evidence, message=reason + "; numeric solution")


def _conclude(d, internal, points, optimum, evidence):
    """The numeric points, their values and kinds, and the verdict, as derivation steps."""
    from .steps import conclusion
    from .verdict import Verdict

    conclusion(d, internal, points, Verdict("numeric", optimum, optimum[0].value, evidence))


def direct_solution(internal, partial: Solution, reason: str, budget: float = 2.0) -> Solution:
    """Optimize f itself (SLSQP from many starts, constraints as given): for problems where the
    stationarity equations do not exist (Abs, Max) or cannot be formed."""
    if internal.params:
        partial.message += "; the numeric path needs numbers for the parameters"
        return partial
    cp = compile_problem(internal)
    sign = -1.0 if internal.sense == "max" else 1.0
    rng = np.random.default_rng(0)
    cons = []
    if cp.equalities.exprs:
        cons.append({"type": "eq", "fun": cp.equalities})
    if cp.inequalities.exprs:
        cons.append({"type": "ineq", "fun": cp.inequalities})
    bounds = [(None if lo is None else lo + (1e-12 if v.is_positive else 0.0), hi)
              for (lo, hi), v in zip(cp.bounds, cp.variables)]
    best = None
    for x0 in _starts(internal.variables, 60, rng):
        if budget is not None and budget.expired():
            break
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                r = so.minimize(lambda v: sign * cp.objective.value(v), x0, method="SLSQP",
                                constraints=cons, options={"ftol": 1e-12, "maxiter": 500},
                                bounds=bounds if any(b != (None, None) for b in bounds) else None)
            except (ValueError, FloatingPointError, ZeroDivisionError):
                continue
        if np.all(np.isfinite(r.x)) and np.isfinite(r.fun) and _feasible(cp, r.x, tol=1e-7):
            if best is None or r.fun < best.fun - 1e-12:
                best = r
    d = partial.derivation
    if best is None:
        d.add("numeric", "A direct numeric search found no feasible optimum.")
        partial.message = reason + "; no feasible optimum found numerically"
        return partial
    kind = "maximum" if internal.sense == "max" else "minimum"
    point = Point({v: sp.Float(val, 15) for v, val in zip(internal.variables, best.x)}, {},
                  sp.Float(cp.objective.value(best.x), 15), kind, exact=False,
                  reason="best point of a multi-start direct search (numeric)")
    d.add("numeric", "Direct numeric optimization (SLSQP from many starts).")
    evidence = ["direct multi-start numeric search (not a proof)"]
    _conclude(d, internal, [point], [point], evidence)
    return Solution("numeric", [point], [point], point.value, d, evidence=evidence,
                    message=reason + "; numeric solution")
