"""What every estimator shares: scikit-learn's parameter protocol, input checks, centering,
compiled objectives (cached), the L-BFGS and descent-family solvers.

Data may be dask arrays (data larger than memory, docs/big-data.md): the checks below keep them
lazy (one pass to check them finite), and the fits read them through the compiled objective,
which dask evaluates chunk by chunk."""

from __future__ import annotations

import functools
import inspect
import warnings

import numpy as np
import scipy.optimize
import sympy as sp

from ..arrays import compute, first_true, is_lazy
from ..errors import DataError, NotFittedError, ProblemError
from .quadratic import ConvergenceError

__all__ = ["Estimator", "PlainEstimator", "expected_failed_checks", "NotNumbersError", "RegressorMixin", "ClassifierMixin", "check_X", "check_Xy", "center", "compiled", "lbfgs", "newton_polish",
           "descend", "is_optimizer"]


class PlainEstimator:
    """scikit-learn's protocol without scikit-learn: constructor arguments are the parameters
    (``get_params``, ``set_params``, a readable ``repr``); ``fit`` returns the estimator."""

    @classmethod
    def _parameter_names(cls) -> list[str]:
        return _parameter_names(cls)

    def get_params(self, deep: bool = True) -> dict:
        """The constructor arguments, by name."""
        return {name: getattr(self, name) for name in self._parameter_names()}

    def set_params(self, **params):
        """Set constructor arguments; returns the estimator."""
        names = self._parameter_names()
        for name, value in params.items():
            if name not in names:
                raise ProblemError(f"{type(self).__name__} has no parameter {name!r}; "
                                   f"it has {', '.join(names)}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()}
        shown = [f"{k}={v!r}" for k, v in self.get_params().items()
                 if not (isinstance(defaults.get(k), (int, float, str, bool, type(None)))
                         and defaults.get(k) == v and type(defaults.get(k)) is type(v))]
        return f"{type(self).__name__}({', '.join(shown)})"


def _bases():
    """scikit-learn's BaseEstimator and its regressor/classifier mixins when scikit-learn is
    installed (the optional ``sklearn`` extra: tags, Pipeline, GridSearchCV, its HTML repr),
    else the plain protocol above and empty mixins."""
    try:
        from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    except ImportError:
        return PlainEstimator, type("RegressorMixin", (), {}), type("ClassifierMixin", (), {})

    class SklearnEstimator(BaseEstimator):
        @classmethod
        def _parameter_names(cls) -> list[str]:
            return _parameter_names(cls)

        def set_params(self, **params):
            """scikit-learn's set_params; an unknown name is a ProblemError (a ValueError,
            as scikit-learn's) naming the parameters there are."""
            PlainEstimator.set_params(self, **params)
            return self

    return SklearnEstimator, RegressorMixin, ClassifierMixin


def _exceptions():
    """(NotFittedError, DataConversionWarning): scikit-learn's as well as lagropt's when
    scikit-learn is installed, so that code catching either catches them."""
    try:
        from sklearn import exceptions
    except ImportError:
        return NotFittedError, UserWarning
    return (type("NotFittedError", (NotFittedError, exceptions.NotFittedError), {}),
            exceptions.DataConversionWarning)


_Base, RegressorMixin, ClassifierMixin = _bases()
_NotFitted, DataConversionWarning = _exceptions()


class Estimator(_Base):
    """An estimator of lagropt.regression: scikit-learn's ``BaseEstimator`` when scikit-learn
    is installed, :class:`PlainEstimator` otherwise (the same parameters, fit, predict, score)."""

    def _check_fitted(self):
        if not hasattr(self, "coef_"):
            raise _NotFitted(f"this {type(self).__name__} is not fitted yet: call fit(X, y) first")


def expected_failed_checks(estimator) -> dict:
    """The checks of ``sklearn.utils.estimator_checks.check_estimator`` this estimator fails on
    purpose, {check name: reason}; pass it as ``expected_failed_checks=``.

    One: least squares and ridge with ``solver="auto"`` solve the normal equations in closed
    form (``lstsq``, Cholesky), so ``n_iter_ = 0``; the check wants at least 1 from every
    estimator with a ``max_iter`` parameter (here used by the iterative solvers only)."""
    closed_form = (getattr(estimator, "solver", None) == "auto"
                   and type(estimator).__name__ in ("LinearRegression", "Ridge"))
    if closed_form:
        return {"check_non_transformer_estimators_n_iter":
                "solver='auto' is a closed form (lstsq / Cholesky): no iterations, and n_iter_ = 0 "
                "says so; max_iter is for the iterative solvers"}
    return {}


@functools.lru_cache(maxsize=None)
def _parameter_names(cls) -> list[str]:
    signature = inspect.signature(cls.__init__)
    return [p.name for p in signature.parameters.values()
            if p.name != "self" and p.kind != p.VAR_KEYWORD]


def _lazy_numbers(a, name: str, what: str):
    """A lazy array as float (lazily), refused in one line when it is not numeric."""
    if a.dtype.kind not in "biuf":
        raise DataError(f"{name} must be numeric ({what}), got dtype {a.dtype}")
    if any(not isinstance(d, (int, np.integer)) for d in a.shape):
        raise DataError(f"{name} has unknown chunk lengths (shape {a.shape}): call its "
                        "compute_chunk_sizes() first")
    return a.astype(float)


def _check_lazy_finite(arrays: dict) -> None:
    """One pass over the lazy ``{name: array}`` checking every entry finite; the first
    non-finite entry is located block by block and named."""
    names = list(arrays)
    flags = compute(*(np.all(np.isfinite(arrays[k])) for k in names))
    for name, finite in zip(names, flags):
        if not finite:
            a = arrays[name]
            where = first_true(~np.isfinite(a))
            (value,) = compute(a[where])
            at = f"row {where[0]}, column {where[1]}" if len(where) == 2 else f"index {where[0]}"
            raise DataError(f"{name} contains {value} at {at}")


def _check_lazy_X(X, name: str):
    X = _lazy_numbers(X, name, "a 2-D array of numbers")
    _check_shape(X, name)
    return X


class NotNumbersError(DataError, TypeError):
    """Data that are not numbers (a TypeError too, as NumPy's conversion raises)."""


def _check_shape(X, name: str) -> None:
    """2-D with at least one row and one column (scikit-learn's wording, so that its checks
    and users recognise the messages)."""
    if X.ndim != 2:
        raise DataError(f"{name} must be 2-D (samples x features), got shape {X.shape}: Reshape "
                        f"your data with {name}.reshape(-1, 1) for a single feature or "
                        f"{name}.reshape(1, -1) for a single sample")
    if X.shape[1] == 0:
        raise DataError(f"{name} is empty: 0 feature(s) (shape={X.shape}) while a minimum of 1 "
                        "is required.")
    if X.shape[0] == 0:
        raise DataError(f"{name} is empty: 0 sample(s) (shape={X.shape}) while a minimum of 1 "
                        "is required.")


def _as_floats(a, name: str, what: str) -> np.ndarray:
    """An in-memory array as float64: sparse matrices, complex numbers and non-numbers refused
    in one line."""
    if type(a).__module__.startswith("scipy.sparse"):
        raise DataError(f"{name} is a sparse matrix: sparse input is not supported, pass a dense "
                        f"array ({name}.toarray())")
    try:
        raw = np.asarray(a)
    except (TypeError, ValueError) as e:
        raise DataError(f"{name} must be numeric ({what}): {e}") from None
    if raw.dtype.kind == "c":
        raise DataError(f"Complex data not supported: {name} holds complex numbers")
    try:
        return raw.astype(float)
    except TypeError as e:
        raise NotNumbersError(f"{name} must be numeric ({what}): {e}") from None
    except ValueError as e:
        raise DataError(f"{name} must be numeric ({what}): {e}") from None


def check_X(X, name: str = "X") -> np.ndarray:
    """X as a finite 2-D float array, or a DataError naming the problem (a dask array stays
    lazy: checked in one pass)."""
    if is_lazy(X):
        X = _check_lazy_X(X, name)
        _check_lazy_finite({name: X})
        return X
    X = _as_floats(X, name, "a 2-D array of numbers")
    _check_shape(X, name)
    if not np.all(np.isfinite(X)):
        bad = np.argwhere(~np.isfinite(X))[0]
        raise DataError(f"{name} contains {X[tuple(bad)]} at row {bad[0]}, column {bad[1]} "
                        "(NaN and inf are not allowed)")
    return X


def column_to_1d(y):
    """y of shape (m, 1) as (m,), with scikit-learn's DataConversionWarning (a UserWarning
    without scikit-learn)."""
    if y.ndim == 2 and y.shape[1] == 1:
        warnings.warn("A column-vector y was passed when a 1d array was expected: y is read as "
                      "y.ravel()", DataConversionWarning, stacklevel=4)
        return y[:, 0]
    return y


def require_y(y) -> None:
    if y is None:
        raise DataError("this estimator requires y to be passed, but the target y is None")


def check_Xy(X, y, n_features: int | None = None):
    """(X, y) checked: X finite 2-D, y finite 1-D with one entry per row of X."""
    require_y(y)
    if is_lazy(X) or is_lazy(y):
        return _check_lazy_Xy(X, y)
    X = check_X(X)
    y = column_to_1d(_as_floats(y, "y", "for class labels use a classifier"))
    if y.ndim != 1:
        raise DataError(f"y must be 1-D (one target per sample), got shape {y.shape}")
    if len(y) != X.shape[0]:
        raise DataError(f"X has {X.shape[0]} rows but y has {len(y)} entries")
    if not np.all(np.isfinite(y)):
        raise DataError(f"y contains {y[~np.isfinite(y)][0]} at index "
                        f"{int(np.flatnonzero(~np.isfinite(y))[0])} (NaN and inf are not allowed)")
    return X, y


def _check_lazy_Xy(X, y):
    """check_Xy for dask data: the same checks, one pass over both for finiteness."""
    X = _check_lazy_X(X, "X") if is_lazy(X) else check_X(X)
    y = _lazy_numbers(y, "y", "for class labels use a classifier") if is_lazy(y) else \
        _as_floats(y, "y", "for class labels use a classifier")
    y = column_to_1d(y)
    if y.ndim != 1:
        raise DataError(f"y must be 1-D (one target per sample), got shape {y.shape}")
    if len(y) != X.shape[0]:
        raise DataError(f"X has {X.shape[0]} rows but y has {len(y)} entries")
    _check_lazy_finite({name: a for name, a in (("X", X), ("y", y)) if is_lazy(a)})
    if not is_lazy(y) and not np.all(np.isfinite(y)):
        raise DataError(f"y contains {y[~np.isfinite(y)][0]} (NaN and inf are not allowed)")
    return X, y


def check_features(X, n_features: int, who: str = "the estimator") -> np.ndarray:
    """X checked (check_X) with the number of features the estimator was fitted with."""
    X = check_X(X)
    if X.shape[1] != n_features:
        raise DataError(f"X has {X.shape[1]} features, but {who} is expecting {n_features} "
                        "features as input")
    return X


def center(X, y, fit_intercept: bool):
    """Centered copies and the means (the intercept is then mean(y) - mean(X) w, unpenalized)."""
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), 0.0
    x_mean, y_mean = compute(X.mean(axis=0), y.mean())      # one pass over lazy data
    y_mean = float(y_mean)
    return X - x_mean, y - y_mean, x_mean, y_mean


