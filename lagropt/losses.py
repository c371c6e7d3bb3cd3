"""The lecture's losses as SymPy expressions: print them, differentiate them, compile them.

Each function returns a scalar SymPy expression over array elements and sums,
``Sum(..., (i, 0, m - 1))``, that prints like the formula on the slide and compiles with
:func:`lagropt.compile` into NumPy in which the data stay arrays::

    >>> import lagropt
    >>> from lagropt import losses
    >>> X, y, beta = losses.regression_symbols()
    >>> loss = losses.mse(y, losses.linear(X, beta))
    >>> loss
    Sum((y[i] - Sum(X[i, j]*beta[j], (j, 0, n - 1)))**2, (i, 0, m - 1))/m
    >>> f = lagropt.compile(loss, wrt=beta, data=[X, y])     # f.grad(b, X_arr, y_arr)

Targets and predictions are given per sample: an element such as ``y[i]`` (or the array ``y``,
meaning ``y[i]``) and an expression in the same index, such as ``linear(X, beta)`` =
sum_j X[i, j] beta[j]. The sample index and its range m come from the target's shape.

``reduction`` is ``"mean"`` (divide by the number of samples m, as the lecture's table of
losses does; with mini-batches m is the batch size) or ``"sum"``. Indices are 0-based (NumPy
positions), so the lecture's sum over i = 1..m is printed as i = 0..m - 1.

Standard symbols: ``m, n, K`` (samples, features, classes) and ``i, j, c, k`` (their indices).
"""

from __future__ import annotations

import sympy as sp

from .errors import ProblemError
from .functions import sigmoid, softplus, xlogy

__all__ = ["m", "n", "K", "i", "j", "c", "k", "regression_symbols", "classification_symbols",
           "linear", "sigmoid", "softplus", "sse", "mse", "least_squares", "chi2",
           "binary_cross_entropy", "logistic_loss", "softmax_cross_entropy",
           "multinomial_logistic_loss", "gaussian_nll", "kl_divergence", "entropy"]

m, n, K = sp.symbols("m n K", integer=True, positive=True)
i, j, c, k = sp.symbols("i j c k", integer=True)


def regression_symbols(features=n, samples=m) -> tuple:
    """IndexedBase ``X`` (samples x features), ``y`` (samples) and ``beta`` (features)."""
    return (sp.IndexedBase("X", shape=(samples, features), real=True),
            sp.IndexedBase("y", shape=(samples,), real=True),
            sp.IndexedBase("beta", shape=(features,), real=True))


def classification_symbols(features=n, classes=K, samples=m) -> tuple:
    """``X`` (samples x features), one-hot targets ``Y`` (samples x classes), weights ``W``
    (features x classes)."""
    return (sp.IndexedBase("X", shape=(samples, features), real=True),
            sp.IndexedBase("Y", shape=(samples, classes), real=True),
            sp.IndexedBase("W", shape=(features, classes), real=True))


# -- per-sample elements ----------------------------------------------------------------------

def _length(base, axis: int, index):
    if base.shape is not None:
        return base.shape[axis]
    if isinstance(index, sp.Idx) and index.upper is not None:
        return index.upper + 1
    raise ProblemError(f"the length of axis {axis} of {base} is not known: "
                       f"give it a shape, IndexedBase('{base}', shape=(...))")


def _element(y, indices):
    """``y[indices]`` for an array, ``y`` itself for an element (or any expression)."""
    if isinstance(y, sp.MatrixSymbol):
        raise ProblemError(f"{y} is a MatrixSymbol: the losses take IndexedBase arrays (write "
                           "matrix forms such as (y - X*b).T*(y - X*b) directly)")
    if isinstance(y, sp.IndexedBase):
        return y[indices[:len(y.shape) if y.shape is not None else len(indices)]]
    return sp.sympify(y)


def _sample(y) -> tuple:
    """(element, sample index, number of samples) of a target given as array or element."""
    y = _element(y, (i,))
    if not isinstance(y, sp.Indexed):
        raise ProblemError(f"the target must be an array or an element such as y[i], got {y}")
    index = y.indices[0]
    return y, index, _length(y.base, 0, index)


def _reduce(terms, index, length, reduction: str):
    if reduction not in ("mean", "sum"):
        raise ProblemError(f"reduction must be 'mean' or 'sum', got {reduction!r}")
    total = sp.Sum(terms, (index, 0, length - 1))
    return total / length if reduction == "mean" else total


def linear(X, beta, sample=i, output=None) -> sp.Expr:
    """The linear model s_i = sum_j X[i, j] beta[j] (the lecture's linear neuron <x_i, w>).

    With a 2-D weight array ``W`` (features x outputs) give ``output`` (e.g. ``c``):
    s_ic = sum_j X[i, j] W[j, c].
    """
    feature = j if j not in (sample, output) else sp.Dummy("j", integer=True)
    length = _length(X, 1, feature) if isinstance(X, sp.IndexedBase) else X.shape[1]
    w = beta[feature] if output is None else beta[feature, output]
    return sp.Sum(_element(X, (sample, feature)) * w, (feature, 0, length - 1))


# -- regression -------------------------------------------------------------------------------

def sse(y, yhat) -> sp.Expr:
    """Sum of squared errors, sum_i (y_i - yhat_i)^2 = ||y - yhat||^2."""
    y, index, length = _sample(y)
    return _reduce((y - _element(yhat, (index,))) ** 2, index, length, "sum")


def mse(y, yhat) -> sp.Expr:
    """Mean squared error, (1/m) sum_i (y_i - yhat_i)^2."""
    y, index, length = _sample(y)
    return _reduce((y - _element(yhat, (index,))) ** 2, index, length, "mean")


