"""Streaming mini-batches without dask: ``chunks=`` rows of NumPy or memory-mapped data.

The reference is the documented order (lagropt.optim.batches.Stream, docs/big-data.md) rebuilt
here from the seeded generator, and plain SGD by hand on those batches."""

import io
import sys

import numpy as np
import pytest

import lagropt
from lagropt import losses, optim
from lagropt.errors import OptimizerError

X_, y_, b_ = losses.regression_symbols()
rng = np.random.default_rng(11)
M, N = 700, 3
X = rng.normal(size=(M, N))
Y = X @ np.array([2.0, -1.0, 0.5]) + 0.1 * rng.normal(size=M)
MSE = lagropt.compile(losses.least_squares(X_, y_, b_, "mean"), wrt=[b_], data=[X_, y_])


def _by_hand(seed, chunk, batch, epochs, lr):
    """SGD on the documented order: per epoch, blocks by rng.permutation(k), then each block's
    rows by rng.permutation(its rows) as it is reached; consecutive batches of ``batch``."""
    gen = np.random.default_rng(seed)
    blocks = [(a, min(a + chunk, M)) for a in range(0, M, chunk)]
    x, path = np.zeros(N), [np.zeros(N)]
    for _ in range(epochs):
        order = []
        for b in gen.permutation(len(blocks)):
            start, stop = blocks[b]
            order.extend(start + gen.permutation(stop - start))
        order = np.array(order)
        for k in range(0, M, batch):
            rows = order[k:k + batch]
            Xb, Yb = X[rows], Y[rows]
            x = x - lr * (2 / len(rows)) * Xb.T @ (Xb @ x - Yb)   # d/dx mean (Xb x - Yb)^2
            path.append(x)
    return np.array(path)


@pytest.mark.parametrize("memory_mapped", [False, True], ids=["numpy", "memmap"])
def test_chunks_stream_in_the_documented_order(memory_mapped, tmp_path):
    data = (X, Y)
    if memory_mapped:
        data = []
        for name, a in (("X", X), ("Y", Y)):
            m = np.lib.format.open_memmap(tmp_path / f"{name}.npy", mode="w+", dtype=float,
                                          shape=a.shape)
            m[:] = a
            m.flush()
            data.append(np.load(tmp_path / f"{name}.npy", mmap_mode="r"))
    run = optim.minimize(MSE, np.zeros(N), optim.SGD(0.05), data=tuple(data), batch_size=64,
                         epochs=2, seed=4, chunks=250)
    assert np.allclose(run.path, _by_hand(4, 250, 64, 2, 0.05), rtol=1e-12, atol=1e-14)


def test_one_block_is_the_in_memory_order_bit_for_bit():
    args = (MSE, np.zeros(N), optim.Adam(0.05))
    whole = optim.minimize(*args, data=(X, Y), batch_size=50, epochs=2, seed=9)
    one_block = optim.minimize(*args, data=(X, Y), batch_size=50, epochs=2, seed=9, chunks=M)
    assert np.array_equal(whole.path, one_block.path)


def test_chunks_must_be_a_positive_integer():
    with pytest.raises(OptimizerError, match="chunks must be an integer >= 1"):
        optim.minimize(MSE, np.zeros(N), optim.SGD(0.1), data=(X, Y), batch_size=10, chunks=0)


def test_the_progress_bar_names_the_chunk(monkeypatch):
    class Terminal(io.StringIO):               # the bar draws on a terminal only
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    optim.minimize(MSE, np.zeros(N), optim.SGD(0.05), data=(X, Y), batch_size=100, epochs=1,
                   seed=0, chunks=250, progress=True)
    assert "chunk 3/3" in sys.stderr.getvalue()       # 700 rows in blocks of 250: 3 chunks


def test_bound_rows_is_the_loss_on_the_gathered_rows_bit_for_bit():
    # the mini-batch evaluation binds the data once and gathers each batch's rows; it must be
    # the checked call on X[rows], y[rows] exactly (the same generated code on the same arrays)
    rows = np.random.default_rng(2).permutation(M)[:37]
    p = np.array([0.3, -0.2, 1.1])
    value, g = MSE.bound_rows(np.zeros(N), X, Y)(p, rows)
    assert value == MSE.value(p, X[rows], Y[rows])
    assert np.array_equal(g, MSE.grad(p, X[rows], Y[rows]))


