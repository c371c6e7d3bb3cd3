"""The lasso and elastic-net path by coordinate descent, as glmnet computes it.

For a decreasing sequence of penalties (a_k, l2_k), a_k >= 0 the L1 slope, each problem

    F_k(w) = c/2 ||y - X w||^2 + a_k ||w||_1 + l2_k/2 ||w||^2

is solved starting from the previous solution (warm start), on a screened set of coordinates:

1. **Sequential strong rule** (Tibshirani et al. 2012, eq. 7): with g = c X^T (y - X w) at the
   previous solution, coordinate j is left out when |g_j| < 2 a_k - a_{k-1} and w_j = 0. The
   rule is a heuristic and can be wrong, hence step 3.
2. **Active-set cycling**: one sweep of the strong set S (coordinates may enter), then sweeps
   of its non-zero coordinates only until the largest change of a sweep is at most
   tol * max_j |w_j| (scikit-learn's test before it computes the gap), at most ``ROUND`` of
   them (:mod:`lagropt.regression.coordinate`: covariance updates on Q = c X^T X when n >= p,
   naive updates on the residual when p > n).
3. **KKT check at every zero coordinate**, those left out by the rule included: w_j = 0 is
   optimal iff |g_j| <= a_k at the current w (the subgradient condition); any j that fails
   joins S and step 2 runs again. So screening never leaves out a coordinate that should be
   non-zero.
4. **Stop on the duality gap**, as scikit-learn: gap(w) <= tol * c ||y||^2 (scikit-learn's
   tol * ||y||^2 in its unscaled objective), checked when step 3 passes, at the warm start
   first (at alpha_max, w = 0 passes at once); if it is not met, step 2 runs again.

The gap is :func:`~lagropt.regression.quadratic.enet_duality_gap`, the same as the single fits'.
"""

from __future__ import annotations

import numpy as np

from .coordinate import kernels
from .quadratic import ConvergenceError, enet_duality_gap

__all__ = ["GramData", "NaiveData", "coordinate_path", "ROUND", "NUMBA_FROM"]

ROUND = 50          # sweeps of the active set between two checks of the gap
NUMBA_FROM = 1 << 16    # entries of Q or X from which numba's compile time (~1 s) pays off


class GramData:
    """Covariance updates: the data term as Q = c X^T X, q = c X^T y, f0 = c/2 ||y||^2 (a
    :class:`~lagropt.regression.quadratic.PenalizedQuadratic`'s Q, q, f0); the sweeps keep
    g = q - Q w up to date for every coordinate."""

    def __init__(self, Q, q, f0: float):
        self.Q = np.ascontiguousarray(Q, dtype=float)
        self.q, self.f0 = np.asarray(q, dtype=float), float(f0)
        self.h = np.ascontiguousarray(np.diag(self.Q))
        self.entries = self.Q.size

    def exact_gradient(self, w):
        """g = q - Q w, computed afresh (not accumulated); from the rows of the non-zero
        coordinates (Q is symmetric) while they are few."""
        nonzero = np.flatnonzero(w)
        if 4 * len(nonzero) < len(w):
            return self.q - w[nonzero] @ self.Q[nonzero]
        return self.q - self.Q @ w

    def gradient(self, w, g):
        """g as the sweeps left it."""
        return g

    def sweeps(self, k, w, g, order, tol, a, l2, max_sweeps) -> int:
        return k.gram_sweeps(self.Q, self.h, w, g, order, tol, a, l2, max_sweeps)

    def gap(self, w, g, a, l2) -> float:
        """With Q w = q - g: c ||y - X w||^2 = 2 f0 - q^T w - g^T w and
        c (y - X w)^T y = 2 f0 - q^T w."""
        qw = self.q @ w
        return enet_duality_gap(w, 2 * self.f0 - qw - g @ w, 2 * self.f0 - qw, g, a, l2)