def least_squares(X, y, beta, reduction: str = "sum") -> sp.Expr:
    """||Y - X beta||^2 (``reduction="sum"``, the lecture's) or its mean (1/m) ||Y - X beta||^2.

    scikit-learn's Lasso and ElasticNet use 1/(2m) ||y - X w||^2: ``least_squares(...,
    "mean") / 2``; its Ridge uses the sum.
    """
    y, index, length = _sample(y)
    return _reduce((y - linear(X, beta, index)) ** 2, index, length, reduction)


def chi2(y, yhat, sigma) -> sp.Expr:
    """chi^2 = sum_k (yhat_k - y_k)^2 / sigma_k^2 (sigma per sample, or one number/symbol)."""
    y, index, length = _sample(y)
    s = _element(sigma, (index,))
    return _reduce((_element(yhat, (index,)) - y) ** 2 / s ** 2, index, length, "sum")


def gaussian_nll(y, mu, sigma, reduction: str = "sum") -> sp.Expr:
    """Gaussian negative log-likelihood sum_i [log(2 pi sigma_i^2) / 2 + (y_i - mu_i)^2 / (2 sigma_i^2)].

    With one sigma for all samples this is the lecture's m/2 log(2 pi sigma^2) +
    1/(2 sigma^2) (y - X w)^T (y - X w) when mu = X w.
    """
    y, index, length = _sample(y)
    s = _element(sigma, (index,))
    residual = (y - _element(mu, (index,))) ** 2 / (2 * s ** 2)
    if index in s.free_symbols:
        return _reduce(sp.log(2 * sp.pi * s ** 2) / 2 + residual, index, length, reduction)
    total = length * sp.log(2 * sp.pi * s ** 2) / 2 + sp.Sum(residual, (index, 0, length - 1))
    return total / length if reduction == "mean" else total


# -- classification ---------------------------------------------------------------------------

def binary_cross_entropy(y, yhat, reduction: str = "mean") -> sp.Expr:
    """Cross-entropy -(1/m) sum_i [y_i log(yhat_i) + (1 - y_i) log(1 - yhat_i)], y_i in {0, 1}.

    Written with ``xlogy`` so that 0 log 0 = 0 for targets that are exactly 0 or 1; with
    ``yhat = sigmoid(s)`` it compiles to the stable softplus form of :func:`logistic_loss`.
    """
    y, index, length = _sample(y)
    p = _element(yhat, (index,))
    return -_reduce(xlogy(y, p) + xlogy(1 - y, 1 - p), index, length, reduction)


def logistic_loss(X, y, w, reduction: str = "mean") -> sp.Expr:
    """Cross-entropy of logistic regression, yhat_i = sigmoid(s_i), s_i = sum_j X_ij w_j.

    Equal to :func:`binary_cross_entropy` with that yhat, written as
    sum_i [softplus(s_i) - y_i s_i] (softplus(s) = log(1 + e^s)), which cannot overflow.
    Its gradient is the lecture's X^T (yhat - y) (divided by m for the mean).
    """
    y, index, length = _sample(y)
    s = linear(X, w, index)
    return _reduce(softplus(s) - y * s, index, length, reduction)


def softmax_cross_entropy(Y, S, reduction: str = "mean") -> sp.Expr:
    """Multinomial cross-entropy -(1/m) sum_i sum_c Y_ic log(softmax(S_i)_c).

    ``Y`` holds one-hot (or probability) targets, ``S`` the logits s_ic, an array or an
    expression in the sample and class indices. log softmax(S_i)_c = s_ic - log sum_k e^{s_ik},
    which is how it is written (and compiled, with a stable log-sum-exp).
    """
    Y = _element(Y, (i, c))
    if not (isinstance(Y, sp.Indexed) and len(Y.indices) == 2):
        raise ProblemError(f"the targets must be a 2-D array or an element Y[i, c], got {Y}")
    index, cls = Y.indices
    length, classes = _length(Y.base, 0, index), _length(Y.base, 1, cls)
    s = _element(S, (index, cls))
    other = k if k not in (index, cls) else sp.Dummy("k", integer=True)
    log_z = sp.log(sp.Sum(sp.exp(s.xreplace({cls: other})), (other, 0, classes - 1)))
    per_sample = sp.Sum(Y * (s - log_z), (cls, 0, classes - 1))
    return -_reduce(per_sample, index, length, reduction)


def multinomial_logistic_loss(X, Y, W, reduction: str = "mean") -> sp.Expr:
    """Softmax cross-entropy of the linear layer s_ic = sum_j X_ij W_jc (the lecture's
    multinomial logistic regression); its gradient is X^T (softmax(X W) - Y) / m."""
    return softmax_cross_entropy(Y, linear(X, W, i, c), reduction)


# -- distributions ----------------------------------------------------------------------------

def _distribution(p):
    p = _element(p, (i,))
    if not isinstance(p, sp.Indexed):
        raise ProblemError(f"a distribution must be an array or an element p[i], got {p}")
    return p, p.indices[0], _length(p.base, 0, p.indices[0])


def kl_divergence(p, q) -> sp.Expr:
    """KL(p || q) = sum_i p_i log(p_i / q_i) for discrete distributions (0 log 0 = 0)."""
    p, index, length = _distribution(p)
    return sp.Sum(xlogy(p, p / _element(q, (index,))), (index, 0, length - 1))


def entropy(p) -> sp.Expr:
    """The entropy S = -sum_i p_i ln p_i (0 ln 0 = 0)."""
    p, index, length = _distribution(p)
    return -sp.Sum(xlogy(p, p), (index, 0, length - 1))
