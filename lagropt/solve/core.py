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
import os
import time

import sympy as sp

from .classify import classify_point, sign_of
from .internal import Internal
from .result import Point, Solution
from .system import Branch, solve_system
from .tidy import final_form as _final
from .timeout import TimeLimit, call_with_timeout, get_default_timeout
from .verdict import curvature_certificate, decide
from .candidates import dedupe, irregular_points, points_from_branch
from .closure import closure_verdict, is_open
from .family import is_family_problem, solve_family
from .feasibility import infeasibility_reason
from .monotone import lift_solution, split_monotone
from .probe import Prober
from . import steps as _steps

__all__ = ["solve"]

MAX_INEQUALITIES = 10
CHEAP_CLOSURE = 3         # inequalities of the closure worth solving to confirm an optimum
_PERIODIC = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)
EXACT_SHARE = 0.85        # of the time limit for the exact worker; the numeric fallback gets
NUMERIC_BUDGET = 0.8      # at most this many seconds more, so a solve ends within limit + 1 s


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
    split = split_monotone(problem.objective)
    if split is not None:
        u, outer = split
        inner = problem.__class__(u, problem.sense, [c.original for c in problem.constraints],
                                  problem.variables, problem.params)
        lifted = lift_solution(solve(inner, timeout, numeric), u, outer, problem.sense)
        lifted.problem = problem
        return lifted
    internal = Internal(problem)
    if internal.nonsmooth:
        return _nonsmooth(internal, numeric).xreplace(internal.to_user).with_problem(problem)
    started = time.monotonic()
    exact_budget = None if timeout is None else EXACT_SHARE * timeout
    deadline = None if timeout is None else started + 0.9 * exact_budget
    try:
        result = call_with_timeout(_solve_exact, internal, deadline, timeout=exact_budget)
    except TimeLimit:
        result = _timed_out(internal, timeout, numeric)
    except Exception as exc:  # noqa: BLE001 - an internal failure must not cost the user the answer
        if os.environ.get("LAGROPT_STRICT"):
            raise
        result = _failed(internal, exc, numeric)
    else:
        if result.status == "unsolved" and numeric:
            result = _numeric_fallback(internal, result, reason="no exact method solved the system")
    result = result.xreplace(internal.to_user) if internal.to_user else result
    result.problem = problem
    return result


# -- the exact part (runs in the worker) -------------------------------------------------------

def _solve_exact(internal: Internal, deadline) -> Solution:
    if is_family_problem(internal):
        return solve_family(internal, deadline)
    if internal.decided_false:
        return _infeasible(internal, _steps.decided_false(internal), "SymPy decided a constraint "
                           "is False: it has no real solution (e.g. x**2 + y**2 = -1 for real x, y)")
    derivation = _steps.opening(internal)
    points, residual, cases = _candidates(internal, deadline)
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
    why = _infeasible_constraints(internal, deadline) if not points else None
    if why:
        return _infeasible(internal, derivation, why)
    verdict = decide(internal, points)
    if not verdict.certified and is_open(internal) and not internal.params:
        # an unproven optimum is re-examined only when the closure is cheap (2^k active sets)
        limit = MAX_INEQUALITIES if verdict.status != "optimal" else CHEAP_CLOSURE
        verdict = closure_verdict(internal, points, _candidates, deadline, limit) or verdict
    _steps.conclusion(derivation, internal, points, verdict)
    message = verdict.message
    if internal.f.has(*_PERIODIC) or any(g.has(*_PERIODIC) for g in internal.g + internal.h):
        message = ((message + "; ") if message else "") + ("periodic functions: the points shown "
                   "are principal solutions, their copies one period apart are critical too")
    return Solution(verdict.status, points, verdict.optimum, verdict.value, derivation,
                    evidence=verdict.evidence, message=message,
                    approached_at=verdict.approached_at)


def _candidates(internal, deadline, classify=True):
    """Every admissible KKT point over all active sets, the irregular points, classified;
    with the branches left unsolved and the cases for the derivation."""
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
            candidates.extend(points_from_branch(internal, active, b))
        candidates.extend(irregular_points(internal, active, deadline))
    points = dedupe(candidates)
    if classify:
        for p in points:
            _classify(internal, p)
    return points, residual, cases


def _active_sets(internal):
    """Subsets of the non-strict inequalities, smallest first (strict ones are never active)."""
    usable = [j for j, strict in enumerate(internal.strict) if not strict]
    for k in range(len(usable) + 1):
        yield from itertools.combinations(usable, k)


def _kkt_system(internal, active):
    """Stationarity of L over the active set, the equalities and the active inequalities."""
    eqs = internal.lagrangian_gradient(active)
    eqs += list(internal.g) + [internal.h[j] for j in active]
    unknowns = list(internal.variables) + list(internal.lambdas) + [internal.mus[j] for j in active]
    owners = {i: x for i, x in enumerate(internal.variables)}
    n = len(internal.variables)
    owners.update({n + k: ("g", k) for k in range(len(internal.g))})
    owners.update({n + len(internal.g) + i: ("h", j) for i, j in enumerate(active)})
    return eqs, unknowns, owners


