"""Least-squares estimators with scikit-learn's conventions, each minimizing a SymPy objective.

Every estimator writes its objective once, with :mod:`lagropt.losses` and
:mod:`lagropt.penalties` (``est.objective`` shows it, ``est.hyperparameters`` the numbers in
it). Fitting compiles the data term (:func:`lagropt.compile`), reads Q, q and f0 off its
Hessian, gradient and value at 0, reads the penalty's shape off the penalty
(:func:`~lagropt.regression.quadratic.penalty_shape`), and solves the
:class:`~lagropt.regression.quadratic.PenalizedQuadratic` that results.

The intercept is never penalized: with ``fit_intercept=True`` X and y are centered, w is fitted
on the centered data and ``intercept_ = mean(y) - mean(X) @ coef_``.

Solvers (``solver=``): ``"auto"`` (closed form where one exists -- ``lstsq`` for least squares,
Cholesky for ridge -- else the active-set method), ``"active-set"``, ``"cd"``, ``"fista"``,
``"lbfgs"`` (smooth objectives, and the bound of non-negative least squares), or an optimizer of
the descent family (``solver=lagropt.optim.Adam(lr=0.01)``), which minimizes the compiled
objective itself.
"""

from __future__ import annotations

import functools

import numpy as np
import scipy.linalg
import sympy as sp

from .. import losses, penalties
from ..arrays import compute, is_lazy
from ..errors import ProblemError
from . import derive
from .base import Estimator, RegressorMixin, center, check_features, check_Xy, compiled, descend, is_optimizer, lbfgs
from .quadratic import SOLVERS, PenalizedQuadratic, penalty_shape, solve_quadratic

__all__ = ["LinearRegression", "Ridge", "Lasso", "ElasticNet", "LectureElasticNet",
           "NonNegative", "r2_score"]

X_, y_, beta_ = losses.regression_symbols()
_t = sp.Symbol("t", real=True)
alpha_, l1_ratio_, lam_ = sp.symbols("alpha l1_ratio lambda", nonnegative=True)
_decay = sp.Symbol("l2", nonnegative=True)


def r2_score(y, prediction) -> float:
    """The coefficient of determination R^2 = 1 - sum (y - yhat)^2 / sum (y - mean y)^2."""
    if not (is_lazy(y) or is_lazy(prediction)):
        y, prediction = np.asarray(y, dtype=float), np.asarray(prediction, dtype=float)
    # dask: two passes (the mean, then both sums), never the whole of y in memory
    total, residual = compute(((y - compute(y.mean())[0]) ** 2).sum(),
                              ((y - prediction) ** 2).sum())
    if total == 0:
        return 1.0 if residual == 0 else 0.0
    return float(1 - residual / total)


def _data_term(reduction: str):
    """||y - X beta||^2 (``"sum"``) or scikit-learn's 1/(2m) ||y - X beta||^2 (``"half-mean"``)."""
    if reduction == "sum":
        return losses.least_squares(X_, y_, beta_, "sum")
    return losses.least_squares(X_, y_, beta_, "mean") / 2


@functools.lru_cache(maxsize=None)
def _shape(cls, hyperparameters: tuple):
    """(l2, r, l) of the class's penalty as NumPy code in its hyperparameters (read off the
    SymPy penalty by penalty_shape, once per class)."""
    return sp.lambdify(hyperparameters, penalty_shape(cls._penalty([_t]), _t), "math")


