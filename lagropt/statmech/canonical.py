"""The canonical ensemble: the partition function Z(beta) and the thermodynamics it gives.

With levels eps_i of degeneracy g_i and beta = 1/(kT) (the lecture's lambda_2),

    Z = sum_i g_i e^{-beta eps_i},          U = -d ln Z / d beta,     F = -kT ln Z = -ln Z / beta,
    S = k (ln Z + beta U),                   C = dU/dT = k beta^2 Var(E),  Var(E) = d^2 ln Z / d beta^2.

Levels are a finite list (numbers or SymPy expressions) or a ladder ``(expr, (n, start, oo))``.
A ladder whose levels are linear in n (the harmonic oscillator) with a polynomial degeneracy is
summed in closed form, sum_n P(n) q^n = P(q d/dq) q^start / (1 - q) with q = e^{-beta a}, once
the convergence condition beta a > 0 is established; any other ladder whose levels grow faster
than ln n (the rigid rotor, B J(J+1)) is kept as an exact ``Sum`` and summed numerically with a
bound on the tail. Independent subsystems combine with ``*`` (Z multiplies) and ``**``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..errors import StatMechError
from ..softmax import logsumexp, softmax
from .inputs import expression

__all__ = ["Canonical"]

MAX_TERMS = 10 ** 7


def _tidy(expr: sp.Expr) -> sp.Expr:
    """``simplify`` when the expression is small enough for it to be quick, and only if shorter;
    in exponentials as the lecture writes them (simplify likes sinh, cosh and tanh)."""
    if sp.count_ops(expr) > 60:
        return expr
    simpler = sp.simplify(expr)
    if simpler.has(sp.sinh, sp.cosh, sp.tanh, sp.coth):
        simpler = sp.powsimp(sp.factor(simpler.rewrite(sp.exp)))
    return simpler if sp.count_ops(simpler) <= sp.count_ops(expr) else expr


# -- factors: one independent subsystem each --------------------------------------------------

class _Finite:
    """A finite set of levels eps_i with degeneracies g_i.

    Plain numbers (a NumPy array, a list of floats) stay arrays, and their SymPy form is made
    only when an exact quantity asks for it; anything else is checked as SymPy at once.
    """

    def __init__(self, levels, degeneracy):
        if degeneracy is not None and not isinstance(degeneracy, (list, tuple, np.ndarray)):
            raise StatMechError("the degeneracy of a finite list of levels is a list, one "
                                "number per level")
        self._raw = (levels, degeneracy)
        eps, weights = _plain_numbers(levels), _plain_numbers(degeneracy)
        if eps is not None and (degeneracy is None or weights is not None):
            self.eps = eps
            self.weights = np.ones_like(eps) if weights is None else weights
            self._exact = None
            self.free_symbols = set()
        else:
            self._exact = self._sympy_levels()
            self.free_symbols = set().union(*(e.free_symbols for e in sum(self._exact, [])))
            if not self.free_symbols:
                self.eps = np.array([float(e) for e in self._exact[0]])
                self.weights = np.array([float(v) for v in self._exact[1]])
        if not len(levels):
            raise StatMechError("no levels given")
        if degeneracy is not None and len(degeneracy) != len(levels):
            raise StatMechError(f"{len(self._raw[1])} degeneracies for {len(self._raw[0])} levels")
        if self.free_symbols:
            if any(v.is_positive is False for v in self.g):
                raise StatMechError("degeneracies must be positive")
        elif not (np.all(np.isfinite(self.eps)) and np.all(self.weights > 0)):
            raise StatMechError("levels must be finite and degeneracies positive")

    def _sympy_levels(self):
        levels, degeneracy = self._raw
        eps = [expression(e, f"level {i}") for i, e in enumerate(levels, 1)]
        g = [sp.Integer(1)] * len(eps) if degeneracy is None else \
            [expression(v, f"degeneracy {i}") for i, v in enumerate(degeneracy, 1)]
        return [eps, g]

    @property
    def levels(self) -> list:
        if self._exact is None:
            self._exact = self._sympy_levels()
        return self._exact[0]

    @property
    def g(self) -> list:
        if self._exact is None:
            self._exact = self._sympy_levels()
        return self._exact[1]

    def z(self, b):
        return sp.Add(*[g * sp.exp(-b * e) for g, e in zip(self.g, self.levels)])

    def check_beta(self, beta) -> None:
        """Any real beta is allowed for finitely many levels."""

    def numeric(self, beta: float):
        """(ln Z, U, Var E) at a float beta, by log-sum-exp (stable for any beta)."""
        z = -beta * self.eps
        p = softmax(z, b=self.weights)
        u = float(p @ self.eps)
        return float(logsumexp(z, b=self.weights)), u, float(p @ (self.eps - u) ** 2)

    def ground(self) -> float:
        return float(self.eps.min())

    def subs(self, mapping) -> "_Finite":
        return _Finite([e.subs(mapping) for e in self.levels], [g.subs(mapping) for g in self.g])

    def describe(self) -> str:
        return f"{len(self.levels)} levels"


class _Ladder:
    """Levels eps(n), n = start, start + 1, ... without end, with degeneracy g(n)."""

    def __init__(self, expr, n, start, degeneracy, rtol: float):
        self.n, self.start, self.rtol = n, start, rtol
        self.eps = expression(expr, "the ladder's level")
        self.g = sp.Integer(1) if degeneracy is None else expression(degeneracy, "the degeneracy")
        if not self.g.is_polynomial(n):
            raise StatMechError(f"the degeneracy {self.g} of a ladder must be a polynomial in {n}")
        growth = sp.limit(self.eps / sp.log(n + 2), n, sp.oo)
        if growth is not sp.oo:
            if growth is -sp.oo or (growth.is_finite and growth.is_real):
                raise StatMechError(f"the levels {self.eps} do not grow without bound as {n} -> "
                                    "oo: the terms of Z do not vanish and Z diverges for every "
                                    "beta > 0")
            raise StatMechError(f"cannot tell whether the levels {self.eps} grow without bound "
                                f"(limit {growth}): declare the parameters positive")
        self.free_symbols = (self.eps.free_symbols | self.g.free_symbols) - {n}
        poly = sp.Poly(self.eps, n) if self.eps.is_polynomial(n) else None
        self.slope = poly.coeff_monomial(n) if poly is not None and poly.degree() == 1 else None
        self._b = sp.Dummy("beta", positive=True)
        self._closed = self._geometric(self._b) if self.slope is not None else None
        self._numeric_terms = None

    def check_beta(self, beta) -> None:
        """Z converges exactly when beta > 0 (levels growing faster than ln n, polynomial g)."""
        if isinstance(beta, sp.Basic):
            sign = beta.is_positive
            if sign is None:
                raise StatMechError(f"Z = sum over an unbounded ladder converges only for beta > 0,"
                                    f" and the sign of {beta} is unknown: declare it positive, "
                                    "e.g. sympy.Symbol('beta', positive=True)")
        else:
            sign = beta > 0
        if not sign:
            raise StatMechError(f"beta = {beta} <= 0: Z = sum over an unbounded ladder diverges "
                                "(infinite temperature is the limit beta -> 0+)")

    def z(self, b):
        """The closed form for linear levels, else the exact ``Sum``."""
        if self._closed is None:
            return sp.Sum(self.g * sp.exp(-b * self.eps), (self.n, self.start, sp.oo))
        return self._closed.xreplace({self._b: b})

    def _geometric(self, b):
        """e^{-beta eps(0)} sum_{n >= start} g(n) q^n, q = e^{-beta a}: P(q d/dq) q^s / (1 - q)."""
        q = sp.Dummy("q", positive=True)
        series = q ** self.start / (1 - q)
        total = sp.Integer(0)
        for (power,), coefficient in sp.Poly(self.g, self.n).terms():
            term = series
            for _ in range(power):
                term = sp.together(q * sp.diff(term, q))
            total += coefficient * term
        offset = self.eps.subs(self.n, 0)
        return sp.exp(-b * offset) * sp.factor(total).subs(q, sp.exp(-b * self.slope))

    def numeric(self, beta: float):
        """(ln Z, U, Var E) at a float beta: the closed form at 30 digits, or a summation."""
        if self.slope is not None:
            return self._closed_numeric(beta)
        return self._summed(beta)

    def _closed_numeric(self, beta: float):
        import mpmath

        if self._numeric_terms is None:
            b = self._b
            log_z = sp.log(self._closed)
            self._numeric_terms = sp.lambdify(b, [log_z, -sp.diff(log_z, b), sp.diff(log_z, b, 2)],
                                              modules="mpmath")
        f = self._numeric_terms
        with mpmath.workdps(30):
            return tuple(float(v) for v in f(mpmath.mpf(beta)))

    def _summed(self, beta: float):
        """Sum terms until a geometric bound on the tail is below rtol for Z, U and <E^2>."""
        eps_f = sp.lambdify(self.n, self.eps, "numpy")
        g_f = sp.lambdify(self.n, self.g, "numpy")
        count = 256
        while count <= MAX_TERMS:
            ns = np.arange(self.start, self.start + count, dtype=float)
            e = np.broadcast_to(np.asarray(eps_f(ns), dtype=float), ns.shape)
            with np.errstate(divide="ignore"):
                log_t = np.log(np.broadcast_to(np.asarray(g_f(ns), dtype=float), ns.shape)) - beta * e
            if self._tail_small(log_t, e):
                p = softmax(log_t)
                u = float(p @ e)
                return float(logsumexp(log_t)), u, float(p @ (e - u) ** 2)
            count *= 4
        raise StatMechError(f"Z did not converge to rtol {self.rtol:g} within {MAX_TERMS} terms "
                            f"at beta = {beta:g} (levels {self.eps}, degeneracy {self.g})")

    def _tail_small(self, log_t, e) -> bool:
        """Whether sum_{m > N} |e_m|^k t_m <= rtol sum_{m <= N} |e_m|^k t_m for k = 0, 1, 2,
        bounding the tail by a geometric series: valid once the term ratios fall steadily."""
        half = len(log_t) // 2
        for k in range(3):
            log_terms = log_t
            if k:
                with np.errstate(divide="ignore"):
                    log_terms = log_t + k * np.log(np.abs(e))
            steps = np.diff(log_terms[half:])
            if not (np.all(np.isfinite(steps)) and steps[-1] < 0
                    and np.all(np.diff(steps) <= 1e-12 * np.abs(steps[1:]) + 1e-300)):
                return False
            # the tail after the last term: t_N (r + r^2 + ...) = t_N r / (1 - r)
            log_tail = log_terms[-1] + steps[-1] - math.log1p(-math.exp(steps[-1]))
            if log_tail > math.log(self.rtol) + float(logsumexp(log_terms)):
                return False
        return True

    def ground(self) -> float:
        eps_f = sp.lambdify(self.n, self.eps, "numpy")
        ns = np.arange(self.start, self.start + 1000, dtype=float)
        return float(np.min(np.broadcast_to(np.asarray(eps_f(ns), dtype=float), ns.shape)))

    def subs(self, mapping) -> "_Ladder":
        return _Ladder(self.eps.subs(mapping), self.n, self.start, self.g.subs(mapping), self.rtol)

    def describe(self) -> str:
        return f"ladder {self.eps}, {self.n} >= {self.start}"


def _plain_numbers(values) -> np.ndarray | None:
    """``values`` as a float array when it holds only ints and floats (no SymPy, no text)."""
    if values is None:
        return None
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.dtype.kind not in "iuf":
        return None
    return np.asarray(arr, dtype=float)


def _factor(levels, degeneracy, rtol):
    """A _Finite or a _Ladder from the user's levels."""
    if (isinstance(levels, tuple) and len(levels) == 2 and isinstance(levels[1], tuple)
            and len(levels[1]) == 3 and isinstance(levels[1][0], sp.Symbol)):
        expr, (n, start, end) = levels
        start = expression(start, "the ladder's start")
        if not start.is_integer:
            raise StatMechError(f"the ladder's start {start} must be an integer")
        if end is sp.oo:
            return _Ladder(expr, n, int(start), degeneracy, rtol)
        end = expression(end, "the ladder's end")
        if not end.is_integer or end < start:
            raise StatMechError(f"the ladder's end {end} must be an integer >= {start} (or oo)")
        if end - start > 100_000:
            raise StatMechError("more than 100000 levels: pass them as an array of numbers")
        expr = expression(expr, "the ladder's level")
        g = sp.Integer(1) if degeneracy is None else expression(degeneracy, "the degeneracy")
        js = range(int(start), int(end) + 1)
        return _Finite([expr.subs(n, j) for j in js], [g.subs(n, j) for j in js])
    if isinstance(levels, (str, sp.Basic)) or not hasattr(levels, "__len__"):
        raise StatMechError("levels must be a list of numbers or expressions, or a ladder "
                            "(expr, (n, start, oo))")
    return _Finite(levels if isinstance(levels, np.ndarray) else list(levels), degeneracy)


