"""Logistic and softmax regression (deck 002) with scikit-learn's conventions.

The objective is written with :mod:`lagropt.losses` (cross-entropy of sigmoid / softmax
outputs, which compiles to the stable softplus / log-sum-exp forms) and
:mod:`lagropt.penalties`; its gradient is the lecture's X^T (yhat - y). scikit-learn's scaling
(``C`` multiplies the summed cross-entropy; ``l1_ratio`` mixes the penalties):

    C sum_i CE_i + (1 - l1_ratio)/2 ||w||^2 + l1_ratio ||w||_1

``C=numpy.inf`` fits without a penalty. The intercept is never penalized.

Solvers: ``"auto"`` = L-BFGS followed by Newton steps with the exact compiled Hessian (to
rounding error) without an L1 part, ``"fista"`` with one (proximal gradient, the L1 part by the
derived soft threshold); ``"lbfgs"`` alone; or an optimizer of the descent family.
"""

from __future__ import annotations

import numpy as np
import scipy.special
import sympy as sp

from ..softmax import softmax
from .. import losses, penalties
from ..arrays import compute, is_lazy
from ..errors import DataError, ProblemError
from ..functions import sigmoid
from .base import (ClassifierMixin, Estimator, column_to_1d, require_y, check_features, check_X, compiled, descend, is_optimizer, lbfgs,
                   newton_polish)
from .quadratic import fista, kkt_violation, penalty_shape

__all__ = ["LogisticRegression", "SoftmaxRegression", "check_labels"]

X_, y_, w_ = losses.regression_symbols()
_, Y_, W_ = losses.classification_symbols()
b_ = sp.Symbol("b", real=True)                                       # binary intercept
bK_ = sp.IndexedBase("b", shape=(losses.K,), real=True)              # one intercept per class
C_, l1_ratio_, decay_ = sp.symbols("C l1_ratio l2", nonnegative=True)
_t = sp.Symbol("t", real=True)


def check_labels(y):
    """Class labels as an array (a dask array stays lazy); None, a column vector and
    non-integer numbers (a regression target) refused or read as scikit-learn does."""
    require_y(y)
    if is_lazy(y):
        return y
    labels = column_to_1d(np.asarray(y))
    if labels.dtype.kind == "f" and not np.all(np.isfinite(labels)):
        raise DataError("y contains NaN or inf; class labels must be finite")
    if labels.dtype.kind == "f" and np.any(labels != np.round(labels)):
        raise DataError("Unknown label type: continuous (y holds non-integer numbers); a "
                        "classifier needs class labels (for a regression use a regressor)")
    return labels