class _LeastSquares(RegressorMixin, Estimator):
    """Shared fitting of the least-squares family (see the module docstring)."""

    _reduction = "sum"
    _bound = False                    # True: subject to beta >= 0

    @classmethod
    def _penalty(cls, beta) -> sp.Expr:
        return sp.S.Zero

    def _hyper(self) -> dict:
        return {}

    @property
    def objective(self) -> sp.Expr:
        """The objective as SymPy, in the hyperparameters' symbols (``hyperparameters`` gives
        their values); with a bound, ``constraints`` says so."""
        return _data_term(self._reduction) + self._penalty(beta_)

    @property
    def hyperparameters(self) -> dict:
        """{symbol: value} of the hyperparameters in ``objective``."""
        return self._hyper()

    @property
    def constraints(self) -> list:
        return [sp.Ge(beta_[losses.j], 0)] if self._bound else []

    # -- fitting --------------------------------------------------------------------------
    def fit(self, X, y, coef_init=None):
        """Fit to X (samples x features) and y (samples); ``coef_init`` warm-starts the
        iterative solvers. Returns the estimator."""
        X, y = check_Xy(X, y)
        self._validate()
        Xc, yc, x_mean, y_mean = center(X, y, self.fit_intercept)
        w = self._solve(Xc, yc, coef_init)
        self.coef_ = w
        self.intercept_ = float(y_mean - x_mean @ w) if self.fit_intercept else 0.0
        self.n_features_in_ = X.shape[1]
        return self

    def _validate(self):
        solver = self.solver
        if not (is_optimizer(solver) or solver in ("auto", "lbfgs") + SOLVERS):
            raise ProblemError(f"unknown solver {solver!r}; choose 'auto', 'lbfgs', "
                               f"{', '.join(repr(s) for s in SOLVERS)} or a lagropt.optim optimizer")
        for name, value in self._hyper().items():
            if not np.isfinite(value) or value < 0:
                raise ProblemError(f"{name} must be a finite number >= 0, got {value}")

    def standard_form(self, X, y) -> PenalizedQuadratic:
        """The fitted problem as a PenalizedQuadratic on (already centered) data X, y."""
        f = compiled(_data_term(self._reduction), (beta_,), (X_, y_))
        zero = np.zeros(X.shape[1])
        # dask data: Q = hessian (X^T X scaled), q and f0 accumulated chunk by chunk, one pass
        (f0, gradient), Q = compute(f.value_and_grad(zero, X, y, compute=False),
                                    f.hess(zero, X, y, compute=False))
        f0, gradient, Q = float(f0), np.asarray(gradient, dtype=float), np.asarray(Q)
        l2, right, left = self._penalty_numbers()
        return PenalizedQuadratic(Q, -gradient, f0, l2, right, left)

    def _data_scale(self, m: int) -> float:
        """c of the data term c/2 ||y - X w||^2: 2 for the sum, 1/m for the half mean."""
        return 2.0 if self._reduction == "sum" else 1.0 / m

    def _penalty_numbers(self) -> tuple:
        """(l2, r, l) of the penalty at this estimator's hyperparameters."""
        if self._bound:
            return 0.0, 0.0, np.inf
        hyper = self._hyper()
        return tuple(float(v) for v in _shape(type(self), tuple(hyper))(*hyper.values()))

    def _solve(self, X, y, coef_init):
        solver = self.solver
        if is_optimizer(solver):
            return self._descend(X, y, coef_init)
        problem = self.standard_form(X, y)
        smooth = not problem.right.any() and not problem.left.any()
        if solver == "auto" and smooth:
            self.n_iter_, self.dual_gap_ = 0, None
            w = self._closed_form(X, y, problem)
            self.kkt_violation_ = problem.kkt_violation(w)
            return w
        if solver == "lbfgs":
            return self._lbfgs(problem, coef_init)
        result = solve_quadratic(problem, coef_init, "active-set" if solver == "auto" else solver,
                                 self.tol, self.max_iter)
        self.n_iter_, self.dual_gap_, self.kkt_violation_ = result.n_iter, result.gap, result.kkt
        return result.w

    def _closed_form(self, X, y, problem):
        """Ridge: Cholesky on (Q + l2 I) w = q, the derived normal equations; least squares:
        lstsq on X (minimum-norm when X is rank deficient)."""
        if problem.l2 == 0 and is_lazy(X):
            return self._normal_equations(X, problem)
        if problem.l2 == 0:
            w, _, self.rank_, self.singular_ = np.linalg.lstsq(X, y, rcond=None)
            return w
        A = problem.Q + problem.l2 * np.eye(len(problem.q))
        return scipy.linalg.cho_solve(scipy.linalg.cho_factor(A), problem.q)

    def _normal_equations(self, X, problem):
        """Least squares on data too large for lstsq on X: Q w = q, Q = c X^T X accumulated
        chunk by chunk (c = 2 for the sum, 1/m for the half mean), solved by lstsq on Q (the
        minimum-norm solution when X is rank deficient, as lstsq on X gives); the singular
        values of X are sqrt(eig(Q) / c). Squares the condition number of X: see
        docs/big-data.md."""
        c = self._data_scale(X.shape[0])
        w, _, self.rank_, s = np.linalg.lstsq(problem.Q, problem.q, rcond=None)
        self.singular_ = np.sqrt(s / c)
        return w

    def _lbfgs(self, problem, coef_init):
        if problem.right.any() or np.isfinite(problem.left).any() and problem.left.any():
            raise ProblemError("solver='lbfgs' needs a smooth objective (no L1 or max(0, -beta) "
                               "term); use 'active-set', 'cd' or 'fista'")

        def value_and_grad(w):
            return problem.value(w), problem.smooth_gradient(w)

        bounds = [(0, None)] * len(problem.q) if self._bound else None
        x0 = np.zeros(len(problem.q)) if coef_init is None else coef_init
        w, self.n_iter_ = lbfgs(value_and_grad, x0, self.tol, self.max_iter, bounds)
        self.dual_gap_, self.kkt_violation_ = None, problem.kkt_violation(w)
        return w

    def _descend(self, X, y, coef_init):
        """The descent family on the compiled objective: the smooth part (data term and
        l2/2 ||w||^2) by the optimizer, a symmetric L1 part by the soft-threshold step; the
        max(0, -b) penalty by its subgradient."""
        if self._bound:
            raise ProblemError("the bound beta >= 0 needs solver='auto', 'active-set', 'cd', "
                               "'fista' or 'lbfgs'")
        l2, right, left = self._penalty_numbers()
        x0 = np.zeros(X.shape[1]) if coef_init is None else np.asarray(coef_init, dtype=float)
        if right == left:
            smooth = _data_term(self._reduction) + penalties.weight_decay(beta_, _decay)
            f = compiled(smooth, (beta_,), (X_, y_, _decay))
            w, self.n_iter_ = descend(f, x0, (X, y, l2), self.solver, self.max_iter, self.tol,
                                      l1=right)
        else:
            hyper = self._hyper()
            f = compiled(self.objective, (beta_,), (X_, y_, *hyper))
            w, self.n_iter_ = descend(f, x0, (X, y, *hyper.values()), self.solver,
                                      self.max_iter, self.tol)
        self.dual_gap_ = None
        self.kkt_violation_ = self.standard_form(X, y).kkt_violation(w)   # a pass on dask data
        return w

    # -- using the fit --------------------------------------------------------------------
    def predict(self, X) -> np.ndarray:
        """X @ coef_ + intercept_."""
        self._check_fitted()
        return check_features(X, self.n_features_in_, type(self).__name__) @ self.coef_ + self.intercept_

    def score(self, X, y) -> float:
        """R^2 of the prediction (as scikit-learn's regressors)."""
        return r2_score(y, self.predict(X))


