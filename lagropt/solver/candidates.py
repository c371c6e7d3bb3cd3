"""From solved branches to admissible candidate points.

A branch of the elimination is a candidate only if it is real, respects the variables' sign
assumptions, satisfies the inactive inequalities (primal feasibility) and has multipliers of the
right sign on the active ones (dual feasibility). When unknowns stay free (a family of points,
or multipliers that are not unique), these requirements are inequalities in the free symbols;
with one free symbol they are solved exactly: an empty set drops the branch, isolated values
become points, an interval stays as a family with its range.

:func:`find_candidates` is the stage the solver runs: for every active set of the inequalities
(:func:`active_sets`), the KKT system of the standard form
(:meth:`~lagropt.standard.StandardForm.kkt_system`) goes to the elimination
(:func:`~lagropt.solver.system.solve_system`), and its branches become candidates here. On a
convex problem the enumeration ends at the first strict KKT optimum
(:mod:`~lagropt.solver.early_stop`).

Irregular points (where the gradients of the active constraints are linearly dependent, so that
the Lagrange conditions need not hold: min x on y^2 = x^3 at the origin) are found from the
constraints and the vanishing minors of their Jacobian, and added with ``regular=False``.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np

import sympy as sp

from .classify import classify as classify_points
from .requirements import (as_nonnegative, decide, feasibility_requirements, nonnegative,
                           problem_domain, real_number, sign_of, sign_requirements,
                           without_radicals)
from .rejection import Case, Rejection
from .result import Point
from .symmetry import map_branch, map_point, variable_symmetry
from .system import Branch, is_zero, sample_value, solve_system
from .tidy import final_form, final_forms_by_symmetry
from ..runtime import TooLarge

__all__ = ["find_candidates", "active_sets", "parametric_point", "MAX_INEQUALITIES", "points_from_branch", "admit", "dedupe",
           "irregular_points", "empty_family", "decide", "sign_requirements", "feasibility_requirements"]

MAX_INEQUALITIES = 10     # 2^10 active sets at most


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


def _hull(region):
    """The closed interval [inf, sup] around a set of reals, as AccumBounds (None for all of R)."""
    lo, hi = region.inf, region.sup
    if lo == -sp.oo and hi == sp.oo:
        return None
    return sp.AccumBounds(lo, hi)


def _violated_everywhere(relation, box) -> bool:
    """Whether ``relation`` fails at every point of ``box`` (symbol -> AccumBounds), shown by
    interval arithmetic: the range of lhs - rhs over the box (an enclosure: the true range lies
    inside it) lies on the wrong side of 0. False when nothing is shown (SymPy's interval
    arithmetic fails, or gives NaN or a non-real range, as log of a negative interval does)."""
    try:
        rng = (relation.lhs - relation.rhs).xreplace(box)
        if not isinstance(rng, sp.AccumBounds):
            if rng.has(sp.nan) or not (rng.is_number and rng.is_extended_real):
                return False
            return decide(relation.func(rng, 0)) is False
        lo, hi = rng.min, rng.max
        if not (lo.is_extended_real and hi.is_extended_real):
            return False
        tests = {">=": hi < 0, ">": hi <= 0, "<=": lo > 0, "<": lo >= 0, "==": lo > 0 or hi < 0} \
            if relation.rel_op in (">=", ">", "<=", "<", "==") else {}
        return bool(tests.get(relation.rel_op, False))
    except Exception:  # noqa: BLE001 - SymPy's interval arithmetic failing shows nothing
        return False


def empty_family(requirements, free) -> bool:
    """Whether no member of a family (free symbols ``free``) satisfies ``requirements``, when
    that can be shown exactly: each free symbol's range from the requirements in it alone
    (:func:`sympy.solveset`), an empty range ending the question; then interval arithmetic on
    the box of those ranges: a requirement in the free symbols only that fails on the whole box
    fails at every member (minimize -x1 subject to x2 >= x1**2, x3 >= x2**2, x1 <= 100,
    x3 <= 10: at x1 = 100 the range x2 >= 10**4 and x3 <= 10 leave x3 - x2**2 <= 10 - 10**8).
    False when not shown: the family stays, with the requirements as its conditions."""
    relations = [r for r in requirements if isinstance(r, sp.Rel)]
    box = {}
    for t in free:
        alone = [r for r in relations if r.free_symbols == {t}]
        region = _reduce(alone, [t]) if alone else None
        if region is sp.S.EmptySet:
            return True
        hull = _hull(region) if isinstance(region, sp.Set) and region.is_subset(sp.S.Reals) else None
        box[t] = hull if hull is not None else sp.AccumBounds(-sp.oo, sp.oo)
    return any(_violated_everywhere(r, box) for r in relations
               if r.free_symbols and r.free_symbols <= set(free) and len(r.free_symbols) > 1)


def _undefined_power(value) -> bool:
    """``0**e`` with an exponent of unknown sign (0, 1 or infinite, depending on e), which
    an elimination through ``u**(1/a)`` can leave: such a branch is no point."""
    return any(p.base.is_zero and not p.exp.is_number for p in value.atoms(sp.Pow))


def points_from_branch(internal, active, branch) -> list[Point]:
    """The admissible candidate point(s) of one solved branch (see the module docstring)."""
    return admit(internal, active, branch)[0]


def _tagged_requirements(internal, active, branch, raw, x_raw, mult_raw) -> list:
    """(requirement at the branch's values, the :class:`Rejection` if it fails), in the order
    they are checked: the elimination's conditions, the variables' signs, the natural domain of
    f and the constraints (log x needs x > 0), the inactive inequalities, then mu_j >= 0 on the
    active ones."""
    point = {v: x_raw[v] for v in internal.variables}
    at = [c.xreplace(raw) for c in branch.conditions]
    tagged = [(c, Rejection("no_solution", relation=c)) for c in at]
    for v in internal.variables:
        tagged += [(r, Rejection("infeasible", symbol=v, value=x_raw[v], relation=r, point=point))
                   for r in sign_requirements([v], x_raw)]
    tagged += [(r.xreplace(x_raw), Rejection(      # log x at x = m/(3p): m/(3p) > 0
        "no_solution", relation=r, point=point,
        note=f"f and the constraints are real and defined only where {sp.sstr(r)}"))
        for r in problem_domain(internal)]
    inactive = [j for j in range(len(internal.h)) if j not in active]
    tagged += [(r, Rejection("infeasible", index=j, relation=r, point=point)) for j, r in
               zip(inactive, feasibility_requirements(internal, x_raw, skip=active))]
    tagged += [(sp.Ge(mult_raw[internal.mus[j]], 0, evaluate=False),
                Rejection("wrong_sign", symbol=internal.mus[j], value=mult_raw[internal.mus[j]],
                          point=point)) for j in active]
    return tagged


def admit(internal, active, branch) -> tuple[list[Point], Rejection | None]:
    """The admissible candidate point(s) of one solved branch, and when there is none, the
    :class:`~lagropt.solver.rejection.Rejection` saying why (the first requirement that fails)."""
    raw = branch.values()
    free = [u for u in branch.unknowns]
    x_raw = {v: raw.get(v, v) for v in internal.variables}
    mult_raw = {m: raw.get(m, m) for m in internal.lambdas}
    for j, mu in enumerate(internal.mus):
        mult_raw[mu] = raw.get(mu, mu) if j in active else sp.Integer(0)
    if any(_undefined_power(v) for v in list(x_raw.values()) + list(mult_raw.values())):
        return [], Rejection("no_solution", note="a power 0**e with an exponent of unknown sign "
                             "is undefined there")
    try:
        tagged = _tagged_requirements(internal, active, branch, raw, x_raw, mult_raw)
    except TypeError:               # SymPy refuses a relation with NaN: the branch is no point
        return [], Rejection("no_solution", note="the values are undefined (NaN)")
    for u, v in list(x_raw.items()) + list(mult_raw.items()):
        # an undefined multiplier (x**a's derivative at x = 0 when a < 1): no KKT point
        if isinstance(v, sp.Basic) and v.has(sp.nan, sp.zoo):
            return [], Rejection("no_solution", symbol=u, note=f"{u} is undefined there")
        if real_number(v) is False:
            return [], Rejection("no_solution", symbol=u, value=v, note=f"{u} is not real")
    undecided = []
    for r, why in tagged:
        d = decide(r)
        if d is False:
            return [], why
        if d is None:
            undecided.append(r)
    family_eqs = [e.xreplace(raw) for e in branch.equations]
    if internal.params and not free and _in_parameters(raw.values(), internal.params):
        holds = _kkt_holds(internal, active, raw)
        if holds is None:
            return [], Rejection("no_solution", note="the solution found does not satisfy the "
                                 "equations for any value of the parameters")
        undecided += holds
    contradiction = Rejection("contradictory", requirements=tuple(undecided))
    if len(free) > 1 and empty_family(undecided, free):
        return [], contradiction
    if _contradictory(undecided):
        return [], contradiction
    if undecided and free and not family_eqs:
        region = _reduce(undecided, free)
        if region is not None:
            if region is sp.S.EmptySet:
                return [], contradiction
            if isinstance(region, sp.FiniteSet):
                (t,) = free
                out, why = [], contradiction
                for value in region:
                    fixed = branch.__class__([], [], [], branch.assigned + [(t, value)],
                                             [], branch.ops, "solved")
                    found, why = admit(internal, active, fixed)
                    out.extend(found)
                return out, (None if out else why)
            undecided = [sp.Contains(free[0], region)] if region != sp.S.Reals else []
    tidy = final_forms_by_symmetry({**x_raw, **mult_raw}, fixed=mult_raw)
    x = {v: branch.display.get(v, tidy[v]) for v in x_raw}
    multipliers = {m: branch.display.get(m, tidy[m]) for m in mult_raw}
    # f at the tidy coordinates reads best; coordinates given by several different CRootOf are
    # evaluated from the raw ones, which are polynomials in a single root (exact reduction)
    several_roots = len(set().union(*[v.atoms(sp.CRootOf) for v in x.values()])) > 1
    value = final_form(internal.f.xreplace(x_raw if several_roots else x))
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or real_number(value) is False:
        return [], Rejection("no_solution", note="the objective is not defined (or not real) "
                             "there")
    point_free = tuple(u for u in free if u in internal.variables)
    conditions = tuple(sp.Eq(final_form(e), 0) for e in family_eqs) + tuple(undecided)
    return [Point(x, multipliers, value, active=tuple(j + 1 for j in active), free=point_free,
                  conditions=conditions)], None


def _contradictory(requirements) -> bool:
    """Whether two requirements e1 > 0 (>= 0) and e2 > 0 (>= 0) cannot hold together, proven:
    e1 e2 < 0 everywhere (both holding give e1 e2 >= 0), or both strict and e1 e2 <= 0
    everywhere (both holding give e1 e2 > 0). The second CES candidate's x > 0 and y > 0 read
    m (sqrt p sqrt q + p)/(p (p - q)) > 0 and -m (sqrt p + sqrt q)/(sqrt q (p - q)) > 0: their
    product is -m^2 (...)/(p - q)^2 <= 0."""
    forms = [f for f in (as_nonnegative(r) for r in requirements) if f is not None]
    for (e1, s1), (e2, s2) in itertools.combinations(forms, 2):
        product = e1 * e2
        if sign_of(product) == -1 or (s1 and s2 and _nonpositive_where_defined(product)):
            return True
    return False


def _nonpositive_where_defined(expr) -> bool:
    """expr <= 0 wherever it is defined (a requirement is false where it is undefined):
    proven for expr, or for the numerator and the denominator of -expr, each >= 0."""
    if nonnegative(-expr):
        return True
    num, den = sp.factor(-expr).as_numer_denom()
    if not (num.free_symbols or den.free_symbols):
        return False
    radical_free = [without_radicals(e) for e in (num, den)]
    return all(nonnegative(e if r is None else r) for e, r in zip((num, den), radical_free))


def _in_parameters(values, params) -> bool:
    """Every value a closed form in the parameters alone (no unsolved unknown left), and small
    enough to check again cheaply."""
    return all(set(sp.sympify(v).free_symbols) <= set(params) and sp.count_ops(v) < 100
               for v in values)


def _kkt_holds(internal, active, raw) -> list | None:
    """The KKT equations of the active set at a branch's values, checked again when they
    contain parameters: SymPy's ``solve`` may return a solution valid only for some parameter
    values (x = sqrt(r**2 - y**2) with y = r/sqrt(2) solves 1 = 2 lambda x only for r > 0).
    [] when every equation holds (under the assumptions), None when one fails for every
    parameter value, else the conditions on the parameters where they hold."""
    eqs, _, _ = internal.kkt_system(tuple(active))
    conditions = []
    for e in eqs:
        r = e.xreplace(raw)
        if _vanishes_at_samples(r) or is_zero(r) is True:
            continue
        r = sp.simplify(r) if sp.count_ops(r) < 200 else r
        s = sign_of(r)
        if s == 0:
            continue
        if s in (1, -1):
            return None
        conditions.append(_where_zero(r, internal.params))
    return conditions


def _vanishes_at_samples(r, count: int = 6) -> bool:
    """r is 0 (below 1e-25 at 40 digits) at ``count`` random values of its symbols that respect
    their sign assumptions: the branch's own elimination solved these equations, and this
    re-check is after a solution that holds only for some parameter values (negative samples of
    a real parameter find those), not after a proof that SymPy's simplify spends seconds on."""
    symbols = sorted(r.free_symbols, key=str)
    if not symbols:
        return False
    rng = np.random.default_rng(7)
    for _ in range(count):
        point = {s_: sample_value(s_, rng) for s_ in symbols}
        try:
            value = sp.N(r.xreplace(point), 40)
        except (TypeError, ValueError, ZeroDivisionError):
            return False
        if not value.is_number or value.has(sp.nan) or abs(value) > sp.Float(10) ** -25:
            return False
    return True


def _where_zero(r, params):
    """r = 0 as a condition on the parameters: solved when r is in one parameter."""
    symbols = r.free_symbols & set(params)
    if len(symbols) == 1 and r.free_symbols == symbols:
        (t,) = symbols
        try:
            region = sp.solveset(sp.Eq(r, 0), t, sp.S.Reals)
            if isinstance(region, (sp.Interval, sp.Union)):
                return region.as_relational(t)
        except (NotImplementedError, ValueError, TypeError):
            pass
    return sp.Eq(r, 0)


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
        if any(real_number(v) is False for v in x_raw.values()):
            continue
        value = final_form(internal.f.xreplace(x_raw))
        if value.has(sp.nan, sp.zoo) or real_number(value) is False:
            continue
        out.append(Point({v: final_form(val) for v, val in x_raw.items()}, {}, value,
                         kind="inconclusive", regular=False,
                         active=tuple(j + 1 for j in active),
                         reason="the constraint gradients are linearly dependent here, so the "
                                "Lagrange conditions need not hold"))
    return out


# -- the stage: every active set's KKT system, eliminated, as candidates ----------------------

def find_candidates(internal, budget=None, classify=True, stop=None, end_unsolved=False):
    """Every admissible KKT point over all active sets, the irregular points, classified;
    with the branches left unsolved and the cases for the derivation.

    ``stop`` (an :class:`~lagropt.solver.early_stop.EarlyStop`, for a convex problem) ends the
    enumeration after the first active set that yields a strict KKT optimum, the unique global
    one; it records how many sets were examined and skipped. With it, more than
    :data:`MAX_INEQUALITIES` inequalities are allowed, and the first 2^MAX_INEQUALITIES sets
    (by size) are examined before giving up as too large.

    ``end_unsolved`` ends the enumeration at the first active set with a branch left unsolved in
    a primal variable (:func:`unsolved_in_variables`): the solve's answer is then ``unsolved``
    whatever the other sets give (no closed form in the multipliers covers it), so they are not
    examined and the numeric fallback starts sooner (HS60 and HS81: every set's system has
    transcendental or irrational terms that no exact method solves)."""
    count = len(internal.h)
    if count > MAX_INEQUALITIES and stop is None:
        raise TooLarge(_too_many(count))
    candidates, residual, cases = [], [], []
    symmetry = variable_symmetry(internal) if internal.h else None
    solved = {}               # active set -> (cases, irregular points) when a symmetry may map it
    first = stop.first if stop is not None else None
    for n, active in enumerate(active_sets(internal, first)):
        if n == 2 ** MAX_INEQUALITIES:
            raise TooLarge(_too_many(count) + "; f is convex, but no strict KKT optimum was "
                           f"found among the first {n} active sets")
        image = symmetry.image_of_solved(active, solved) if symmetry else None
        if image is not None:            # solved once per orbit: the earlier set's, mapped
            earlier, perm = image
            records = [_mapped_case(c, active, perm, earlier, symmetry)
                       for c in solved[earlier][0]]
            irregular = [map_point(p, perm) for p in solved[earlier][1]]
        else:
            records, irregular = _solve_active_set(internal, active, budget, end_unsolved)
            if symmetry:
                solved[active] = (records, irregular)
        found = [p for c in records for p in c.points] + irregular
        cases.extend(records)
        residual.extend((active, c.branch) for c in records if c.branch.status == "residual")
        candidates.extend(found)
        if end_unsolved and unsolved_in_variables(internal, [c.branch for c in records]):
            break
        if stop is not None and _stops(stop, internal, found):
            stop.examined, stop.skipped = n + 1, _set_count(internal) - (n + 1)
            break
    points = dedupe(candidates)
    cases = [_after_dedupe(c, points) for c in cases]
    if classify:
        points = classify_points(internal, points)
    return points, residual, cases


def _mapped_case(case, active, perm, earlier, symmetry) -> Case:
    """The image of a case of the active set ``earlier`` under the symmetry ``perm``."""
    return Case(active, map_branch(case.branch, perm, earlier, symmetry),
                tuple(map_point(p, perm) for p in case.points),
                case.rejection.mapped(perm) if case.rejection else None)


def _after_dedupe(case, kept) -> Case:
    """The case with only its points that survived :func:`dedupe`; when none did, rejected as a
    duplicate of the point kept in their place (``twin``)."""
    if not case.points:
        return case
    mine = tuple(p for p in case.points if any(p is q for q in kept))
    if mine:
        return replace(case, points=mine)
    p = case.points[0]
    twin = next((q for q in kept if _same_point(p, q)), None) or next(
        (q for q in kept if q.free and not p.free and _on_family(p, q)), None)
    return replace(case, points=(), rejection=Rejection("duplicate", point=p.x, twin=twin))


def _too_many(count) -> str:
    return (f"{count} inequalities make 2^{count} active sets, more than the exact solver "
            f"enumerates (at most {MAX_INEQUALITIES} inequalities)")


def _solve_active_set(internal, active, budget, end_unsolved=False):
    """One active set's KKT system through the elimination: (its cases, each branch with its
    candidate points or the reason it has none; the irregular points of the set, not searched
    for with ``end_unsolved`` when the set leaves a branch unsolved in a primal variable, since
    the enumeration ends there)."""
    eqs, unknowns, owners = internal.kkt_system(active)
    branches = solve_system(eqs, unknowns, primary=internal.variables, owners=owners,
                            budget=budget)
    records = []
    for b in branches:
        if b.status == "residual":
            records.append(Case(active, b))
        elif b.status == "infeasible":
            records.append(Case(active, b, (), Rejection("no_solution", note=b.note)))
        else:
            found, why = admit(internal, active, b)
            records.append(Case(active, b, tuple(found), why))
    if end_unsolved and unsolved_in_variables(internal, branches):
        return records, []
    return records, irregular_points(internal, active, budget)


def unsolved_in_variables(internal, branches) -> bool:
    """Whether a branch was left unsolved (``residual``) with a primal variable among its
    unknowns: then no closed form in the multipliers (:func:`parametric_point`) covers it and
    the exact answer is ``unsolved``."""
    return any(b.status == "residual" and any(u in internal.variables for u in b.unknowns)
               for b in branches)


def _stops(stop, internal, found) -> bool:
    """Whether a point of this active set ends the enumeration (``stop.decides``)."""
    for p in found:
        if stop.decides(internal, p):
            stop.point = p
            return True
    return False


def _set_count(internal) -> int:
    """How many active sets :func:`active_sets` yields: 2^(non-strict inequalities)."""
    return 2 ** sum(1 for strict in internal.strict if not strict)


def active_sets(internal, first=None):
    """Subsets of the non-strict inequalities, smallest first (strict ones are never active);
    ``first`` (a subset, sorted) before all, and then not again."""
    usable = [j for j, strict in enumerate(internal.strict) if not strict]
    if first is not None:
        yield tuple(first)
    for k in range(len(usable) + 1):
        yield from (a for a in itertools.combinations(usable, k) if a != first)


def parametric_point(internal, active, branch):
    """A residual branch that left only multipliers unsolved: the point in terms of them, or
    None (some variable is unsolved, or the point is not admissible)."""
    if any(u in internal.variables for u in branch.unknowns):
        return None
    pts = points_from_branch(internal, active, Branch([], [], [], branch.assigned,
                                                      branch.conditions, branch.ops, "solved"))
    return pts[0] if pts else None
