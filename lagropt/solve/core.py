"""The exact solve of a :class:`~lagropt.Problem`: from the Lagrangian to classified points.

Pipeline (each stage recorded in the derivation):

1. the Lagrangian and the N + K stationarity equations, in the lecture's form;
2. for every active set of the inequalities (KKT, complementary slackness by enumeration):
   structural elimination of the system (:mod:`.system`);
3. the candidates that are real, respect the variables' assumptions, are primal feasible and
   have multipliers of the right sign;
4. the second-order test at each candidate (:mod:`.classify`);
5. the global verdict with its evidence (:mod:`.verdict`).

The whole exact part runs in a worker under the time limit (:mod:`.timeout`).
"""

from __future__ import annotations

import itertools
import time

import sympy as sp

from ..derivation import Derivation
from .classify import classify_point, sign_of
from .internal import Internal
from .result import Point, Solution
from .system import Branch, is_zero, solve_system
from .tidy import final_form as _final
from .timeout import TimeLimit, call_with_timeout, get_default_timeout
from .verdict import Verdict, best_points, compactness_certificate, curvature_certificate
from . import steps as _steps

__all__ = ["solve"]

MAX_INEQUALITIES = 10


def solve(problem, timeout: float | None = None, numeric: bool = True) -> Solution:
    """Solve ``problem`` exactly: every critical point, classified, with the derivation.

    Parameters
    ----------
    problem : Problem
    timeout : float, optional
        Seconds allowed for the exact solve (default :func:`get_default_timeout`, 5 s). The
        exact work runs in a worker process that is stopped when the time is up.
    numeric : bool
        When the exact solve times out or cannot finish, solve the same system numerically and
        return status ``"numeric"`` (points with ``exact=False``). With ``numeric=False`` the
        status is ``"timeout"`` or ``"unsolved"`` instead.
    """
    if timeout is None:
        timeout = get_default_timeout()
    internal = Internal(problem)
    started = time.monotonic()
    deadline = None if timeout is None else started + 0.9 * timeout
    try:
        result = call_with_timeout(_solve_exact, internal, deadline, timeout=timeout)
    except TimeLimit:
        result = _timed_out(internal, timeout, numeric)
    else:
        if result.status == "unsolved" and numeric:
            result = _numeric_fallback(internal, result, reason="no exact method solved the system")
    result = result.xreplace(internal.to_user) if internal.to_user else result
    result.problem = problem
    return result


# -- the exact part (runs in the worker) -------------------------------------------------------

def _solve_exact(internal: Internal, deadline) -> Solution:
    derivation = _steps.opening(internal)
    if internal.decided_false:
        return _infeasible(internal, derivation, "SymPy decided a constraint is False: it has no "
                           "real solution (e.g. x**2 + y**2 = -1 for real x, y)")
    if len(internal.h) > MAX_INEQUALITIES:
        raise TimeLimit(f"{len(internal.h)} inequalities: too many active sets to enumerate")
    candidates, residual, cases = [], [], []
    for active in _active_sets(internal):
        eqs, unknowns, owners = _kkt_system(internal, active)
        branches = solve_system(eqs, unknowns, primary=internal.variables, owners=owners,
                                deadline=deadline)
        for b in branches:
            cases.append((active, b))
            if b.status == "infeasible":
                continue
            if b.status == "residual":
                residual.append((active, b))
                continue
            candidates.extend(_points(internal, active, b))
    points = _dedupe(candidates)
    for p in points:
        _classify(internal, p)
    _steps.elimination(derivation, internal, cases)
    parametric = [_parametric_point(internal, a, b) for a, b in residual]
    parametric = [p for p in parametric if p is not None]
    if residual and len(parametric) < len(residual):
        derivation.add("residual", "No exact method solved these equations:",
                       tuple(sp.Eq(e, 0) for _, b in residual for e in b.equations))
        return Solution("unsolved", points, [], None, derivation, remaining=[
            sp.Eq(e, 0) for _, b in residual for e in b.equations],
            unknowns=tuple({u for _, b in residual for u in b.unknowns}),
            message="the exact solver could not finish")
    if parametric:
        return _parametric_solution(internal, derivation, points, parametric, residual)
    if not points:
        return _no_points(internal, derivation, cases)
    verdict = _verdict(internal, points)
    _steps.conclusion(derivation, internal, points, verdict)
    return Solution(verdict.status, points, verdict.optimum, verdict.value, derivation,
                    evidence=verdict.evidence, message=verdict.message)


