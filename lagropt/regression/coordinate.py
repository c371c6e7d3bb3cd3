"""Coordinate-descent sweeps for a symmetric L1 (plus L2) penalty, as glmnet runs them.

The problem, in the scale of :class:`~lagropt.regression.quadratic.PenalizedQuadratic` with the
data term c/2 ||y - X w||^2 (c = 1/m for scikit-learn's Lasso, 2 for the lecture's sum):

    F(w) = c/2 ||y - X w||^2 + a ||w||_1 + l2/2 ||w||^2,     g = c X^T (y - X w)  (= q - Q w).

Coordinate j is set to its exact minimizer with the others fixed, the derived
:func:`~lagropt.regression.derive.coordinate_update`:

    w_j <- (max(v - a, 0) - max(-v - a, 0)) / (h_j + l2),     v = g_j + h_j w_j,  h_j = Q_jj,

and the change is then carried into what is kept up to date, two ways (Friedman, Hastie and
Tibshirani 2010, section 2.2):

* **covariance updates** (``gram_sweeps``; n >= p): Q = c X^T X formed once and g kept for
  every coordinate, g -= Q_j (w_j_new - w_j_old) with the row Q_j (contiguous): O(p) per change
  and nothing for a coordinate that does not move, so the KKT check and the gap need no
  product with X;
* **naive updates** (``naive_sweeps``; p > n): the residual r = y - X w kept,
  g_j = c x_j^T r when coordinate j is visited (O(n)), r -= x_j (w_j_new - w_j_old).

Both sweep the coordinates listed in ``order`` until the largest change of a sweep is at most
``tol`` times the largest coefficient (scikit-learn's test) or ``max_sweeps`` sweeps are made,
and return the number of sweeps. Screening, the active set and the stopping rule are
:mod:`lagropt.regression.cdpath`'s.

The same functions run compiled by numba when it is installed (the ``fast`` extra) and as
Python with NumPy vector operations otherwise; both perform the same float64 operations in the
same order (the dot products are BLAS ``ddot`` in both), so both give the same iterates.
"""

from __future__ import annotations

import functools

import numpy as np

from ..optim.jit import available
from .quadratic import coordinate_update_scalar

__all__ = ["kernels", "Kernels"]


class Kernels:
    """``gram_sweeps(Q, h, w, g, order, tol, a, l2, max_sweeps)`` and
    ``naive_sweeps(X, h, w, r, order, tol, a, l2, c, max_sweeps)``, each returning the number of
    sweeps made; ``compiled`` says whether numba compiled them."""

    def __init__(self, gram_sweeps, naive_sweeps, compiled: bool):
        self.gram_sweeps, self.naive_sweeps, self.compiled = gram_sweeps, naive_sweeps, compiled


@functools.lru_cache(maxsize=None)
def kernels(use_numba: bool | None = None) -> Kernels:
    """The sweeps, compiled by numba when ``use_numba`` (default: when numba is installed)."""
    if use_numba is None:
        use_numba = available()
    if use_numba:
        import numba
        jit = numba.njit
        subtract_scaled, axpy = jit(_subtract_scaled_loop), jit(_axpy_loop)
    else:
        jit = _identity
        subtract_scaled, axpy = _subtract_scaled_numpy, _axpy_numpy
    update = jit(coordinate_update_scalar())       # the derived coordinate update
    return Kernels(jit(_gram_sweeps(update, subtract_scaled)), jit(_naive_sweeps(update, axpy)),
                   use_numba)


def _identity(f):
    return f


# -- the vector operations: loops for numba, NumPy calls otherwise --------------------------

def _subtract_scaled_loop(g, row, delta):
    """g -= row * delta."""
    for i in range(g.shape[0]):
        g[i] = g[i] - row[i] * delta


def _subtract_scaled_numpy(g, row, delta):
    """g -= row * delta."""
    g -= row * delta


def _axpy_loop(r, x, delta):
    """r -= x * delta."""
    for i in range(r.shape[0]):
        r[i] = r[i] - x[i] * delta


def _axpy_numpy(r, x, delta):
    """r -= x * delta."""
    r -= x * delta


# -- sweeps over the coordinates listed in ``order`` until they settle ------------------------

def _gram_sweeps(update, subtract_scaled):
    def gram_sweeps(Q, h, w, g, order, tol, a, l2, max_sweeps):
        """Covariance updates, g kept for every coordinate; returns the number of sweeps made."""
        for sweep in range(1, max_sweeps + 1):
            biggest_change = biggest = 0.0
            for t in range(order.shape[0]):
                j = order[t]
                if h[j] + l2 == 0.0:
                    continue
                old = w[j]
                new = update(g[j] + h[j] * old, h[j] + l2, a, a)
                if new != old:
                    subtract_scaled(g, Q[j], new - old)     # Q symmetric: row j = column j
                    w[j] = new
                    biggest_change = max(biggest_change, abs(new - old))
                biggest = max(biggest, abs(new))
            if biggest == 0.0 or biggest_change <= tol * biggest:
                return sweep
        return max_sweeps
    return gram_sweeps


def _naive_sweeps(update, axpy):
    def naive_sweeps(X, h, w, r, order, tol, a, l2, c, max_sweeps):
        """Naive updates on the residual r; returns the number of sweeps made."""
        for sweep in range(1, max_sweeps + 1):
            biggest_change = biggest = 0.0
            for t in range(order.shape[0]):
                j = order[t]
                if h[j] + l2 == 0.0:
                    continue
                old = w[j]
                column = X[:, j]
                new = update(c * np.dot(column, r) + h[j] * old, h[j] + l2, a, a)
                if new != old:
                    axpy(r, column, new - old)
                    w[j] = new
                    biggest_change = max(biggest_change, abs(new - old))
                biggest = max(biggest, abs(new))
            if biggest == 0.0 or biggest_change <= tol * biggest:
                return sweep
        return max_sweeps
    return naive_sweeps
