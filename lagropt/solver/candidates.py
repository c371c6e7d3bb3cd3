"""From solved branches to admissible candidate points.

A branch of the elimination is a candidate only if it is real, respects the variables' sign
assumptions, satisfies the inactive inequalities (primal feasibility) and has multipliers of the
right sign on the active ones (dual feasibility). When unknowns stay free (a family of points,
or multipliers that are not unique), these requirements are inequalities in the free symbols;
with one free symbol they are solved exactly: an empty set drops the branch, isolated values
become points, an interval stays as a family with its range.

Irregular points (where the gradients of the active constraints are linearly dependent, so that
the Lagrange conditions need not hold: min x on y^2 = x^3 at the origin) are found from the
constraints and the vanishing minors of their Jacobian, and added with ``regular=False``.
"""

from __future__ import annotations

import itertools

import sympy as sp

from .classify import sign_of
from .result import Point
from .system import is_zero, solve_system
from .tidy import final_form, final_forms_by_symmetry

__all__ = ["points_from_branch", "dedupe", "irregular_points", "decide", "sign_requirements",
           "feasibility_requirements"]


def decide(cond) -> bool | None:
    """True/False for a relation (or And/Or of relations) whose truth is decided, else None."""
    if cond in (sp.true, sp.false) or isinstance(cond, bool):
        return bool(cond)
    if isinstance(cond, sp.And):
        parts = [decide(c) for c in cond.args]
        return False if False in parts else (True if all(parts) else None)
    if isinstance(cond, sp.Or):
        parts = [decide(c) for c in cond.args]
        return True if True in parts else (False if all(p is False for p in parts) else None)
    if not isinstance(cond, sp.Rel):
        return None
    s = sign_of(cond.lhs - cond.rhs)
    if s is None:
        return None
    return {"==": s == 0, "!=": s != 0, ">=": s >= 0, ">": s > 0, "<=": s <= 0, "<": s < 0}[cond.rel_op]


def _real(value) -> bool | None:
    """Whether a number is real (symbolic values are not asked: SymPy's assumption queries on
    large expressions are slow and rarely decisive)."""
    if not value.is_number:
        return None
    if value.is_real is not None:
        return value.is_real
    v = sp.N(value, 40)
    if v.has(sp.nan) or not v.is_number:
        return None
    return abs(sp.im(v)) < 1e-30


def sign_requirements(variables, x):
    """Relations the variables' sign assumptions impose on their values."""
    out = []
    for v in variables:
        val = x[v]
        if v.is_positive:
            out.append(sp.Gt(val, 0, evaluate=False))
        elif v.is_negative:
            out.append(sp.Lt(val, 0, evaluate=False))
        elif v.is_nonnegative:
            out.append(sp.Ge(val, 0, evaluate=False))
        elif v.is_nonpositive:
            out.append(sp.Le(val, 0, evaluate=False))
    return out


def feasibility_requirements(internal, x, skip=()):
    """Relations the inequalities impose at x (h >= 0 when minimizing, h <= 0 when maximizing;
    strict ones strictly), except those in ``skip`` (the active ones, equal to 0 there)."""
    want_ge = internal.sense == "min"
    out = []
    for j, h in enumerate(internal.h):
        if j in skip:
            continue
        rel = (sp.Gt if internal.strict[j] else sp.Ge) if want_ge else \
              (sp.Lt if internal.strict[j] else sp.Le)
        out.append(rel(h.xreplace(x), 0, evaluate=False))
    return out


def _requirements(internal, active, x, multipliers):
    """Primal feasibility of the inactive inequalities and mu_j >= 0 on the active ones."""
    return feasibility_requirements(internal, x, skip=active) + [
        sp.Ge(multipliers[internal.mus[j]], 0, evaluate=False) for j in active]


def _reduce(requirements, free):
    """Solve the undecided requirements for one free symbol: a set, or None if not possible."""
    if len(free) != 1:
        return None
    (t,) = free
    region = sp.S.Reals
    for r in requirements:
        try:
            region = region.intersect(sp.solveset(r, t, sp.S.Reals))
        except (NotImplementedError, ValueError, TypeError):
            return None
    return region