def _classify(internal, p: Point) -> None:
    """Second-order test; numeric comparison where it cannot apply (irregular points, weakly
    active inequalities whose multiplier is 0)."""
    if p.free:
        p.kind = "inconclusive"
        p.reason = ("a whole family of critical points" +
                    ("" if p.value.has(*p.free) else f" on which f = {sp.sstr(p.value)}"))
        return
    if not p.regular:
        if not internal.params and not p.x_has_symbols():
            p.kind, reason = Prober(internal).local_kind(_floats(p.x, internal.variables))
            p.reason = p.reason + "; " + reason
        return
    active = tuple(j - 1 for j in p.active)
    strong = tuple(j for j in active if sign_of(p.multipliers[internal.mus[j]]) != 0)
    weak = tuple(j for j in active if j not in strong)
    at = {**p.x, **p.multipliers}
    c = classify_point(internal.hessian_of_lagrangian(active), internal.jacobian(strong), at,
                       sense=internal.sense, objective=internal.f,
                       constraints=internal.active_functions(strong), variables=internal.variables)
    p.kind, p.reason = c.kind, c.reason
    numeric_ok = not p.x_has_symbols() and not internal.params
    if weak and c.kind in ("saddle", "inconclusive") and numeric_ok:
        p.kind, p.reason = _cone_kind(internal, p, active, strong, weak)
    elif p.kind == "inconclusive" and numeric_ok:
        kind, reason = Prober(internal).local_kind(_floats(p.x, internal.variables))
        if kind != "inconclusive":
            p.kind, p.reason = kind, f"{c.reason}; {reason}"


def _floats(x, variables):
    import numpy as np
    return np.array([float(sp.N(x[v], 20)) for v in variables])


def _cone_kind(internal, p, active, strong, weak):
    """The quadratic form of L on the critical cone, where weakly active inequalities allow
    one-sided directions only (sampled numerically)."""
    import numpy as np
    from .probe import cone_kind

    at = {**p.x, **p.multipliers}
    H = np.array(internal.hessian_of_lagrangian(active).xreplace(at).evalf(), dtype=float)
    J = internal.jacobian(strong)
    n = len(internal.variables)
    if J.shape[0]:
        Jn = np.array(J.xreplace(at).evalf(), dtype=float)
        _, s, vt = np.linalg.svd(Jn)
        Z = vt[int((s > 1e-10).sum()):].T
    else:
        Z = np.eye(n)
    W = np.array(internal.jacobian(weak).xreplace(at).evalf(), dtype=float)
    # feasible side: h <= 0 when maximizing (grad h . d <= 0), h >= 0 when minimizing
    rows = W if internal.sense == "max" else -W
    kind, reason = cone_kind(H, Z, rows)
    return kind, reason + " (an active inequality has multiplier 0)"


def _parametric_point(internal, active, branch: Branch):
    """A branch that left only multipliers unsolved: the point in terms of them."""
    if any(u in internal.variables for u in branch.unknowns):
        return None
    pts = points_from_branch(internal, active, Branch([], [], [], branch.assigned,
                                                      branch.conditions, branch.ops, "solved"))
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
            remaining.append(sp.Eq(_final(dep), -indep, evaluate=False))
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
    return Solution("infeasible", [], [], None, derivation, evidence=[why], message=why)


def _infeasible_constraints(internal, deadline=None) -> str | None:
    """Why the constraints have no real solution, when that can be shown exactly: the
    equalities alone have none, or a group of linear or univariate constraints (inequalities
    and sign assumptions included) has none (:mod:`.feasibility`)."""
    if internal.g:
        try:
            branches = solve_system(list(internal.g), list(internal.variables))
        except TimeLimit:
            branches = []
        if branches and all(b.status == "infeasible" for b in branches):
            notes = "; ".join(sorted({b.note for b in branches if b.note}))
            return notes or "the equality constraints have no real solution"
    return infeasibility_reason(internal, deadline)


def _failed(internal, exc, numeric) -> Solution:
    """The exact solver hit an internal error: say so, and solve numerically if allowed."""
    derivation = _steps.opening(internal)
    why = f"the exact solver failed ({type(exc).__name__}: {exc})"
    derivation.add("failure", why[0].upper() + why[1:] + ".")
    partial = Solution("unsolved", [], [], None, derivation, remaining=list(_steps.system(internal)),
                       message=why)
    return _numeric_fallback(internal, partial, reason=why) if numeric else partial


def _timed_out(internal, timeout, numeric) -> Solution:
    derivation = _steps.opening(internal)
    derivation.add("timeout", f"The exact solve did not finish within {timeout:g} s.")
    partial = Solution("timeout", [], [], None, derivation, remaining=list(_steps.system(internal)),
                       message=f"exact solve exceeded {timeout:g} s")
    if numeric:
        return _numeric_fallback(internal, partial, reason=f"the exact solve exceeded {timeout:g} s")
    return partial


def _numeric_fallback(internal, partial: Solution, reason: str, budget=None) -> Solution:
    """The numeric search (fixed seeded starts); ``budget`` (an object with ``expired()``)
    only as a safety stop between starts."""
    from .numeric import numeric_solution
    return numeric_solution(internal, partial, reason, budget=budget)


def _nonsmooth(internal, numeric, budget=None) -> Solution:
    """Abs, Max, sign ...: no gradient where their argument changes sign, so the Lagrange
    conditions are undefined there. Say so, and optimize numerically if allowed."""
    from .numeric import direct_solution

    parts = ", ".join(sp.sstr(a) for a in internal.nonsmooth[:3])
    why = (f"the problem contains {parts}, which is not differentiable everywhere: exact "
           "stationarity is undefined")
    derivation = _steps.opening(internal, stationarity=False)
    derivation.add("nonsmooth", why[0].upper() + why[1:] + ".")
    partial = Solution("unsolved", [], [], None, derivation, message=why +
                       ("" if numeric else "; solve(numeric=True) optimizes it numerically"))
    return direct_solution(internal, partial, why, budget=budget) if numeric else partial