def _active_sets(internal):
    """Subsets of the non-strict inequalities, smallest first (strict ones are never active)."""
    usable = [j for j, strict in enumerate(internal.strict) if not strict]
    for k in range(len(usable) + 1):
        yield from itertools.combinations(usable, k)


def _kkt_system(internal, active):
    """Stationarity of L over the active set, the equalities and the active inequalities."""
    L = internal.lagrangian(active)
    eqs = [sp.diff(L, x) for x in internal.variables]
    eqs += list(internal.g) + [internal.h[j] for j in active]
    unknowns = list(internal.variables) + list(internal.lambdas) + [internal.mus[j] for j in active]
    owners = {i: x for i, x in enumerate(internal.variables)}
    n = len(internal.variables)
    owners.update({n + k: ("g", k) for k in range(len(internal.g))})
    owners.update({n + len(internal.g) + i: ("h", j) for i, j in enumerate(active)})
    return eqs, unknowns, owners


def _real(value) -> bool | None:
    """Whether a value is real (numbers decided exactly or to 40 digits; symbolic: not asked,
    since SymPy's assumption queries on large expressions are slow and rarely decisive)."""
    if not value.is_number:
        return None
    if value.is_real is not None:
        return value.is_real
    v = sp.N(value, 40)
    return abs(sp.im(v)) < 1e-30


def _points(internal, active, branch: Branch) -> list[Point]:
    raw = branch.values()
    values = {u: _final(v) for u, v in raw.items()}
    free = tuple(u for u in branch.unknowns if u in internal.variables)
    for u in branch.unknowns:
        if u not in internal.variables:
            values[u] = u
    x = {v: values.get(v, v) for v in internal.variables}
    conditions = [sp.Eq(_final(e.xreplace(raw)), 0) for e in branch.equations] if free else []
    for c in branch.conditions:
        c = c.xreplace(values) if isinstance(c, sp.Basic) else c
        if c is sp.false:
            return []
        if c is not sp.true:
            conditions.append(c)
    for v, val in x.items():
        if _real(val) is False:
            return []
        if not free:
            for attr, want in (("is_positive", 1), ("is_negative", -1)):
                if getattr(v, attr):
                    s = sign_of(val)
                    if s is not None and s != want:
                        return []
            if v.is_nonnegative and sign_of(val) == -1:
                return []
    if not _primal_feasible(internal, active, x, conditions):
        return []
    multipliers = {m: values.get(m, sp.Integer(0)) for m in internal.lambdas}
    for j, mu in enumerate(internal.mus):
        multipliers[mu] = values.get(mu, sp.Integer(0)) if j in active else sp.Integer(0)
        if j in active and sign_of(multipliers[mu]) == -1:
            return []
    value = _final(internal.f.xreplace({v: raw.get(v, v) for v in internal.variables}))
    if value.has(sp.nan, sp.zoo) or _real(value) is False:
        return []
    return [Point(x, multipliers, value, active=tuple(j + 1 for j in active), free=free,
                  conditions=tuple(conditions))]


def _primal_feasible(internal, active, x, conditions) -> bool:
    want = 1 if internal.sense == "min" else -1   # h >= 0 (min) or h <= 0 (max)
    for j, h in enumerate(internal.h):
        if j in active:
            continue
        val = _final(h.xreplace(x))
        s = sign_of(val)
        if s is None:
            if val.free_symbols:
                conditions.append(sp.Ge(val, 0) if want == 1 else sp.Le(val, 0))
            continue
        if s == -want or (s == 0 and internal.strict[j]):
            return False
    return True


def _same_point(p: Point, q: Point) -> bool:
    if p.free or q.free:
        return p.free == q.free and all(sp.simplify(p.x[v] - q.x[v]) == 0 for v in p.x)
    return all(is_zero(p.x[v] - q.x[v]) is True for v in p.x)


def _dedupe(points):
    out = []
    for p in points:
        twin = next((q for q in out if _same_point(p, q)), None)
        if twin is None:
            out.append(p)
        elif len(p.active) > len(twin.active):
            out[out.index(twin)] = p
    # a point that is a member of a family is listed once, as the family
    families = [p for p in out if p.free]
    return [p for p in out if p.free or not any(_on_family(p, fam) for fam in families)]


def _on_family(p: Point, family: Point) -> bool:
    sols = sp.solve([sp.Eq(family.x[v], p.x[v]) for v in p.x if family.x[v].has(*family.free)],
                    list(family.free), dict=True) if family.free else []
    for s in sols:
        if all(is_zero(family.x[v].xreplace(s) - p.x[v]) is True for v in p.x):
            return True
    return False


