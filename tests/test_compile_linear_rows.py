"""Losses of a linear predictor as one compiled pass over the rows (compiler/linear_rows.py).

References: the hand-written NumPy formulas (derivations in the comments) and the NumPy
block evaluation of the same compiled loss; the compiled pass reassociates sums, so the
comparisons are to 1e-12 relative (the measured difference is about 1e-14)."""

import numpy as np
import pytest
import sympy as sp

import lagropt
from lagropt import losses, penalties
from lagropt.compiler import linear_rows, rows
from lagropt.errors import DataError

pytestmark = pytest.mark.skipif(not linear_rows.available(),
                                reason="numba (the 'fast' extra) is not installed")

X_, y_, b_ = losses.regression_symbols()
i, j = sp.symbols("i j", integer=True)
w_ = sp.IndexedBase("w", shape=(losses.m,), real=True)
lam = sp.Symbol("lam", positive=True)
rng = np.random.default_rng(8)
M, N = 1003, 4                      # odd: each run of rows ends with a row taken alone
X = rng.normal(size=(M, N))
Y = X @ np.array([1.0, -1.0, 2.0, 0.5]) + rng.normal(size=M)
W = rng.uniform(0.5, 2.0, size=M)
B = np.array([0.3, -0.2, 0.1, 0.7])
R = X @ B - Y                       # residuals at B


@pytest.fixture(params=[1, 2, 3], ids=["1 thread", "2 threads", "3 threads"])
def by_rows(request, monkeypatch):
    """Every call on the row path (from the first byte), with 1, 2 or 3 runs of rows."""
    monkeypatch.setattr(rows, "MIN_BYTES", 0)
    monkeypatch.setattr(rows, "_THREADS", request.param)


def _weighted():
    # sum_i w_i (y_i - x_i . b)^2
    eta = sp.Sum(X_[i, j] * b_[j], (j, 0, losses.n - 1))
    return sp.Sum(w_[i] * (y_[i] - eta) ** 2, (i, 0, losses.m - 1))


# name: (expression, data symbols, data, (value, gradient) by hand)
CASES = {
    # f = sum r_i^2, r = X b - y: grad = 2 X^T r
    "sse": (losses.least_squares(X_, y_, b_), [X_, y_], (X, Y),
            (R @ R, 2 * X.T @ R)),
    # f = (1/m) sum r_i^2 + lam ||b||^2: grad = (2/m) X^T r + 2 lam b (the penalty outside
    # the pass)
    "mse+l2": (losses.least_squares(X_, y_, b_, "mean") + penalties.l2(b_, lam), [X_, y_, lam],
               (X, Y, 0.3), (R @ R / M + 0.3 * B @ B, 2 / M * X.T @ R + 2 * 0.3 * B)),
    # f = sum w_i r_i^2: grad = 2 X^T (w * r)
    "weighted": (_weighted(), [X_, y_, w_], (X, Y, W), (W @ R ** 2, 2 * X.T @ (W * R))),
}


@pytest.mark.parametrize("name", CASES)
def test_the_pass_equals_the_formula(name, by_rows):
    expr, symbols, data, (value, g) = CASES[name]
    f = lagropt.compile(expr, wrt=[b_], data=symbols)
    got_value, got_g = f.value_and_grad(B, *data)
    assert f._row_blocks()._linear is not None
    assert abs(got_value - value) <= 1e-12 * abs(value)
    assert np.abs(got_g - g).max() <= 1e-12 * np.abs(g).max()
    assert np.abs(f.grad(B, *data) - g).max() <= 1e-12 * np.abs(g).max()
    assert np.array_equal(f.grad(B, *data), got_g)          # the same sums, in the same order


def test_a_loss_that_is_not_a_polynomial_of_the_predictor_keeps_numpy_blocks(by_rows):
    # logistic: log(1 + exp(eta)) needs a stable evaluation; the NumPy blocks keep it
    labels = (Y > 0).astype(float)
    f = lagropt.compile(losses.logistic_loss(X_, y_, b_), wrt=[b_], data=[X_, y_])
    g = f.grad(B, X, labels)
    assert f._row_blocks() is not None and f._row_blocks()._linear is None
    # d/db (1/m) sum [log(1 + exp(x_i.b)) - y_i x_i.b] = (1/m) X^T (sigmoid(X b) - y)
    expected = X.T @ (1 / (1 + np.exp(-X @ B)) - labels) / M
    assert np.abs(g - expected).max() <= 1e-12 * np.abs(expected).max()


def test_two_parameters_keep_numpy_blocks(by_rows):
    c = sp.Symbol("c", real=True)
    eta = sp.Sum(X_[i, j] * b_[j], (j, 0, losses.n - 1))
    f = lagropt.compile(sp.Sum((y_[i] - eta - c) ** 2, (i, 0, losses.m - 1)), wrt=[b_, c],
                        data=[X_, y_])
    g = f.grad(np.append(B, 0.4), X, Y)
    assert f._row_blocks()._linear is None
    r = R + 0.4                    # d/db = 2 X^T r, d/dc = 2 sum r, r = X b + c - y
    assert np.abs(g - np.append(2 * X.T @ r, 2 * r.sum())).max() <= 1e-12 * np.abs(g).max()


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf_in_the_data_are_named_not_swallowed(bad, by_rows):
    f = lagropt.compile(losses.least_squares(X_, y_, b_), wrt=[b_], data=[X_, y_])
    broken = X.copy()
    broken[700, 2] = bad
    kind = "nan" if np.isnan(bad) else "inf"
    with pytest.raises(DataError, match=f"data X contains {kind} at index 700, 2"):
        f.grad(B, broken, Y)
