"""Eliminations a lecturer would make by hand, as strategies of :data:`.system.STRATEGIES`.

``divide_stationarity``: the ratio of two stationarity equations. Economics courses solve
max u(x, y) subject to p x + q y = m by dividing u_x = lambda p by u_y = lambda q: the marginal
rate of substitution equals the price ratio, u_x / u_y = p / q, and with the budget line that
gives the demands. For Cobb-Douglas and CES utilities with positive goods the quotient of the
radicals collapses (sqrt(y)/sqrt(x) over sqrt(x)/sqrt(y) is y/x), so the system becomes
polynomial where isolating x from u_x = lambda p would have left nested radicals.

Lossless (as every strategy of :mod:`.system`): with equations A_i = lambda B_i, where lambda is
a multiplier that occurs nowhere else in A_i, B_i, and B_i != 0, the system is equivalent to
lambda = A_i / B_i together with A_k B_i = A_i B_k for every other such equation k; when also
A_k != 0 and B_k != 0 the latter is A_i / A_k = B_i / B_k, the ratio the lecture writes. Every
factor with unknowns divided by is proven non-zero by SymPy's assumptions (positive goods,
positive prices), else the strategy does not apply; a factor in the parameters only is divided
out under the recorded condition that it is non-zero (1 - a != 0), as isolation does.

Each strategy takes a :class:`.system.Work` (the branch, the primal unknowns) and returns a
:class:`.branches.Step` or None, as the strategies of :mod:`.system` do.
"""

from __future__ import annotations

import sympy as sp

from .branches import Branch, Op, Step, tidy as _tidy

__all__ = ["divide_stationarity"]


def _linear_in(eq, lam):
    """(A, B) with eq = A - lam B and neither containing lam, else None."""
    a, dep = eq.as_independent(lam, as_Add=True)
    b = sp.factor_terms(sp.Add(*[-t / lam for t in sp.Add.make_args(dep)]))
    if b == 0 or b.has(lam):
        return None
    return a, b


def _has_radical_of(expr, unknowns) -> bool:
    """Whether expr holds a power of an unknown with a non-integer exponent (sqrt x, x**a)."""
    return any(not pw.exp.is_Integer and pw.base.free_symbols & unknowns
               for pw in expr.atoms(sp.Pow))


def _nonzero_conditions(expr, unknowns):
    """The conditions under which expr != 0, as isolation records them: () when SymPy's
    assumptions prove it (positive goods and prices), (Ne(c, 0),) for a factor c in the
    parameters only that may vanish (1 - a in (1 - a) x**a y**(-a)), None when a factor with
    unknowns may vanish (dividing by it would lose solutions)."""
    coeff, dependent = expr.as_independent(*unknowns, as_Add=False)
    if dependent.is_zero is not False or coeff.is_zero is True:
        return None
    return () if coeff.is_zero is False else (sp.Ne(coeff, 0),)


def _stationarity_forms(work):
    """{multiplier: [(index, A, B, conditions)]}: the stationarity equations A = lambda B of
    the branch in which a single multiplier occurs (linearly), with the conditions under which
    A != 0 and B != 0 (equations where that is not shown are left out)."""
    branch = work.branch
    multipliers = [u for u in branch.unknowns if u not in work.primary]
    found: dict = {}
    for i, (eq, owner) in enumerate(zip(branch.equations, branch.owners)):
        if owner not in work.primary:
            continue
        present = [lam for lam in multipliers if eq.has(lam)]
        if len(present) != 1:
            continue
        form = _linear_in(eq, present[0])
        if form is None:
            continue
        conditions = [_nonzero_conditions(e, branch.unknowns) for e in form]
        if None not in conditions:
            found.setdefault(present[0], []).append((i,) + form + (sum(conditions, ()),))
    return found


def _ratio(a_i, a_k, b_i, b_k):
    """The equation A_i / A_k = B_i / B_k with each side's powers collected (y/x = p/q)."""
    return sp.Eq(sp.powsimp(a_i / a_k), sp.powsimp(b_i / b_k), evaluate=False)


def divide_stationarity(work) -> Step | None:
    """Divide the stationarity equations A_i = lambda B_i pairwise (the marginal rate of
    substitution equals the price ratio): lambda = A_i / B_i, and A_i / A_k = B_i / B_k for the
    others. Applies when at least two such equations hold radicals of the variables (for
    polynomial systems the Groebner basis is complete and faster)."""
    primal = set(work.primary)
    for lam, forms in _stationarity_forms(work).items():
        forms = [f for f in forms if _has_radical_of(f[1] - lam * f[2], primal)]
        if len(forms) >= 2:
            return Step(reopened=[_divided(work.branch, lam, forms)])
    return None


def _divided(branch: Branch, lam, forms) -> Branch:
    """The branch with lambda = A_i / B_i assigned and each other equation k of ``forms``
    replaced by the ratio A_i / A_k = B_i / B_k."""
    i, a_i, b_i, _ = forms[0]
    value = _tidy(a_i / b_i)
    ratios = {k: _ratio(a_i, a_k, b_i, b_k) for k, a_k, b_k, _ in forms[1:]}
    conditions = [c for form in forms for c in form[3] if c not in branch.conditions]
    equations, owners, ops = [], [], []
    for j, (eq, owner) in enumerate(zip(branch.equations, branch.owners)):
        if j == i:
            continue
        if j in ratios:
            ratio = ratios[j]
            equations.append(_tidy(ratio.lhs - ratio.rhs))
            ops.append(Op("ratio", eq, lam, value, form=branch.equations[i], owner=owner,
                          stage=ratio, pair=(branch.owners[i], owner),
                          note=" and ".join(f"{sp.sstr(c.lhs)} is not zero" for c in conditions)))
        else:
            equations.append(_tidy(eq.xreplace({lam: value})))
        owners.append(owner)
    ops.append(Op("isolate", branch.equations[i], lam, value, owner=branch.owners[i]))
    return Branch(equations, [u for u in branch.unknowns if u != lam], owners,
                  branch.assigned + [(lam, value)], list(branch.conditions) + conditions,
                  branch.ops + ops)