def points_from_branch(internal, active, branch) -> list[Point]:
    """The admissible candidate point(s) of one solved branch (see the module docstring)."""
    raw = branch.values()
    free = [u for u in branch.unknowns]
    x_raw = {v: raw.get(v, v) for v in internal.variables}
    mult_raw = {m: raw.get(m, m) for m in internal.lambdas}
    for j, mu in enumerate(internal.mus):
        mult_raw[mu] = raw.get(mu, mu) if j in active else sp.Integer(0)
    reqs = [c.xreplace(raw) for c in branch.conditions]
    reqs += sign_requirements(internal.variables, x_raw)
    reqs += _requirements(internal, active, x_raw, mult_raw)
    for v in list(x_raw.values()) + list(mult_raw.values()):
        if _real(v) is False:
            return []
    undecided = []
    for r in reqs:
        d = decide(r)
        if d is False:
            return []
        if d is None:
            undecided.append(r)
    family_eqs = [e.xreplace(raw) for e in branch.equations]
    if undecided and free and not family_eqs:
        region = _reduce(undecided, free)
        if region is not None:
            if region is sp.S.EmptySet:
                return []
            if isinstance(region, sp.FiniteSet):
                (t,) = free
                out = []
                for value in region:
                    fixed = branch.__class__([], [], [], branch.assigned + [(t, value)],
                                             [], branch.ops, "solved")
                    out.extend(points_from_branch(internal, active, fixed))
                return out
            undecided = [sp.Contains(free[0], region)] if region != sp.S.Reals else []
    tidy = final_forms_by_symmetry({**x_raw, **mult_raw}, fixed=mult_raw)
    x = {v: branch.display.get(v, tidy[v]) for v in x_raw}
    multipliers = {m: branch.display.get(m, tidy[m]) for m in mult_raw}
    # f at the tidy coordinates reads best; coordinates given by several different CRootOf are
    # evaluated from the raw ones, which are polynomials in a single root (exact reduction)
    several_roots = len(set().union(*[v.atoms(sp.CRootOf) for v in x.values()])) > 1
    value = final_form(internal.f.xreplace(x_raw if several_roots else x))
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or _real(value) is False:
        return []
    point_free = tuple(u for u in free if u in internal.variables)
    conditions = tuple(sp.Eq(final_form(e), 0) for e in family_eqs) + tuple(undecided)
    return [Point(x, multipliers, value, active=tuple(j + 1 for j in active), free=point_free,
                  conditions=conditions)]


def _same_point(p: Point, q: Point) -> bool:
    if p.free or q.free:
        return p.free == q.free and all(is_zero(sp.simplify(p.x[v] - q.x[v])) for v in p.x)
    return all(is_zero(p.x[v] - q.x[v]) is True for v in p.x)


def dedupe(points: list[Point]) -> list[Point]:
    """One entry per point: the version found with the most active constraints wins (its
    active set is the point's), and isolated points lying on a listed family are dropped."""
    out: list[Point] = []
    for p in points:
        twin = next((q for q in out if _same_point(p, q)), None)
        if twin is None:
            out.append(p)
        elif (not twin.regular and p.regular) or len(p.active) > len(twin.active):
            out[out.index(twin)] = p
    families = [p for p in out if p.free]
    return [p for p in out if p.free or not any(_on_family(p, fam) for fam in families)]


def _on_family(p: Point, family: Point) -> bool:
    """Whether an isolated point is a member of a family. The family's free symbols are
    variables of the problem, so the point's own coordinates give their values."""
    at = {t: p.x[t] for t in family.free}
    for v in p.x:
        if is_zero(family.x[v].xreplace(at) - p.x[v]) is not True:
            return False
    for cond in family.conditions:
        if decide(cond.xreplace(at)) is False:
            return False
    return True


def _minors(J: sp.Matrix) -> list:
    """All maximal minors of J (m x n, m <= n): they vanish exactly where J loses rank."""
    m, n = J.shape
    return [J.extract(list(range(m)), list(cols)).det() for cols in itertools.combinations(range(n), m)]


def irregular_points(internal, active, budget=None) -> list[Point]:
    """Feasible points where the gradients of the equalities and the active inequalities are
    linearly dependent (all maximal minors of the Jacobian vanish), as ``regular=False``."""
    funcs = list(internal.active_functions(active))
    if not funcs or len(funcs) > len(internal.variables):
        return []
    J = internal.jacobian(active)
    if not J.free_symbols & set(internal.variables):
        return []                       # constant Jacobian: rank is the same everywhere
    minors = [sp.expand(m) for m in _minors(J)]
    minors = [m for m in minors if m != 0]
    if len(minors) != len(_minors(J)) and not minors:
        return []
    system = funcs + minors
    branches = solve_system(system, list(internal.variables), primary=internal.variables,
                            budget=budget)
    out = []
    for b in branches:
        if b.status != "solved":
            continue
        x_raw = {v: b.values().get(v, v) for v in internal.variables}
        reqs = sign_requirements(internal.variables, x_raw) + \
            feasibility_requirements(internal, x_raw, skip=active)
        if any(decide(r) is False for r in reqs):
            continue
        if any(_real(v) is False for v in x_raw.values()):
            continue
        value = final_form(internal.f.xreplace(x_raw))
        if value.has(sp.nan, sp.zoo) or _real(value) is False:
            continue
        out.append(Point({v: final_form(val) for v, val in x_raw.items()}, {}, value,
                         kind="inconclusive", regular=False,
                         active=tuple(j + 1 for j in active),
                         reason="the constraint gradients are linearly dependent here, so the "
                                "Lagrange conditions need not hold"))
    return out