class _Classifier(ClassifierMixin, Estimator):
    """Shared fitting of the two classifiers."""

    def __init__(self, C: float = 1.0, l1_ratio: float = 0.0, fit_intercept: bool = True,
                 solver="auto", tol: float = 1e-8, max_iter: int = 10_000):
        self.C, self.l1_ratio, self.fit_intercept = C, l1_ratio, fit_intercept
        self.solver, self.tol, self.max_iter = solver, tol, max_iter

    # subclasses: _cross_entropy(), _weights, _intercept, _targets(labels), _unpack(x, n, K)
    @property
    def objective(self) -> sp.Expr:
        """C * cross-entropy + the penalty, in the symbols C and l1_ratio (numbers in
        ``hyperparameters``)."""
        if np.isinf(self.C):
            return self._cross_entropy()
        return C_ * self._cross_entropy() + penalties.sklearn_elastic_net(self._weights, 1, l1_ratio_)

    @property
    def hyperparameters(self) -> dict:
        return {} if np.isinf(self.C) else {C_: float(self.C), l1_ratio_: float(self.l1_ratio)}

    def _parameters(self) -> tuple:
        return (self._weights, self._intercept) if self.fit_intercept else (self._weights,)

    def _smooth(self):
        """C CE + l2/2 ||w||^2, compiled (C and l2 passed as numbers)."""
        expr = C_ * self._cross_entropy() + penalties.weight_decay(self._weights, decay_)
        return compiled(expr, self._parameters(), (X_, self._target_symbol, C_, decay_))

    def _penalty_numbers(self) -> tuple:
        if np.isinf(self.C):
            return 1.0, 0.0, 0.0                     # C sum CE and sum CE share the minimizer
        shape = penalty_shape(penalties.sklearn_elastic_net([_t], 1, l1_ratio_), _t)
        l2, l1, _ = (float(e.subs(l1_ratio_, self.l1_ratio)) for e in shape)
        return float(self.C), l2, l1

    def _validate(self):
        if not (self.C > 0):
            raise ProblemError(f"C must be > 0 (numpy.inf: no penalty), got {self.C}")
        if not 0 <= self.l1_ratio <= 1:
            raise ProblemError(f"l1_ratio must be in [0, 1], got {self.l1_ratio}")
        if not (is_optimizer(self.solver) or self.solver in ("auto", "lbfgs", "fista")):
            raise ProblemError(f"unknown solver {self.solver!r}; choose 'auto', 'lbfgs', 'fista' "
                               "or a lagropt.optim optimizer")

    def fit(self, X, y):
        """Fit to X (samples x features) and class labels y. Returns the estimator."""
        X = check_X(X)
        self._validate()
        labels = check_labels(y)
        if labels.ndim != 1 or len(labels) != X.shape[0]:
            raise DataError(f"y must hold one label per row of X ({X.shape[0]}), got shape {labels.shape}")
        if is_lazy(labels) or is_lazy(X):
            T = self._lazy_targets(labels)
        else:
            self.classes_, index = np.unique(labels, return_inverse=True)
            self._check_classes()
            T = self._targets(index)
        C, l2, l1 = self._penalty_numbers()
        f = self._smooth()
        data = (X, T, C, l2)
        shapes = list(f.shapes(*data).values())
        n_params = sum(int(np.prod(shape)) for shape in shapes)
        weights = int(np.prod(shapes[0]))
        right = np.zeros(n_params)
        right[:weights] = l1
        x0 = np.zeros(n_params)

        def value_and_grad(x):
            return f.value_and_grad(x, *data)

        solver = self.solver
        if is_optimizer(solver):
            x, self.n_iter_ = descend(f, x0, data, solver, self.max_iter, self.tol, l1=l1,
                                      mask=right > 0)
        elif solver == "lbfgs" or (solver == "auto" and l1 == 0):
            if l1:
                raise ProblemError("solver='lbfgs' needs a smooth objective (l1_ratio=0); use 'fista'")
            x, self.n_iter_ = lbfgs(value_and_grad, x0, self.tol, self.max_iter)
            if solver == "auto":
                x = newton_polish(value_and_grad, lambda z: f.hess(z, *data), x)
        else:
            x, self.n_iter_ = fista(value_and_grad, x0, right, right, tol=self.tol,
                                    max_iter=self.max_iter)
        self.kkt_violation_ = kkt_violation(x, value_and_grad(x)[1], right, right)
        self.coef_, self.intercept_ = self._unpack(x, X.shape[1])
        self.n_features_in_ = X.shape[1]
        return self

    def _lazy_targets(self, labels):
        """The targets of dask labels, kept lazy: the classes in one pass, then the indicator
        labels == class (the same numbers as _targets of np.unique's inverse)."""
        (self.classes_,) = compute(np.unique(labels))
        self.classes_ = np.asarray(self.classes_)
        self._check_classes()
        onehot = (labels[:, None] == self.classes_[None, :]).astype(float)
        return onehot[:, 1] if self._target_symbol is y_ else onehot

    def _logits(self, X) -> np.ndarray:
        """X coef_^T + intercept_, one column per row of coef_."""
        self._check_fitted()
        return check_features(X, self.n_features_in_, type(self).__name__) @ self.coef_.T + self.intercept_

    def decision_function(self, X) -> np.ndarray:
        """The logits X coef_^T + intercept_, one column per class; for two classes the 1-D
        log-odds log(p_1 / p_0) of classes_[1] (positive: classes_[1] is predicted), as
        scikit-learn's classifiers."""
        scores = self._logits(X)
        if scores.shape[1] == 2:                 # softmax: log(p1/p0) = s_1 - s_0
            return scores[:, 1] - scores[:, 0]
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict(self, X) -> np.ndarray:
        """The most probable class label."""
        best = np.argmax(self.predict_proba(X), axis=1)
        if is_lazy(best):                  # the labels chunk by chunk, not loaded whole
            return best.map_blocks(self.classes_.__getitem__, dtype=self.classes_.dtype)
        return self.classes_[best]

    def score(self, X, y) -> float:
        """Accuracy (as scikit-learn's classifiers)."""
        labels = y if is_lazy(y) else np.asarray(y)
        return float(compute(np.mean(self.predict(X) == labels))[0])


