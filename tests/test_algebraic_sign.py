"""Exact signs of rational functions of one real CRootOf (lagropt/solver/algebraic.py).

The expected signs are derived independently of the code under test: from the sign of the root's
polynomial at rational points (p is increasing around its root, so sign(r - c) = -sign(p(c))),
from p(r) = 0 itself, or from mpmath's roots evaluated at 60 digits.
"""

import mpmath
import sympy as sp
from hypothesis import given, settings, strategies as st

from lagropt.solver.algebraic import algebraic_sign, algebraic_value

x = sp.Symbol("x")
P = x ** 5 - x - 1                      # irreducible (mod 5 it is the Artin-Schreier x^5 - x - 1)
R = sp.CRootOf(P, 0)                    # its one real root, about 1.1673


def _p_at(c):
    return P.subs(x, c)


def test_sign_beside_the_root_follows_the_polynomial():
    # p' = 5x^4 - 1 > 0 for x > 5^(-1/4) ~ 0.67: p increases through its root, so
    # sign(r - c) = -sign(p(c)) for c > 0.67
    for c in (sp.Rational(11673, 10000), sp.Rational(11674, 10000), sp.Rational(7, 6)):
        assert algebraic_sign(R - c) == -sp.sign(_p_at(c))
    assert algebraic_sign(R - sp.Rational(11673, 10000)) == 1      # p(1.1673) < 0
    assert algebraic_sign(R - sp.Rational(11674, 10000)) == -1     # p(1.1674) > 0


def test_a_rational_sixty_digits_from_the_root():
    # c: the root to 60 digits, rounded; the sign of r - c is again -sign(p(c)), and |r - c|
    # < 1e-59: no evaluation at 50 digits could tell
    with mpmath.workdps(80):
        root = mpmath.findroot(lambda t: t ** 5 - t - 1, 1.17)
        c = sp.Rational(int(mpmath.nint(root * 10 ** 60)), 10 ** 60)
    assert _p_at(c) != 0
    assert algebraic_sign(R - c) == -sp.sign(_p_at(c))
    assert algebraic_sign(c - R) == sp.sign(_p_at(c))


def test_zero_is_exact():
    # r^7 - r^3 - r^2 = r^2 (r^5 - r - 1) = r^2 p(r) = 0
    assert algebraic_sign(R ** 7 - R ** 3 - R ** 2) == 0
    assert algebraic_sign((R ** 5 - 1) / R - 1) == 0               # (r^5 - 1)/r = 1
    assert algebraic_value(R ** 5 - R - 1) == 0


def test_what_it_does_not_decide_is_none():
    assert algebraic_sign(1 / (R ** 5 - R - 1)) is None       # 1/p(r): undefined
    assert algebraic_sign(sp.sqrt(2) * R) is None             # a second algebraic number
    assert algebraic_sign(R + sp.CRootOf(x ** 3 - 2, 0)) is None
    assert algebraic_sign(sp.exp(R)) is None
    assert algebraic_sign(x * R) is None                      # not a number
    assert algebraic_sign(sp.Rational(3, 7)) is None          # no root at all


def test_a_denominator_is_inverted_modulo_the_polynomial():
    # r > 1 (p(1) = -1 < 0 and p increases): 1/(r - 1) > 0, 1/(1 - r) < 0
    assert algebraic_sign(1 / (R - 1)) == 1
    assert algebraic_sign(1 / (1 - R)) == -1


def test_value_to_four_digits():
    with mpmath.workdps(60):
        root = mpmath.findroot(lambda t: t ** 5 - t - 1, 1.17)
        expected = 1000 * root ** 3 - 7
    got = algebraic_value(1000 * R ** 3 - 7)
    assert abs(float(got) - float(expected)) <= 1e-3 * abs(float(expected))
    got = algebraic_value(-R / 1000)
    assert abs(float(got) + float(root) / 1000) <= 1e-3 * float(root) / 1000


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-50, 50), min_size=1, max_size=6),
       st.integers(1, 20), st.integers(0, 2))
def test_random_polynomials_against_sixty_digits(coeffs, scale, which):
    """sign(q(r)) for r a real root of x^3 - 3x + 1 (three real roots, 2cos(2 pi k/9)-like),
    checked against mpmath at 60 digits where |q(r)| is clearly away from 0."""
    cubic = x ** 3 - 3 * x + 1
    root = sp.CRootOf(cubic, which)
    q = sum(sp.Rational(c, scale) * x ** k for k, c in enumerate(coeffs))
    with mpmath.workdps(60):
        value = sorted(mpmath.re(v) for v in mpmath.polyroots([1, 0, -3, 1], extraprec=200))[which]
        numeric = sum(mpmath.mpf(c) / scale * value ** k for k, c in enumerate(coeffs))
    got = algebraic_sign(q.subs(x, root))
    if not q.has(x):                  # a rational: no root to decide in, left to the caller
        assert got is None
        return
    # x^3 - 3x + 1 is irreducible (no rational root +-1), so q(r) = 0 only when the cubic
    # divides q, which a nonzero q of degree < 3 cannot; degree 3..5 may vanish exactly
    if abs(numeric) > mpmath.mpf(10) ** -40:
        assert got == (1 if numeric > 0 else -1)
    else:
        assert sp.rem(q, cubic, x) == 0 and got == 0
