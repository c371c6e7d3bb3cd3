"""The convex dual of discrete maximum entropy, solved by Newton's method on ln Z.

Maximizing S = -sum_i p_i ln(p_i / g_i) subject to sum_i p_i = 1 and sum_i p_i y_ik = 0 (each
constraint written as a centred, scaled feature y_ik = (f_k(x_i) - target_k) / h_k) gives
p_i = g_i e^{-lambda . y_i} / Z(lambda), and the multipliers minimize the convex dual

    D(lambda) = ln Z(lambda) = ln sum_i g_i e^{-lambda . y_i},

whose gradient is -E_p[y] (zero exactly when the constraints hold) and whose Hessian is the
covariance Cov_p(y) (positive definite). ``ln Z`` is a log-sum-exp, shifted by its largest
exponent, so no multiplier and no spread of values overflows. At the optimum D = S.

Two solvers: :func:`solve_mean` for the single mean constraint (Halley's method, third order,
inside a bracket that always contains the root, so it cannot diverge) and :func:`solve_moments`
for several constraints (Newton with a backtracking line search on D).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["DualSolution", "solve_mean", "solve_moments"]


@dataclass
class DualSolution:
    """Multipliers (in the scaled features' units) and the distribution they give.

    Attributes
    ----------
    lam : ndarray
        Multipliers of the scaled features, shape (k,).
    p : ndarray
        The distribution p_i (sums to one).
    log_z : float
        ln sum_i g_i e^{-lam . y_i} (equal to the entropy at the optimum).
    mean_y : ndarray
        E_p[y_k], the constraint residuals in scaled units.
    cov_y : ndarray
        Cov_p(y), shape (k, k).
    nit : int
        Newton (or Halley) iterations in double precision.
    status : str
        ``"converged"``, ``"max_iter"`` or ``"stalled"`` (no progress possible in floating point
        before the tolerance was met).
    warm_nit : int
        Single-precision iterations of the warm start (large inputs only).
    """

    lam: np.ndarray
    p: np.ndarray
    log_z: float
    mean_y: np.ndarray
    cov_y: np.ndarray
    nit: int
    status: str
    warm_nit: int = 0


class _MeanMoments:
    """E[y], E[y^2], E[y^3] and ln Z at one multiplier, in two work arrays w and wy."""

    def __init__(self, y, g, w, wy, ylo: float, yhi: float):
        self.y, self.g, self.w, self.wy = y, g, w, wy
        self.ylo, self.yhi = ylo, yhi                  # min and max of y
        # exponents up to this need no shift: n e^{limit} stays far inside the float range
        self.limit = math.log(np.finfo(y.dtype).max) - math.log(y.size) - 8
        # exp is several times slower where it underflows, so exponents are clipped at floor:
        # all clipped terms together weigh under n e^floor of the largest (~1e-298 in double
        # precision), which no sum notices; probabilities() then sets them to zero
        self.floor = math.log(np.finfo(y.dtype).tiny) + 8
        self.clipped = False

    def __call__(self, lam: float):
        y, w, wy = self.y, self.w, self.wy
        top = -lam * (self.ylo if lam > 0 else self.yhi)     # the largest exponent -lam y_i
        shift = top if top > self.limit else 0.0
        self.lam, self.shift = lam, shift
        self.clipped = top - shift - abs(lam) * (self.yhi - self.ylo) < self.floor
        if lam == 0:
            w[...] = 1.0
        else:
            np.multiply(y, -lam, out=w)
            if shift:
                w -= shift
            if self.clipped:
                np.maximum(w, self.floor, out=w)
            np.exp(w, out=w)
        if self.g is not None:
            w *= self.g
        # s0 and s1 decide convergence: pairwise sums (accurate). s2 and s3 only shape the
        # step: one-pass einsum. No BLAS call (its threads thrash on a busy machine).
        s0 = float(w.sum())
        np.multiply(w, y, out=wy)
        s1 = float(wy.sum())
        s2 = float(np.einsum("i,i->", wy, y))
        self.s0 = s0
        return s1 / s0, s2 / s0, math.log(s0) + shift

    def third(self) -> float:
        """E[y^3] at the multiplier of the last call (needed only for a step)."""
        return float(np.einsum("i,i,i->", self.wy, self.y, self.y)) / self.s0

    def probabilities(self) -> np.ndarray:
        """p_i at the multiplier of the last call (in w), the clipped ones set to zero."""
        w = self.w
        if self.clipped:        # where -lam y_i - shift < floor
            bound = (-self.floor - self.shift) / self.lam
            w[self.y > bound if self.lam > 0 else self.y < bound] = 0.0
        w /= self.s0
        return w


WARM_START_SIZE = 1 << 16
NEAR_FLAT = 0.02     # |lam| (max y - min y) below which the distribution is nearly flat


def solve_mean(y, g=None, tol: float = 1e-13, max_iter: int = 100,
               bounds: tuple | None = None, start: float | None = None) -> DualSolution:
    """Solve E_p[y] = 0 for the single multiplier lam of p_i ∝ g_i e^{-lam y_i}.

    Halley's iteration lam <- lam + 2 m1 v / (2 v^2 - m1 k3), with m1 = E[y], v = Var(y) and
    k3 the third central moment (E[y] falls with lam at rate v, and v at rate k3), safeguarded by
    a bracket [lo, hi] that holds the root (E[y] > 0 at lo, < 0 at hi): a step that leaves the
    bracket becomes a Newton step lam + m1 / v, then a bisection.

    From :data:`WARM_START_SIZE` values on, the iteration first runs in single precision (whose
    ``exp`` is several times faster), on every k-th value to |E[y]| <= 1e-3 and then on all of
    them to 1e-5; double precision takes over from there: with Halley's cubic convergence, one
    or two double-precision steps then reach ``tol``, and the answer is the double-precision
    one (the warm start only chooses where it begins).

    Parameters
    ----------
    y : ndarray
        Centred, scaled values (min < 0 < max); not modified.
    g : ndarray, optional
        Positive weights (degeneracies).
    tol : float
        Stop when |E[y]| <= tol.
    max_iter : int
        Iteration limit.
    bounds : (float, float), optional
        min(y) and max(y), when the caller knows them.
    start : float, optional
        The multiplier to start from (an earlier solution refined to a smaller ``tol``); no
        warm start then.

    Returns
    -------
    DualSolution
    """
    n = y.size
    ylo, yhi = bounds if bounds is not None else (float(y.min()), float(y.max()))
    w, wy = np.empty(n), np.empty(n)
    lam, warm_nit = (0.0 if start is None else float(np.asarray(start).reshape(-1)[0])), 0
    if n >= WARM_START_SIZE and start is None:
        # single-precision arrays live in the halves of the double-precision work arrays
        w32, wy32 = w.view(np.float32)[:n], w.view(np.float32)[n:]
        y32 = wy.view(np.float32)[:n]
        stride = n // (WARM_START_SIZE // 4)
        for step, warm_tol in ((stride, 1e-3), (1, 1e-5)):     # coarse to fine
            m = len(range(0, n, step))
            sample = y32[:m]
            sample[...] = y[::step]
            low, high = float(sample.min()), float(sample.max())
            if not low < 0 < high:                       # the sample cannot have the mean
                continue
            weights = None if g is None else g[::step].astype(np.float32)
            moments = _MeanMoments(sample, weights, w32[:m], wy32[:m], low, high)
            warm = _halley(moments, warm_tol, max_iter, lam)
            warm_nit += warm.nit
            if warm.status == "converged" and math.isfinite(warm.lam[0]):
                lam = float(warm.lam[0])
            if abs(lam) * (yhi - ylo) < NEAR_FLAT:
                lam = 0.0      # Halley's first step from 0 is exact enough, and 0 costs no exp
                break
    solution = _halley(_MeanMoments(y, g, w, wy, ylo, yhi), tol, max_iter, lam)
    solution.warm_nit = warm_nit
    return solution


def _halley(moments: _MeanMoments, tol, max_iter, lam) -> DualSolution:
    """The safeguarded Halley iteration of :func:`solve_mean` from ``lam``, in the precision of
    the moments' arrays (whose w holds p on return)."""
    lo, hi = -math.inf, math.inf
    status = "max_iter"
    for nit in range(max_iter + 1):
        m1, m2, log_z = moments(lam)
        if abs(m1) <= tol:
            status = "converged"
            break
        if nit == max_iter:
            break
        if m1 > 0:
            lo = lam
        else:
            hi = lam
        if hi - lo <= 4 * np.spacing(max(abs(lo), abs(hi), 1e-300)):
            status = "stalled"
            break
        m3 = moments.third()
        lam = _next_multiplier(lam, m1, m2 - m1 * m1, m3 - 3 * m1 * m2 + 2 * m1 ** 3, lo, hi)
    var = m2 - m1 * m1
    return DualSolution(np.array([lam]), moments.probabilities(), log_z, np.array([m1]),
                        np.array([[var]]), nit, status)


def _next_multiplier(lam, m1, var, k3, lo, hi):
    """Halley's step if it stays inside (lo, hi), else Newton's, else bisection or expansion."""
    inside = (lambda t: math.isfinite(t) and lo < t < hi)
    denominator = 2 * var * var - m1 * k3
    if var > 0 and denominator > 0:
        halley = lam + 2 * m1 * var / denominator
        if inside(halley):
            return halley
    if var > 0:
        newton = lam + m1 / var
        if inside(newton):
            return newton
    if math.isfinite(lo) and math.isfinite(hi):
        return 0.5 * (lo + hi)
    # only one side of the root known and the curvature underflowed: step out geometrically
    return lam + math.copysign(max(1.0, 2 * abs(lam)), m1)


def _features_moments(Y, g, lam):
    """ln Z, the weights w (unnormalised, shifted), E[y] and Cov(y) at lam."""
    a = Y @ (-lam)
    shift = float(a.max())
    a -= shift
    w = np.exp(a, out=a)
    if g is not None:
        w *= g
    s0 = float(w.sum())
    mean = (w @ Y) / s0
    cov = (Y.T * w) @ Y / s0 - np.outer(mean, mean)
    return math.log(s0) + shift, w, s0, mean, cov


def solve_moments(Y, g=None, tol: float = 1e-13, max_iter: int = 200,
                  start=None) -> DualSolution:
    """Minimize D(lam) = ln sum_i g_i e^{-lam . y_i} by Newton's method with backtracking.

    The Newton direction d solves Cov(y) d = E[y]; the step t d is halved until
    D(lam + t d) <= D(lam) - 1e-4 t E[y] . d (Armijo), which makes the iteration converge from
    lam = 0 for any strictly feasible moments, quadratically near the optimum.

    Parameters
    ----------
    Y : ndarray, shape (n, k)
        Centred, scaled features, affinely independent over the values.
    g : ndarray, optional
        Positive weights.
    tol : float
        Stop when max_k |E[y_k]| <= tol.
    max_iter : int
        Iteration limit.
    start : array_like, optional
        The multipliers to start from (default 0).

    Returns
    -------
    DualSolution
    """
    lam = np.zeros(Y.shape[1]) if start is None else np.array(start, dtype=float)
    log_z, w, s0, mean, cov = _features_moments(Y, g, lam)   # w / s0 is p
    status = "max_iter"
    for nit in range(max_iter + 1):
        if np.max(np.abs(mean)) <= tol:
            status = "converged"
            break
        if nit == max_iter:
            break
        direction = np.linalg.lstsq(cov, mean, rcond=None)[0]
        slope = -float(mean @ direction)
        t = 1.0
        while t > 1e-18:
            trial = _features_moments(Y, g, lam + t * direction)
            if trial[0] <= log_z + 1e-4 * t * slope + 1e-15 * abs(log_z):    # rounding slack
                break
            t *= 0.5
        else:
            status = "stalled"
            break
        lam = lam + t * direction
        log_z, w, s0, mean, cov = trial
    return DualSolution(lam, w / s0, log_z, mean, cov, nit, status)
