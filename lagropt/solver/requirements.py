"""What a point must satisfy to be admissible, and the sign of an expression: the variables' sign assumptions, the
inequalities (primal feasibility), and relations decided exactly where they can be.

Shared by the candidate stage (:mod:`.candidates`), the limits (:mod:`.limits`) and the closure
(:mod:`.closure`), none of which needs the others for it.
"""

from __future__ import annotations

import sympy as sp

from .algebraic import algebraic_sign
from .system import is_zero
from ..assumptions import assumed_sign

__all__ = ["sign_of", "nonnegative", "without_radicals", "as_nonnegative", "decide", "real_number", "sign_requirements", "feasibility_requirements"]


def sign_of(expr) -> int | None:
    """-1, 0 or 1 for an expression whose sign is decided (exactly), else None; under the
    assumptions on the parameters of the solve under way (:mod:`lagropt.assumptions`) when the
    expression alone does not decide it."""
    expr = sp.sympify(expr)
    s = _plain_sign(expr)
    return s if s is not None or expr.is_number else assumed_sign(expr, _plain_sign)


def _plain_sign(expr) -> int | None:
    """The sign from the expression and its symbols' own assumptions alone."""
    if expr.is_number:
        exact = algebraic_sign(expr)        # a rational function of one real CRootOf: exact
        if exact is not None:
            return exact
        # a number clearly away from zero at 50 digits has that sign; SymPy's assumption queries
        # on algebraic numbers (CRootOf) can take seconds for the same answer
        z = is_zero(expr)
        if z is True:
            return 0
        if z is False:
            val = sp.N(expr, 50)
            if val.is_real or abs(sp.im(val)) < 1e-40:
                return 1 if sp.re(val) > 0 else -1
        return None
    z = is_zero(expr)
    if z is True:
        return 0
    if expr.is_positive:
        return 1
    if expr.is_negative:
        return -1
    for form in (sp.simplify(expr),) if sp.count_ops(expr) < 60 else ():
        if form.is_positive:
            return 1
        if form.is_negative:
            return -1
    form = without_radicals(expr)
    if form is not None:
        if form.is_positive:
            return 1
        if form.is_negative:
            return -1
    return None


def without_radicals(expr):
    """expr with each positive symbol s under a root (s**(k/n)) written as S**n, S positive,
    and factored, or None: a one-to-one change of a positive variable, after which roots
    cancel (m (sqrt p - sqrt q)/(sqrt q (p - q)) = m/(Q (P + Q)) with p = P^2, q = Q^2)."""
    roots = {}
    for power in expr.atoms(sp.Pow):
        base, exp = power.as_base_exp()
        if isinstance(base, sp.Symbol) and base.is_positive and exp.is_Rational and exp.q > 1:
            roots[base] = sp.ilcm(roots.get(base, 1), exp.q)
    if not roots or sp.count_ops(expr) > 200:
        return None
    change = {s: sp.Dummy(s.name.upper(), positive=True) ** n for s, n in roots.items()}
    return sp.factor(expr.xreplace(change))


def nonnegative(expr) -> bool:
    """Whether ``expr >= 0`` is proven: from the expression and its symbols' assumptions, its
    simplified form, or under the assumptions on the parameters of the solve under way."""
    expr = sp.sympify(expr)
    if _plain_nonnegative(expr):
        return True
    return not expr.is_number and \
        assumed_sign(expr, lambda e: 1 if _plain_nonnegative(e) else None) == 1


def _plain_nonnegative(expr) -> bool:
    if expr == 0 or expr.is_nonnegative:
        return True
    if sp.count_ops(expr) < 200 and sp.simplify(expr).is_nonnegative:
        return True
    form = without_radicals(expr)
    return bool(form is not None and form.is_nonnegative)


def as_nonnegative(rel):
    """(e, strict) for an inequality meaning e >= 0 (e > 0 when strict), or None."""
    if isinstance(rel, (sp.GreaterThan, sp.StrictGreaterThan)):
        return rel.lhs - rel.rhs, isinstance(rel, sp.StrictGreaterThan)
    if isinstance(rel, (sp.LessThan, sp.StrictLessThan)):
        return rel.rhs - rel.lhs, isinstance(rel, sp.StrictLessThan)
    return None


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


def real_number(value) -> bool | None:
    """Whether a number is real (symbolic values are not asked: SymPy's assumption queries on
    large expressions are slow and rarely decisive)."""
    if not value.is_number:
        return None
    if algebraic_sign(value) is not None:      # a signed number is real
        return True
    if value.is_real is not None:
        return value.is_real
    v = sp.N(value, 40)
    if v.has(sp.nan) or not v.is_number:
        return None
    return bool(abs(sp.im(v)) < 1e-30)       # a Python bool: callers test `is False`


def natural_domain(expr) -> list:
    """Relations that hold wherever ``expr`` is real and defined (its natural domain, as far as
    logarithms, roots and quotients go): log(u) needs u > 0; u**e with e a rational that is
    not an integer needs u >= 0 (SymPy's root of a negative number is complex: (-8)**(1/3) is
    1 + sqrt(3) i), u > 0 when e < 0; u**(-k) (a quotient) needs u != 0. Relations free of
    the variables are left out."""
    out = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.log):
            out.append(sp.Gt(node.args[0], 0, evaluate=False))
        elif isinstance(node, sp.Pow) and node.exp.is_Rational and not node.exp.is_integer:
            out.append((sp.Gt if node.exp < 0 else sp.Ge)(node.base, 0, evaluate=False))
        elif isinstance(node, sp.Pow) and node.exp.is_integer and node.exp.is_negative:
            out.append(sp.Ne(node.base, 0, evaluate=False))
    return [r for r in dict.fromkeys(out) if r.free_symbols]


def problem_domain(internal) -> list:
    """The natural domain (:func:`natural_domain`) of f and of every constraint function of the
    :class:`~lagropt.standard.StandardForm` ``internal``, each relation once."""
    return list(dict.fromkeys(r for e in (internal.f, *internal.g, *internal.h)
                              for r in natural_domain(e)))


def domain_signs(internal) -> tuple[dict, list]:
    """:func:`problem_domain` in the variables, split into its sign conditions {v: strict}
    (v > 0: log v, strict; v >= 0: sqrt v) and the other relations in the variables (u != 0
    of a quotient, log(x + y) > 0); relations that hold under the symbols' assumptions
    (x != 0 for a positive x) are left out."""
    variables = internal.variables
    signs: dict = {}
    other = []
    for r in problem_domain(internal):
        if not (r.free_symbols & set(variables)) or r.func(*r.args) is sp.true:
            continue
        if isinstance(r, (sp.Gt, sp.Ge)) and r.rhs == 0 and r.lhs in variables:
            signs[r.lhs] = signs.get(r.lhs, False) or isinstance(r, sp.Gt)
        else:
            other.append(r)
    return {v: signs[v] for v in variables if v in signs}, other


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
    want_ge = not internal.sense.is_max
    out = []
    for j, h in enumerate(internal.h):
        if j in skip:
            continue
        rel = (sp.Gt if internal.strict[j] else sp.Ge) if want_ge else \
              (sp.Lt if internal.strict[j] else sp.Le)
        out.append(rel(h.xreplace(x), 0, evaluate=False))
    return out
