"""Row-block evaluation of losses that are sums over samples (lagropt/compiler/rows.py).

The reference is the whole-array evaluation of the same compiled loss (thresholds patched so
that small data are cut into several blocks) and the hand-written NumPy formula."""

import numpy as np
import pytest
import sympy as sp

import lagropt
from lagropt import losses, penalties
from lagropt.compiler import rows

X_, y_, b_ = losses.regression_symbols()
lam = sp.Symbol("lam", positive=True)
i = sp.Symbol("i", integer=True)
rng = np.random.default_rng(5)
M, N = 1003, 4                         # 1003 rows: the last block is a short one
X = rng.normal(size=(M, N))
Y = X @ np.array([1.0, -1.0, 2.0, 0.5]) + rng.normal(size=M)
B = np.array([0.3, -0.2, 0.1, 0.7])


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 64 rows (64 * 5 floats) from the first byte of data."""
    monkeypatch.setattr(rows, "MIN_BYTES", 0)
    monkeypatch.setattr(rows, "BLOCK_BYTES", 64 * (N + 1) * 8)


def _whole(f, monkeypatch, method, *args):
    monkeypatch.setattr(rows, "MIN_BYTES", 10 ** 18)
    return getattr(f, method)(*args)


CASES = {
    "sse": (losses.least_squares(X_, y_, b_), (X, Y),
            lambda: (np.sum((Y - X @ B) ** 2), -2 * X.T @ (Y - X @ B))),
    "mse+l2": (losses.least_squares(X_, y_, b_, "mean") + penalties.l2(b_, lam), (X, Y, 0.3),
               None),
    "logistic": (losses.logistic_loss(X_, y_, b_), (X, (Y > 0).astype(float)),
                 lambda: (None, X.T @ (1 / (1 + np.exp(-X @ B)) - (Y > 0)) / M)),
}


@pytest.mark.parametrize("name", CASES)
def test_sums_over_samples_are_split(name):
    expr, data, _ = CASES[name]
    symbols = [X_, y_] + ([lam] if len(data) == 3 else [])
    f = lagropt.compile(expr, wrt=[b_], data=symbols)
    assert f._row_blocks() is not None


def test_losses_that_mix_rows_are_not_split():
    m = losses.m
    y = sp.IndexedBase("y", shape=(m,), real=True)
    k = sp.Symbol("k", integer=True)
    mean = sp.Sum(y[k], (k, 0, m - 1)) / m
    c = sp.Symbol("c", real=True)
    variance = sp.Sum((y[i] - mean - c) ** 2, (i, 0, m - 1))      # each row sees every row
    squared = sp.Sum(y[i] - c, (i, 0, m - 1)) ** 2                  # a square of a sum
    for expr in (variance, squared):
        assert lagropt.compile(expr, wrt=[c], data=[y])._row_blocks() is None


@pytest.mark.parametrize("name", CASES)
def test_blocks_equal_the_whole_evaluation(name, small_blocks, monkeypatch):
    expr, data, reference = CASES[name]
    symbols = [X_, y_] + ([lam] if len(data) == 3 else [])
    f = lagropt.compile(expr, wrt=[b_], data=symbols)
    value, g = f.value_and_grad(B, *data)
    alone, v_alone = f.grad(B, *data), f.value(B, *data)
    bound_value, bound_g = f.bound(B, *data)(B)
    whole_value, whole_g = _whole(f, monkeypatch, "value_and_grad", B, *data)
    scale = np.abs(whole_g).max()
    for got in (g, alone, bound_g):
        assert np.abs(got - whole_g).max() <= 1e-12 * scale
    for got in (value, v_alone, bound_value):
        assert abs(got - whole_value) <= 1e-12 * abs(whole_value)
    if reference is not None:
        ref_value, ref_g = reference()
        assert np.abs(g - ref_g).max() <= 1e-12 * np.abs(ref_g).max()
        if ref_value is not None:
            assert abs(value - ref_value) <= 1e-12 * ref_value


def test_the_mean_divides_by_all_rows_not_the_block(small_blocks):
    # d/db [ (1/m) sum (y - X b)^2 + lam ||b||^2 ] = (2/m) X^T (X b - y) + 2 lam b
    f = lagropt.compile(CASES["mse+l2"][0], wrt=[b_], data=[X_, y_, lam])
    expected = 2 / M * X.T @ (X @ B - Y) + 2 * 0.3 * B
    assert np.abs(f.grad(B, X, Y, 0.3) - expected).max() <= 1e-12 * np.abs(expected).max()


def test_small_data_keep_the_whole_evaluation_bit_for_bit():
    f = lagropt.compile(losses.least_squares(X_, y_, b_), wrt=[b_], data=[X_, y_])
    assert not rows.worth_blocks([X, Y], f.per_sample)      # 40 kB: below MIN_BYTES
    assert np.array_equal(f.grad(B, X, Y), f.raw("grad")(B, X, Y, N, M)[0])
