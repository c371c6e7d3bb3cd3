"""The exact maximum-entropy distribution when the mean equation is a polynomial.

If every value is x_i = a + k_i d with integers k_i >= 0 (equally spaced values, or any rational
values: d is the greatest common divisor of their differences), then with w = e^{-beta d} the
Boltzmann weights are g_i e^{-beta x_i} = e^{-beta a} g_i w^{k_i}, and the mean constraint
sum_i p_i (x_i - m) = 0 becomes the polynomial equation

    P(w) = sum_i g_i (x_i - m) w^{k_i} = 0.

Its coefficients, ordered by k, change sign exactly once (negative below the mean, positive
above), so by Descartes' rule P has exactly one positive root: w is an algebraic number, and
beta = -ln(w) / d, p_i, Z and S follow exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

__all__ = ["ExactMaxEnt", "as_fraction", "exact_mean_solution"]


@dataclass
class ExactMaxEnt:
    """The exact solution of a mean-constrained maximum-entropy problem.

    Attributes
    ----------
    w : sympy.Symbol
        The unknown of the polynomial, w = e^{-beta d}.
    step : sympy.Rational
        d, the common step of the values.
    polynomial : sympy.Poly
        P(w) = sum_i g_i (x_i - m) w^{k_i}.
    root : sympy.Expr
        Its unique positive root (a Rational, a radical or a ``CRootOf``).
    beta : sympy.Expr
        -ln(root) / d.
    p : tuple of sympy.Expr
        p_i = g_i root^{k_i} / sum_j g_j root^{k_j}.
    log_Z : sympy.Expr
        ln sum_i g_i e^{-beta x_i} = ln(sum_j g_j root^{k_j}) - beta a (a logarithm, never a
        power root^(a/d), which SymPy would try to expand).
    entropy : sympy.Expr
        S = ln Z + beta m.
    """

    w: sp.Symbol
    step: sp.Rational
    polynomial: sp.Poly
    root: sp.Expr
    beta: sp.Expr
    p: tuple
    log_Z: sp.Expr
    entropy: sp.Expr

    @property
    def equation(self) -> sp.Equality:
        """P(w) = 0, with P scaled to coprime integer coefficients."""
        primitive = self.polynomial.clear_denoms()[1].primitive()[1]
        return sp.Eq(primitive.as_expr(), 0)

    @property
    def w_definition(self) -> sp.Expr:
        """e^{-beta d}, what w stands for."""
        return sp.exp(-sp.Symbol("beta") * self.step)


def as_fraction(v) -> Fraction | None:
    """``v`` as an exact Fraction (a float by its exact binary value), or None if irrational."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, Fraction)):
        return Fraction(v)
    if isinstance(v, sp.Rational):
        return Fraction(int(v.p), int(v.q))
    if isinstance(v, sp.Basic):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return Fraction(f) if math.isfinite(f) else None


def _rational(f: Fraction) -> sp.Rational:
    return sp.Rational(f.numerator, f.denominator)


def _common_step(diffs: list[Fraction]) -> Fraction:
    """The largest d with every difference an integer multiple of d."""
    denominator = math.lcm(*(f.denominator for f in diffs))
    return Fraction(math.gcd(*(int(f * denominator) for f in diffs)), denominator)


def exact_mean_solution(values, mean, degeneracy=None, max_degree: int = 60):
    """The exact solution for rational values and mean, or the reason there is none.

    Parameters
    ----------
    values : sequence of Fraction
        The values x_i (at least two distinct).
    mean : Fraction
        The prescribed mean m, strictly between min and max.
    degeneracy : sequence of Fraction, optional
        Positive weights g_i.
    max_degree : int
        Give up (return a reason) when P would have a larger degree.

    Returns
    -------
    (ExactMaxEnt or None, str)
        The solution and an empty string, or None and why not.
    """
    g = [Fraction(1)] * len(values) if degeneracy is None else list(degeneracy)
    low = min(values)
    step = _common_step([x - low for x in values if x != low])
    ks = [int((x - low) / step) for x in values]
    if max(ks) > max_degree:
        return None, (f"the values are multiples of {step} apart, which makes the mean equation "
                      f"a polynomial of degree {max(ks)} > {max_degree}")
    w = sp.Symbol("w", positive=True)
    coefficients = {}
    for x, k, gi in zip(values, ks, g):
        coefficients[k] = coefficients.get(k, Fraction(0)) + gi * (x - mean)
    poly = sp.Poly(sp.Add(*[_rational(c) * w ** k for k, c in coefficients.items()]), w)
    (root,) = [r for r in poly.real_roots() if r.is_positive]
    d = _rational(step)
    beta = -sp.log(root) / d
    weights = [_rational(gi) * root ** k for gi, k in zip(g, ks)]
    total = sp.Add(*weights)
    p = tuple(wi / total for wi in weights)
    log_z = sp.log(total) - beta * _rational(low)
    return ExactMaxEnt(w, d, poly, root, beta, p, log_z, log_z + beta * _rational(mean)), ""
