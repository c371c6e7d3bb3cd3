"""Isolate one unknown in an equation by inverting the operations around it.

This is how the lecture solves ``-ln p_i - 1 = lambda`` for ``p_i``: the unknown occurs once,
so the equation ``E(u) = 0`` is unwound operation by operation (subtract the other terms,
divide by a non-zero factor, take ``log`` of ``exp``, ...). Each inversion is exact and
returns *every* real solution, with the conditions under which it exists (``R > 0`` for
``exp(u) = R``), so that elimination by isolation never loses or invents a solution.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = ["Isolated", "isolate", "gather"]


@dataclass(frozen=True)
class Isolated:
    """One real solution ``u = value``, valid where every relation in ``conditions`` holds."""

    value: sp.Expr
    conditions: tuple = ()
    exp_stage: object = None   # e^{...} = R, the step before the logarithm (the lecture shows it)


def _decided(cond):
    """True/False when SymPy can decide ``cond``; None otherwise."""
    if cond in (sp.true, sp.false):
        return bool(cond)
    return None


def _nonzero(expr: sp.Expr, unknowns) -> bool | None:
    """Whether expr is non-zero for every value of the unknowns (None if not known)."""
    z = expr.is_zero
    if z is not None:
        return not z
    if expr.free_symbols & set(unknowns):
        return None
    return None


def _with(conds: tuple, cond) -> tuple | None:
    """Add a condition; None when it is certainly false (the branch has no solution)."""
    d = _decided(cond)
    if d is True:
        return conds
    if d is False:
        return None
    return conds + (cond,)


def isolate(expr: sp.Expr, u: sp.Symbol, unknowns=()) -> list[Isolated] | None:
    """All real solutions of ``expr = 0`` for ``u``, or None if ``u`` cannot be isolated.

    ``u`` must occur exactly once in ``expr``. Factors that are divided out must be free of
    the other ``unknowns`` or provably non-zero (dividing by ``x`` would lose ``x = 0``);
    factors in parameters only are divided out under the recorded condition ``factor != 0``.
    Returns ``[]`` when the equation has no real solution.
    """
    if expr.count(u) != 1:
        return None
    others = [v for v in unknowns if v != u]
    lhs, rhs, conds = expr, sp.Integer(0), ()
    for _ in range(200):
        if lhs == u:
            return [Isolated(rhs, conds)]
        if isinstance(lhs, sp.Add):
            dep, indep = lhs.as_independent(u, as_Add=True)[::-1]
            lhs, rhs = dep, rhs - indep
            continue
        if isinstance(lhs, sp.Mul):
            coeff, dep = _keep_exponent_whole(*lhs.as_independent(u, as_Add=False))
            nz = coeff.is_zero
            if nz is True:
                return None
            if nz is None:
                if coeff.free_symbols & set(others):
                    return None
                conds = _with(conds, sp.Ne(coeff, 0))
                if conds is None:
                    return None
            lhs, rhs = dep, rhs / coeff
            continue
        if isinstance(lhs, sp.exp):
            conds = _with(conds, sp.Gt(rhs, 0))
            if conds is None:
                return []
            stage = sp.Eq(lhs, rhs, evaluate=False)
            sols = _continue(lhs.args[0], sp.log(rhs), conds, u, unknowns)
            return None if sols is None else [Isolated(s_.value, s_.conditions, stage) for s_ in sols]
        if isinstance(lhs, sp.log):
            lhs, rhs = lhs.args[0], sp.exp(rhs)
            continue
        if isinstance(lhs, sp.Pow):
            return _invert_power(lhs, rhs, conds, u, unknowns)
        inv = _INVERSES.get(type(lhs))
        if inv is not None:
            domain = _INVERSE_DOMAIN.get(type(lhs))
            if domain is not None:
                conds = _with(conds, domain(rhs))
                if conds is None:
                    return []
            lhs, rhs = lhs.args[0], inv(rhs)
            continue
        return None
    return None


def _keep_exponent_whole(coeff, dep):
    """e^{-1} e^{-lambda} -> e^{-(1 + lambda)}: numeric exponentials stay with the unknown's,
    so that the chain reads e^{-(1 + lambda)} = 1/I as in the lecture, not e^{-lambda} = e/I."""
    if not isinstance(dep, sp.exp):
        return coeff, dep
    numeric = [f for f in sp.Mul.make_args(coeff) if isinstance(f, sp.exp) and f.args[0].is_number]
    if not numeric:
        return coeff, dep
    return coeff / sp.Mul(*numeric), sp.exp(dep.args[0] + sum(f.args[0] for f in numeric))


_INVERSES = {sp.sinh: sp.asinh, sp.asinh: sp.sinh, sp.atan: sp.tan, sp.tanh: sp.atanh}
_INVERSE_DOMAIN = {sp.atan: lambda r: sp.And(sp.Gt(r, -sp.pi / 2), sp.Lt(r, sp.pi / 2)),
                   sp.tanh: lambda r: sp.And(sp.Gt(r, -1), sp.Lt(r, 1))}


def _invert_power(lhs: sp.Pow, rhs, conds, u, unknowns):
    base, e = lhs.args
    if u in e.free_symbols:
        # b**e(u) = rhs with b > 0, b != 1 constant:  e(u) = log(rhs) / log(b)
        if base.is_positive and base != 1:
            conds = _with(conds, sp.Gt(rhs, 0))
            if conds is None:
                return []
            return _continue(e, sp.log(rhs) / sp.log(base), conds, u, unknowns)
        return None
    if e == -1:
        conds = _with(conds, sp.Ne(rhs, 0))
        if conds is None:
            return []
        return _continue(base, 1 / rhs, conds, u, unknowns)
    if e.is_Integer and e > 0:
        if e % 2 == 1:
            return _continue(base, sp.real_root(rhs, e), conds, u, unknowns)
        cond = _with(conds, sp.Ge(rhs, 0))
        if cond is None:
            return []
        root = rhs ** sp.Rational(1, e)
        if rhs.is_zero:
            return _continue(base, sp.Integer(0), conds, u, unknowns)
        out = []
        for r in (root, -root):
            sub = _continue(base, r, cond, u, unknowns)
            if sub is None:
                return None
            out.extend(sub)
        return out
    if e.is_Integer and e < 0:
        conds = _with(conds, sp.Ne(rhs, 0))
        if conds is None:
            return []
        return _invert_power(sp.Pow(base, -e, evaluate=False), 1 / rhs, conds, u, unknowns)
    if e.is_Rational and e.q == 2 and e.p == 1:
        # sqrt(base) = rhs  =>  base = rhs**2 with rhs >= 0
        conds = _with(conds, sp.Ge(rhs, 0))
        if conds is None:
            return []
        return _continue(base, rhs ** 2, conds, u, unknowns)
    if base.is_positive or (base == u and u.is_positive):
        # base > 0:  base**e = rhs  =>  base = rhs**(1/e), rhs > 0, e != 0
        conds = _with(conds, sp.Gt(rhs, 0))
        if conds is None:
            return []
        if e.is_zero is None:
            conds = _with(conds, sp.Ne(e, 0))
        return _continue(base, rhs ** (1 / e), conds, u, unknowns)
    return None


def _continue(lhs, rhs, conds, u, unknowns):
    if lhs == u:
        return [Isolated(rhs, conds)]
    sub = isolate(lhs - rhs, u, unknowns)
    if sub is None:
        return None
    return [Isolated(s.value, conds + s.conditions) for s in sub]


def gather(expr: sp.Expr, u: sp.Symbol):
    """Rewritings of ``expr`` in which ``u`` may occur once: the lecture's normalisation step.

    ``sum_i exp(-1 - lambda_1 - lambda_2 eps_i) - 1`` becomes
    ``exp(-1) exp(-lambda_1) sum_i exp(-lambda_2 eps_i) - 1`` (split the exponentials, pull the
    common factor out of the terms that contain ``u``). Rational expressions are reduced to
    their numerator (the caller checks the denominator afterwards).
    """
    seen = {expr}
    for candidate in _rewrites(expr, u):
        if candidate not in seen:
            seen.add(candidate)
            yield candidate


def _collect_terms(expr, u):
    if not isinstance(expr, sp.Add):
        return sp.factor_terms(expr)
    dep = [t for t in expr.args if t.has(u)]
    indep = [t for t in expr.args if not t.has(u)]
    return sp.factor_terms(sp.Add(*dep)) + sp.Add(*indep)


def _rewrites(expr, u):
    yield _collect_terms(expr, u)
    if sp.count_ops(expr) > 400:
        return
    split = expr.replace(lambda e: isinstance(e, sp.exp) and isinstance(e.args[0], sp.Add),
                          lambda e: sp.Mul(*[sp.exp(a) for a in e.args[0].args]))
    yield _collect_terms(split, u)
    if sp.count_ops(split) > 400:
        return
    yield _collect_terms(sp.expand(split), u)
    num, den = sp.fraction(sp.together(expr))
    if den.has(u):
        yield _collect_terms(sp.expand(num), u)
        yield _collect_terms(num, u)
    yield sp.collect(sp.expand(expr), u)
