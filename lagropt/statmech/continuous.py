"""Maximum entropy for a density on an interval: the same Lagrangian with integrals.

Maximize h[p] = -int p ln p dx over the support subject to int p = 1 (lambda_1), int x p = m
(beta) and optionally int (x - m)^2 p = V (gamma). The functional derivative of
L = h - lambda_1 (int p - 1) - beta (int x p - m) - gamma (int (x - m)^2 p - V) vanishes where

    -ln p(x) - 1 = lambda_1 + beta x + gamma (x - m)^2,   p(x) = e^{-beta x - gamma (x - m)^2} / Z,

with Z = e^{1 + lambda_1} = int e^{-beta x - gamma (x - m)^2} dx, and the moment equations
-d ln Z / d beta = m, -d ln Z / d gamma = V. Z converges only if the exponent falls to -oo at
each infinite end: gamma > 0, or without a variance, beta > 0 at +oo and beta < 0 at -oo (so the
whole line needs a variance). The classical answers come out exactly:

- [a, oo) with a mean: the exponential, beta = 1 / (m - a);
- the real line with mean and variance: the Gaussian, beta = 0, gamma = 1 / (2 V);
- [a, b] with a mean: the truncated exponential, beta the root of m = -d ln Z / d beta
  (exact 0 at the midpoint, numeric for numbers, left as the equation for symbols);

and with numbers, any other combination (a truncated Gaussian on [a, b] or [a, oo)) is solved
numerically on the convex dual, with the integrals by adaptive quadrature.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from ..derivation import Derivation
from ..errors import StatMechError
from .inputs import expression

__all__ = ["ContinuousMaxEnt", "maxent_continuous"]


@dataclass
class ContinuousMaxEnt:
    """The maximum-entropy density on an interval.

    Attributes
    ----------
    x : sympy.Symbol
        The variable of the density.
    support : tuple
        (a, b), either end possibly infinite.
    density : sympy.Expr
        p(x) on the support.
    beta, gamma : sympy.Expr or None
        Multipliers of the mean and the variance (None when that constraint is absent).
    lambda_1 : sympy.Expr
        Multiplier of the normalisation, ln Z - 1.
    Z : sympy.Expr
        The normalising integral int e^{-beta x - gamma (x - m)^2} dx.
    entropy : sympy.Expr
        The differential entropy -int p ln p dx = ln Z + beta m + gamma V.
    status : str
        ``"exact"``, ``"numeric"`` (multipliers are Floats) or ``"parametric"`` (the moment
        equation is left in ``equations``).
    equations : tuple
        The moment equations still to solve (status ``"parametric"``).
    conditions : tuple
        Relations the answer assumes (e.g. ``m > a`` for a symbolic mean).
    derivation : Derivation
        The steps, as data.
    """

    x: sp.Symbol
    support: tuple
    density: sp.Expr
    beta: sp.Expr | None
    gamma: sp.Expr | None
    lambda_1: sp.Expr
    Z: sp.Expr
    entropy: sp.Expr
    status: str
    equations: tuple = ()
    conditions: tuple = ()
    derivation: Derivation = field(default_factory=Derivation)


def _decide(relation, what: str, conditions: list) -> None:
    """Refuse a relation known to fail; keep it as a condition when undecided."""
    truth = relation if isinstance(relation, bool) else sp.simplify(relation)
    if truth in (False, sp.false):
        raise StatMechError(what)
    if truth not in (True, sp.true):
        conditions.append(relation)


def maxent_continuous(support=(0, sp.oo), mean=None, variance=None, x=None) -> ContinuousMaxEnt:
    """The maximum-entropy density on ``support`` with the given mean (and variance).

    Parameters
    ----------
    support : (a, b)
        The interval; ``sympy.oo`` / ``-sympy.oo`` (or float infinities) for unbounded ends.
    mean : number or SymPy expression, optional
        int x p dx = m, strictly inside the support.
    variance : number or SymPy expression, optional
        int (x - m)^2 p dx = V > 0 (needs ``mean``).
    x : sympy.Symbol, optional
        The variable of the density (default a real ``x``).

    Returns
    -------
    ContinuousMaxEnt

    Raises
    ------
    StatMechError
        A Z that diverges for every multiplier (an unbounded support without a constraint that
        can make it converge: the real line with a mean only, a half-line with nothing), a mean
        outside the support, a variance the support cannot have, or a maximum that is not
        attained (a half-line with V > (m - a)^2).
    """
    x = sp.Symbol("x", real=True) if x is None else x
    if not isinstance(support, (tuple, list)) or len(support) != 2:
        raise StatMechError("support must be a pair (a, b)")
    a, b = (expression(e, "the support's end", infinite=True) for e in support)
    if a.is_infinite and a is not -sp.oo or b.is_infinite and b is not sp.oo:
        raise StatMechError(f"support ({a}, {b}) must run from a lower to an upper end")
    conditions: list = []
    _decide(sp.Lt(a, b), f"support ({a}, {b}) is empty", conditions)
    m = None if mean is None else expression(mean, "the mean")
    V = None if variance is None else expression(variance, "the variance")
    if V is not None and m is None:
        raise StatMechError("a variance constraint needs the mean it is taken about (mean=...)")
    _check_convergence(a, b, m, V)
    if m is not None:
        if a.is_finite:
            _decide(sp.Gt(m, a), f"mean {m} is not above the support's lower end {a}", conditions)
        if b.is_finite:
            _decide(sp.Lt(m, b), f"mean {m} is not below the support's upper end {b}", conditions)
    if V is not None:
        _decide(sp.Gt(V, 0), f"variance {V} must be positive", conditions)
        _check_variance(a, b, m, V, conditions)
    solver = _Solver(x, a, b, m, V, conditions)
    return solver.solve()


def _check_convergence(a, b, m, V) -> None:
    """Z = int e^{-beta x - gamma (x - m)^2} dx must be able to converge."""
    if V is not None or (a.is_finite and b.is_finite):
        return
    if m is None:
        raise StatMechError(f"on ({a}, {b}) with no mean, Z = int e^(-lambda_1 - 1) dx diverges: "
                            "an unbounded support needs a mean (or mean and variance)")
    if a is -sp.oo and b is sp.oo:
        raise StatMechError("on the whole real line a mean alone cannot make Z = int e^(-beta x)"
                            " dx converge (it diverges at one end for every beta): give the "
                            "variance too (the answer is then the Gaussian)")


def _check_variance(a, b, m, V, conditions) -> None:
    """The largest variance a distribution with mean m can have on the support."""
    if a.is_finite and b.is_finite:
        _decide(sp.Lt(V, (m - a) * (b - m)), f"variance {V} is not below (m - a)(b - m) = "
                f"{(m - a) * (b - m)}, the largest on [{a}, {b}] with mean {m} (only the two "
                "ends could carry it)", conditions)
    elif a.is_finite or b.is_finite:
        end = a if a.is_finite else b
        # Dowson and Wragg (1973): on a half-line the maximum exists only for V <= (m - end)^2
        _decide(sp.Le(V, (m - end) ** 2), f"variance {V} exceeds (m - {end})^2 = "
                f"{(m - end) ** 2}: on a half-line entropy then has no maximum (the supremum is "
                "approached, not attained)", conditions)


class _Solver:
    """The steps of the derivation, from the Lagrangian to the density."""

    def __init__(self, x, a, b, m, V, conditions):
        self.x, self.a, self.b, self.m, self.V = x, a, b, m, V
        self.conditions = conditions
        self.p = sp.Function("p")(x)
        self.lam1 = sp.Symbol("lambda_1", real=True)
        self.beta = sp.Symbol("beta", real=True) if m is not None else None
        # on an unbounded support only gamma > 0 lets Z converge; a bounded one allows any sign
        bounded = a.is_finite and b.is_finite
        self.gamma = None if V is None else sp.Symbol("gamma", real=True, positive=not bounded
                                                      or None)
        self.d = Derivation(title="Maximum entropy density")

    def exponent(self, beta, gamma):
        e = sp.Integer(0)
        if beta is not None:
            e -= beta * self.x
        if gamma is not None:
            e -= gamma * (self.x - self.m) ** 2
        return e

    def solve(self) -> ContinuousMaxEnt:
        self._opening()
        a, b, m, V = self.a, self.b, self.m, self.V
        if m is None:                                   # bounded, normalisation only: uniform
            return self._finish(None, None, "exact")
        if V is None and (a.is_infinite or b.is_infinite):
            beta = 1 / (m - a) if a.is_finite else -1 / (b - m)
            return self._finish(beta, None, "exact")
        if V is not None and a is -sp.oo and b is sp.oo:
            return self._finish(sp.Integer(0), 1 / (2 * V), "exact")
        if V is None and sp.simplify(m - (a + b) / 2) == 0:
            return self._finish(sp.Integer(0), None, "exact")
        if V is not None and a.is_finite != b.is_finite \
                and sp.simplify(V - (m - (a if a.is_finite else b)) ** 2) == 0:
            beta = 1 / (m - a) if a.is_finite else -1 / (b - m)
            return self._finish(beta, None, "exact", gamma_zero=True)
        numbers = all(v.is_number for v in (a, b, m) + ((V,) if V is not None else ()))
        if not numbers:
            return self._parametric()
        beta, gamma = _numeric_multipliers(float(a), float(b), float(m),
                                           None if V is None else float(V))
        return self._finish(sp.Float(beta, 15), None if gamma is None else sp.Float(gamma, 15),
                            "numeric")

    def _constraints(self) -> list:
        """(multiplier, g_k[p], d g_k / d p(x)) per constraint, g_k[p] = int .. dx - target."""
        x, p, a, b = self.x, self.p, self.a, self.b
        parts = [(self.lam1, sp.Integral(p, (x, a, b)) - 1, sp.Integer(1))]
        if self.m is not None:
            parts.append((self.beta, sp.Integral(x * p, (x, a, b)) - self.m, x))
        if self.V is not None:
            spread = (x - self.m) ** 2
            parts.append((self.gamma, sp.Integral(spread * p, (x, a, b)) - self.V, spread))
        return parts

    def _opening(self) -> None:
        """The lecture's steps with integrals for sums: the problem, L = h - sum_k lambda_k g_k,
        stationarity grad h = sum_k lambda_k grad g_k, p(x), and Z from the normalisation."""
        x, p, d = self.x, self.p, self.d
        S = -sp.Integral(p * sp.log(p), (x, self.a, self.b))
        parts = self._constraints()
        multipliers = [m for m, _, _ in parts]
        h = sp.Function("h")(p)
        gs = [sp.Function(f"g_{k}")(p) for k in range(1, len(parts) + 1)]
        d.add("problem", "Maximize the differential entropy subject to the constraints:",
              (sp.Eq(h, S, evaluate=False),
               *[sp.Eq(g_name, g, evaluate=False) for g_name, (_, g, _) in zip(gs, parts)]),
              sense="max", variables=(p,))
        L = sp.Function("L")(p, *multipliers)
        d.add("lagrangian", "The Lagrangian, one multiplier per constraint:",
              (sp.Eq(L, h - sp.Add(*[m * g for m, g in zip(multipliers, gs)]), evaluate=False),
               sp.Eq(L, S - sp.Add(*[m * g for m, g, _ in parts]), evaluate=False)))
        gradients = sp.Add(*[m * sp.Derivative(g, p) for m, g in zip(multipliers, gs)])
        d.add("equations", "The functional derivative of L with respect to p(x) vanishes at "
              "every x, so that of h is the multipliers times those of the constraints:",
              (sp.Eq(sp.Derivative(h, p), gradients, evaluate=False),
               sp.Eq(-sp.log(p) - 1, sp.Add(*[m * f for m, _, f in parts]), evaluate=False)),
              chain=True)
        form = sp.exp(-(1 + self.lam1)) * sp.exp(self.exponent(self.beta, self.gamma))
        d.add("isolate", "Solving for p(x):", sp.Eq(p, form, evaluate=False))
        Zs = sp.Symbol("Z")
        z_integral = sp.Integral(sp.exp(self.exponent(self.beta, self.gamma)), (x, self.a, self.b))
        d.add("normalisation", "The normalisation fixes lambda_1 through e^(1 + lambda_1) = Z, "
              "the partition function:", (sp.Eq(Zs, z_integral, evaluate=False),
                                       sp.Eq(p, sp.exp(self.exponent(self.beta, self.gamma)) / Zs,
                                             evaluate=False)), chain=True)

    def _z_symbolic(self, with_gamma: bool):
        """Z as a function of the multipliers, integrated with the signs convergence demands."""
        a, b = self.a, self.b
        if with_gamma:          # the whole line: complete the square
            g, beta = self.gamma, self.beta
            return sp.sqrt(sp.pi / g) * sp.exp(beta ** 2 / (4 * g) - beta * self.m)
        if self.m is None:
            return b - a
        sign = {"positive": True} if b is sp.oo else {"negative": True} if a is -sp.oo \
            else {"nonzero": True}
        beta = sp.Symbol("beta", real=True, **sign)
        z = sp.integrate(sp.exp(-beta * self.x), (self.x, a, b))
        if isinstance(z, sp.Piecewise):         # the beta != 0 branch
            z = z.args[0][0]
        return sp.simplify(z).xreplace({beta: self.beta})

    def _moment_equations(self, log_z):
        eqs = []
        if self.beta is not None:
            eqs.append(sp.Eq(sp.simplify(-sp.diff(log_z, self.beta)), self.m))
        if self.gamma is not None:
            eqs.append(sp.Eq(sp.simplify(-sp.diff(log_z, self.gamma)), self.V))
        return tuple(eqs)

    def _parametric(self) -> ContinuousMaxEnt:
        """Symbols where the moment equations are transcendental: return the equations."""
        if self.gamma is not None:
            return self._parametric_spread()
        z = self._z_symbolic(False)
        d = self.d
        d.add("partition_function", "The integral:", sp.Eq(sp.Symbol("Z"), z))
        eqs = self._moment_equations(sp.log(z))
        d.add("moments", "The moment equation for beta, transcendental, left as it is:", eqs)
        density = sp.exp(self.exponent(self.beta, None)) / z
        return ContinuousMaxEnt(self.x, (self.a, self.b), density, self.beta, None,
                                sp.log(z) - 1, z, sp.log(z) + self.beta * self.m, "parametric",
                                eqs, tuple(self.conditions), d)

    def _parametric_spread(self) -> ContinuousMaxEnt:
        """Symbols with a variance on a bounded interval or a half-line: Z stays an integral
        (error functions at best), the two moment equations are left as integrals over Z."""
        x, beta, gamma = self.x, self.beta, self.gamma
        weight = sp.exp(self.exponent(beta, gamma))
        z = sp.Integral(weight, (x, self.a, self.b))
        Zs = sp.Symbol("Z")
        eqs = tuple(sp.Eq(sp.Integral(f * weight, (x, self.a, self.b)) / Zs, target)
                    for f, target in ((x, self.m), ((x - self.m) ** 2, self.V)))
        self.d.add("moments", "The moment equations for beta and gamma, left as they are:", eqs)
        eqs = tuple(e.xreplace({Zs: z}) for e in eqs)
        return ContinuousMaxEnt(x, (self.a, self.b), weight / z, beta, gamma, sp.log(z) - 1, z,
                                sp.log(z) + beta * self.m + gamma * self.V, "parametric", eqs,
                                tuple(self.conditions), self.d)

    def _finish(self, beta, gamma, status, gamma_zero=False) -> ContinuousMaxEnt:
        d, x = self.d, self.x
        with_gamma = gamma is not None
        if status == "exact":
            z_sym = self._z_symbolic(with_gamma)
            d.add("partition_function", "The integral:", sp.Eq(sp.Symbol("Z"), z_sym))
            if self.m is not None:
                eqs = self._moment_equations(sp.log(z_sym))
                if gamma_zero:
                    eqs += (sp.Eq(self.gamma, 0),)
                d.add("moments", "The moment equations (each target is minus the derivative of "
                      "ln Z by its multiplier)" + (", met with gamma = 0: the exponential has "
                                                   "that variance" if gamma_zero else "") + ":",
                      eqs)
        values = {}
        if self.beta is not None:
            values[self.beta] = beta
        if self.gamma is not None:
            values[self.gamma] = sp.Integer(0) if gamma_zero else gamma
        if values:
            text = "Solving them:" if status == "exact" else \
                "The multipliers, solved numerically from the moment equations:"
            d.add("solution", text, tuple(sp.Eq(k, v) for k, v in values.items()))
        if status != "exact":
            z = _numeric_z(self, beta, gamma)
        elif beta == 0 and not with_gamma:
            z = self.b - self.a                                         # uniform
        else:
            z = z_sym.xreplace(values)
        z = sp.simplify(z) if status == "exact" else z
        density = sp.exp(self.exponent(beta, gamma)) / z
        entropy = sp.log(z)
        if beta is not None:
            entropy += beta * self.m
        if with_gamma:
            entropy += gamma * self.V
        if status == "exact":
            density, entropy = sp.simplify(density), sp.simplify(entropy)
        d.add("solution", "The maximum-entropy density:", (sp.Eq(self.p, density, evaluate=False),
                                                           sp.Eq(sp.Symbol("Z"), z)))
        d.add("classification", "A maximum: entropy is strictly concave and the constraints are "
              "linear, so the second variation is negative for every admissible change dp:",
              sp.Lt(-sp.Integral(sp.Function("delta_p")(x) ** 2 / self.p, (x, self.a, self.b)), 0),
              verdict="maximum")
        d.add("value", "Its entropy:", sp.Eq(sp.Symbol("h"), entropy))
        return ContinuousMaxEnt(x, (self.a, self.b), density, values.get(self.beta),
                                values.get(self.gamma), sp.log(z) - 1, z, entropy, status, (),
                                tuple(self.conditions), d)


def _numeric_z(solver: _Solver, beta, gamma) -> sp.Float:
    """Z at Float multipliers by quadrature."""
    from scipy.integrate import quad

    f = sp.lambdify(solver.x, sp.exp(solver.exponent(beta, gamma)), "math")
    lo, hi = float(solver.a), float(solver.b)
    value, _ = quad(f, lo, hi, epsabs=0, epsrel=1e-13, limit=200)
    return sp.Float(value, 15)


def _numeric_multipliers(a: float, b: float, m: float, V: float | None):
    """(beta, gamma) by Newton on the dual ln Z(lam) in scaled coordinates t = (x - m) / s."""
    from scipy.integrate import IntegrationWarning, quad

    if math.isfinite(a) and math.isfinite(b):
        s = (b - a) / 2
    elif V is not None:
        s = math.sqrt(V)
    else:
        s = abs(m - (a if math.isfinite(a) else b))
    lo, hi = (a - m) / s, (b - m) / s
    v = None if V is None else V / s ** 2
    k = 1 if V is None else 2

    def features(t):
        return np.array([t] if k == 1 else [t, t * t - v])

    def dual(lam):
        """ln int e^{-lam . (t, t^2)} dt - lam_2 v, its gradient and Hessian (inf if divergent)."""
        l1, l2 = lam[0], (lam[1] if k == 2 else 0.0)
        if l2 < 0 and (math.isinf(lo) or math.isinf(hi)) or (l2 == 0 and (
                (math.isinf(hi) and l1 <= 0) or (math.isinf(lo) and l1 >= 0))):
            return math.inf, None, None
        candidates = [t for t in (lo, hi) if math.isfinite(t)]
        if l2 > 0 and lo < -l1 / (2 * l2) < hi:
            candidates.append(-l1 / (2 * l2))
        top = max(-l1 * t - l2 * t * t for t in candidates)

        def weight(t):
            return math.exp(-l1 * t - l2 * t * t - top)

        def integral(g):
            with warnings.catch_warnings():        # the tolerance asked is at rounding level
                warnings.simplefilter("ignore", IntegrationWarning)
                return quad(lambda t: g(t) * weight(t), lo, hi, epsabs=1e-15, epsrel=1e-12,
                            limit=200)[0]

        z = integral(lambda t: 1.0)
        mean = np.array([integral(lambda t, i=i: features(t)[i]) for i in range(k)]) / z
        second = np.array([[integral(lambda t, i=i, j=j: features(t)[i] * features(t)[j])
                            for j in range(k)] for i in range(k)]) / z
        return math.log(z) + top + (l2 * v if k == 2 else 0.0), -mean, second - np.outer(mean, mean)

    lam = np.zeros(k)
    if math.isinf(hi) and k == 1:
        lam[0] = 1.0
    elif math.isinf(lo) and k == 1:
        lam[0] = -1.0
    elif k == 2 and (math.isinf(lo) or math.isinf(hi)):
        lam[1] = 0.5
    value, grad, hess = dual(lam)
    for _ in range(100):
        if np.max(np.abs(grad)) < 1e-12:
            break
        step = np.linalg.solve(hess, -grad)
        t = 1.0
        while t > 1e-12:
            trial = dual(lam + t * step)
            if trial[0] <= value + 1e-4 * t * float(grad @ step) + 1e-14 * abs(value):
                break
            t /= 2
        lam = lam + t * step
        value, grad, hess = trial
    else:
        raise StatMechError("the maximum-entropy density did not converge (the moments may lie "
                            "on the edge of what the support allows)")
    beta = lam[0] / s
    gamma = None if k == 1 else lam[1] / s ** 2
    return beta, gamma
