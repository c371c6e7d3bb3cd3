"""Dask-backed data (the ``dask`` extra): compiled losses, streaming descent, the estimators.

Every test compares the dask path with the in-memory NumPy path on the same numbers: the
reference is NumPy's evaluation of the same formula (or the in-memory fit), computed
independently of the chunking. Arrays are small (a few chunks): chunking, not size, is what is
under test.
"""

import numpy as np
import pytest

da = pytest.importorskip("dask.array", reason="dask is an optional extra (pip install "
                         "'lagropt[dask]'); these tests cover the dask-backed data path")

import lagropt  # noqa: E402
from lagropt import losses  # noqa: E402
from lagropt.errors import DataError  # noqa: E402

X_, y_, b_ = losses.regression_symbols()
rng = np.random.default_rng(19)
M, N = 1000, 5
X = rng.normal(size=(M, N))
Y = X @ np.array([1.0, -2.0, 0.5, 0.0, 3.0]) + 0.1 * rng.normal(size=M)
LABELS = (Y > 0).astype(float)
B = rng.normal(size=N)


def lazy(a, rows=300):
    """``a`` as a dask array of row chunks of ``rows`` rows (4 chunks for M = 1000)."""
    return da.from_array(a, chunks=(rows,) + a.shape[1:])


def relative(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))) / np.max(np.abs(b)))


@pytest.fixture(scope="module")
def lstsq():
    return lagropt.compile(losses.least_squares(X_, y_, b_), wrt=[b_], data=[X_, y_])


@pytest.fixture(scope="module")
def logistic():
    return lagropt.compile(losses.logistic_loss(X_, y_, b_), wrt=[b_], data=[X_, y_])


# -- 1. duck arrays through compile ------------------------------------------------------------

def test_least_squares_gradient_on_dask_equals_numpy(lstsq):
    # independent reference: d/db ||y - X b||^2 = -2 X^T (y - X b)
    reference = -2 * X.T @ (Y - X @ B)
    g = lstsq.grad(B, lazy(X), lazy(Y))
    assert isinstance(g, np.ndarray)
    assert relative(g, reference) <= 1e-12
    value, g2 = lstsq.value_and_grad(B, lazy(X), lazy(Y))
    assert abs(value - np.sum((Y - X @ B) ** 2)) <= 1e-12 * abs(value)
    assert relative(g2, reference) <= 1e-12


def test_logistic_gradient_on_dask_equals_numpy(logistic):
    # mean cross-entropy with p = sigmoid(X b): gradient X^T (p - y) / m
    p = 1 / (1 + np.exp(-(X @ B)))
    reference = X.T @ (p - LABELS) / M
    assert relative(logistic.grad(B, lazy(X), lazy(LABELS)), reference) <= 1e-12


def test_compute_false_keeps_the_results_lazy(lstsq):
    g = lstsq.grad(B, lazy(X), lazy(Y), compute=False)
    value, g2 = lstsq.value_and_grad(B, lazy(X), lazy(Y), compute=False)
    H = lstsq.hess(B, lazy(X), lazy(Y), compute=False)
    assert all(hasattr(r, "dask") for r in (g, value, g2, H))
    assert relative(g.compute(), -2 * X.T @ (Y - X @ B)) <= 1e-12
    assert abs(float(value.compute()) - np.sum((Y - X @ B) ** 2)) <= 1e-12 * float(value)
    assert relative(H.compute(), 2 * X.T @ X) <= 1e-12          # d^2/db^2 = 2 X^T X
    assert relative(lstsq.hess(B, lazy(X), lazy(Y)), 2 * X.T @ X) <= 1e-12


def test_compute_false_on_numpy_data_is_numpy(lstsq):
    g = lstsq.grad(B, X, Y, compute=False)
    assert isinstance(g, np.ndarray) and np.array_equal(g, lstsq.grad(B, X, Y))


def test_bad_lazy_data_is_named_without_loading_it(lstsq):
    bad = X.copy()
    bad[700, 3] = np.inf
    with pytest.raises(DataError, match=r"data X contains inf at index 700, 3"):
        lstsq.grad(B, lazy(bad), lazy(Y))
    with pytest.raises(DataError, match="unknown chunk lengths"):
        lstsq.grad(B, lazy(X)[lazy(Y) > 0], lazy(Y)[lazy(Y) > 0])
    with pytest.raises(DataError, match="not numeric"):
        lstsq.grad(B, lazy(X).astype(str), lazy(Y))
