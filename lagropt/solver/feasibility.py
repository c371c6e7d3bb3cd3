"""Exact infeasibility of the constraints, with the reason.

The constraints (equalities, inequalities, strict ones, and the variables' sign assumptions such
as ``x > 0`` for a positive symbol) are split into groups that share no variable. A group is
decided exactly when it is

* **linear** (every constraint affine with numeric coefficients): the exact simplex method of
  :mod:`sympy.solvers.simplex`; strict inequalities get a common slack ``t`` (``a x - t >= b``)
  and hold together iff the largest feasible ``t`` is positive;
* **univariate**: the solution set of each constraint from :func:`sympy.solveset`; the group is
  infeasible iff their intersection is empty;
* **nonlinear, in several variables** (a few inequalities, with or without equalities): the
  phase-one problem, maximize t subject to every inequality ``>= t`` and the equalities, solved
  by lagropt itself; when its maximum t* is exact, proved global (curvature, compactness, or a
  constraint whose definite leading form keeps x bounded whatever t) and negative, no point
  satisfies the inequalities even as non-strict ones, and the maximizer is where they come
  closest.

An infeasible group is shrunk to an irreducible conflicting subset (dropping a constraint that is
not needed for the conflict), and that subset is the evidence. Anything else stays undecided.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .candidates import find_candidates
from .certificates import definite_form, leading_form
from .system import solve_system
from .verdict import decide
from ..problem import maximize
from ..runtime import TimeLimit, TooLarge
from ..standard import StandardForm

__all__ = ["infeasible_constraints", "infeasibility_reason"]

MAX_GROUP = 16          # constraints in a group that is checked (a deletion filter: ~k solves)


@dataclass(frozen=True)
class _Rel:
    """One constraint as ``expr (==|>=|>) 0`` over plain real symbols, with its text."""

    expr: sp.Expr
    op: str           # "==", ">=" or ">"
    text: str


PHASE_ONE_MAX = (6, 4)  # (constraints, variables) of a nonlinear group given a phase-one solve


def infeasible_constraints(internal, budget=None) -> str | None:
    """Why the constraints have no real solution, when that can be shown exactly: the
    equalities alone have none, or a group of linear or univariate constraints (inequalities
    and sign assumptions included) has none (:func:`infeasibility_reason`)."""
    if internal.g:
        try:
            branches = solve_system(list(internal.g), list(internal.variables))
        except (TimeLimit, TooLarge):
            branches = []
        if branches and all(b.status == "infeasible" for b in branches):
            notes = "; ".join(sorted({b.note for b in branches if b.note}))
            return notes or "the equality constraints have no real solution"
    return infeasibility_reason(internal, budget)


def infeasibility_reason(internal, budget=None) -> str | None:
    """Why the constraints of ``internal`` have no common real solution, or None if that was
    not shown (see the module docstring); ``budget`` bounds a phase-one solve."""
    if internal.params:
        return None
    rels, plain = _relations(internal)
    for rel in rels:
        if not rel.expr.free_symbols and _constant_false(rel):
            return f"{rel.text} can never hold"
    for group in _groups(rels, plain):
        if len(group) > MAX_GROUP:
            continue
        variables = sorted(set().union(*(r.expr.free_symbols for r in group)), key=str)
        if all(_affine(r.expr) for r in group):
            why = _linear_reason(group)
        elif len(variables) == 1:
            why = _univariate_reason(group)
        elif len(group) <= PHASE_ONE_MAX[0] and len(variables) <= PHASE_ONE_MAX[1]:
            why = _phase_one_reason(group, variables, budget)
        else:
            why = None
        if why:
            return why
    return None


def _relations(internal):
    """The constraints as :class:`_Rel` over fresh real symbols without sign assumptions."""
    plain = {v: sp.Symbol(v.name, real=True) for v in internal.variables}
    user = internal.problem
    rels = []
    for g, c in zip(internal.g, user.equalities):
        rels.append(_Rel(sp.expand(g.xreplace(plain)), "==", str(c)))
    sign = -internal.sense.sign          # internal h: <= 0 (max), >= 0 (min)
    for h, strict, c in zip(internal.h, internal.strict, user.inequalities):
        rels.append(_Rel(sp.expand(sign * h.xreplace(plain)), ">" if strict else ">=", str(c)))
    for v in internal.variables:
        s = plain[v]
        for test, expr, op, word in ((v.is_positive, s, ">", "positive"),
                                     (v.is_negative, -s, ">", "negative"),
                                     (v.is_nonnegative and not v.is_positive, s, ">=", "nonnegative"),
                                     (v.is_nonpositive and not v.is_negative, -s, ">=", "nonpositive")):
            if test:
                rel = {"positive": "> 0", "negative": "< 0", "nonnegative": ">= 0",
                       "nonpositive": "<= 0"}[word]
                rels.append(_Rel(expr, op, f"{v} {rel} ({v} is declared {word})"))
    return rels, list(plain.values())


def _constant_false(rel: _Rel) -> bool:
    value = rel.expr
    if rel.op == "==":
        return value != 0
    return bool(value < 0) if rel.op == ">=" else bool(value <= 0)


def _groups(rels, symbols):
    """The constraints split into groups that share no variable (union-find on symbols)."""
    parent = {s: s for s in symbols}

    def root(s):
        while parent[s] is not s:
            s = parent[s]
        return s

    for r in rels:
        syms = [s for s in r.expr.free_symbols if s in parent]
        for a in syms[1:]:
            parent[root(a)] = root(syms[0])
    groups = {}
    for r in rels:
        syms = [s for s in r.expr.free_symbols if s in parent]
        if syms:
            groups.setdefault(root(syms[0]), []).append(r)
    return list(groups.values())


def _affine(expr) -> bool:
    syms = sorted(expr.free_symbols, key=str)
    try:
        poly = sp.Poly(expr, *syms)
    except sp.PolynomialError:
        return False
    return poly.total_degree() <= 1 and all(c.is_Rational for c in poly.coeffs())


def _irreducible(items, infeasible):
    """A subset of ``items`` that is still infeasible and from which no item can be dropped
    (the deletion filter)."""
    keep = list(items)
    for item in list(items):
        rest = [r for r in keep if r is not item]
        if rest and infeasible(rest):
            keep = rest
    return keep


def _texts(rels) -> str:
    texts = [r.text for r in rels]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


# -- linear groups: the exact simplex method -----------------------------------------------------

def _lp_infeasible(rels) -> bool:
    """No real point satisfies the linear relations (exact simplex; strict ones by a slack)."""
    from sympy.solvers.simplex import InfeasibleLPError, UnboundedLPError, lpmax

    t = sp.Dummy("t")
    strict = any(r.op == ">" for r in rels)
    constraints = []
    for r in rels:
        if r.op == "==":        # two inequalities: SymPy 1.14's lpmax with an Eq can return
            # a point that violates the other constraints (x + y = 1 with x + y <= 0 'feasible')
            constraints += [sp.Ge(r.expr, 0), sp.Le(r.expr, 0)]
        elif r.op == ">=":
            constraints.append(sp.Ge(r.expr, 0))
        else:
            constraints.append(sp.Ge(r.expr - t, 0))
    constraints = [c for c in constraints if c is not sp.true]
    if any(c is sp.false for c in constraints):
        return True
    if strict:
        constraints.append(sp.Le(t, 1))
    try:
        value, _ = lpmax(t if strict else sp.S.Zero, constraints)
    except InfeasibleLPError:
        return True
    except UnboundedLPError:
        return False
    return strict and value <= 0


def _linear_reason(group) -> str | None:
    if not _lp_infeasible(group):
        return None
    core = _irreducible(group, _lp_infeasible)
    return (f"the linear constraints {_texts(core)} have no common solution (exact simplex "
            "method)" if len(core) > 1 else f"{core[0].text} has no real solution")


# -- univariate groups: solution sets ------------------------------------------------------------

def _solution_set(rel: _Rel, x):
    op = {"==": sp.Eq, ">=": sp.Ge, ">": sp.Gt}[rel.op]
    try:
        region = sp.solveset(op(rel.expr, 0), x, sp.S.Reals)
    except (NotImplementedError, ValueError, TypeError):
        return None
    if region.has(sp.ConditionSet, sp.ImageSet):
        return None
    return region


def _univariate_reason(group) -> str | None:
    (x,) = set().union(*(r.expr.free_symbols for r in group))
    sets = {}
    for r in group:
        region = _solution_set(r, x)
        if region is None:
            return None
        sets[r] = region

    def empty(rels):
        return sp.Intersection(*[sets[r] for r in rels]) is sp.S.EmptySet

    if not empty(group):
        return None
    core = _irreducible(group, empty)
    if len(core) == 1:
        return f"{core[0].text} has no real solution"
    parts = [f"{r.text} holds for {x} in {sp.sstr(sets[r])}" for r in core]
    return "; ".join(parts) + f": no real {x} satisfies all of them"


# -- nonlinear groups: the phase-one problem -----------------------------------------------------

def _phase_one_reason(group, variables, budget) -> str | None:
    """max t subject to r >= t for every inequality r >= 0 of the group (r = 0 for the
    equalities): infeasible when the maximum t*, the largest margin, is exact, certified
    global and negative."""
    inequalities = [r for r in group if r.op != "=="]
    if not inequalities:
        return None                        # equalities alone: solve_system has decided them
    t = sp.Symbol("t_" + "_".join(str(v) for v in variables), real=True)
    constraints = [sp.Eq(r.expr, 0) for r in group if r.op == "=="] + \
        [sp.Ge(r.expr, t) for r in inequalities]
    try:
        internal = StandardForm(maximize(t, constraints, variables=[*variables, t]))
        points, residual, _ = find_candidates(internal, budget)
        verdict = decide(internal, points) if not residual else None
    except (TimeLimit, TooLarge, ValueError, NotImplementedError):
        return None
    if verdict is None or verdict.status != "optimal" or \
            not (verdict.value.is_real and verdict.value.is_negative):
        return None
    if verdict.certified:
        proof = verdict.evidence[0]
        proof = "the margin" + proof[1:] if proof.startswith("f ") else proof
    else:
        proof = _bounded_margin(group, variables)
        if proof is None:
            return None
    where = ", ".join(f"{sp.sstr(v)} = {sp.sstr(verdict.optimum[0].x[v])}"
                      for v in internal.variables[:-1])
    return (f"no point satisfies {_texts(group)}: the largest margin by which a point meets "
            f"all of them at once is {sp.sstr(verdict.value)} < 0, at {where}. This is the "
            "exact maximum of the phase-one problem (maximize the margin with every "
            f"constraint met by at least that much), proved global: {proof}")


def _bounded_margin(group, variables) -> str | None:
    """Why the phase-one maximum is attained at a critical point even without curvature: a
    constraint of the group whose leading form is definite in every variable (negative for
    an inequality r >= t) keeps x bounded while the margin t stays above any value, so the
    margin's supremum over {t >= the best candidate's} is a maximum over a compact set, at
    one of the critical points, all of which were found exactly."""
    for rel in group:
        if definite_form(rel.expr, variables) != set(variables):
            continue
        top = leading_form(rel.expr, variables)
        sign = sp.sign(top.xreplace({v: 1 for v in variables}))
        if rel.op == "==" or sign == -1:
            return (f"{rel.text} keeps {', '.join(map(str, variables))} bounded whatever the "
                    "margin (its leading form is definite), so the largest margin is attained "
                    "at a critical point, and all of them were found exactly")
    return None
