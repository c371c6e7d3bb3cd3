"""Penalty <=> constraint (deck 004): min R + lambda J(w) and min R subject to J(w) <= k.

The KKT multiplier of the constraint is the penalty: the Lagrangian R - mu (k - J) has the
stationarity equations of R + mu J (:func:`lagropt.regression.derive.penalty_constraint`), so
the two problems share their minimizer when mu = lambda and k = J(w_lambda). The maps here go
both ways for the two penalties of the lecture:

* ridge, R = ||y - X w||^2 and J = ||w||^2: :func:`ridge_radius` (lambda -> k),
  :func:`ridge_penalty` (k -> lambda), :func:`ridge_constrained` (the constrained Problem);
* lasso, R = ||y - X w||^2/(2m) and J = ||w||_1: :func:`lasso_radius` (alpha -> k),
  :func:`lasso_penalty` (k -> alpha).

The multiplier equals the penalty of the estimator with the same data term: ``Ridge(alpha)``
for the ridge maps, ``Lasso(alpha)`` for the lasso maps. With ``fit_intercept=True`` (the
default, as the estimators) X and y are centered first and the intercept is unconstrained.
"""

from __future__ import annotations

import numpy as np
import scipy.optimize
import sympy as sp

from ..errors import ProblemError
from .base import center, check_Xy
from .linear import Lasso, LinearRegression, Ridge
from .path import alpha_grid

__all__ = ["ridge_radius", "ridge_penalty", "ridge_constrained", "lasso_radius", "lasso_penalty"]


def _exact(X, y, fit_intercept):
    """X, y as exact SymPy matrices (floats read as rationals), centered if asked."""
    X = sp.Matrix(X).applyfunc(sp.nsimplify)
    y = sp.Matrix(y).applyfunc(sp.nsimplify)
    if y.shape[1] != 1:
        y = y.T
    if fit_intercept:
        m = X.shape[0]
        X = X - sp.ones(m, 1) * (sp.ones(1, m) * X) / m
        y = y - sp.ones(m, 1) * (sp.ones(1, m) * y) / m
    return X, y


def ridge_radius(X, y, lam, fit_intercept: bool = True):
    """lambda -> k = ||w_lambda||^2, where w_lambda minimizes ||y - X w||^2 + lambda ||w||^2.

    Exact (a SymPy number) when X is a SymPy Matrix: the normal equations
    (X^T X + lambda I) w = X^T y solved by LU in exact arithmetic; otherwise a float from
    :class:`Ridge`.
    """
    if isinstance(X, sp.MatrixBase):
        Xe, ye = _exact(X, y, fit_intercept)
        lam = sp.nsimplify(lam)
        w = (Xe.T * Xe + lam * sp.eye(Xe.shape[1])).LUsolve(Xe.T * ye)
        return sp.nsimplify((w.T * w)[0, 0])
    w = Ridge(alpha=lam, fit_intercept=fit_intercept).fit(X, y).coef_
    return float(w @ w)


def ridge_penalty(X, y, k: float, fit_intercept: bool = True) -> float:
    """k -> the lambda whose ridge solution has ||w||^2 = k.

    With X = U S V^T and c = U^T y, ||w_lambda||^2 = sum_i (s_i c_i / (s_i^2 + lambda))^2
    decreases from ||w_ols||^2 (lambda = 0, the minimum-norm least-squares solution) to 0; the
    root is found by Brent's method. k >= ||w_ols||^2 means the constraint is inactive: 0.
    """
    X, y = check_Xy(X, y)
    if not k > 0:
        raise ProblemError(f"the radius k must be > 0, got {k}")
    Xc, yc, _, _ = center(X, y, fit_intercept)
    U, s, _ = np.linalg.svd(Xc, full_matrices=False)
    keep = s > s.max(initial=0.0) * max(X.shape) * np.finfo(float).eps
    s, c = s[keep], (U.T @ yc)[keep]

    def excess(lam):
        return float(np.sum((s * c / (s ** 2 + lam)) ** 2)) - k

    if excess(0.0) <= 0:
        return 0.0
    high = np.linalg.norm(s * c) / np.sqrt(k)          # there the norm is below k
    return float(scipy.optimize.brentq(excess, 0.0, high, xtol=1e-14 * high, rtol=1e-15))


def ridge_constrained(X, y, k, fit_intercept: bool = True):
    """min ||y - X b||^2 subject to b_1^2 + ... + b_n^2 <= k, as an exact :class:`lagropt.Problem`
    (numbers read as rationals) whose ``solve()`` gives the KKT multiplier mu_1 = lambda."""
    from ..problem import minimize

    Xe, ye = _exact(X, y, fit_intercept)
    b = sp.Matrix(sp.symbols(f"b1:{Xe.shape[1] + 1}", real=True))
    residual = ye - Xe * b
    objective = sp.expand((residual.T * residual)[0, 0])
    return minimize(objective, subject_to=[(b.T * b)[0, 0] <= sp.nsimplify(k)], variables=list(b))


def lasso_radius(X, y, alpha: float, fit_intercept: bool = True) -> float:
    """alpha -> k = ||w_alpha||_1, where w_alpha minimizes 1/(2m) ||y - X w||^2 + alpha ||w||_1."""
    w = Lasso(alpha=alpha, fit_intercept=fit_intercept).fit(X, y).coef_
    return float(np.abs(w).sum())


def lasso_penalty(X, y, k: float, fit_intercept: bool = True) -> float:
    """k -> the alpha whose lasso solution has ||w||_1 = k (Brent's method on alpha; the norm
    falls continuously from ||w_ols||_1 to 0 at alpha_max = max|X^T y|/m). k at or above the
    least-squares norm means the constraint is inactive: 0."""
    X, y = check_Xy(X, y)
    if not k > 0:
        raise ProblemError(f"the radius k must be > 0, got {k}")
    ols = LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    if ols.rank_ == X.shape[1] and np.abs(ols.coef_).sum() <= k:
        return 0.0
    alpha_max = alpha_grid(X, y, 1, fit_intercept=fit_intercept)[0]

    def excess(alpha):
        return lasso_radius(X, y, alpha, fit_intercept) - k

    low = alpha_max
    while excess(low) <= 0:
        low *= 1e-2
        if low < alpha_max * 1e-14:
            return 0.0
    return float(scipy.optimize.brentq(excess, low, alpha_max, xtol=1e-15 * alpha_max, rtol=1e-14))
