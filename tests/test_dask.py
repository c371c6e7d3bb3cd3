"""Dask-backed data (the ``dask`` extra): compiled losses, streaming descent, the estimators.

Every test compares the dask path with the in-memory NumPy path on the same numbers: the
reference is NumPy's evaluation of the same formula (or the in-memory fit), computed
independently of the chunking. Arrays are small (a few chunks): chunking, not size, is what is
under test.
"""

import numpy as np
import pytest
import sympy as sp

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


def test_each_chunk_is_one_task_of_the_row_blocks(lstsq, monkeypatch):
    # a sum over samples on dask data runs as one task per row chunk (RowBlocks.on_rows: the
    # data read while the chunk is in memory), not as dask's graph of the whole expression
    from lagropt.compiler import rows

    seen = []
    on_rows = rows.RowBlocks.on_rows

    def counted(self, views, arrays, *args, **kwargs):
        seen.append(len(arrays[1]))
        return on_rows(self, views, arrays, *args, **kwargs)
    monkeypatch.setattr(rows.RowBlocks, "on_rows", counted)
    g = lstsq.grad(B, lazy(X), lazy(Y))
    assert sorted(seen) == [100, 300, 300, 300]
    assert relative(g, -2 * X.T @ (Y - X @ B)) <= 1e-12


t_, a_, k_ = sp.symbols("t a k", real=True)


@pytest.mark.parametrize("chunking", [
    lambda: (lazy(X), lazy(Y, 250)),                       # y cut at other rows than X
    lambda: (da.from_array(X, chunks=(300, 2)), lazy(Y)),   # X cut across its columns too
    lambda: (lazy(X), Y),                                   # y in memory beside a lazy X
    lambda: (da.concatenate([lazy(X)[:0], lazy(X)]), lazy(Y)),   # a chunk of no rows first
], ids=["unaligned", "column-chunks", "numpy-y", "empty-chunk"])
def test_chunkings_give_the_numpy_gradient(lstsq, chunking):
    data = chunking()
    reference = -2 * X.T @ (Y - X @ B)                      # d/db ||y - X b||^2
    assert relative(lstsq.grad(B, *data), reference) <= 1e-12
    value, g = lstsq.value_and_grad(B, *data, compute=False)
    assert abs(float(value.compute()) - np.sum((Y - X @ B) ** 2)) <= 1e-12 * float(value)
    assert relative(g.compute(), reference) <= 1e-12


def test_a_penalised_nonlinear_model_on_dask_equals_numpy():
    # chi^2 of y = a exp(-k t) with an L2 penalty on (a, k): two scalar parameters, so no
    # compiled linear pass (the NumPy blocks run in each chunk), and a part P free of the rows
    m = losses.m
    i = sp.Symbol("i", integer=True)
    t, yy = sp.IndexedBase("t", shape=(m,), real=True), sp.IndexedBase("y", shape=(m,), real=True)
    lam = sp.Symbol("lam", positive=True)
    model = a_ * sp.exp(-k_ * t[i])
    expr = sp.Sum((yy[i] - model) ** 2, (i, 0, m - 1)) / m + lam * (a_ ** 2 + k_ ** 2)
    f = lagropt.compile(expr, wrt=[a_, k_], data=[t, yy, lam])
    assert f._row_blocks() is not None and f._row_blocks()._linear is None
    T = np.linspace(0, 3, M)
    obs = 2.0 * np.exp(-0.7 * T) + 0.05 * rng.normal(size=M)
    a, k, penalty = 1.5, 0.4, 0.3
    r = obs - a * np.exp(-k * T)
    # d/da = -(2/m) sum r e^{-kt} + 2 lam a;  d/dk = (2/m) sum r a t e^{-kt} + 2 lam k
    value = np.mean(r ** 2) + penalty * (a ** 2 + k ** 2)
    grad = [-2 * np.mean(r * np.exp(-k * T)) + 2 * penalty * a,
            2 * np.mean(r * a * T * np.exp(-k * T)) + 2 * penalty * k]
    got_value, got_grad = f.value_and_grad([a, k], lazy(T), lazy(obs), penalty)
    assert abs(got_value - value) <= 1e-12 * value
    assert relative(got_grad, grad) <= 1e-12
    lazy_g = f.grad([a, k], lazy(T), lazy(obs), penalty, compute=False)
    assert hasattr(lazy_g, "dask") and relative(lazy_g.compute(), grad) <= 1e-12


