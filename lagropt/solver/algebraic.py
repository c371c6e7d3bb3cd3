"""The exact sign of an algebraic number given as a rational function of one real ``CRootOf``.

A point of a polynomial system is reported with coordinates ``q_i(r)``, polynomials in one real
root ``r`` of an integer polynomial ``p`` (:mod:`.polynomial`). Whether such a point is
feasible, or its multipliers nonnegative, asks for the sign of ``e = a(r)/b(r)``. SymPy's
``sign``/``simplify``/``evalf`` answer it by refining ``r`` again for every term (seconds for a
degree-17 ``p``); here it is decided once, exactly:

1. reduce ``e`` modulo ``p`` along its expression tree: ``q = a b^(-1) mod p`` with
   ``deg q < deg p``, so ``q(r) = e`` (:func:`reduced_in_root`); ``q = 0`` means ``e = 0``;
2. otherwise bound ``q`` on the root's isolating interval ``[lo, hi]`` by interval Horner,
   ``Q <- Q [lo, hi] + c_k`` in exact rationals, and halve the interval (keeping the half where
   ``p`` changes sign) until the bound excludes 0: its sign is then ``e``'s, a proof.

The halving stops after :data:`HALVINGS` steps (a count, never a clock): ``None`` then, and the
caller falls back to its general method. Every answer other than ``None`` is exact.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import sympy as sp

__all__ = ["algebraic_sign", "algebraic_value", "reduced_in_root", "HALVINGS"]

# 3000 halvings narrow the interval by 2^-3000 (about 900 digits): a nonzero q(r) is decided
# long before unless it is smaller than that, which integer data of this size do not produce.
HALVINGS = 3000


def algebraic_sign(expr) -> int | None:
    """-1, 0 or 1 for a number that is a rational function, with rational coefficients, of a
    single real ``CRootOf``; None for any other expression or when undecided."""
    found = _enclosure(expr, lambda low, high: low > 0 or high < 0)
    if found is None:
        return None
    low, high = found
    return 1 if low > 0 else -1 if high < 0 else 0


def algebraic_value(expr, digits: int = 4) -> sp.Expr | None:
    """The value of such a number to ``digits`` significant digits, from an enclosure
    [low, high] not containing 0 with high - low <= 10^-(digits + 1) min(|low|, |high|): for
    saying a number whose exact form is too long for a sentence (0 exactly when it is 0).
    None as above."""
    tol = Fraction(1, 10 ** (digits + 1))
    found = _enclosure(expr, lambda low, high: (low > 0 or high < 0) and
                       high - low <= tol * min(abs(low), abs(high)))
    if found is None:
        return None
    if found == (0, 0):
        return sp.S.Zero                  # exactly
    mid = (found[0] + found[1]) / 2
    return sp.Float(sp.Rational(mid.numerator, mid.denominator), digits)


def _enclosure(expr, narrow_enough) -> tuple | None:
    """(low, high) rationals holding the value of ``expr``, a rational function of one real
    CRootOf, once ``narrow_enough(low, high)``; (0, 0) when it is exactly 0; None otherwise."""
    expr = sp.sympify(expr)
    if not expr.is_number:
        return None
    roots = expr.atoms(sp.CRootOf)
    if len(roots) != 1:
        return None
    (root,) = roots
    if not root.is_real:
        return None
    reduced = reduced_in_root(expr, root)
    if reduced is None:
        return None
    if reduced.is_zero:
        return Fraction(0), Fraction(0)
    q_coeffs = [Fraction(int(c.numerator), int(c.denominator)) for c in reduced.all_coeffs()]
    _, integral = root.poly.clear_denoms()          # a positive multiple: the same signs
    p_coeffs = [int(c) for c in integral.all_coeffs()]
    interval = root._get_interval()
    lo = Fraction(int(interval.a.numerator), int(interval.a.denominator))
    hi = Fraction(int(interval.b.numerator), int(interval.b.denominator))
    return _narrowed(q_coeffs, p_coeffs, lo, hi, narrow_enough)


def reduced_in_root(expr, root) -> sp.Poly | None:
    """``expr`` as a polynomial ``Q`` over QQ of degree below ``deg p`` with ``Q(root) = expr``
    (``p`` = ``root.poly``), computed in QQ[t]/(p) along the expression tree: sums, products
    and integer powers (``b^-1 mod p`` for negative ones). None for anything else (another
    symbol or function, a non-integer power) or a denominator that vanishes at the root
    (not invertible modulo p)."""
    return _reduced(sp.sympify(expr), root)


@lru_cache(maxsize=4096)
def _reduced(e, root):
    """:func:`reduced_in_root`, cached: the requirements of one point share its coordinates."""
    p = _modulus(root)
    if e == root:
        return sp.Poly(p.gens[0], p.gens[0], domain=sp.QQ).rem(p)
    if e.is_Rational:
        return sp.Poly(e, p.gens[0], domain=sp.QQ)
    if e.is_Add or e.is_Mul:
        parts = [_reduced(a, root) for a in e.args]
        if any(q is None for q in parts):
            return None
        out = parts[0]
        for q in parts[1:]:
            out = out + q if e.is_Add else (out * q).rem(p)
        return out
    if e.is_Pow and e.exp.is_Integer:
        base = _reduced(e.base, root)
        if base is None:
            return None
        if e.exp < 0:
            try:
                base = base.invert(p)
            except (sp.polys.polyerrors.NotInvertible, sp.PolynomialError):
                return None
        return _power_mod(base, abs(int(e.exp)), p)
    return None


@lru_cache(maxsize=64)
def _modulus(root) -> sp.Poly:
    return sp.Poly(root.poly.as_expr(), root.poly.gens[0], domain=sp.QQ)


def _power_mod(base, n: int, p):
    """base^n mod p by repeated squaring."""
    out = sp.Poly(1, p.gens[0], domain=sp.QQ)
    while n:
        if n & 1:
            out = (out * base).rem(p)
        base = (base * base).rem(p)
        n >>= 1
    return out


def _narrowed(q, p, lo: Fraction, hi: Fraction, narrow_enough) -> tuple | None:
    """An interval holding q at the one root of p in (lo, hi), by halving (lo, hi) until the
    interval Horner bound satisfies ``narrow_enough``; None when p does not change sign on
    the ends or after HALVINGS halvings."""
    s_lo, s_hi = _sign(_horner(p, lo)), _sign(_horner(p, hi))
    if 0 in (s_lo, s_hi):                         # a rational root: q there exactly
        exact = _horner(q, lo if s_lo == 0 else hi)
        return exact, exact
    if s_lo * s_hi > 0:
        return None
    for _ in range(HALVINGS):
        low, high = _interval_horner(q, lo, hi)
        if narrow_enough(low, high):
            return low, high
        mid = (lo + hi) / 2
        s_mid = _sign(_horner(p, mid))
        if s_mid == 0:
            exact = _horner(q, mid)
            return exact, exact
        if s_mid == s_lo:
            lo = mid
        else:
            hi = mid
    return None


def _sign(v) -> int:
    return (v > 0) - (v < 0)


def _horner(coeffs, x):
    """c_0 x^n + ... + c_n at x (coefficients from the highest degree)."""
    acc = 0
    for c in coeffs:
        acc = acc * x + c
    return acc


def _interval_horner(coeffs, lo, hi) -> tuple:
    """An interval [low, high] holding c_0 x^n + ... + c_n for every x in [lo, hi]: Horner's
    rule Q <- Q X + c in interval arithmetic (the product's ends are the extreme products)."""
    low = high = Fraction(0)
    for c in coeffs:
        ends = (low * lo, low * hi, high * lo, high * hi)
        low, high = min(ends) + c, max(ends) + c
    return low, high
