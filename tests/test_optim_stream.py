"""Streaming mini-batches without dask: ``chunks=`` rows of NumPy or memory-mapped data.

The reference is the documented order (lagropt.optim.loop._Stream, docs/big-data.md) rebuilt
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