def test_the_chunk_sums_are_added_in_row_order_whatever_the_scheduler(lstsq):
    # each chunk's part is summed in the order of the rows: threads, processes of tasks and
    # the calling thread give the same bits
    import dask

    data = (lazy(X, 97), lazy(Y, 97))
    threaded = lstsq.value_and_grad(B, *data)
    with dask.config.set(scheduler="sync"):
        one = lstsq.value_and_grad(B, *data)
    assert one[0] == threaded[0] and np.array_equal(one[1], threaded[1])


# -- 2. streaming descent -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def mse():
    return lagropt.compile(losses.least_squares(X_, y_, b_, "mean"), wrt=[b_], data=[X_, y_])


def _sgd(mse, data, **kwargs):
    return lagropt.optim.minimize(mse, np.zeros(N), lagropt.optim.SGD(0.01, momentum=0.5),
                                  data=data, batch_size=64, epochs=3, **kwargs)


def test_streaming_sgd_is_reproducible_by_seed(mse):
    first = _sgd(mse, (lazy(X), lazy(Y)), seed=7)
    again = _sgd(mse, (lazy(X), lazy(Y)), seed=7)
    other = _sgd(mse, (lazy(X), lazy(Y)), seed=8)
    assert first.nit == 3 * 16 and np.array_equal(first.path, again.path)
    assert not np.array_equal(first.path, other.path)