class LinearRegression(_LeastSquares):
    """Ordinary least squares: minimize ||y - X w||^2 (deck 002, scikit-learn's LinearRegression).

    Parameters
    ----------
    fit_intercept : bool
        Fit an unpenalized intercept (X and y are centered).
    solver : str or optimizer
        ``"auto"``: ``numpy.linalg.lstsq`` (the minimum-norm solution when X is rank
        deficient; ``rank_`` and ``singular_`` are set). See the module docstring for the others.
    tol, max_iter : float, int
        For the iterative solvers.

    Attributes
    ----------
    coef_, intercept_, n_iter_, kkt_violation_ (the largest entry of the gradient, ~0).
    """

    def __init__(self, fit_intercept: bool = True, solver="auto", tol: float = 1e-8,
                 max_iter: int = 10_000):
        self.fit_intercept, self.solver, self.tol, self.max_iter = fit_intercept, solver, tol, max_iter

    @staticmethod
    def derivation() -> derive.ClosedForm:
        """The normal equations and w* = (X^T X)^{-1} X^T y, derived."""
        return derive.least_squares()


class _OneWeight(_LeastSquares):
    """An estimator whose penalty has one weight, ``alpha``."""

    def __init__(self, alpha: float = 1.0, fit_intercept: bool = True, solver="auto",
                 tol: float = 1e-8, max_iter: int = 10_000):
        self.alpha, self.fit_intercept, self.solver = alpha, fit_intercept, solver
        self.tol, self.max_iter = tol, max_iter

    def _hyper(self):
        return {alpha_: float(self.alpha)}


