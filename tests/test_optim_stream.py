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

    def spy(*args, **kwargs):
        loaded_on.append(threading.current_thread().name)
        return real(*args, **kwargs)

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


def test_release_freed_memory_runs_on_glibc_and_does_nothing_elsewhere(monkeypatch):
    import os

    from lagropt import arrays

    on_glibc = (getattr(os, "confstr", lambda name: None)("CS_GNU_LIBC_VERSION") or "") \
        .startswith("glibc")
    assert arrays.release_freed_memory() is on_glibc           # and it raised nothing
    # without malloc_trim (another C library): a no-op that says so
    monkeypatch.setattr(arrays, "_malloc_trim", lambda: None)
    assert arrays.release_freed_memory() is False


@pytest.mark.parametrize("answer", [ValueError("unrecognized configuration name"),
                                    OSError(22, "Invalid argument"), None, "musl 1.2"])
def test_malloc_trim_is_looked_for_on_glibc_only(monkeypatch, answer):
    # os.confstr raises (the name is unknown), returns None (not defined) or names another
    # C library: no malloc_trim is looked up; __wrapped__ is the lookup without its cache
    from lagropt import arrays

    def confstr(name):
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(arrays.os, "confstr", confstr)
    assert arrays._malloc_trim.__wrapped__() is None


@pytest.mark.parametrize("lazy", [False, True], ids=["numpy", "dask"])
def test_the_stream_holds_two_blocks_and_releases_memory_as_it_drops_one(monkeypatch, lazy):
    # 700 rows in blocks of 100 (chunks= rows of NumPy data, or dask's chunks), 2 epochs:
    # at most two blocks are alive (the one read, the one loading ahead); each block change
    # drops the block read before its memory is given back (at that moment at most the block
    # loading ahead is alive), and each load gives back what its evaluation freed. The
    # blocks are watched by weak references to the arrays the loads return.
    import threading
    import weakref

    import lagropt.optim.batches as batches

    loaded, real = [], batches.load_rows
    releases = []              # (thread name, blocks alive) at each release of memory

    def watched(*args, **kwargs):
        block = real(*args, **kwargs)
        loaded.append([weakref.ref(a) for a in block])
        return block

    def alive():
        return sum(any(ref() is not None for ref in refs) for refs in loaded)

    monkeypatch.setattr(batches, "load_rows", watched)
    monkeypatch.setattr(batches, "release_freed_memory",
                        lambda: releases.append((threading.current_thread().name, alive())))
    if lazy:
        da = pytest.importorskip("dask.array", reason="dask is an optional extra (pip install "
                                 "'lagropt[dask]')")
        # times 1.0: each chunk computed is a fresh array (from_array's own chunks are the
        # graph's, the caller's data, alive as long as the dask array is)
        data = (da.from_array(X, chunks=(100, N)) * 1.0, da.from_array(Y, chunks=100) * 1.0)
        chunks = None
    else:
        data, chunks = (X, Y), 100
    held = []
    run = optim.minimize(MSE, np.zeros(N), optim.SGD(0.05), data=data, batch_size=30,
                         epochs=2, seed=1, chunks=chunks, callback=lambda r: held.append(alive()))
    assert run.nit == 2 * -(-M // 30) and len(held) == run.nit
    assert len(loaded) == 2 * 7                            # each block once per epoch
    on_main = [n for name, n in releases if not name.startswith("lagropt-stream")]
    after_loads = [n for name, n in releases if name.startswith("lagropt-stream")]
    # on the calling thread: 7 block changes and the 2 first loads of an epoch (not ahead)
    assert len(on_main) == 2 * 7 + 2 and max(on_main) <= 1
    assert len(after_loads) == 2 * 6 and max(after_loads) <= 2
    assert max(held) <= 2                                  # after every update
    assert alive() == 0                                    # the run released them all