def test_streaming_order_is_the_documented_one(mse):
    # the contract of optim.batches.Stream, rebuilt here from the generator: blocks in the order
    # rng.permutation(4), each block's rows by rng.permutation(its rows), cut into batches of 64
    rng = np.random.default_rng(7)
    blocks = [(0, 300), (300, 600), (600, 900), (900, 1000)]
    order = np.concatenate([start + rng.permutation(stop - start)
                            for start, stop in (blocks[b] for b in rng.permutation(4))])
    x, lr, path = np.zeros(N), 0.01, [np.zeros(N)]
    for k in range(-(-M // 64)):                    # one epoch of plain SGD, by hand
        rows = order[64 * k:64 * (k + 1)]
        Xb, Yb = X[rows], Y[rows]
        x = x - lr * (2 / len(rows)) * Xb.T @ (Xb @ x - Yb)     # d/dx mean (Xb x - Yb)^2
        path.append(x)
    run = lagropt.optim.minimize(mse, np.zeros(N), lagropt.optim.SGD(lr), data=(lazy(X), lazy(Y)),
                                 batch_size=64, epochs=1, seed=7)
    assert np.allclose(run.path, path, rtol=1e-12, atol=1e-14)


def test_same_blocks_same_iterates_for_numpy_and_dask(mse):
    streamed = _sgd(mse, (lazy(X), lazy(Y)), seed=3)
    in_memory = _sgd(mse, (X, Y), seed=3, chunks=300)
    assert np.array_equal(streamed.path, in_memory.path)
    # one block: exactly the in-memory path of NumPy data without chunks=
    one_block = _sgd(mse, (lazy(X, M), lazy(Y, M)), seed=3)
    assert np.array_equal(one_block.path, _sgd(mse, (X, Y), seed=3).path)


def test_full_batch_descent_on_dask_matches_numpy(mse):
    args = (mse, np.zeros(N), lagropt.optim.Adam(0.05))
    lazy_run = lagropt.optim.minimize(*args, steps=40, data=(lazy(X), lazy(Y)))
    eager = lagropt.optim.minimize(*args, steps=40, data=(X, Y))
    # dask sums chunk by chunk: equal to rounding (40 steps of Adam amplify 1 ulp a little)
    assert np.allclose(lazy_run.path, eager.path, rtol=1e-10, atol=1e-12)


def test_chunks_needs_batch_size(mse):
    with pytest.raises(lagropt.errors.OptimizerError, match="chunks= streams mini-batches"):
        lagropt.optim.minimize(mse, np.zeros(N), lagropt.optim.GD(0.1), data=(X, Y), chunks=10)


# -- 3. estimators on dask data -------------------------------------------------------------------

SHIFTED = X + 3.0                    # a mean far from 0: the intercept and centering matter


@pytest.mark.parametrize("make", [
    lambda: lagropt.regression.LinearRegression(),
    lambda: lagropt.regression.LinearRegression(fit_intercept=False),
    lambda: lagropt.regression.Ridge(alpha=2.0),
    lambda: lagropt.regression.Lasso(alpha=0.1),
    lambda: lagropt.regression.ElasticNet(alpha=0.1, l1_ratio=0.3),
], ids=["ols", "ols-no-intercept", "ridge", "lasso", "elastic-net"])
def test_least_squares_estimators_on_dask_equal_the_in_memory_fit(make):
    eager, streamed = make().fit(SHIFTED, Y), make().fit(lazy(SHIFTED), lazy(Y))
    assert np.allclose(streamed.coef_, eager.coef_, rtol=1e-8, atol=1e-8)
    assert abs(streamed.intercept_ - eager.intercept_) <= 1e-8 * max(1, abs(eager.intercept_))
    assert abs(streamed.score(lazy(SHIFTED), lazy(Y)) - eager.score(SHIFTED, Y)) <= 1e-10
    prediction = streamed.predict(lazy(SHIFTED))
    assert hasattr(prediction, "dask")                    # predictions stay lazy
    assert np.allclose(prediction.compute(), eager.predict(SHIFTED), rtol=1e-8, atol=1e-8)


def test_rank_deficient_least_squares_on_dask_is_the_minimum_norm_solution():
    # column 5 = column 0: the minimum-norm solution splits column 0's weight equally
    twin = np.column_stack([X, X[:, 0]])
    eager = lagropt.regression.LinearRegression(fit_intercept=False).fit(twin, Y)
    streamed = lagropt.regression.LinearRegression(fit_intercept=False).fit(lazy(twin), lazy(Y))
    assert streamed.rank_ == eager.rank_ == N
    assert np.allclose(streamed.coef_, eager.coef_, rtol=1e-8, atol=1e-8)
    assert abs(streamed.coef_[0] - streamed.coef_[N]) <= 1e-8


@pytest.mark.parametrize("make, labels", [
    (lambda: lagropt.regression.LogisticRegression(C=1.0), np.where(Y > 0, "up", "down")),
    (lambda: lagropt.regression.SoftmaxRegression(C=1.0), np.digitize(Y, [-2.0, 2.0])),
], ids=["logistic", "softmax"])
def test_classifiers_on_dask_equal_the_in_memory_fit(make, labels):
    eager, streamed = make().fit(X, labels), make().fit(lazy(X), lazy(labels))
    assert np.array_equal(streamed.classes_, eager.classes_)
    assert np.allclose(streamed.coef_, eager.coef_, rtol=1e-8, atol=1e-8)
    assert np.allclose(streamed.intercept_, eager.intercept_, rtol=1e-8, atol=1e-8)
    assert np.array_equal(streamed.predict(lazy(X)).compute(), eager.predict(X))
    assert streamed.score(lazy(X), lazy(labels)) == eager.score(X, labels)


def test_descent_solver_on_dask_equals_the_in_memory_descent():
    # each full-batch step is one dask evaluation (~40 ms of graph overhead here): few steps
    make = lambda: lagropt.regression.Lasso(alpha=0.1, solver=lagropt.optim.GD(0.1),  # noqa: E731
                                            max_iter=100)
    eager, streamed = make().fit(X, Y), make().fit(lazy(X), lazy(Y))
    assert np.allclose(streamed.coef_, eager.coef_, rtol=1e-8, atol=1e-10)


def test_bad_dask_data_refused_in_one_line():
    bad = SHIFTED.copy()
    bad[650, 2] = np.nan
    with pytest.raises(DataError, match=r"X contains nan at row 650, column 2"):
        lagropt.regression.Ridge().fit(lazy(bad), lazy(Y))
    with pytest.raises(DataError, match="X has 1000 rows but y has 999"):
        lagropt.regression.Ridge().fit(lazy(X), lazy(Y[:-1]))


def test_the_big_data_page_examples_run():
    """docs/big-data.md's Python examples run, in order, and their assertions hold (here, not
    in test_docs.py, because they need dask)."""
    import re
    from pathlib import Path

    page = Path(__file__).resolve().parents[1] / "docs" / "big-data.md"
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(), re.S)
    assert len(blocks) == 4
    namespace = {}
    for block in blocks:
        exec(compile(block, "big-data.md", "exec"), namespace)  # noqa: S102 - our own docs