def _classify(internal, p: Point) -> None:
    if p.free:
        p.kind = "inconclusive"
        p.reason = ("a whole family of critical points" +
                    ("" if p.value.has(*p.free) else f" on which f = {sp.sstr(p.value)}"))
        return
    if not p.regular:
        return
    active = tuple(j - 1 for j in p.active)
    at = {**p.x, **p.multipliers}
    c = classify_point(internal.hessian_of_lagrangian(active), internal.jacobian(active), at,
                       sense=internal.sense, objective=internal.f,
                       constraints=internal.active_functions(active), variables=internal.variables)
    p.kind, p.reason = c.kind, c.reason


def _verdict(internal, points) -> Verdict:
    finite = [p for p in points if not (p.free and p.value.has(*p.free))]
    right = "maximum" if internal.sense == "max" else "minimum"
    curvature = curvature_certificate(internal)
    if curvature:
        kkt = [p for p in finite if p.regular and p.kind in (right, "inconclusive")] or finite
        best = best_points(kkt, internal.sense)
        if best is None:
            best = kkt[:1]
        return Verdict("optimal", best, best[0].value if best else None, [curvature])
    compact = compactness_certificate(internal)
    if compact:
        best = best_points(finite, internal.sense) or []
        return Verdict("optimal", best, best[0].value if best else None, [compact])
    local = [p for p in finite if p.kind in (right, "inconclusive")]
    best = best_points(local, internal.sense)
    if not best:
        return Verdict("no_critical_point" if not local else "optimal", [], None,
                       ["no candidate is a local " + right],
                       message=f"no local {right} among the critical points")
    return Verdict("optimal", best, best[0].value,
                   ["best local " + right + " among the candidates (global optimality not proven)"])


def _parametric_point(internal, active, branch: Branch):
    """A branch that left only multipliers unsolved: the point in terms of them."""
    if any(u in internal.variables for u in branch.unknowns):
        return None
    pts = _points(internal, active, branch)
    if not pts:
        return None
    p = pts[0]
    p.conditions = p.conditions
    return p, branch


def _parametric_solution(internal, derivation, points, parametric, residual) -> Solution:
    remaining, unknowns = [], []
    all_points = list(points)
    for p, b in parametric:
        _classify(internal, p)
        all_points.append(p)
        for e in b.equations:
            dep, indep = e.as_independent(*b.unknowns, as_Add=True)[::-1]
            remaining.append(sp.Eq(_final(dep), -indep))
        unknowns.extend(u for u in b.unknowns if u not in unknowns)
    optimum = [p for p, _ in parametric]
    curvature = curvature_certificate(internal)
    evidence = [curvature] if curvature else []
    _steps.parametric(derivation, internal, optimum, remaining, unknowns)
    return Solution("parametric", all_points, optimum, optimum[0].value if optimum else None,
                    derivation, remaining=remaining, unknowns=tuple(unknowns), evidence=evidence,
                    message=f"closed form in {', '.join(map(str, unknowns))}, fixed by the "
                            "remaining equation" + ("s" if len(remaining) > 1 else ""))


def _infeasible(internal, derivation, why) -> Solution:
    derivation.add("verdict", "The constraints cannot be satisfied: " + why)
    return Solution("infeasible", [], [], None, derivation, message=why)


def _no_points(internal, derivation, cases) -> Solution:
    """No candidate: infeasible constraints, or a feasible problem without critical points."""
    if internal.g or internal.h:
        feasible = solve_system(list(internal.g), list(internal.variables))
        if feasible and all(b.status == "infeasible" for b in feasible) and not internal.h:
            notes = "; ".join(sorted({b.note for b in feasible if b.note}))
            return _infeasible(internal, derivation, notes or "the equality constraints have no "
                               "real solution")
    derivation.add("verdict", "The stationarity equations have no real solution: there is no "
                   "critical point.")
    return Solution("no_critical_point", [], [], None, derivation,
                    message="the stationarity equations have no real solution")


def _timed_out(internal, timeout, numeric) -> Solution:
    derivation = _steps.opening(internal)
    derivation.add("timeout", f"The exact solve did not finish within {timeout:g} s.")
    partial = Solution("timeout", [], [], None, derivation, remaining=list(_steps.system(internal)),
                       message=f"exact solve exceeded {timeout:g} s")
    if numeric:
        return _numeric_fallback(internal, partial, reason=f"the exact solve exceeded {timeout:g} s")
    return partial


def _numeric_fallback(internal, partial: Solution, reason: str) -> Solution:
    from .numeric import numeric_solution
    return numeric_solution(internal, partial, reason)