class Ridge(_OneWeight):
    """Ridge: minimize ||y - X w||^2 + alpha ||w||^2 (scikit-learn's Ridge; deck 002's lambda).

    The closed form (X^T X + alpha I)^{-1} X^T y is solved by Cholesky, never by an inverse.
    deck 004 writes the penalty as lambda/2 ||theta||^2 with R_emp = ||y - X w||^2/2: the same
    minimizer with lambda = alpha.

    Parameters
    ----------
    alpha : float
        The penalty lambda >= 0.
    fit_intercept, solver, tol, max_iter
        As in :class:`LinearRegression` (``"auto"`` is the Cholesky closed form).
    """

    @classmethod
    def _penalty(cls, beta):
        return penalties.l2(beta, alpha_)

    @staticmethod
    def derivation() -> derive.ClosedForm:
        """(X^T X + lambda I) w = X^T y, derived."""
        return derive.ridge()


class Lasso(_OneWeight):
    """Lasso: minimize 1/(2m) ||y - X w||^2 + alpha ||w||_1 (scikit-learn's Lasso).

    The lecture's ||Y - X beta||^2 + lambda ||beta||_1 (deck 000) has the same minimizer with
    alpha = lambda / (2m); :class:`LectureElasticNet` with ``alpha=1`` fits it directly.

    Parameters
    ----------
    alpha : float
        L1 weight >= 0.
    fit_intercept : bool
    solver : str or optimizer
        ``"auto"`` = ``"active-set"`` (exact to rounding), or ``"cd"``, ``"fista"``.
    tol : float
        For cd and fista: stop at duality gap <= tol * ||y||^2 / m (scikit-learn's rule,
        tol * ||y||^2 in its own scaling).
    max_iter : int

    Attributes
    ----------
    coef_, intercept_, n_iter_, dual_gap_ (in this objective's scale), kkt_violation_ (the
    largest violation of the subgradient conditions: X_j^T (y - X w)/m = alpha sign(w_j) where
    w_j != 0, |X_j^T (y - X w)/m| <= alpha where w_j = 0).
    """

    _reduction = "half-mean"

    @classmethod
    def _penalty(cls, beta):
        return penalties.l1(beta, alpha_)



class ElasticNet(_LeastSquares):
    """Elastic net with scikit-learn's parameters: minimize
    1/(2m) ||y - X w||^2 + alpha l1_ratio ||w||_1 + alpha (1 - l1_ratio)/2 ||w||^2.

    scikit-learn's (alpha, l1_ratio) are the lecture's (lambda, alpha) in
    lambda ((1 - alpha)/2 ||b||^2 + alpha ||b||_1): ``ElasticNet.from_lecture(lam, alpha)``
    builds the same estimator from the lecture's names, and :class:`LectureElasticNet` uses the
    lecture's data term ||y - X b||^2 as well.

    Parameters
    ----------
    alpha : float
        Overall penalty weight >= 0.
    l1_ratio : float
        Mixing, 0 (ridge-like) to 1 (lasso).
    fit_intercept, solver, tol, max_iter
        As in :class:`Lasso`.
    """

    _reduction = "half-mean"

    def __init__(self, alpha: float = 1.0, l1_ratio: float = 0.5, fit_intercept: bool = True,
                 solver="auto", tol: float = 1e-8, max_iter: int = 10_000):
        self.alpha, self.l1_ratio, self.fit_intercept = alpha, l1_ratio, fit_intercept
        self.solver, self.tol, self.max_iter = solver, tol, max_iter

    @classmethod
    def from_lecture(cls, lam: float, alpha: float, **kwargs) -> "ElasticNet":
        """The penalty lam ((1 - alpha)/2 ||w||^2 + alpha ||w||_1) with scikit-learn's data term
        1/(2m) ||y - X w||^2: ``ElasticNet(alpha=lam, l1_ratio=alpha)``."""
        return cls(alpha=lam, l1_ratio=alpha, **kwargs)

    @classmethod
    def _penalty(cls, beta):
        return penalties.sklearn_elastic_net(beta, alpha_, l1_ratio_)

    def _hyper(self):
        return {alpha_: float(self.alpha), l1_ratio_: float(self.l1_ratio)}

    def _validate(self):
        super()._validate()
        if not 0 <= self.l1_ratio <= 1:
            raise ProblemError(f"l1_ratio must be in [0, 1], got {self.l1_ratio}")