class NaiveData:
    """Naive updates: X itself (a Fortran-ordered copy, columns contiguous), y, the scale c;
    the sweeps keep the residual r = y - X w up to date."""

    def __init__(self, X, y, c: float):
        self.X, self.y, self.c = np.asfortranarray(X, dtype=float), np.asarray(y, float), float(c)
        self.h = c * np.einsum("ij,ij->j", self.X, self.X)
        self.entries = self.X.size
        self.q = c * (self.X.T @ self.y)
        self.f0 = c / 2 * float(self.y @ self.y)
        self.r = self.y.copy()

    def exact_gradient(self, w):
        """r = y - X w and g = c X^T r, computed afresh."""
        self.r = self.y - self.X @ w
        return self.c * (self.X.T @ self.r)

    def gradient(self, w, g):
        """g = c X^T r from the residual the sweeps left."""
        return self.c * (self.X.T @ self.r)

    def sweeps(self, k, w, g, order, tol, a, l2, max_sweeps) -> int:
        return k.naive_sweeps(self.X, self.h, w, self.r, order, tol, a, l2, self.c, max_sweeps)

    def gap(self, w, g, a, l2) -> float:
        return enet_duality_gap(w, self.c * (self.r @ self.r), self.c * (self.r @ self.y), g, a, l2)


def coordinate_path(data, penalties, tol: float = 1e-4, max_iter: int = 10_000, w0=None,
                    use_numba: bool | None = None):
    """Solve F_k for each (a_k, l2_k) of ``penalties`` in order, warm-started (module docstring).

    Parameters
    ----------
    data : GramData or NaiveData
    penalties : sequence of (a, l2)
        a >= 0 the L1 slope, l2 >= 0 the L2 weight; largest first is the cheap order.
    tol : float
        Stop at gap <= tol * 2 f0 = tol * c ||y||^2 (scikit-learn's meaning of tol).
    max_iter : int
        Sweeps per penalty, of the strong set and of the active set alike.
    use_numba : bool, optional
        Default: numba when it is installed and Q (or X) has at least ``NUMBA_FROM`` entries.

    Returns
    -------
    coefs : ndarray (n_features, n_penalties)
    gaps : ndarray (n_penalties,)
        The duality gap reached at each.
    sweeps : ndarray (n_penalties,)
        Sweeps made for each.

    Raises
    ------
    ConvergenceError
        When a problem does not reach tol in max_iter sweeps.
    """
    if use_numba is None and data.entries < NUMBA_FROM:
        use_numba = False
    k = kernels(use_numba)
    n = len(data.q)
    w = np.zeros(n) if w0 is None else np.array(w0, dtype=float)
    bound = tol * 2 * data.f0
    count = len(penalties)
    coefs, gaps, sweeps = np.empty((n, count)), np.empty(count), np.empty(count, int)
    previous = None
    g = data.exact_gradient(w)
    for index, (a, l2) in enumerate(penalties):
        if previous is None:                   # glmnet: the first strong rule uses max|g|
            previous = max(a, np.abs(g).max(initial=0.0))
        strong = (np.abs(g) >= 2 * a - previous) | (w != 0)
        g, gaps[index], sweeps[index] = _solve(data, k, w, g, strong, a, l2, tol, bound, max_iter)
        coefs[:, index], previous = w, a
    return coefs, gaps, sweeps


def _solve(data, k, w, g, strong, a, l2, tol, bound, max_iter):
    """One problem F(w), from the warm start w (updated in place; g = gradient at w, exact):
    until the KKT check at every zero coordinate and the gap pass, a sweep of the strong set S
    (coordinates may enter), then at most ``ROUND`` sweeps of its non-zero coordinates (fewer
    when they settle first; the cap keeps the gap checked when changes at rounding level never
    settle). The checks that end it are made again on g computed afresh (what the sweeps keep
    drifts by rounding). Returns (g exact at w, gap, sweeps)."""
    sweeps, exact = 0, True
    while True:
        missed = (w == 0) & (np.abs(g) > a)       # w_j = 0 is not optimal there
        if missed.any():
            strong |= missed
        else:
            gap = data.gap(w, g, a, l2)
            if gap <= bound and exact:
                return g, gap, sweeps
            if gap <= bound:
                g, exact = data.exact_gradient(w), True
                continue
        if sweeps >= max_iter:
            raise ConvergenceError(f"coordinate descent did not reach tol={tol:g} in "
                                   f"{max_iter} sweeps at the L1 weight {a:g}")
        S = np.flatnonzero(strong)
        sweeps += data.sweeps(k, w, g, S, tol, a, l2, 1)
        active = S[w[S] != 0]
        sweeps += data.sweeps(k, w, g, active, tol, a, l2, max(min(ROUND, max_iter - sweeps), 1))
        g, exact = data.gradient(w, g), False
