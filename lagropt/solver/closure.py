"""Open feasible sets through their closure.

With strict inequalities (``x**2 + y**2 < 1``) or strictly signed variables (``x > 0`` for a
positive symbol) the feasible set S is open in those constraints, and the supremum of f over S
may be approached on the boundary S leaves out. The closure C replaces ``<`` by ``<=`` and
``x > 0`` by ``x >= 0`` (written as explicit inequalities, so that KKT enumerates them). When
the optimum over C is proven to exist (C compact, f coercive, or a concave/convex problem):

* if an optimal point of C satisfies every strict inequality, it lies in S, and since
  S is a subset of C it is an optimum over S;
* if every optimal point of C violates a strict inequality and one of them is a limit of points
  of S (a direction enters S there: the equality gradients are independent and some d keeps
  them and increases every active inequality, a Mangasarian-Fromovitz direction found by a
  linear program), then sup over S = max over C, approached on the excluded boundary and not
  attained.

Both need f and the constraints continuous on the closure (built from sums, products,
non-negative integer powers, exp, sin and cos: log x or 1/x at x = 0 would break them).
Otherwise nothing is concluded (the caller keeps its own verdict).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from .requirements import decide as decide_relation, feasibility_requirements, sign_requirements
from ..runtime import TimeLimit, TooLarge
from .certificates import coercivity_certificate, compactness_certificate, curvature_certificate
from .candidates import find_candidates
from .verdict import Verdict, decide
from ..errors import ProblemError
from ..problem import Problem
from ..standard import StandardForm

__all__ = ["is_open", "closure_verdict"]


def is_open(internal) -> bool:
    """The feasible set has strict inequalities or strictly signed variables."""
    return any(internal.strict) or any(v.is_positive or v.is_negative for v in internal.variables)


def _closure(internal, max_inequalities):
    """(the closure as a StandardForm, variable map internal -> closure, the texts of the strict
    constraints it relaxed) or None when it would have more than ``max_inequalities``."""
    plain = {v: sp.Symbol(v.name, real=True, **({"nonnegative": True} if v.is_nonnegative and
                                                 not v.is_positive else
                                                 {"nonpositive": True} if v.is_nonpositive and
                                                 not v.is_negative else {}))
             for v in internal.variables}
    rel = sp.Le if internal.sense.is_max else sp.Ge          # internal h <= 0 (max), >= 0 (min)
    constraints = [sp.Eq(g.xreplace(plain), 0) for g in internal.g]
    # an inequality the variables' signs already decide (x >= 0 for a nonnegative x) is dropped
    constraints += [c for c in (rel(h.xreplace(plain), 0) for h in internal.h) if c is not sp.true]
    relaxed = [str(c) for c, strict in zip(internal.problem.inequalities, internal.strict) if strict]
    for v, p in plain.items():
        if v.is_positive:
            constraints.append(sp.Ge(p, 0))
            relaxed.append(f"{v} > 0")
        elif v.is_negative:
            constraints.append(sp.Le(p, 0))
            relaxed.append(f"{v} < 0")
    if sum(not isinstance(c, sp.Equality) for c in constraints) > max_inequalities:
        return None
    if any(c in (sp.true, sp.false) for c in constraints):
        return None
    try:
        problem = Problem(internal.f.xreplace(plain), internal.sense, constraints,
                          variables=[plain[v] for v in internal.variables])
    except ProblemError:
        return None
    return StandardForm(problem), plain, relaxed


def closure_verdict(internal, points, budget, max_inequalities: int = 10) -> Verdict | None:
    """The verdict for an open feasible set from its closure (module docstring), or None.

    The closure's candidates come from the same KKT enumeration as the problem's
    (:func:`~lagropt.solver.candidates.find_candidates`); a closure with more than
    ``max_inequalities`` inequalities is not tried."""
    if not all(_continuous_everywhere(e) for e in (internal.f, *internal.g, *internal.h)):
        return None
    built = _closure(internal, max_inequalities)
    if built is None:
        return None
    closure, plain, relaxed = built
    attained = compactness_certificate(closure) or coercivity_certificate(closure)
    certificate = attained or curvature_certificate(closure)
    if not certificate:
        return None
    try:
        cpoints, residual, _ = find_candidates(closure, budget, classify=not attained)
    except (TimeLimit, TooLarge):
        return None
    if residual:
        return None
    verdict = decide(closure, cpoints, probe=False)
    if verdict.status != "optimal" or not verdict.certified or not verdict.optimum or \
            any(p.free or p.x_has_symbols() for p in verdict.optimum):
        return None
    back = {c: v for v, c in plain.items()}
    optima = [{back[k]: val for k, val in p.x.items()} for p in verdict.optimum]
    inside = [_inside(internal, x) for x in optima]
    if None in inside:
        return None
    what = ", ".join(relaxed)
    head = f"on the closure of the feasible set ({what} relaxed to non-strict) {verdict.evidence[0]}"
    word = internal.sense.word
    value = verdict.value
    if any(inside):
        chosen = [_matching(points, x) for x, ok in zip(optima, inside) if ok]
        if any(p is None for p in chosen):
            return None
        return Verdict("optimal", chosen, value, [head, f"its {word} {sp.sstr(value)} is "
                       f"attained at a point satisfying {what}, which is therefore the {word} "
                       "over the original set"], certified=True)
    if not any(_limit_of_feasible_points(internal, x) for x in optima):
        return None
    sup = internal.sense.bound
    where = "; ".join("(" + ", ".join(f"{k} = {sp.sstr(v)}" for k, v in x.items()) + ")"
                      for x in optima)
    return Verdict("not_attained", [], value, [
        head, f"its {word} {sp.sstr(value)} is attained only at {where}, where {what} fails; "
        f"feasible points approach it, so the {sup} over the original set is {sp.sstr(value)}, "
        "approached on the excluded boundary and not attained"],
        f"the {sup} {sp.sstr(value)} is approached but not attained", certified=True,
        approached_at=optima)


def _continuous_everywhere(expr) -> bool:
    """expr is built from numbers, symbols, +, *, non-negative integer powers, exp, sin, cos."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow):
            if not (node.exp.is_Integer and node.exp >= 0) and node.base.free_symbols:
                return False
        elif not (node.is_Atom or isinstance(node, (sp.Add, sp.Mul, sp.exp, sp.sin, sp.cos))):
            return False
    return True