def test_bound_rows_converts_the_data_as_a_call_does():
    # integer y given as a column: converted and squeezed once, as the checked call does
    Yi = np.rint(10 * Y).astype(int).reshape(-1, 1)
    rows = np.arange(5, 60, 3)
    value, g = MSE.bound_rows(np.zeros(N), X, Yi)(np.ones(N), rows)
    assert value == MSE.value(np.ones(N), X[rows], Yi[rows])
    assert np.array_equal(g, MSE.grad(np.ones(N), X[rows], Yi[rows]))


def test_a_callable_loss_streams_the_same_batches():
    # a Python loss has no binding: each batch is gathered and passed to it as before
    def loss(b, Xb, Yb):
        r = Xb @ b - Yb
        return r @ r / len(Yb), 2 * Xb.T @ r / len(Yb)

    compiled = optim.minimize(MSE, np.zeros(N), optim.SGD(0.05), data=(X, Y), batch_size=64,
                              epochs=2, seed=4, chunks=250)
    python = optim.minimize(loss, np.zeros(N), optim.SGD(0.05), grad=True, data=(X, Y),
                            batch_size=64, epochs=2, seed=4, chunks=250)
    assert np.allclose(python.path, compiled.path, rtol=1e-12, atol=1e-14)
    assert np.allclose(python.path, _by_hand(4, 250, 64, 2, 0.05), rtol=1e-12, atol=1e-14)


def _loader_threads():
    import threading

    return [t for t in threading.enumerate() if t.name.startswith("lagropt-stream")]


def test_the_next_block_loads_ahead_and_the_loader_ends_with_the_run(monkeypatch):
    # 700 rows in blocks of 100: blocks 2..7 of each epoch are loaded on the loader thread
    # while the updates run; a run stopped by its callback in the middle of a block (a load
    # ahead under way) leaves no thread behind, and its iterates are those of the full run
    import threading

    import lagropt.optim.batches as batches

    loaded_on, real = [], batches.load_rows

    def spy(*args):
        loaded_on.append(threading.current_thread().name)
        return real(*args)

    monkeypatch.setattr(batches, "load_rows", spy)
    full = optim.minimize(MSE, np.zeros(N), optim.SGD(0.05), data=(X, Y), batch_size=30,
                          epochs=1, seed=1, chunks=100)
    stopped = optim.minimize(MSE, np.zeros(N), optim.SGD(0.05), data=(X, Y), batch_size=30,
                             epochs=1, seed=1, chunks=100, callback=lambda r: r.nit == 5)
    ahead = [name for name in loaded_on[:7] if name.startswith("lagropt-stream")]
    assert len(loaded_on[:7]) == 7 and len(ahead) == 6      # the first block of the epoch: now
    assert stopped.nit == 5 and np.array_equal(stopped.path, full.path[:6])
    assert not _loader_threads()


def test_memory_mapped_rows_are_read_when_loaded(tmp_path):
    # the loader thread reads the next block of a memory-mapped file; a view would leave the
    # reading to the gathers of the updates
    from lagropt.arrays import load_rows

    m = np.lib.format.open_memmap(tmp_path / "X.npy", mode="w+", dtype=float, shape=X.shape)
    m[:] = X
    m.flush()
    mapped = np.load(tmp_path / "X.npy", mmap_mode="r")
    (block,) = load_rows((mapped,), (True,), 100, 350)
    assert type(block) is np.ndarray and not np.shares_memory(block, mapped)
    assert np.array_equal(block, X[100:350])


def test_bound_rows_takes_the_row_blocks_of_a_large_batch_as_a_call_does(monkeypatch):
    # a batch as large as the row-block threshold is evaluated as the checked call on it
    # evaluates it (block by block), so the two stay equal bit for bit
    from lagropt.compiler import rows as row_blocks

    monkeypatch.setattr(row_blocks, "MIN_BYTES", 200 * (N + 1) * 8)    # 200 rows and more
    monkeypatch.setattr(row_blocks, "BLOCK_BYTES", 64 * (N + 1) * 8)
    vg = MSE.bound_rows(np.zeros(N), X, Y)
    p = np.array([0.3, -0.2, 1.1])
    for count in (50, 199, 200, 650):
        rows = np.random.default_rng(count).permutation(M)[:count]
        value, g = vg(p, rows)
        assert value == MSE.value(p, X[rows], Y[rows])
        assert np.array_equal(g, MSE.grad(p, X[rows], Y[rows]))
    assert MSE._row_blocks() is not None