class LogisticRegression(_Classifier):
    """Binary logistic regression: yhat = sigmoid(X w + b) (deck 002), minimizing
    C sum_i -[y_i log yhat_i + (1 - y_i) log(1 - yhat_i)] + (1 - l1_ratio)/2 ||w||^2 + l1_ratio ||w||_1
    (scikit-learn's LogisticRegression; ``C=numpy.inf`` is the lecture's plain cross-entropy).

    Parameters
    ----------
    C : float
        Inverse penalty strength (> 0; inf for none).
    l1_ratio : float
        0 for L2, 1 for L1, between for the elastic net.
    fit_intercept : bool
    solver : {"auto", "lbfgs", "fista"} or optimizer
    tol : float
        lbfgs and fista stop when the largest entry of the (sub)gradient's violation is at most
        tol times its size at 0 (at least 1).
    max_iter : int

    Attributes
    ----------
    classes_, coef_ (1 x features, as scikit-learn), intercept_ (1,), n_iter_, kkt_violation_.
    """

    _weights = w_
    _target_symbol = y_

    @property
    def _intercept(self):
        return b_

    def _cross_entropy(self):
        s = losses.linear(X_, w_) + (b_ if self.fit_intercept else 0)
        return losses.binary_cross_entropy(y_, sigmoid(s), "sum")

    def _check_classes(self):
        if len(self.classes_) != 2:
            raise DataError(f"LogisticRegression needs exactly 2 classes, got {len(self.classes_)} "
                            f"class{'es' * (len(self.classes_) != 1)}: Only binary classification is supported. "
                            "Use SoftmaxRegression for more")

    def _targets(self, index):
        return index.astype(float)

    def _unpack(self, x, n):
        return x[:n].reshape(1, n), (x[n:n + 1] if self.fit_intercept else np.zeros(1))

    def __sklearn_tags__(self):
        """scikit-learn's tags: a binary classifier (its checks then use two classes)."""
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def predict_proba(self, X) -> np.ndarray:
        """(1 - p, p) per row, p = sigmoid(X w + b)."""
        p = scipy.special.expit(self.decision_function(X))
        return np.stack([1 - p, p], axis=1)


class SoftmaxRegression(_Classifier):
    """Multinomial logistic regression: yhat_i = softmax(x_i^T W + b) (deck 002), minimizing
    C sum_i sum_c -Y_ic log yhat_ic + (1 - l1_ratio)/2 ||W||^2 + l1_ratio ||W||_1
    (scikit-learn's multinomial LogisticRegression).

    The cross-entropy does not change when the same number is added to every class's intercept;
    ``intercept_`` is the solution whose entries sum to 0 (scikit-learn's). Without a penalty
    (``C=numpy.inf``) W is not unique either.

    Parameters
    ----------
    As :class:`LogisticRegression`.

    Attributes
    ----------
    classes_, coef_ (classes x features, scikit-learn's layout: the lecture's W is coef_.T),
    intercept_ (classes,), n_iter_, kkt_violation_.
    """

    _weights = W_
    _target_symbol = Y_

    @property
    def _intercept(self):
        return bK_

    def _cross_entropy(self):
        S = losses.linear(X_, W_, losses.i, losses.c) + (bK_[losses.c] if self.fit_intercept else 0)
        return losses.softmax_cross_entropy(Y_, S, "sum")

    def _check_classes(self):
        if len(self.classes_) < 2:
            raise DataError("y has 1 class (a single label); a classifier needs at least 2")

    def _targets(self, index):
        return np.eye(len(self.classes_))[index]

    def _unpack(self, x, n):
        K = len(self.classes_)
        W = x[:n * K].reshape(n, K)
        b = x[n * K:] - x[n * K:].mean() if self.fit_intercept else np.zeros(K)
        return W.T.copy(), b

    def predict_proba(self, X) -> np.ndarray:
        """softmax(X W + b) per row."""
        scores = self._logits(X)
        if is_lazy(scores):                # row chunks hold every class: softmax chunk-wise
            return scores.rechunk({1: -1}).map_blocks(softmax, axis=1, dtype=float)
        return softmax(scores, axis=1)