def _inside(internal, x) -> bool | None:
    """x satisfies every constraint of the original problem, strict ones strictly."""
    results = [decide_relation(r) for r in
               feasibility_requirements(internal, x) + sign_requirements(internal.variables, x)]
    if False in results:
        return False
    return None if None in results else True


def _matching(points, x):
    """The original candidate at x (with the original multipliers), or None."""
    for p in points:
        if not p.free and all(sp.simplify(p.x[v] - val) == 0 for v, val in x.items()):
            return p
    return None


def _limit_of_feasible_points(internal, x) -> bool:
    """A direction d enters the original set at x: grad g_k . d = 0 with independent equality
    gradients, and grad c . d > 0 for every inequality c >= 0 active at x (strict or not, sign
    assumptions included). Then a curve x(t) in the equalities with x'(0) = d lies in the set
    for small t > 0. Decided by a linear program on 30-digit values, with a clear margin."""
    from scipy.optimize import linprog

    xs = internal.variables
    at = {v: x[v] for v in xs}
    want = -internal.sense.sign
    rows = [want * h for h in internal.h] + \
        [v if v.is_positive or v.is_nonnegative else -v
         for v in xs if v.is_positive or v.is_negative or v.is_nonnegative or v.is_nonpositive]
    plain = {v: sp.Symbol(v.name, real=True) for v in xs}
    active = [c.xreplace(plain) for c in rows
              if sp.simplify(c.xreplace(at)) == 0]
    num = lambda e: float(sp.N(e.xreplace({plain[v]: at[v] for v in xs}), 30))  # noqa: E731
    grad = lambda e: [num(sp.diff(e, plain[v])) for v in xs]  # noqa: E731
    n = len(xs)
    A_eq = np.array([grad(g.xreplace(plain)) for g in internal.g]).reshape(-1, n)
    if A_eq.shape[0]:
        sv = np.linalg.svd(A_eq, compute_uv=False)
        if sv.min() <= 1e-9 * max(1.0, sv.max()):
            return False
    A_act = np.array([grad(c) for c in active]).reshape(-1, n)
    if not A_act.shape[0]:
        return True
    # maximize s subject to A_act d >= s, A_eq d = 0, -1 <= d <= 1, s <= 1
    c = np.zeros(n + 1)
    c[-1] = -1.0
    A_ub = np.hstack([-A_act, np.ones((A_act.shape[0], 1))])
    res = linprog(c, A_ub=A_ub, b_ub=np.zeros(A_act.shape[0]),
                  A_eq=np.hstack([A_eq, np.zeros((A_eq.shape[0], 1))]) if A_eq.shape[0] else None,
                  b_eq=np.zeros(A_eq.shape[0]) if A_eq.shape[0] else None,
                  bounds=[(-1, 1)] * n + [(None, 1)], method="highs")
    return res.status == 0 and -res.fun > 1e-6
