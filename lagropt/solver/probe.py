"""Numeric evidence where exact reasoning stops: feasible points near a candidate or far away.

Used for (a) irregular points, where no second-order test applies: f is compared with f at
feasible points close by; (b) KKT points with weakly active inequalities (multiplier 0), where
the quadratic form is sampled on the critical cone; (c) global verdicts, where feasible points
far out show that f exceeds every candidate (unbounded) or not. Every result says it is numeric.

Near a singular point a tiny constraint residual does not mean a nearby feasible point (on
(x - 1)^3 = y^2 the point (1 - 1e-6, 0) has residual 1e-18), so in (a) a sample counts only
when its residual, evaluated at 50 digits, puts it too close to the constraint set to explain
the difference in f (:class:`_Precise`).
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["Prober", "cone_kind"]


class Prober:
    """Feasible-point sampling for a problem without symbolic parameters."""

    def __init__(self, internal):
        from ..compiler import compile_problem

        self.internal = internal
        self.cp = compile_problem(internal)
        self.n = len(internal.variables)
        self.sign = float(internal.sense.sign)

    def f(self, x) -> float:
        with np.errstate(all="ignore"):
            try:
                return float(self.cp.objective.value(x))
            except (ValueError, ZeroDivisionError, OverflowError, TypeError):
                return float("nan")

    def feasible(self, x, tol: float = 1e-9) -> bool:
        """Constraints hold within ``tol`` (relative to the point's size)."""
        cp = self.cp
        scale = max(1.0, float(np.abs(x).max()))
        with np.errstate(all="ignore"):
            if cp.equalities.exprs and not (np.abs(cp.equalities(x)) <= tol * scale).all():
                return False
            if cp.inequalities.exprs:
                h = cp.inequalities(x)
                for hv, strict in zip(h, cp.strict):
                    if not (hv > 0 if strict else hv >= -tol):
                        return False
        for v, val in zip(self.internal.variables, x):
            if (v.is_positive and not val > 0) or (v.is_negative and not val < 0):
                return False
            if (v.is_nonnegative and val < -tol) or (v.is_nonpositive and val > tol):
                return False
        return True

    def project(self, x0, iterations: int = 60, tol: float = 1e-12):
        """A nearby point on the equality constraints (minimal-norm Newton steps), or None."""
        x = np.array(x0, dtype=float)
        eq = self.cp.equalities
        if not eq.exprs:
            return x
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(iterations):
                try:
                    g = eq(x)
                    J = eq.jac(x)
                except (ValueError, ZeroDivisionError, OverflowError, TypeError):
                    return None
                if not np.all(np.isfinite(g)) or not np.all(np.isfinite(J)):
                    return None
                if np.abs(g).max() <= tol * max(1.0, np.abs(x).max()):
                    return x
                step, *_ = np.linalg.lstsq(J, g, rcond=None)
                x = x - step
        return x if np.abs(eq(x)).max() <= tol * max(1.0, np.abs(x).max()) else None

    def samples_near(self, x0, radius: float, count: int, rng) -> list:
        """Feasible points around x0 at about ``radius``, projected to 1e-15 (tight, because
        near a singular point a small residual does not mean a small distance)."""
        out = []
        for _ in range(count * 4):
            d = rng.normal(size=self.n)
            x = self.project(np.asarray(x0, dtype=float) + radius * d / np.linalg.norm(d),
                             iterations=100, tol=1e-15)
            if x is not None and self.feasible(x, tol=1e-15) and np.linalg.norm(x - x0) > 1e-12:
                out.append(x)
                if len(out) >= count:
                    break
        return out

    def along_parametrization(self, x0, radius: float, count: int, rng) -> list:
        """Feasible points near x0 from the constraints solved for some variables (exact on the
        constraint set, which matters at singular points such as a cusp)."""
        import sympy as sp

        from .limits import parametrize

        internal = self.internal
        branches = parametrize(internal)
        if not branches:
            return []
        out = []
        at = dict(zip(internal.variables, x0))
        for free, subs, _ in branches:
            if not free:
                continue
            fn = sp.lambdify([free], [subs.get(v, v) for v in internal.variables], modules="numpy")
            with np.errstate(all="ignore"):
                try:
                    here = np.asarray(fn([at[t] for t in free]), dtype=float)
                except (ValueError, TypeError, ZeroDivisionError):
                    continue
            if not np.all(np.isfinite(here)) or np.abs(here - x0).max() > 1e-9 * max(1.0, np.abs(x0).max()):
                continue                              # this branch does not pass through x0
            for _ in range(count):
                t = np.array([at[s] for s in free]) + radius * rng.normal(size=len(free))
                with np.errstate(all="ignore"):
                    try:
                        x = np.asarray(fn(t), dtype=float)
                    except (ValueError, TypeError, ZeroDivisionError):
                        continue
                if np.all(np.isfinite(x)) and self.feasible(x, tol=1e-9) and np.linalg.norm(x - x0) > 0:
                    out.append(x)
        return out

    def local_kind(self, x0, seed: int = 0):
        """Compare f at the point with f at feasible points around it (radii 1e-1 .. 1e-4):
        along an exact parametrization of the constraints when one exists, else projected.
        A sampled point counts only when :meth:`settled_sign` shows that its float rounding
        off the constraint set cannot explain the difference in f."""
        rng = np.random.default_rng(seed)
        precise = _Precise(self.internal)
        f0 = precise.f(x0)
        higher = lower = 0
        for radius in (1e-1, 1e-2, 1e-3, 1e-4):
            near = self.along_parametrization(x0, radius, 25, rng) or \
                self.samples_near(x0, radius, 25, rng)
            for x in near:
                s = precise.settled_sign(x, f0)
                higher += s > 0
                lower += s < 0
        if higher + lower == 0:
            return "inconclusive", "no feasible points with a different value were found nearby"
        if higher and lower:
            return "saddle", "f is larger at some nearby feasible points and smaller at others (numeric)"
        if higher:
            return "minimum", "f is larger at every nearby feasible point sampled (numeric)"
        return "maximum", "f is smaller at every nearby feasible point sampled (numeric)"

    def far_values(self, scales=(1e1, 1e2, 1e3, 1e4), count: int = 60, seed: int = 0):
        """(scale, best f for the sense) at feasible points found around radius ``scale``."""
        rng = np.random.default_rng(seed)
        out = []
        for scale in scales:
            best = None
            for _ in range(count):
                d = rng.normal(size=self.n)
                x0 = scale * d / np.linalg.norm(d)
                for k, v in enumerate(self.internal.variables):
                    if v.is_positive or v.is_nonnegative:
                        x0[k] = abs(x0[k])
                    if v.is_negative or v.is_nonpositive:
                        x0[k] = -abs(x0[k])
                x = self.project(x0)
                if x is None or not self.feasible(x):
                    continue
                fx = self.f(x)
                if np.isfinite(fx) and (best is None or self.sign * fx > self.sign * best[0]):
                    best = (fx, x)
            if best is not None:
                out.append((scale, best[0], best[1]))
        return out


class _Precise:
    """The problem evaluated at 50 digits, with the coordinates of a float point read exactly
    and the constraints as written (not expanded: (x - 1)**3 near x = 1 keeps its sign, where
    x**3 - 3*x**2 + 3*x - 1 in floats does not)."""

    DIGITS = 50

    def __init__(self, internal):
        import sympy as sp

        xs = internal.variables
        want = -internal.sense.sign           # oriented so that h >= 0 is feasible
        self.internal = internal
        self._f = sp.lambdify(xs, internal.f, modules="mpmath")
        self._grad_f = sp.lambdify(xs, list(internal.gradient(internal.f)), modules="mpmath")
        cons = [(g, list(internal.gradient(g)), "==") for g in internal.g] + \
            [(want * h, [want * d for d in internal.gradient(h)], ">" if strict else ">=")
             for h, strict in zip(internal.h, internal.strict)]
        self._cons = [(sp.lambdify(xs, e, modules="mpmath"), sp.lambdify(xs, grad, modules="mpmath"),
                       op) for e, grad, op in cons]

    def _at(self, x):
        import mpmath
        return [mpmath.mpf(float(v)) for v in x]

    def f(self, x):
        """f at the float point x, to 50 digits (None where f is undefined)."""
        import mpmath
        with mpmath.workdps(self.DIGITS):
            try:
                return self._f(*self._at(x))
            except (ValueError, ZeroDivisionError, TypeError, OverflowError):
                return None

    def distance_bound(self, x) -> float:
        """First-order distance from x to the constraint set: the minimal-norm step that zeroes
        the violated constraints' linearization (inf when their gradients vanish there)."""
        import mpmath
        with mpmath.workdps(self.DIGITS):
            X = self._at(x)
            rows, residuals = [], []
            for value, grad, op in self._cons:
                r = value(*X)
                if op == "==" or r < 0 or (op == ">" and r == 0):
                    if r != 0 or op == ">":
                        rows.append([float(c) for c in grad(*X)])
                        residuals.append(float(r) if r != 0 else 0.0)
        for v, val in zip(self.internal.variables, x):
            if (v.is_positive and not val > 0) or (v.is_negative and not val < 0) or \
                    (v.is_nonnegative and val < 0) or (v.is_nonpositive and val > 0):
                return float("inf")
        if not rows:
            return 0.0
        J, r = np.array(rows), np.array(residuals)
        if not np.all(np.isfinite(J)) or np.abs(J).max() == 0:
            return float("inf") if np.abs(r).max() > 0 else 0.0
        step, *_ = np.linalg.lstsq(J, r, rcond=None)
        if np.abs(J @ step - r).max() > 1e-6 * np.abs(r).max():
            return float("inf")                # the linearization cannot reach the set
        return float(np.linalg.norm(step))

    def settled_sign(self, x, f0) -> int:
        """+1 / -1 when f(x) is above / below f0 by more than moving x onto the constraint
        set could change it (first order, with a factor 10 of safety); 0 when undecided."""
        import mpmath
        fx = self.f(x)
        if fx is None or f0 is None or not mpmath.isfinite(fx):
            return 0
        dist = self.distance_bound(x)
        if not np.isfinite(dist):
            return 0
        with mpmath.workdps(self.DIGITS):
            try:
                slope = float(mpmath.sqrt(sum(c ** 2 for c in self._grad_f(*self._at(x)))))
            except (ValueError, ZeroDivisionError, TypeError):
                return 0
            diff = float(fx - f0)
        margin = 10 * slope * dist + 1e-12 * max(1.0, abs(float(f0)))
        if diff > margin:
            return 1
        if diff < -margin:
            return -1
        return 0


def cone_kind(H: np.ndarray, Z: np.ndarray, weak_rows: np.ndarray, seed: int = 0):
    """Sign of d^T H d over the critical cone {d = Z c : weak_rows d <= 0}, sampled.

    Returns (kind, reason): a strict sign on every sampled direction decides a local
    maximum/minimum; directions of both signs a saddle; otherwise inconclusive.
    """
    rng = np.random.default_rng(seed)
    q = []
    for _ in range(4000):
        c = rng.normal(size=Z.shape[1])
        d = Z @ c
        nd = np.linalg.norm(d)
        if nd == 0:
            continue
        d /= nd
        if weak_rows.size and (weak_rows @ d > 1e-12).any():
            continue
        q.append(d @ H @ d)
    if not q:
        return "inconclusive", "no feasible direction was sampled"
    q = np.array(q)
    tol = 1e-9 * max(1.0, np.abs(H).max())
    if (q < -tol).all():
        return "maximum", "d^T H d < 0 on every sampled direction of the critical cone (numeric)"
    if (q > tol).all():
        return "minimum", "d^T H d > 0 on every sampled direction of the critical cone (numeric)"
    if (q > tol).any() and (q < -tol).any():
        return "saddle", "d^T H d takes both signs on the critical cone (numeric)"
    if (q > tol).any():
        return "inconclusive", "not a strict maximum: d^T H d > 0 along some feasible direction"
    return "inconclusive", "not a strict minimum: d^T H d < 0 along some feasible direction"
