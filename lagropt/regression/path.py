"""Regularization paths, loss against lambda, and early stopping.

* :func:`regularization_path` -- one fit per penalty value, each warm-started from the previous
  one, on one compiled standard form (X^T X is formed once): :func:`lasso_path`,
  :func:`enet_path` with scikit-learn's grid, :func:`ridge_path` in closed form.
* :func:`validation_curve` -- training and validation loss against the penalty (the lecture's
  weight-decay picture: training error grows with lambda, validation error is lowest in between).
* :func:`early_stopping` -- gradient descent on the mean squared error from w = 0, with the
  training and validation loss after every step (deck 002/003: stopping early regularizes).

Figures: :func:`lagropt.plot.coefficient_path` and :func:`lagropt.plot.loss_curve`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from .. import losses
from ..arrays import is_lazy
from ..errors import ProblemError
from . import derive
from .base import center, check_X, check_Xy, compiled
from .cdpath import GramData, NaiveData, coordinate_path
from .linear import ElasticNet, Lasso, Ridge, _LeastSquares
from .quadratic import PenalizedQuadratic, solve_quadratic

__all__ = ["Path", "LossCurve", "regularization_path", "lasso_path", "enet_path", "ridge_path",
           "alpha_grid", "validation_curve", "early_stopping", "EarlyStopping"]


@dataclass
class Path:
    """Coefficients along a grid of penalty values.

    Attributes
    ----------
    parameter : str
        The swept hyperparameter (``"alpha"``, ``"lam"``).
    values : ndarray
        Its values, in the order fitted (largest first for the default grids).
    coefs : ndarray
        (n_features, n_values), scikit-learn's layout.
    intercepts : ndarray
        (n_values,).
    dual_gaps, n_iter : ndarray
        Per value (gap None -> nan where not defined).
    estimator : str
        The estimator's repr, for titles.
    feature_names : list of str
    """

    parameter: str
    values: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray
    dual_gaps: np.ndarray
    n_iter: np.ndarray
    estimator: str = ""
    feature_names: list = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.values)


@dataclass
class LossCurve:
    """Training and validation loss against a hyperparameter (or a step count).

    Attributes
    ----------
    parameter : str
        What varies (``"alpha"``, ``"step"``).
    values, train, validation : ndarray
    loss : str
        Which loss (``"mean squared error"``, ``"cross-entropy"``).
    """

    parameter: str
    values: np.ndarray
    train: np.ndarray
    validation: np.ndarray
    loss: str = "mean squared error"

    @property
    def best(self):
        """The value with the lowest validation loss."""
        return self.values[int(np.argmin(self.validation))]


def alpha_grid(X, y, n_alphas: int = 100, eps: float = 1e-3, l1_ratio: float = 1.0,
               fit_intercept: bool = True) -> np.ndarray:
    """scikit-learn's grid: n_alphas log-spaced values from alpha_max = max|X^T y| / (m l1_ratio)
    (the smallest alpha with w = 0) down to eps * alpha_max."""
    X, y = check_Xy(X, y)
    Xc, yc, _, _ = center(X, y, fit_intercept)
    return _grid(np.abs(Xc.T @ yc).max() / len(yc), n_alphas, eps, l1_ratio)


def _grid(correlation: float, n_alphas: int, eps: float, l1_ratio: float) -> np.ndarray:
    """n_alphas log-spaced from alpha_max = correlation / l1_ratio (max|X^T y|/m) to eps alpha_max."""
    if not 0 < l1_ratio <= 1:
        raise ProblemError(f"the grid needs 0 < l1_ratio <= 1, got {l1_ratio}")
    if correlation == 0:
        raise ProblemError("X^T y = 0: every alpha gives w = 0; pass alphas= explicitly")
    alpha_max = correlation / l1_ratio
    return np.geomspace(alpha_max, alpha_max * eps, n_alphas)


def regularization_path(estimator: _LeastSquares, X, y, values, parameter: str | None = None,
                        feature_names=None, *, grid=None) -> Path:
    """Fit a least-squares estimator at each value of one hyperparameter, warm-started.

    Parameters
    ----------
    estimator : Ridge, Lasso, ElasticNet, LectureElasticNet or NonNegative
        Its other settings (fit_intercept, solver, tol, max_iter) are used; it is not modified.
        With ``solver="cd"`` and a penalty a ||w||_1 + l2/2 ||w||^2 at every value, the whole
        path is :func:`~lagropt.regression.cdpath.coordinate_path` (screening, active sets;
        ``n_iter`` counts sweeps); other penalties are solved one value after the other.
    X, y : arrays
    values : sequence of float, or None with ``grid``
        The hyperparameter values, in the order to fit (largest first is the cheap order).
    parameter : str
        Which hyperparameter (default: ``alpha``, or ``lam`` for the lecture's estimators).
    grid : (n_values, eps, l1_ratio), optional
        Instead of ``values``: scikit-learn's grid (:func:`alpha_grid`) for an estimator with
        the data term 1/(2m) ||y - X w||^2, read off the fitted standard form (its q = X^T y/m).

    Returns
    -------
    Path
    """
    if not isinstance(estimator, _LeastSquares):
        raise ProblemError("regularization_path takes a least-squares estimator; for a "
                           "classifier use validation_curve")
    X, y = check_Xy(X, y)
    est = type(estimator)(**estimator.get_params())
    names = est._parameter_names()
    parameter = parameter or ("alpha" if "alpha" in names and "lam" not in names else "lam")
    if parameter not in names:
        raise ProblemError(f"{type(est).__name__} has no hyperparameter {parameter!r}")
    Xc, yc, x_mean, y_mean = center(X, y, est.fit_intercept)
    method = "active-set" if est.solver == "auto" else est.solver
    if method not in ("active-set", "cd", "fista"):
        raise ProblemError(f"paths use solver 'auto', 'active-set', 'cd' or 'fista', not {method!r}")
    # p > n with coordinate descent: naive updates on X, Q = c X^T X (p x p) is never formed
    naive = NaiveData(Xc, yc, est._data_scale(len(yc))) \
        if method == "cd" and not is_lazy(Xc) and Xc.shape[0] < Xc.shape[1] else None
    base = None
    if grid is not None:
        base = None if naive else est.standard_form(Xc, yc)
        values = _grid(np.abs((naive or base).q).max(), *grid)
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or not len(values):
        raise ProblemError("values must be a non-empty 1-D sequence of numbers")
    shapes = []                           # (l2, r, l) of the penalty at each value
    for value in values:
        est.set_params(**{parameter: value})._validate()
        shapes.append(est._penalty_numbers())
    if method == "cd" and all(r == l and np.isfinite(r) for _, r, l in shapes):
        if naive is None:
            base = base or est.standard_form(Xc, yc)
        data = naive or GramData(base.Q, base.q, base.f0)
        coefs, gaps, iters = coordinate_path(data, [(r, l2) for l2, r, _ in shapes], est.tol,
                                             est.max_iter)
    else:
        base = base or est.standard_form(Xc, yc)
        coefs, gaps, iters = _path_one_by_one(base, shapes, method, est.tol, est.max_iter)
    n = X.shape[1]
    intercepts = y_mean - x_mean @ coefs if est.fit_intercept else np.zeros(len(values))
    names = list(feature_names) if feature_names is not None else [f"x{j}" for j in range(n)]
    return Path(parameter, values, coefs, intercepts, gaps, iters, repr(estimator), names)


def _path_one_by_one(base: PenalizedQuadratic, shapes, method: str, tol: float, max_iter: int):
    """solve_quadratic at each (l2, r, l) in turn, each warm-started from the one before."""
    n = len(base.q)
    coefs, gaps, iters = np.empty((n, len(shapes))), np.full(len(shapes), np.nan), np.zeros(len(shapes), int)
    w = np.zeros(n)
    for k, (l2, right, left) in enumerate(shapes):
        problem = PenalizedQuadratic(base.Q, base.q, base.f0, l2, right, left)
        result = solve_quadratic(problem, w, method, tol, max_iter)
        w = result.w
        coefs[:, k], iters[k] = w, result.n_iter
        gaps[k] = np.nan if result.gap is None else result.gap
    return coefs, gaps, iters


def lasso_path(X, y, *, alphas=None, n_alphas: int = 100, eps: float = 1e-3,
               fit_intercept: bool = True, solver="auto", tol: float = 1e-8,
               max_iter: int = 10_000, feature_names=None) -> Path:
    """The lasso path of :class:`Lasso` (1/(2m) ||y - X w||^2 + alpha ||w||_1), on
    scikit-learn's grid unless ``alphas`` are given.

    ``solver="auto"`` (the active-set method) is exact to rounding whatever ``tol``;
    ``solver="cd"`` is coordinate descent as glmnet runs it (:mod:`lagropt.regression.cdpath`:
    strong rules checked by KKT, active-set cycling, covariance or naive updates), stopping as
    scikit-learn's at duality gap <= tol ||y||^2 / m: the fast choice for large problems, with
    numba installed (the ``fast`` extra)."""
    est = Lasso(fit_intercept=fit_intercept, solver=solver, tol=tol, max_iter=max_iter)
    grid = (n_alphas, eps, 1.0) if alphas is None else None
    return regularization_path(est, X, y, alphas, "alpha", feature_names, grid=grid)


def enet_path(X, y, *, l1_ratio: float = 0.5, alphas=None, n_alphas: int = 100,
              eps: float = 1e-3, fit_intercept: bool = True, solver="auto", tol: float = 1e-8,
              max_iter: int = 10_000, feature_names=None) -> Path:
    """The elastic-net path of :class:`ElasticNet` at fixed ``l1_ratio``, on scikit-learn's grid
    unless ``alphas`` are given; solvers as :func:`lasso_path`'s."""
    est = ElasticNet(l1_ratio=l1_ratio, fit_intercept=fit_intercept, solver=solver, tol=tol,
                     max_iter=max_iter)
    grid = (n_alphas, eps, l1_ratio) if alphas is None else None
    return regularization_path(est, X, y, alphas, "alpha", feature_names, grid=grid)


@functools.lru_cache(maxsize=None)
def _rescaling_factor():
    """sigma/(sigma + lambda) of :func:`derive.eigen_rescaling`, as NumPy."""
    s = derive.eigen_rescaling().symbols
    return sp.lambdify((s["sigma_i"], s["lambda"]), s["factor"], "numpy")


def ridge_path(X, y, alphas, *, fit_intercept: bool = True, feature_names=None) -> Path:
    """The ridge path of :class:`Ridge` (||y - X w||^2 + alpha ||w||^2) for all alphas at once.

    With X = U S V^T, w_ols = V S^+ U^T y, and the eigenvalues sigma_i = s_i^2 of X^T X, ridge
    rescales w_ols along each eigenvector by the derived sigma_i/(sigma_i + alpha) (deck 004).
    """
    X, y = check_Xy(X, y)
    alphas = np.asarray(alphas, dtype=float)
    if np.any(alphas < 0):
        raise ProblemError("ridge penalties must be >= 0")
    Xc, yc, x_mean, y_mean = center(X, y, fit_intercept)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    keep = s > s.max(initial=0.0) * max(X.shape) * np.finfo(float).eps
    ols_rotated = np.where(keep, (U.T @ yc) / np.where(keep, s, 1.0), 0.0)   # V^T w_ols
    factor = _rescaling_factor()(s[:, None] ** 2, alphas[None, :])
    coefs = Vt.T @ (factor * ols_rotated[:, None])
    intercepts = y_mean - x_mean @ coefs if fit_intercept else np.zeros(len(alphas))
    n = X.shape[1]
    names = list(feature_names) if feature_names is not None else [f"x{j}" for j in range(n)]
    return Path("alpha", alphas, coefs, intercepts, np.full(len(alphas), np.nan),
                np.zeros(len(alphas), int), repr(Ridge(fit_intercept=fit_intercept)), names)


def _mean_loss(estimator, X, y) -> float:
    if hasattr(estimator, "predict_proba"):
        p = estimator.predict_proba(X)
        index = np.searchsorted(estimator.classes_, y)
        return float(-np.mean(np.log(np.clip(p[np.arange(len(y)), index], 1e-300, None))))
    return float(np.mean((np.asarray(y, dtype=float) - estimator.predict(X)) ** 2))


def validation_curve(estimator, X_train, y_train, X_val, y_val, values,
                     parameter: str | None = None) -> LossCurve:
    """Training and validation loss of ``estimator`` at each hyperparameter value.

    The loss is the mean squared error for regressors and the mean cross-entropy for
    classifiers, whatever the estimator's objective adds. Least-squares estimators are fitted
    along a warm-started :func:`regularization_path`; classifiers are refitted per value.

    Returns
    -------
    LossCurve
    """
    values = np.asarray(values, dtype=float)
    if isinstance(estimator, _LeastSquares):
        path = regularization_path(estimator, X_train, y_train, values, parameter)
        parameter = path.parameter
        fits = [(path.coefs[:, k], path.intercepts[k]) for k in range(len(values))]
        X_train, X_val = check_X(X_train), check_X(X_val)
        train = [np.mean((np.asarray(y_train) - X_train @ w - b) ** 2) for w, b in fits]
        val = [np.mean((np.asarray(y_val) - X_val @ w - b) ** 2) for w, b in fits]
        return LossCurve(parameter, values, np.array(train), np.array(val))
    parameter = parameter or "C"
    train, val = [], []
    for value in values:
        est = type(estimator)(**{**estimator.get_params(), parameter: value}).fit(X_train, y_train)
        train.append(_mean_loss(est, X_train, y_train))
        val.append(_mean_loss(est, X_val, y_val))
    return LossCurve(parameter, values, np.array(train), np.array(val), "cross-entropy")


@dataclass
class EarlyStopping:
    """Gradient descent on the mean squared error, step by step.

    Attributes
    ----------
    coefs : ndarray
        (steps + 1, n_features): w after 0, 1, ..., steps updates (w_0 = 0).
    intercepts : ndarray
    curve : LossCurve
        Training and validation MSE against the step.
    best_step : int
        The step with the lowest validation loss (where to stop).
    coef_, intercept_ : the coefficients at best_step.
    """

    coefs: np.ndarray
    intercepts: np.ndarray
    curve: LossCurve
    best_step: int

    @property
    def coef_(self):
        return self.coefs[self.best_step]

    @property
    def intercept_(self):
        return self.intercepts[self.best_step]


def early_stopping(X, y, X_val, y_val, *, lr: float, steps: int,
                   fit_intercept: bool = True) -> EarlyStopping:
    """Gradient descent w <- w - lr grad MSE(w) from w = 0 on (1/m) ||y - X w||^2
    (``lagropt.optim.minimize`` with ``GD``), recording every step; the step with the lowest
    validation loss is where early stopping stops.

    For small lr, stopping after tau steps acts like ridge with lambda ~ 1/(lr tau) (the
    lecture's "lr x tau is the effective capacity").
    """
    X, y = check_Xy(X, y)
    X_val, y_val = check_Xy(X_val, y_val)
    if not lr > 0 or steps < 1:
        raise ProblemError("early stopping needs lr > 0 and steps >= 1")
    from .. import optim

    Xc, yc, x_mean, y_mean = center(X, y, fit_intercept)
    Xs, ys, beta = losses.regression_symbols()
    mse = compiled(losses.mse(ys, losses.linear(Xs, beta)), (beta,), (Xs, ys))
    run = optim.minimize(mse, np.zeros(X.shape[1]), optim.GD(lr=lr), steps=steps, data=(Xc, yc))
    if len(run.path) != steps + 1:
        raise ProblemError(f"gradient descent stopped after {len(run.path) - 1} of {steps} "
                           f"steps: {run.message}")
    coefs = np.asarray(run.path, dtype=float)
    intercepts = y_mean - coefs @ x_mean if fit_intercept else np.zeros(steps + 1)
    train = np.mean((y[:, None] - X @ coefs.T - intercepts) ** 2, axis=0)
    val = np.mean((y_val[:, None] - X_val @ coefs.T - intercepts) ** 2, axis=0)
    curve = LossCurve("step", np.arange(steps + 1), train, val)
    return EarlyStopping(coefs, intercepts, curve, int(np.argmin(val)))