@functools.lru_cache(maxsize=64)
def compiled(expr: sp.Expr, wrt: tuple, data: tuple):
    """``lagropt.compile(expr, wrt, data)``, compiled once per formulation and reused."""
    from ..compiler import compile as compile_expr
    return compile_expr(expr, wrt=list(wrt), data=list(data))


def lbfgs(value_and_grad, x0, tol: float, max_iter: int, bounds=None):
    """scipy's L-BFGS-B on a compiled objective. Stops when the largest (projected) gradient
    entry is at most tol * max(1, its size at x0); returns (x, iterations)."""
    x0 = np.asarray(x0, dtype=float)
    _, g0 = value_and_grad(x0)
    gtol = tol * max(1.0, float(np.abs(g0).max(initial=0.0)))
    result = scipy.optimize.minimize(value_and_grad, x0, jac=True, method="L-BFGS-B", bounds=bounds,
                                     options={"maxiter": max_iter, "gtol": gtol, "ftol": 1e-15,
                                              "maxcor": 20})
    _, g = value_and_grad(result.x)
    if bounds is not None:
        lower = np.array([b[0] if b[0] is not None else -np.inf for b in bounds])
        g = np.where((result.x <= lower) & (g > 0), 0.0, g)
    if np.abs(g).max(initial=0.0) > 100 * gtol and result.nit >= max_iter:
        raise ConvergenceError(f"L-BFGS did not reach tol={tol:g} in {max_iter} iterations "
                               f"(largest gradient entry {np.abs(g).max():.3g})")
    return result.x, int(result.nit)


