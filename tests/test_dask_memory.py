"""Memory of the dask paths (the ``dask`` extra): loading a block keeps one copy of it, and a
streaming run (its epoch and its passes over all the data) holds two blocks plus the
temporaries of the data's own generation.

Memory is counted with tracemalloc (NumPy reports its buffers to it, from every thread): the
count of bytes allocated does not depend on the machine's load or speed. The references are
the sizes of the blocks themselves (rows x (columns + 1) x 8 bytes); values are compared with
NumPy slicing of the same numbers, or with the default dask evaluation, exactly.
"""

import tracemalloc

import numpy as np
import pytest

da = pytest.importorskip("dask.array", reason="dask is an optional extra (pip install "
                         "'lagropt[dask]'); these tests cover the dask-backed data path")
dask = pytest.importorskip("dask")

import lagropt  # noqa: E402
from lagropt import losses, optim  # noqa: E402
from lagropt.arrays import compute_chunks, load_rows, one_chunk_at_a_time  # noqa: E402

ROWS, N, CHUNK = 600_000, 10, 100_000
BLOCK = CHUNK * (N + 1) * 8          # bytes of one block of X and y (8.8 MB)
# generating y = X w + noise for a block makes a few temporaries of one column each (X w, the
# noise): at most 3 columns of the block's rows, 3 / (N + 1) of a block
GENERATION = 3 / (N + 1)


def generated():
    """X (standard normal) and y = X (0, 1, ...) + noise, generated chunk by chunk on demand."""
    gen = da.random.default_rng(5)
    X = gen.standard_normal((ROWS, N), chunks=(CHUNK, N))
    y = X @ np.arange(float(N)) + gen.standard_normal(ROWS, chunks=CHUNK)
    return X, y


def peak_blocks(fn):
    """(fn(), the peak of memory allocated during the call, in blocks)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        start = tracemalloc.get_traced_memory()[0]
        out = fn()
        return out, (tracemalloc.get_traced_memory()[1] - start) / BLOCK
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("chunks", [(12, 5), (4, 5), (4, 2), (5, 3)])
@pytest.mark.parametrize("rows", [slice(0, 12), slice(3, 9), slice(4, 8)])
def test_compute_chunks_equals_numpy_slicing(chunks, rows):
    A = np.arange(60.0).reshape(12, 5)
    X = da.from_array(A, chunks=chunks)
    block, row_sums, total, scalar = compute_chunks(X[rows], X[rows].sum(axis=1), X.sum(), 3.0)
    assert np.array_equal(block, A[rows])
    assert np.array_equal(row_sums, A[rows].sum(axis=1))
    assert total == A.sum() and scalar == 3.0


def test_compute_chunks_takes_other_lazy_values_whole():
    delayed = dask.delayed(sum)([1, 2, 3])
    assert compute_chunks(delayed, np.ones(2))[0] == 6


def test_a_loaded_block_is_the_only_copy():
    X, y = generated()
    load_rows((X, y), (True, True), 0, CHUNK)         # dask's modules imported before counting
    (Xb, yb), peak = peak_blocks(lambda: load_rows((X, y), (True, True), CHUNK, 2 * CHUNK))
    assert Xb.shape == (CHUNK, N) and yb.shape == (CHUNK,)
    # one copy of the block and the generation's temporaries (dask.compute copies a one-chunk
    # result: 2.0 blocks before)
    assert peak <= 1 + GENERATION + 0.05, peak


def test_rows_loaded_here_are_computed_on_the_calling_thread():
    # the stream's loader computes its block itself (one core, one thread's heap) unless a
    # scheduler was chosen; the numbers are those of dask's threads
    import threading

    A = np.arange(40.0).reshape(20, 2)
    threads = []

    def recorded(chunk):
        threads.append(threading.current_thread().name)
        return chunk * 1.0

    X = da.from_array(A, chunks=(5, 2)).map_blocks(recorded, dtype=float)
    me = threading.current_thread().name
    threads.clear()                      # map_blocks's own call on an empty array (its meta)
    (here,) = load_rows((X,), (True,), 5, 15, here=True)
    assert threads == [me, me] and np.array_equal(here, A[5:15])     # two chunks, here
    threads.clear()
    (pooled,) = load_rows((X,), (True,), 5, 15)                      # dask's pool of threads
    assert len(threads) == 2 and me not in threads and np.array_equal(pooled, here)
    threads.clear()
    with dask.config.set(scheduler="threads"):                       # a chosen scheduler
        load_rows((X,), (True,), 5, 15, here=True)
    assert len(threads) == 2 and me not in threads


def test_one_chunk_at_a_time_gives_the_same_numbers():
    X, y = generated()
    X_, y_, b_ = losses.regression_symbols()
    f = lagropt.compile(losses.least_squares(X_, y_, b_), wrt=[b_], data=[X_, y_], hessian=False)
    b = np.linspace(-1, 1, N)
    threaded = f.value_and_grad(b, X, y)
    with one_chunk_at_a_time((X, y)):
        assert dask.config.get("scheduler") == "sync"
        one = f.value_and_grad(b, X, y)
    assert dask.config.get("scheduler", None) is None
    assert one[0] == threaded[0] and np.array_equal(one[1], threaded[1])


def test_a_chosen_scheduler_is_left_alone():
    X, y = generated()
    with dask.config.set(scheduler="threads"), one_chunk_at_a_time((X, y)):
        assert dask.config.get("scheduler") == "threads"
    with one_chunk_at_a_time((np.ones(3),)):           # NumPy data: dask is not involved
        assert dask.config.get("scheduler", None) is None


def test_a_streaming_run_holds_two_blocks():
    X, y = generated()
    X_, y_, b_ = losses.regression_symbols()
    mse = lagropt.compile(losses.least_squares(X_, y_, b_, "mean"), wrt=[b_], data=[X_, y_],
                          hessian=False)
    mse.value_and_grad(np.zeros(N), X, y)             # modules imported before counting
    run, peak = peak_blocks(lambda: optim.minimize(
        mse, np.zeros(N), optim.SGD(1e-3), data=(X, y), batch_size=1000, epochs=2, seed=0,
        keep_path=False))
    assert run.nit == 2 * ROWS // 1000
    # the block read and the next one loading, with the generation's temporaries; the passes
    # over all the data (at x0, each epoch's end, the end) one chunk at a time beside no block
    # (3.4 blocks before: a copy of each loaded block, a chunk per thread in the passes)
    assert peak <= 2 + GENERATION + 0.1, peak
    # the passes' numbers are those of the default (threaded) evaluation, exactly
    assert run.epoch_losses[-1] == mse.value(run.x, X, y)
    assert run.fun == run.epoch_losses[-1]


def _blas_threads(_=None):
    from threadpoolctl import threadpool_info

    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


def test_dask_evaluations_run_blas_on_one_thread_and_restore_it():
    pytest.importorskip("threadpoolctl", reason="threadpoolctl comes with the dask extra")
    from lagropt.arrays import compute

    before = _blas_threads()
    if not before:
        pytest.skip("NumPy's BLAS is not one threadpoolctl controls")
    seen = da.from_array(np.zeros(4), chunks=2).map_blocks(
        lambda c: np.array([min(_blas_threads())] * len(c), dtype=float), dtype=float)
    (inside,) = compute(seen)
    assert np.array_equal(inside, np.ones(4))          # each chunk saw BLAS on one thread
    assert _blas_threads() == before                   # and the limits are back
    with dask.config.set(scheduler="sync"):            # on the calling thread too
        (inside,) = compute(seen)
    assert np.array_equal(inside, np.ones(4)) and _blas_threads() == before