# -- the ensemble ----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Part:
    factor: object
    count: object        # how many independent copies (a positive integer, or a symbol)


class Canonical:
    """A system in the canonical ensemble: levels, degeneracies, and k (default 1).

    Parameters
    ----------
    levels : list or tuple
        A finite list of energies (numbers or SymPy expressions), or a ladder
        ``(expr, (n, start, oo))`` (``(expr, (n, start, end))`` with a finite end is expanded
        into a list).
    degeneracy : list or expression, optional
        g_i for a list (one per level), or an expression in n for a ladder (a polynomial, e.g.
        ``2*J + 1`` for the rigid rotor).
    k : number or Symbol
        Boltzmann's constant in the user's units (1: energies and temperatures alike).
    rtol : float
        Relative tolerance of numerically summed ladders (Z, U and <E^2> each).

    Notes
    -----
    Every quantity takes ``beta``: a SymPy symbol or expression gives the exact expression
    (ladders need ``beta`` known to be positive), a number gives a float, a NumPy array an array.
    """

    def __init__(self, levels, degeneracy=None, k=1, rtol: float = 1e-14):
        self.k = expression(k, "k")
        self.rtol = rtol
        self._parts = (_Part(_factor(levels, degeneracy, rtol), sp.Integer(1)),)

    @classmethod
    def _of(cls, parts, k, rtol) -> "Canonical":
        system = cls.__new__(cls)
        system.k, system.rtol, system._parts = k, rtol, tuple(parts)
        return system

    # -- combining and substituting ------------------------------------------------------
    def __mul__(self, other: "Canonical") -> "Canonical":
        """Two independent subsystems together: Z = Z_1 Z_2 (energies add)."""
        if not isinstance(other, Canonical):
            return NotImplemented
        if sp.simplify(self.k - other.k) != 0:
            raise StatMechError("the two systems use different k")
        return Canonical._of(self._parts + other._parts, self.k, min(self.rtol, other.rtol))

    def __pow__(self, count) -> "Canonical":
        """``count`` independent, distinguishable copies: Z = Z_1^count (an Einstein solid of N
        oscillators is ``oscillator ** N``)."""
        count = expression(count, "the number of copies")
        if count.is_positive is False or count.is_integer is False:
            raise StatMechError(f"the number of copies must be a positive integer, got {count}")
        return Canonical._of([_Part(p.factor, p.count * count) for p in self._parts], self.k,
                             self.rtol)

    def subs(self, mapping) -> "Canonical":
        """The same system with parameters replaced (``{Delta: 1}``)."""
        return Canonical._of([_Part(p.factor.subs(mapping), p.count.subs(mapping))
                              for p in self._parts], self.k.subs(mapping), self.rtol)

    @property
    def free_symbols(self) -> set:
        out = set(self.k.free_symbols)
        for p in self._parts:
            out |= p.factor.free_symbols | p.count.free_symbols
        return out

    def __repr__(self) -> str:
        parts = " * ".join(p.factor.describe() + ("" if p.count == 1 else f" ** {p.count}")
                           for p in self._parts)
        return f"<Canonical: {parts}>"

    # -- the quantities ---------------------------------------------------------------------
    def Z(self, beta):
        """Z(beta) = prod over subsystems of sum_i g_i e^{-beta eps_i}."""
        if isinstance(beta, sp.Basic):
            self._check(beta)
            b = sp.Dummy("beta")
            z = sp.Mul(*[p.factor.z(b) ** p.count for p in self._parts])
            return _tidy(z.xreplace({b: beta}))
        return self._numeric(beta, lambda lz, u, v, b: np.exp(lz))

    def log_Z(self, beta):
        """ln Z(beta) (a float even where Z itself overflows)."""
        return self._quantity(beta, lambda lz, u, v, b: lz)

    def U(self, beta):
        """U = -d ln Z / d beta, the mean energy."""
        return self._quantity(beta, lambda lz, u, v, b: u)

    def F(self, beta):
        """F = -kT ln Z = -ln Z / beta, the free energy."""
        return self._quantity(beta, lambda lz, u, v, b: -lz / b)

    def S(self, beta):
        """S = k (ln Z + beta U), the entropy."""
        return self._quantity(beta, lambda lz, u, v, b: self._k(b) * (lz + b * u))

    def C(self, beta):
        """C = dU/dT = k beta^2 Var(E), the heat capacity."""
        return self._quantity(beta, lambda lz, u, v, b: self._k(b) * b ** 2 * v)

    def variance(self, beta):
        """Var(E) = <E^2> - U^2 = d^2 ln Z / d beta^2."""
        return self._quantity(beta, lambda lz, u, v, b: v)

    def p(self, beta):
        """The Boltzmann probabilities g_i e^{-beta eps_i} / Z of each level (one finite list)."""
        factor = self._single_finite("probabilities p_i")
        if isinstance(beta, sp.Basic):
            z = factor.z(beta)
            return [_tidy(g * sp.exp(-beta * e) / z) for g, e in zip(factor.g, factor.levels)]
        self._require_numbers()
        return softmax(-float(beta) * factor.eps, b=factor.weights)

    def temperature(self, beta):
        """T = 1 / (k beta)."""
        return 1 / (self.k * beta) if isinstance(beta, sp.Basic) else 1 / (float(self.k) * beta)

    # -- the inverse problem -----------------------------------------------------------------
    def beta_for(self, U):
        """The beta at which the mean energy is U (U a number: a float; an expression: exact).

        For one finite list of numeric levels this is :func:`lagropt.statmech.maxent` with the
        levels as values (exact as an algebraic number for rational levels and U, see
        ``maxent(...).exact``); otherwise U(beta) falls strictly with beta, and its root is
        bracketed and found by ``scipy.optimize.brentq`` to machine precision.
        """
        if isinstance(U, sp.Basic) and not U.is_Float:
            return self._beta_exact(U)
        target = float(U)
        if not math.isfinite(target):
            raise StatMechError(f"U = {U} is not finite")
        self._require_numbers()
        if len(self._parts) == 1 and isinstance(self._parts[0].factor, _Finite) \
                and self._parts[0].count == 1:
            from .discrete import maxent

            f = self._parts[0].factor
            return maxent(f.eps, mean=target, degeneracy=f.weights, exact=False).beta
        return self._beta_root(target)

    def _beta_root(self, target: float) -> float:
        from scipy.optimize import brentq

        ladder = any(isinstance(p.factor, _Ladder) for p in self._parts)
        ground = sum(float(p.count) * p.factor.ground() for p in self._parts)
        if target <= ground:
            raise StatMechError(f"U = {target:g} is at or below the ground-state energy "
                                f"{ground:g}: no temperature gives it")
        if not ladder:
            top = sum(float(p.count) * float(p.factor.eps.max()) for p in self._parts)
            if target >= top:
                raise StatMechError(f"U = {target:g} is at or above the highest energy {top:g}")
        f = (lambda b: self.U(b) - target)        # falls with b
        scale = 1 / (target - ground)                # where kT is about U - E_0
        lo, hi = (scale / 2, 2 * scale) if ladder else (-scale, scale)
        while f(hi) > 0:
            lo, hi = hi, 2 * hi
        while f(lo) < 0:
            lo, hi = (lo / 2 if ladder else 2 * lo), lo
        return brentq(f, lo, hi, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500)

    def _beta_exact(self, U):
        from ..runtime import Budget, TimeLimit, run_in_worker

        ladder = any(isinstance(p.factor, _Ladder) for p in self._parts)
        b = sp.Symbol("beta", positive=True) if ladder else sp.Symbol("beta", real=True)
        equation = sp.Eq(self.U(b), U)
        try:
            roots = run_in_worker(sp.solve, equation, b, budget=Budget(10.0), what="sympy.solve")
        except TimeLimit:
            roots = None
        except (NotImplementedError, ValueError):
            roots = None
        roots = [r for r in roots or () if r.is_extended_real is not False
                 and (not ladder or r.is_positive is not False)]
        if len(roots) != 1:
            raise StatMechError(f"no unique closed form for beta from U = {U}: pass a number "
                                "for U to get beta numerically")
        return _tidy(roots[0])

    # -- machinery -----------------------------------------------------------------------------
    def _k(self, beta):
        return self.k if isinstance(beta, sp.Basic) else float(self.k)

    def _check(self, beta) -> None:
        if isinstance(beta, sp.Basic) and beta.is_real is False:
            raise StatMechError(f"beta = {beta} is not real")
        for p in self._parts:
            p.factor.check_beta(beta)

    def _quantity(self, beta, combine):
        if isinstance(beta, sp.Basic):
            self._check(beta)
            b = sp.Dummy("beta", positive=True) if any(
                isinstance(p.factor, _Ladder) for p in self._parts) else sp.Dummy("beta", real=True)
            b, *parts = self._exact_parts()
            return combine(*parts, b).xreplace({b: beta})
        return self._numeric(beta, combine)

    def _exact_parts(self):
        """(b, ln Z, U, Var E) as exact expressions in a dummy beta, simplified once."""
        if getattr(self, "_exact", None) is None:
            ladder = any(isinstance(p.factor, _Ladder) for p in self._parts)
            b = sp.Dummy("beta", positive=True) if ladder else sp.Dummy("beta", real=True)
            log_z = sp.Add(*[p.count * sp.log(p.factor.z(b)) for p in self._parts])
            self._exact = (b, _tidy(log_z), _tidy(-sp.diff(log_z, b)), _tidy(sp.diff(log_z, b, 2)))
        return self._exact

    def _numeric(self, beta, combine):
        if isinstance(beta, bool):
            raise StatMechError("beta must be a number or a SymPy expression")
        self._require_numbers()
        if np.ndim(beta) > 0:
            betas = np.asarray(beta, dtype=float)
            return np.array([self._numeric(float(b), combine) for b in betas.ravel()]
                            ).reshape(betas.shape)
        try:
            b = float(beta)
        except (TypeError, ValueError):
            raise StatMechError(f"beta must be a number or a SymPy expression, got "
                                f"{type(beta).__name__}") from None
        if not math.isfinite(b):
            raise StatMechError(f"beta = {b} is not finite (take the limit with a symbol)")
        self._check_numeric(b)
        lz = u = v = 0.0
        for p in self._parts:
            part = p.factor.numeric(b)
            c = float(p.count)
            lz, u, v = lz + c * part[0], u + c * part[1], v + c * part[2]
        with np.errstate(over="ignore"):
            return float(combine(lz, u, v, b))

    def _check_numeric(self, b: float) -> None:
        for p in self._parts:
            p.factor.check_beta(b)

    def _require_numbers(self) -> None:
        free = self.free_symbols
        if free:
            names = ", ".join(sorted(map(str, free)))
            raise StatMechError(f"the system has symbols {names}: give a symbolic beta for the "
                                "exact expression, or numbers for them first (.subs({...}))")

    def _single_finite(self, what: str) -> _Finite:
        if len(self._parts) != 1 or not isinstance(self._parts[0].factor, _Finite) \
                or self._parts[0].count != 1:
            raise StatMechError(f"{what} are defined here for a single finite list of levels")
        return self._parts[0].factor
