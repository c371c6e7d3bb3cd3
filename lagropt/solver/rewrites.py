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

``take_logarithms``: equations between positive products of powers (the first-order
conditions of a Cobb-Douglas technology, p a K**(a-1) L**b = r, or of a geometric program) are
equivalent to their logarithms, which are linear in log K, log L. Lossless: log is one-to-one on
the positive numbers, and the linear system is solved only when its determinant is not zero
(a determinant in the parameters only, 1 - a - b, is recorded as a condition).

Each strategy takes a :class:`.system.Work` (the branch, the primal unknowns) and returns a
:class:`.branches.Step` or None, as the strategies of :mod:`.system` do.
"""

from __future__ import annotations

import sympy as sp

from .branches import Branch, Op, Step, tidy as _tidy

__all__ = ["divide_stationarity", "take_logarithms"]


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


# -- logarithms of products of powers ------------------------------------------------------------

def _monomial(term, unknowns):
    """{u: exponent} and the coefficient of a product c * prod u**e_u of positive factors (c
    positive, each u a positive unknown, each e_u free of unknowns), else None."""
    exponents, coefficient = {}, []
    for factor in sp.Mul.make_args(term):
        base, exp = factor.as_base_exp()
        if base in unknowns and base.is_positive and not exp.free_symbols & unknowns:
            exponents[base] = exponents.get(base, 0) + exp
        elif factor.free_symbols & unknowns or factor.is_positive is not True:
            return None
        else:
            coefficient.append(factor)
    return exponents, sp.Mul(*coefficient)


def _binomial(eq, unknowns):
    """eq = P_1 - P_2 with P_1, P_2 positive monomials in the unknowns: the linear equation
    log P_1 = log P_2 as ({u: e_1u - e_2u}, log c_2 - log c_1), else None."""
    terms = sp.Add.make_args(eq)
    if len(terms) != 2:
        return None
    plus = [t for t in terms if not t.could_extract_minus_sign()]
    minus = [-t for t in terms if t.could_extract_minus_sign()]
    if len(plus) != 1 or len(minus) != 1:
        return None
    one, two = _monomial(plus[0], unknowns), _monomial(minus[0], unknowns)
    if one is None or two is None:
        return None
    row = {u: one[0].get(u, 0) - two[0].get(u, 0) for u in set(one[0]) | set(two[0])}
    row = {u: e for u, e in row.items() if e != 0}
    return (row, sp.expand_log(sp.log(two[1] / one[1]), force=False)) if row else None


def take_logarithms(work) -> Step | None:
    """Products of powers of positive quantities (p a K**(a-1) L**b = r, a Cobb-Douglas
    technology): both sides positive, so the equations are equivalent to their logarithms,
    linear in log K, log L. When n such equations (with a non-integer exponent) involve n
    unknowns and their matrix is non-singular (its determinant a non-zero expression, or one
    in the parameters only, recorded as != 0), log u = the solution: u = e**(...)."""
    branch = work.branch
    unknowns = set(branch.unknowns)
    rows = [(i, _binomial(eq, unknowns)) for i, eq in enumerate(branch.equations)
            if _has_radical_of(eq, unknowns)]
    rows = [(i, r) for i, r in rows if r is not None]
    involved = sorted(set().union(*[r[0] for _, r in rows]) if rows else set(), key=str)
    if not rows or len(rows) != len(involved):
        return None
    matrix = sp.Matrix([[r[0].get(u, 0) for u in involved] for _, r in rows])
    det = sp.factor(matrix.det())
    if det.is_zero is not False and (det.is_zero or det.free_symbols & unknowns or det == 0):
        return None
    logs = matrix.LUsolve(sp.Matrix([r[1] for _, r in rows]))
    values = {u: _as_powers(log_u) for u, log_u in zip(involved, logs)}
    return Step(reopened=[_logged(branch, [i for i, _ in rows], values, det, involved, logs)])


def _log_parts(log_u) -> dict:
    """{log b_j: c_j, 1: d} for log_u = sum_j c_j log b_j + d (positive b_j), each coefficient
    over one denominator."""
    expanded = sp.expand(log_u)
    logs = sorted((t for t in expanded.atoms(sp.log) if t.args[0].is_positive),
                  key=sp.default_sort_key)
    parts = sp.collect(expanded, logs, evaluate=False) if logs else {sp.S.One: expanded}
    return {k: sp.factor(sp.cancel(c)) for k, c in parts.items()}


def _collected_logs(log_u):
    """sum_j c_j log b_j + d, one term per logarithm."""
    return sp.Add(*[c * k for k, c in _log_parts(log_u).items()])


def _as_powers(log_u):
    """e**(sum_j c_j log b_j + d) = prod_j b_j**c_j e**d for positive b_j (the definition of
    b**c)."""
    parts = _log_parts(log_u)
    value = sp.exp(parts.pop(sp.S.One, sp.S.Zero))
    for log_b, c in parts.items():
        value *= log_b.args[0] ** c
    return value


def _logged(branch, used, values, det, involved, logs) -> Branch:
    keep = [j for j in range(len(branch.equations)) if j not in used]
    lines = tuple(sp.Eq(sp.log(u), _collected_logs(v), evaluate=False)
                  for u, v in zip(involved, logs))
    condition = [] if det.is_zero is False else [sp.Ne(det, 0)]
    op = Op("loglinear", note=" and ".join(f"{sp.sstr(c.lhs)} is not zero" for c in condition),
            stage=tuple(branch.equations[i] for i in used), form=lines)
    return Branch([_tidy(branch.equations[j].xreplace(values)) for j in keep],
                  [u for u in branch.unknowns if u not in values],
                  [branch.owners[j] for j in keep],
                  branch.assigned + list(values.items()), list(branch.conditions) + condition,
                  branch.ops + [op])