def newton_polish(value_and_grad, hess, x, max_steps: int = 20):
    """Newton steps x <- x - H^+ g with the exact (compiled) Hessian, while they shrink the
    gradient: after L-BFGS has found the basin, two or three steps reach rounding error. H^+ g
    is the minimum-norm solution, so a singular Hessian (a softmax's intercepts can all shift
    by one number) does no harm."""
    g = value_and_grad(x)[1]
    for _ in range(max_steps):
        step = np.linalg.lstsq(hess(x), g, rcond=1e-12)[0]
        candidate = x - step
        g_new = value_and_grad(candidate)[1]
        if not np.abs(g_new).max(initial=0.0) < np.abs(g).max(initial=0.0):
            return x
        x, g = candidate, g_new
    return x


def is_optimizer(solver) -> bool:
    """Whether ``solver`` is an optimizer of the descent family (not a solver name)."""
    return not isinstance(solver, str) and hasattr(solver, "step") or (
        not isinstance(solver, str) and type(solver).__module__.startswith("lagropt.optim"))


def descend(f, x0, data: tuple, optimizer, steps: int, tol: float, l1: float = 0.0, mask=None):
    """Minimize the compiled ``f`` with an optimizer of the descent family,
    ``lagropt.optim.minimize(f, x0, optimizer, steps=..., data=..., tol=...)``.

    With ``l1 > 0`` the L1 part l1 ||x||_1 (on the coordinates of ``mask``) is applied as the
    lecture's soft-threshold step after each update (``optim.regularize(..., proximal=True)``),
    so coefficients reach exactly 0; it then runs all ``steps``. Otherwise it stops when the
    largest gradient entry is at most tol * max(1, its size at x0). Returns (x, iterations).
    """
    try:
        from .. import optim
    except ImportError:
        raise ProblemError("the descent family (lagropt.optim) is not available in this "
                           "installation; use solver='lbfgs' or a solver name") from None
    x0 = np.asarray(x0, dtype=float)
    if l1 > 0:
        optimizer, stop = optim.regularize(optimizer, l1=l1, proximal=True, mask=mask), None
    else:
        g0 = f.grad(x0, *data)
        stop = tol * max(1.0, float(np.abs(g0).max(initial=0.0)))
    result = optim.minimize(f, x0, optimizer, steps=steps, data=data, tol=stop)
    return np.asarray(result.x, dtype=float), int(result.nit)