class LectureElasticNet(_LeastSquares):
    """The lecture's elastic net (deck 000): minimize
    ||y - X b||^2 + lam ((1 - alpha)/2 ||b||^2 + alpha ||b||_1).

    ``alpha=1`` is the lecture's lasso ||Y - X b||^2 + lam ||b||_1, ``alpha=0`` ridge with the
    penalty lam/2 ||b||^2. The objective is 2m times scikit-learn's ElasticNet objective with
    ``alpha = lam / (2m)``, ``l1_ratio = alpha`` (:meth:`sklearn_params`).

    Parameters
    ----------
    lam : float
        lambda >= 0.
    alpha : float
        Mixing in [0, 1].
    fit_intercept, solver, tol, max_iter
        As in :class:`Lasso`.
    """

    def __init__(self, lam: float = 1.0, alpha: float = 0.5, fit_intercept: bool = True,
                 solver="auto", tol: float = 1e-8, max_iter: int = 10_000):
        self.lam, self.alpha, self.fit_intercept = lam, alpha, fit_intercept
        self.solver, self.tol, self.max_iter = solver, tol, max_iter

    @classmethod
    def _penalty(cls, beta):
        return penalties.elastic_net(beta, lam_, alpha_)

    def _hyper(self):
        return {lam_: float(self.lam), alpha_: float(self.alpha)}

    def sklearn_params(self, n_samples: int) -> dict:
        """scikit-learn's ElasticNet parameters with the same minimizer on n_samples rows."""
        return {"alpha": self.lam / (2 * n_samples), "l1_ratio": self.alpha}

    def _validate(self):
        super()._validate()
        if not 0 <= self.alpha <= 1:
            raise ProblemError(f"alpha (the mixing) must be in [0, 1], got {self.alpha}")


class NonNegative(_LeastSquares):
    """Non-negative least squares: minimize ||y - X b||^2 subject to b >= 0 (``lam=None``), or
    the lecture's penalized form ||y - X b||^2 + lam sum_j max(0, -b_j) (deck 000).

    The penalty is exact: once lam exceeds every KKT multiplier of the bound constraints
    (``multipliers_`` of the bound fit), the penalized minimizer is the constrained one; below
    that some b_j stay negative.

    Parameters
    ----------
    lam : float or None
        None: the exact bound b >= 0. A number: the penalty weight.
    fit_intercept, solver, tol, max_iter
        As in :class:`Lasso`; ``"lbfgs"`` (L-BFGS-B with bounds) works for the bound.

    Attributes
    ----------
    coef_, intercept_, n_iter_, kkt_violation_,
    multipliers_ : the KKT multipliers mu_j = d/db_j ||y - X b||^2 at the fit, the lecture's
        L = f - sum_j mu_j b_j (mu_j >= 0, zero where b_j > 0); for the bound fit only.
    """

    def __init__(self, lam: float | None = None, fit_intercept: bool = True, solver="auto",
                 tol: float = 1e-8, max_iter: int = 10_000):
        self.lam, self.fit_intercept, self.solver = lam, fit_intercept, solver
        self.tol, self.max_iter = tol, max_iter

    @property
    def _bound(self):
        return self.lam is None

    @classmethod
    def _penalty(cls, beta):
        return penalties.positivity(beta, lam_)

    @property
    def objective(self):
        return _data_term("sum") + (0 if self._bound else self._penalty(beta_))

    def _hyper(self):
        return {} if self._bound else {lam_: float(self.lam)}

    def fit(self, X, y, coef_init=None):
        super().fit(X, y, coef_init)
        if self._bound:
            Xc, yc, _, _ = center(*check_Xy(X, y), self.fit_intercept)
            problem = self.standard_form(Xc, yc)
            self.multipliers_ = np.where(self.coef_ > 0, 0.0, problem.smooth_gradient(self.coef_))
        return self
