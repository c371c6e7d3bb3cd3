"""Maximum entropy over a finite set of values, with a mean, a variance and further moments.

The lecture's Lagrangian with more constraints: maximize S = -sum_i p_i ln(p_i / g_i) subject to
sum_i p_i = 1 (multiplier lambda_1), sum_i p_i x_i = m (beta, the lecture's lambda_2),
sum_i p_i (x_i - m)^2 = V (gamma) and sum_i p_i f_j(x_i) = c_j (mu_j). Stationarity,
-ln(p_i / g_i) - 1 = lambda_1 + beta x_i + gamma (x_i - m)^2 + sum_j mu_j f_j(x_i), gives

    p_i = g_i e^{-beta x_i - gamma (x_i - m)^2 - sum_j mu_j f_j(x_i)} / Z,   lambda_1 = ln Z - 1,

and the multipliers are found from the convex dual (:mod:`.dual`). S counts the g_i states of
each level, so S = ln Z + beta m + gamma V + sum_j mu_j c_j, and S = ln(sum g_i) with no
constraint.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from ..errors import StatMechError
from .dual import solve_mean, solve_moments
from .exact import ExactMaxEnt, as_fraction, exact_mean_solution

__all__ = ["MaxEntResult", "maxent"]


@dataclass
class MaxEntResult:
    """The maximum-entropy distribution over finite values, with its multipliers.

    Attributes
    ----------
    values : ndarray
        The values x_i.
    degeneracy : ndarray or None
        The weights g_i (None: every g_i = 1).
    p : ndarray
        The probabilities p_i (of each value, all g_i states of it together). Those below
        about e^{-700} of the largest are returned as 0 (they would be subnormal floats).
    beta : float or None
        Multiplier of the mean (the lecture's lambda_2): p_i ∝ g_i e^{-beta x_i ...}.
    gamma : float or None
        Multiplier of the variance, p_i ∝ ... e^{-gamma (x_i - m)^2}.
    multipliers : dict
        Every multiplier by name: ``lambda_1`` (normalisation, = ln Z - 1), ``beta``, ``gamma``,
        ``mu_1``, ``mu_2``, ... (the ``moments`` constraints, in order).
    log_Z : float
        ln Z, Z = sum_i g_i e^{-beta x_i - gamma (x_i - m)^2 - ...}.
    entropy : float
        S = -sum_i p_i ln(p_i / g_i) (natural log, k = 1).
    mean, variance : float
        The mean and variance of p (the constraints, as met).
    success : bool
        Whether the constraints are met to the tolerance.
    status : str
        ``"converged"``, ``"max_iter"`` or ``"stalled"``.
    message : str
        In words.
    nit : int
        Newton iterations.
    residual : float
        The largest constraint violation |E_p[f] - target|, in the units of the constraint.
    exact : ExactMaxEnt or None
        The exact solution where the mean equation is a polynomial (rational values, only a
        mean constraint); ``exact_note`` says why there is none otherwise.
    """

    values: np.ndarray
    degeneracy: np.ndarray | None
    p: np.ndarray
    beta: float | None
    gamma: float | None
    multipliers: dict
    log_Z: float
    entropy: float
    mean: float
    variance: float
    success: bool
    status: str
    message: str
    nit: int
    residual: float
    exact: ExactMaxEnt | None = None
    exact_note: str = ""
    constraints: list = field(default_factory=list)

    @property
    def Z(self) -> float:
        """The partition function e^{ln Z} (``inf`` or 0 beyond the float range: use log_Z)."""
        with np.errstate(over="ignore", under="ignore"):
            return float(np.exp(self.log_Z))

    def to_dict(self) -> dict:
        """A JSON-ready view (exact parts as SymPy strings)."""
        out = {"values": self.values.tolist(),
               "degeneracy": None if self.degeneracy is None else self.degeneracy.tolist(),
               "p": self.p.tolist(), "beta": self.beta, "gamma": self.gamma,
               "multipliers": dict(self.multipliers), "log_Z": self.log_Z, "Z": self.Z,
               "entropy": self.entropy, "mean": self.mean, "variance": self.variance,
               "success": self.success, "status": self.status, "message": self.message,
               "nit": self.nit, "residual": self.residual, "exact": None}
        if self.exact is not None:
            e = self.exact
            out["exact"] = {"w": sp.sstr(e.w_definition), "equation": sp.sstr(e.equation.lhs)
                            + " = 0", "root": sp.sstr(e.root), "beta": sp.sstr(e.beta),
                            "p": [sp.sstr(v) for v in e.p]}
        else:
            out["exact_note"] = self.exact_note
        return out

    def summary(self) -> str:
        """A plain-text report: the distribution, the multipliers, ln Z, S and convergence."""
        g = self.degeneracy
        rows = [("value", "g", "p")] if g is not None else [("value", "p")]
        for i, (x, p) in enumerate(zip(self.values, self.p)):
            rows.append((f"{x:.10g}", f"{g[i]:.10g}", f"{p:.12g}") if g is not None
                        else (f"{x:.10g}", f"{p:.12g}"))
        widths = [max(len(r[j]) for r in rows) for j in range(len(rows[0]))]
        lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
        names = {"lambda_1": "lambda_1 (normalisation)", "beta": "beta (mean, lambda_2)",
                 "gamma": "gamma (variance)"}
        lines.append("")
        for k, v in self.multipliers.items():
            lines.append(f"{names.get(k, k):26s} {v:.15g}")
        lines += [f"{'ln Z':26s} {self.log_Z:.15g}", f"{'Z':26s} {self.Z:.15g}",
                  f"{'entropy S':26s} {self.entropy:.15g}",
                  f"{'mean, variance':26s} {self.mean:.15g}, {self.variance:.15g}",
                  self.message]
        if self.exact is not None:
            e = self.exact
            lines.append(f"exact: beta = {sp.sstr(e.beta)}, where w = {sp.sstr(e.w_definition)} is "
                         f"the positive root of {sp.sstr(e.equation.lhs)} = 0")
        return "\n".join(lines)

    def __repr__(self) -> str:
        mult = ", ".join(f"{k}={v:.10g}" for k, v in self.multipliers.items())
        return (f"<MaxEntResult {self.status}: n={len(self.p)}, {mult}, ln Z={self.log_Z:.10g}, "
                f"S={self.entropy:.10g}, nit={self.nit}>")


# -- input --------------------------------------------------------------------------------

def _float_array(obj, what: str) -> np.ndarray:
    """``obj`` as a float array; a complex number with a non-zero imaginary part is refused in
    one line, naming it (casting would drop the imaginary part silently)."""
    arr = np.asarray(obj)
    if arr.dtype.kind == "c":
        flat = arr.reshape(-1)
        nonreal = np.flatnonzero(flat.imag != 0)
        if nonreal.size:
            at = f" at index {int(nonreal[0])}" if arr.ndim else ""
            raise StatMechError(f"{what} must be real, got the complex number "
                                f"{complex(flat[nonreal[0]])}{at}")
        arr = arr.real
    return np.asarray(arr, dtype=float)


def _real_vector(obj, what: str) -> np.ndarray:
    try:
        arr = np.asarray(obj)
        if arr.dtype.kind in "USV":
            raise TypeError("text")
        if arr.dtype.kind != "c":
            arr = np.asarray(arr, dtype=float)
    except (TypeError, ValueError):
        raise StatMechError(f"{what} must be numbers (symbolic levels: use "
                            "lagropt.statmech.Canonical)") from None
    except OverflowError:
        raise StatMechError(f"{what} must be finite: one is beyond the range of floating "
                            "point") from None
    arr = _float_array(arr, what)
    if arr.ndim != 1 or arr.size == 0:
        raise StatMechError(f"{what} must be a non-empty one-dimensional list of numbers")
    if not np.all(np.isfinite(arr)):
        raise StatMechError(f"{what} contain a NaN or an infinity")
    return arr


def _real_number(obj, what: str) -> float:
    if isinstance(obj, (str, bytes, bool)):
        raise StatMechError(f"{what} must be a number, got {obj!r}")
    if isinstance(obj, (complex, np.complexfloating)):
        obj = _float_array(obj, what)[()]
    try:
        v = float(obj)
    except (TypeError, ValueError):
        raise StatMechError(f"{what} must be a number, got {obj!r}") from None
    except OverflowError:
        raise StatMechError(f"{what} must be finite: it is beyond the range of floating "
                            "point") from None
    if not math.isfinite(v):
        raise StatMechError(f"{what} must be finite, got {v}")
    return v


def _degeneracy(degeneracy, n: int) -> np.ndarray | None:
    if degeneracy is None:
        return None
    g = _real_vector(degeneracy, "the degeneracies")
    if g.size != n:
        raise StatMechError(f"{g.size} degeneracies for {n} values")
    if np.any(g <= 0):
        raise StatMechError("degeneracies must be positive (drop a level rather than give it "
                            "weight 0)")
    return g


def _moment_features(moments, x: np.ndarray) -> list:
    """[(name, feature values f(x_i), target)] from a dict or a sequence of pairs."""
    items = moments.items() if isinstance(moments, dict) else moments
    out = []
    for j, pair in enumerate(items, 1):
        try:
            f, target = pair
        except (TypeError, ValueError):
            raise StatMechError("moments must be a dict {f: target} or pairs (f, target), f a "
                                "power k, a function of the values or an array") from None
        what = f"moment constraint {j}"
        if isinstance(f, (int, np.integer)) and not isinstance(f, bool):
            feature = x ** int(f)
        elif callable(f):
            feature = _float_array(f(x), what)
        else:
            feature = _float_array(f, what)
        if feature.shape != x.shape:
            raise StatMechError(f"{what}: the feature must give one number per value")
        if not np.all(np.isfinite(feature)):
            raise StatMechError(f"{what}: the feature is not finite at every value")
        out.append((f"mu_{j}", feature, _real_number(target, f"{what}: the target")))
    return out


# -- feasibility --------------------------------------------------------------------------

def _check_mean(x: np.ndarray, mean: float) -> None:
    low, high = float(x.min()), float(x.max())
    if low == high:
        raise StatMechError(f"all values equal {low:g}: the only distribution is that value, "
                            "there is nothing to maximize")
    if not low <= mean <= high:
        raise StatMechError(f"mean {mean:g} is outside [{low:g}, {high:g}], the range of the "
                            "values: no distribution has it")
    if mean in (low, high):
        side, sign = ("smallest", "+") if mean == low else ("largest", "-")
        raise StatMechError(f"mean {mean:g} is the {side} value: the only distribution with it "
                            f"puts all probability on {mean:g} (beta -> {sign}oo), a degenerate "
                            "maximum with no finite multiplier")


def _check_variance(x: np.ndarray, mean: float, variance: float) -> None:
    low, high = float(x.min()), float(x.max())
    largest = (mean - low) * (high - mean)
    below, above = x[x <= mean].max(), x[x >= mean].min()
    smallest = (mean - below) * (above - mean)
    if variance < 0 or variance > largest:
        raise StatMechError(f"variance {variance:g} is outside [{smallest:g}, {largest:g}], what "
                            f"values in [{low:g}, {high:g}] with mean {mean:g} allow")
    if variance >= largest * (1 - 1e-14):
        raise StatMechError(f"variance {variance:g} is the largest possible with mean {mean:g}, "
                            f"(m - min)(max - m): only {low:g} and {high:g} can carry "
                            "probability, a degenerate distribution")
    if variance < smallest or variance <= smallest + 1e-14 * largest:
        where = (f"only {below:g} and {above:g} can carry probability" if below != above
                 else f"all probability sits on {mean:g}")
        raise StatMechError(f"variance {variance:g} is {'below' if variance < smallest else 'at'} "
                            f"the smallest possible with mean {mean:g}, {smallest:g}: {where}")


def _check_independent(features: list) -> None:
    """Refuse constraints that are affine combinations of each other (contradictory or
    redundant), which leave the multipliers undetermined."""
    F = np.column_stack([f for _, f, _ in features])
    centred = F - F.mean(axis=0)
    scale = np.maximum(np.abs(centred).max(axis=0), 1e-300)
    singular = np.linalg.svd(centred / scale, compute_uv=False)
    if singular[-1] > 1e-10 * singular[0]:
        return
    coef = np.linalg.svd(centred / scale)[2][-1] / scale     # c . f(x_i) is the same for all i
    targets = np.array([t for _, _, t in features])
    constant = float(F[0] @ coef)
    names = [name for name, _, _ in features]
    involved = ", ".join(n for n, c in zip(names, coef) if abs(c) > 1e-8 * np.abs(coef).max())
    if abs(targets @ coef - constant) > 1e-9 * (np.abs(targets) @ np.abs(coef) + abs(constant)):
        raise StatMechError(f"contradictory constraints ({involved}): over these values they are "
                            "tied to each other, and the targets break the tie")
    raise StatMechError(f"redundant constraints ({involved}): over these values one follows "
                        "from the others; drop one")


def _check_interior(features: list) -> None:
    """Is there a distribution with every p_i > 0 meeting the constraints? (linear program:
    maximize t with p_i = t + q_i, q_i >= 0)."""
    from scipy.optimize import linprog

    F = np.column_stack([f for _, f, _ in features])
    targets = np.array([t for _, _, t in features])
    scale = np.maximum(np.abs(F).max(axis=0), 1e-300)
    n = F.shape[0]
    A = np.vstack([(F / scale).T, np.ones(n)])
    A = np.hstack([A, A.sum(axis=1, keepdims=True)])
    b = np.append(targets / scale, 1.0)
    c = np.zeros(n + 1)
    c[-1] = -1.0
    lp = linprog(c, A_eq=A, b_eq=b, bounds=[(0, None)] * (n + 1), method="highs")
    if lp.status == 2:
        raise StatMechError("contradictory constraints: no distribution on these values meets "
                            "all the moment targets")
    if lp.status == 0 and lp.x[-1] * n < 1e-9:
        raise StatMechError("the moment targets lie on the boundary of what the values allow: "
                            "every distribution meeting them gives some values probability "
                            "zero, a degenerate maximum with infinite multipliers")


# -- the solve ----------------------------------------------------------------------------

def maxent(values, mean=None, variance=None, degeneracy=None, moments=None, *,
           tol: float = 1e-13, max_iter: int = 100, exact: bool = True,
           max_degree: int = 60, exact_timeout: float = 10.0) -> MaxEntResult:
    """The maximum-entropy distribution over ``values`` with the given moments.

    Maximizes S = -sum_i p_i ln(p_i / g_i) subject to sum p_i = 1 and the constraints below; the
    answer is p_i = g_i e^{-beta x_i - gamma (x_i - m)^2 - sum_j mu_j f_j(x_i)} / Z.

    Parameters
    ----------
    values : sequence of numbers
        The values x_i (faces of a die, energy levels). Equal values are allowed (they act as
        one level of the summed degeneracy).
    mean : number, optional
        sum_i p_i x_i = m. Must lie strictly between the smallest and largest value.
    variance : number, optional
        sum_i p_i (x_i - m)^2 = V (needs ``mean``); must lie strictly inside what the values
        allow with that mean.
    degeneracy : sequence of positive numbers, optional
        g_i, the number of states of value x_i.
    moments : dict or sequence of pairs, optional
        Further constraints ``{f: c}``: sum_i p_i f(x_i) = c, where f is an integer k (x^k), a
        function of the values array, or an array of f(x_i).
    tol : float
        Stop when every constraint holds to tol times the spread of its feature (mean: the
        half-range of the values) and the multipliers are fixed to :data:`RESOLUTION` (1e-8)
        of their size.
    max_iter : int
        Newton iterations allowed.
    exact : bool
        Also solve exactly where possible: with only a mean and rational values (fractions,
        integers, or floats by their binary value), the mean equation is a polynomial in
        w = e^{-beta d} and beta is -ln(w)/d with w algebraic (see :mod:`.exact`).
    max_degree : int
        The largest polynomial degree the exact solve attempts.
    exact_timeout : float
        Seconds allowed for the exact solve (it runs in a worker process that is stopped then).

    Returns
    -------
    MaxEntResult

    Raises
    ------
    StatMechError
        A mean outside [min, max] or on its boundary, a variance the values cannot have (or
        only degenerately), contradictory or redundant constraints, bad input (complex numbers
        included), or multipliers that float64 cannot fix to :data:`RESOLUTION` of their size
        (the probabilities that set them near or below the float range: values 1e300 apart
        with the mean near the small ones).
    """
    x = _real_vector(values, "the values")
    g = _degeneracy(degeneracy, x.size)
    features = []
    if mean is not None:
        m = _real_number(mean, "the mean")
        _check_mean(x, m)
        features.append(("beta", x, m))
    if variance is not None:
        if mean is None:
            raise StatMechError("a variance constraint needs the mean it is taken about "
                                "(pass mean=...), or give moments={2: E[x^2]}")
        V = _real_number(variance, "the variance")
        _check_variance(x, m, V)
        features.append(("gamma", (x - m) ** 2, V))
    if moments:
        features += _moment_features(moments, x)
    if len(features) > 1:
        _check_independent(features)
    if moments and x.size <= 100_000:
        _check_interior(features)
    result = _solve(x, g, features, tol, max_iter)
    if exact and mean is not None and variance is None and not moments:
        result.exact, result.exact_note = _exact(_exact_input(values, x), _exact_input(mean, m),
                                                 _exact_input(degeneracy, g), max_degree, x,
                                                 exact_timeout)
    if not result.success:
        warnings.warn(f"lagropt.statmech.maxent: {result.message}", RuntimeWarning, stacklevel=2)
    return result


def _solve(x, g, features, tol, max_iter) -> MaxEntResult:
    """Scale each constraint to its spread, solve the dual, map back to the user's units."""
    if not features:                                   # the flat distribution, p_i ∝ g_i
        weights = np.ones_like(x) if g is None else g
        total = float(weights.sum())
        p = weights / total
        return MaxEntResult(x, g, p, None, None, {"lambda_1": math.log(total) - 1},
                            math.log(total), math.log(total), float(p @ x),
                            float(p @ (x - p @ x) ** 2), True, "converged",
                            "no constraint besides normalisation: p_i = g_i / sum g", 0, 0.0)
    names = [name for name, _, _ in features]
    targets = np.array([t for _, _, t in features])
    spreads = []
    for name, f, _ in features:
        spread = float(f.max() - f.min()) / 2
        if spread == 0:
            raise StatMechError(f"constraint {name} has the same value at every x_i: it fixes "
                                "nothing (or contradicts the target)")
        spreads.append(spread)
    spreads = np.array(spreads)
    if len(features) == 1:
        f = features[0][1]
        y = (f - targets[0]) / spreads[0]
        low, high = float(f.min()), float(f.max())
        floor = 16 * np.finfo(float).eps * max(abs(low), abs(high)) / spreads[0]
        bounds = ((low - targets[0]) / spreads[0], (high - targets[0]) / spreads[0])
        dual = _resolved(lambda t, start: solve_mean(y, g, tol=t, max_iter=max_iter,
                                                     bounds=bounds, start=start),
                         max(tol, floor), x, features, lambda d: [float(d.p @ np.abs(y))])
        del y
    else:
        Y = np.column_stack([(f - t) / h for (_, f, t), h in zip(features, spreads)])
        dual = _resolved(lambda t, start: solve_moments(Y, g, tol=t, max_iter=max_iter,
                                                        start=start),
                         tol, x, features, lambda d: d.p @ np.abs(Y))
        del Y
    lam = dual.lam / spreads
    # ln Z in the user's units: e^{-lam . f} = e^{-lam' . y} e^{-lam . targets}
    log_z = dual.log_z - float(lam @ targets)
    residuals = dual.mean_y * spreads
    entropy = dual.log_z + float(dual.lam @ dual.mean_y)
    multipliers = {"lambda_1": log_z - 1, **{n: float(v) for n, v in zip(names, lam)}}
    p = dual.p
    if names == ["beta"]:       # from the dual's moments: no further pass over the values
        mean_x = float(targets[0] + spreads[0] * dual.mean_y[0])
        with np.errstate(over="ignore"):       # values ~1e200: a variance beyond float64 is inf
            var_x = float(spreads[0] ** 2 * dual.cov_y[0, 0])
    else:
        mean_x = float(p @ x)
        var_x = float(p @ (x - mean_x) ** 2)
    success = dual.status == "converged"
    steps = f"{dual.nit} Newton/Halley iteration{'s' if dual.nit != 1 else ''}" + (
        f" after {dual.warm_nit} in single precision" if dual.warm_nit else "")
    worst = np.abs(residuals).max()
    message = (f"converged in {steps}, constraints met to {worst:.2g}" if success else
               f"did not converge ({dual.status}) after {steps}; the constraints are met only "
               f"to {worst:.2g}")
    return MaxEntResult(x, g, p, multipliers.get("beta"), multipliers.get("gamma"),
                        multipliers, log_z, entropy, mean_x, var_x, success, dual.status, message,
                        dual.nit, float(np.abs(residuals).max()), constraints=names)


RESOLUTION = 1e-8     # the relative accuracy of the multipliers that maxent promises
_EPS = float(np.finfo(float).eps)


def _rounding(dual, n: int, size=None) -> float:
    """How closely float64 can meet E_p[y] = 0 here: each scaled value y_i and the sum carry
    relative rounding errors, on terms of total size ``size`` = E_p|y| (default its bound
    sqrt(E_p[y^2]), which needs no pass over the values)."""
    if size is None:
        size = np.sqrt(np.diag(dual.cov_y) + dual.mean_y ** 2)
    return (4 + math.log2(n)) * _EPS * float(np.max(size))


def _uncertainty(dual, n: int, size=None) -> float:
    """How far the scaled multipliers may lie from the exact ones: the residual and the rounding
    level of E_p[y] through the inverse of Cov_p(y), the dual's Hessian (inf if singular)."""
    smallest = float(np.linalg.eigvalsh(np.atleast_2d(dual.cov_y)).min())
    if not smallest > 0:
        return math.inf
    return (float(np.abs(dual.mean_y).max()) + _rounding(dual, n, size)) / smallest


def _looseness(dual, n: int, size=None) -> float:
    """The uncertainty relative to the multipliers' size (to 1 in scaled units near 0)."""
    return _uncertainty(dual, n, size) / max(1.0, float(np.abs(dual.lam).max()))


def _resolved(solve, tol: float, x: np.ndarray, features: list, abs_mean):
    """``solve(tol, start)``, the dual's solution, with multipliers fixed to :data:`RESOLUTION`.

    When ``tol`` is met but leaves the multipliers loose (a mean close to one end: E_p[y]
    changes slowly with them), the dual is solved on from there, first to the residual that
    would fix them at the curvature reached, then as far as float64 goes (tol 0: until the
    iteration stalls). Multipliers that even this cannot fix are refused: the constraints then
    hold to rounding over a range of multipliers (the probabilities that set them are near or
    below the float range), and any answer would be a guess. ``abs_mean(dual)`` gives E_p|y_k|
    (a pass over the values, only on this path), the size of the terms whose rounding bounds
    the residual."""
    n = x.size
    dual = solve(tol, None)
    if dual.status != "converged" or _looseness(dual, n) <= RESOLUTION:
        return dual
    nit = dual.nit
    for finer in ("curvature", "float64", None):
        size = abs_mean(dual)
        if _looseness(dual, n, size) <= RESOLUTION:
            break
        if finer is None:
            raise StatMechError(_unresolved(dual, n, features, x, size, nit))
        curvature = float(np.linalg.eigvalsh(np.atleast_2d(dual.cov_y)).min())
        needed = 0.25 * RESOLUTION * curvature * max(1.0, float(np.abs(dual.lam).max()))
        dual = solve(needed if finer == "curvature" else 0.0, dual.lam)
        nit += dual.nit
    dual.nit = nit
    if float(np.abs(dual.mean_y).max()) <= tol:
        dual.status = "converged"
    return dual


def _unresolved(dual, n, features, x, size, nit) -> str:
    """The one-line refusal of multipliers float64 did not fix."""
    plural = "s" if len(features) > 1 else ""
    names = ", ".join(name for name, _, _ in features)
    targets = ", ".join(f"{t:g}" for _, _, t in features)
    loose = _looseness(dual, n, size)
    limit = " (max_iter reached)" if dual.status == "max_iter" else ""
    return (f"float64 cannot resolve the multiplier{plural} {names} for values in "
            f"[{x.min():g}, {x.max():g}] and target{plural} {targets}: after {nit} iterations"
            f"{limit} the constraints hold to rounding over a relative range {loose:.2g} of "
            f"{'them' if plural else 'it'} (more than {RESOLUTION:g}), their probabilities "
            "being near or below the float range; move the target away from the end of the "
            "values, rescale them or drop the outlying ones")


def _exact_input(given, checked):
    """What the exact solve reads: the user's input as given (fractions stay exact), or its
    checked real form when it came as complex numbers."""
    return checked if np.iscomplexobj(given) else given


def _exact(values, mean, degeneracy, max_degree, x, timeout):
    """The exact solution, or None and the reason."""
    # the degree is at least the number of distinct values less one; a prefix tells cheaply
    if any(np.unique(part).size > max_degree + 1 for part in (x[:4096], x)):
        return None, (f"more than {max_degree + 1} distinct values: the mean equation would be a "
                      f"polynomial of degree > {max_degree}")
    xs = [as_fraction(v) for v in values]
    m = as_fraction(mean)
    gs = None if degeneracy is None else [as_fraction(v) for v in degeneracy]
    if any(v is None for v in xs) or m is None or (gs is not None and None in gs):
        return None, "the values, mean and degeneracies are not all rational numbers"
    from ..runtime import Budget, TimeLimit, run_in_worker

    try:        # bounded work: SymPy's exact arithmetic on huge rationals can take its time
        return run_in_worker(exact_mean_solution, xs, m, gs, max_degree, budget=Budget.of(timeout),
                             what="the exact solve")
    except TimeLimit:
        return None, f"the exact solve gave up after {timeout:g} s CPU"
