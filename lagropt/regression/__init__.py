"""Regularized regression, derived and fitted (decks 000, 002, 004).

* :mod:`~lagropt.regression.derive` -- the closed forms derived by SymPy, as derivations:
  normal equations, ridge, the Gaussian prior, the eigen-rescaling sigma_i/(sigma_i + lambda),
  the soft threshold, weight decay, penalty <=> constraint;
* estimators with scikit-learn's conventions (``fit``, ``predict``, ``coef_``, ``intercept_``,
  ``score``): :class:`LinearRegression`, :class:`Ridge`, :class:`Lasso`, :class:`ElasticNet`,
  :class:`LectureElasticNet`, :class:`NonNegative`, :class:`LogisticRegression`,
  :class:`SoftmaxRegression`;
* penalty <=> constraint maps: :func:`ridge_radius`, :func:`ridge_penalty`,
  :func:`ridge_constrained`, :func:`lasso_radius`, :func:`lasso_penalty`;
* paths and curves: :func:`lasso_path`, :func:`enet_path`, :func:`ridge_path`,
  :func:`regularization_path`, :func:`validation_curve`, :func:`early_stopping`
  (figures in :mod:`lagropt.plot`).

See docs/regression.md.
"""

from . import derive
from .base import expected_failed_checks
from .constraint import lasso_penalty, lasso_radius, ridge_constrained, ridge_penalty, ridge_radius
from .linear import (ElasticNet, Lasso, LectureElasticNet, LinearRegression, NonNegative, Ridge,
                     r2_score)
from .logistic import LogisticRegression, SoftmaxRegression
from .path import (EarlyStopping, LossCurve, Path, alpha_grid, early_stopping, enet_path,
                   lasso_path, regularization_path, ridge_path, validation_curve)
from .quadratic import PenalizedQuadratic, kkt_violation, penalty_shape, solve_quadratic

__all__ = ["derive", "LinearRegression", "Ridge", "Lasso", "ElasticNet", "LectureElasticNet",
           "NonNegative", "LogisticRegression", "SoftmaxRegression", "r2_score",
           "ridge_radius", "ridge_penalty", "ridge_constrained", "lasso_radius", "lasso_penalty",
           "Path", "LossCurve", "EarlyStopping", "alpha_grid", "regularization_path",
           "lasso_path", "enet_path", "ridge_path", "validation_curve", "early_stopping",
           "PenalizedQuadratic", "solve_quadratic", "penalty_shape", "kkt_violation",
           "expected_failed_checks"]
