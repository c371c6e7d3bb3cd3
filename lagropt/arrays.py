"""Duck arrays: data that NumPy's dispatch protocols carry without loading them.

A dask array (or another array library implementing ``__array_function__`` and
``__array_ufunc__``) runs through lagropt's generated NumPy code unchanged and lazily, as long
as nothing calls ``np.asarray`` on it. These helpers let the rest of lagropt keep such arrays as
they are, compute lazy results in one pass, and read data row block by row block:

* :func:`is_duck` / :func:`is_lazy`: an array of another library / one that evaluates later
  (a dask collection);
* :func:`compute`: NumPy values of any mix of lazy and eager results, evaluated together (so
  that results sharing a graph read their data once); :func:`compute_chunks` the same for
  arrays of data, each the only copy of its values in memory;
* :func:`one_blas_thread`: BLAS on one thread while dask's threads evaluate;
* :func:`one_chunk_at_a_time`: a pass over lazy data holding one chunk in memory at a time;
* :func:`row_blocks` / :func:`load_rows`: the row boundaries of a chunked data set and the rows
  of one block as NumPy arrays (dask's own chunks, or fixed-size blocks of a NumPy, memory-mapped
  or zarr array); :func:`row_chunks`: every dask chunk's rows as a task;
* :func:`release_freed_memory`: the memory of freed blocks given back to the system (glibc's
  ``malloc_trim``), for a stream that lets go of one block after another.

Dask is optional (the ``dask`` extra): nothing here imports it unless a lazy object is passed.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import threading

import numpy as np

__all__ = ["is_duck", "is_lazy", "any_lazy", "compute", "compute_chunks", "one_blas_thread",
           "one_chunk_at_a_time", "first_true", "row_blocks", "row_chunks", "load_rows",
           "release_freed_memory"]


def is_duck(a) -> bool:
    """True for an array of another library that NumPy's functions dispatch to (it has
    ``__array_function__``, a ``shape`` and a ``dtype``) and that is not a NumPy array."""
    return (not isinstance(a, np.ndarray) and hasattr(a, "__array_function__")
            and hasattr(a, "shape") and hasattr(a, "dtype"))


def is_lazy(a) -> bool:
    """True for a dask collection (an object that evaluates on ``compute()``)."""
    return hasattr(a, "__dask_graph__") and callable(getattr(a, "__dask_graph__"))


def any_lazy(values) -> bool:
    """True when one of ``values`` is lazy."""
    return any(is_lazy(v) for v in values)


def compute(*values) -> tuple:
    """The values with every lazy one evaluated, all in one ``dask.compute`` call (one pass
    over shared inputs; BLAS on one thread, :func:`one_blas_thread`); eager values come back
    as they are."""
    if not any_lazy(values):
        return values
    import dask

    with one_blas_thread():
        return tuple(dask.compute(*values))


_BLAS = {"depth": 0, "limits": None}     # the callers inside one_blas_thread, its limits
_BLAS_LOCK = threading.Lock()


@contextlib.contextmanager
def one_blas_thread():
    """A context in which BLAS (NumPy's matrix products) runs on one thread, for dask's
    evaluations: each of dask's threads then runs its own chunk's products, instead of every
    product starting BLAS threads that compete with dask's for the cores (and spin after each
    call). Measured on 2 cores, the gradient of least squares on 8e6 x 10 generated dask
    data: 2.1x the time of one read of X without the limit, 1.6x with it. Every scheduler
    gets it, so that a pass gives the same numbers on dask's threads and on the calling thread
    (:func:`one_chunk_at_a_time`); a ``dask.distributed`` cluster's workers are other
    processes, which it does not reach. Without ``threadpoolctl`` (installed with the
    ``dask`` extra) BLAS is left as it is. The limit is the process's: nested and concurrent
    callers share it, and the last one out restores the previous limits."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with _BLAS_LOCK:
        if _BLAS["depth"] == 0:
            _BLAS["limits"] = threadpool_limits(limits=1, user_api="blas")
        _BLAS["depth"] += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _BLAS["depth"] -= 1
            if _BLAS["depth"] == 0:
                _BLAS["limits"].restore_original_limits()
                _BLAS["limits"] = None


def compute_chunks(*values, scheduler=None) -> tuple:
    """The values with every lazy array evaluated, all in one pass, as :func:`compute` (by
    ``scheduler``, a name ``dask.compute`` takes, or dask's choice when None), but
    each dask array's chunks taken as they were computed: an array of one chunk is that chunk
    (``dask.compute`` copies a one-chunk result, lest it be a buffer the graph holds: lagropt
    only reads it), an array of several chunks is their ``np.block``. The chunks come from
    ``to_delayed(optimize_graph=False)``, so that chunks the arrays share (X, and a y computed
    from X) are computed once. A lazy value that is not a dask array goes through
    ``dask.compute`` whole; eager values come back as they are."""
    if not any_lazy(values):
        return values
    import dask
    import dask.array

    tasks, spans = [], []              # spans: (first task, chunk grid shape or None) per value
    for v in values:
        if isinstance(v, dask.array.Array):
            grid = v.to_delayed(optimize_graph=False)
            spans.append((len(tasks), grid.shape))
            tasks.extend(grid.ravel().tolist())
        else:
            spans.append((len(tasks), None))
            tasks.append(v)
    done = dask.compute(*tasks, scheduler=scheduler)
    return tuple(done[start] if shape is None else _joined(done[start:start + math.prod(shape)],
                                                           shape)
                 for start, shape in spans)


def _joined(chunks, shape):
    """The array of the computed ``chunks`` (row-major over a chunk grid of ``shape``)."""
    if len(chunks) == 1:
        return chunks[0]
    grid = np.empty(len(chunks), dtype=object)
    for k, chunk in enumerate(chunks):
        grid[k] = chunk
    return np.block(grid.reshape(shape).tolist())


def one_chunk_at_a_time(data):
    """A context in which dask evaluates on the calling thread, chunk after chunk (dask's
    ``"sync"`` scheduler), when ``data`` hold a lazy array and no scheduler was chosen (the
    default: a pool of threads, each holding a chunk and its temporaries); otherwise, or
    with a scheduler chosen (a ``dask.distributed`` client, ``dask.config.set(scheduler=
    ...)``), nothing changes. For passes over all the data beside a stream that holds its own
    blocks: the pass then holds one chunk, not one per thread. The same tasks run, so the
    results are the same, bit for bit; the pass uses one core."""
    if not any_lazy(data) or not _default_scheduler():
        return contextlib.nullcontext()
    import dask

    return dask.config.set(scheduler="sync")


def _default_scheduler() -> bool:
    """True when dask evaluates with its default, a local pool of threads: no scheduler was
    chosen (``dask.config.set(scheduler=...)``, a ``dask.distributed`` client)."""
    import dask

    return dask.config.get("scheduler", None) is None


def row_blocks(data, per_sample, chunk_rows=None) -> list:
    """The row boundaries ``[(start, stop), ...]`` of the per-sample arrays of ``data``.

    ``chunk_rows`` (an int) cuts the rows into blocks of that many rows (the last may be
    smaller). Without it, the row chunks of the first lazy per-sample array (dask's
    ``chunks[0]``), else one block of all rows. All per-sample arrays must have the same
    number of rows (the caller checks).
    """
    arrays = [d for d, p in zip(data, per_sample) if p]
    rows = int(np.shape(arrays[0])[0])
    if chunk_rows is not None:
        return [(a, min(a + chunk_rows, rows)) for a in range(0, rows, chunk_rows)] or [(0, 0)]
    for d in arrays:
        if is_lazy(d) and hasattr(d, "chunks"):
            edges = np.concatenate([[0], np.cumsum(d.chunks[0])]).astype(int).tolist()
            return list(zip(edges[:-1], edges[1:]))
    return [(0, rows)]


def row_chunks(data, per_sample) -> list:
    """The data cut at the row chunks of :func:`row_blocks` (those of the first lazy
    per-sample array), one list per chunk with rows: each per-sample array's rows of that chunk
    as a ``dask.delayed`` task of the chunk itself (``to_delayed(optimize_graph=False)``: no
    copy, and chunks the arrays share, X and a y computed from X, are computed once when the
    tasks are computed together), the other data as they are. A per-sample array chunked
    otherwise is rechunked to those rows (its other axes in one chunk); a NumPy one is cut."""
    import dask.array

    edges = row_blocks(data, per_sample)
    rows = (tuple(b - a for a, b in edges),)
    cut = []
    for d, p in zip(data, per_sample):
        if p:
            d = dask.array.asarray(d).rechunk(rows + (-1,) * (np.ndim(d) - 1))
            d = d.to_delayed(optimize_graph=False).reshape(-1).tolist()
        cut.append(d)
    return [[d[k] if p else d for d, p in zip(cut, per_sample)]
            for k, (a, b) in enumerate(edges) if b > a]


def load_rows(data, per_sample, start: int, stop: int, here: bool = False) -> tuple:
    """The rows ``start:stop`` of every per-sample array as float NumPy arrays in memory (the
    other data as they are); lazy slices are evaluated together, so aligned dask chunks load
    once, and are kept as computed (:func:`compute_chunks`: float64 rows of one chunk are
    not copied); memory-mapped rows are read now (copied), not when first touched.

    ``here``: dask evaluates the rows on the calling thread (its ``"sync"`` scheduler, the
    same tasks, the same numbers) when no scheduler was chosen, not on its pool of threads:
    for a loader that is itself a thread beside other work (:class:`lagropt.optim.batches.
    Stream`), so that the load takes one core and its buffers come from one thread's heap."""
    sliced = [d[start:stop] if p else d for d, p in zip(data, per_sample)]
    sync = here and any_lazy(sliced) and _default_scheduler()
    loaded = compute_chunks(*sliced, scheduler="sync" if sync else None)
    return tuple((np.array(d, dtype=float) if isinstance(d, np.memmap) else
                  np.asarray(d, dtype=float)) if p else d for d, p in zip(loaded, per_sample))


def release_freed_memory() -> bool:
    """Give the memory of freed buffers back to the system, where the C library keeps it: on
    glibc, ``malloc_trim(0)``, which returns the whole free pages inside the free chunks of
    every arena (the main heap's and each thread's) and the free top of the main heap;
    elsewhere nothing. True when it ran.

    glibc serves buffers under its mmap threshold from heaps and keeps them after they are
    freed; the threshold rises to the largest buffer freed (up to 32 MB), and a heap's free
    top is returned only above twice that (``malloc_trim`` shrinks only the main heap's top,
    so freed buffers at the top of a thread's heap stay). Measured on one SGD epoch over 20
    chunks of 1e6 x 10 (8 MB y chunks, loaded on dask's threads): a peak resident memory of
    0.36-0.39 GB against 0.308 GB for the resident memory at the start plus two blocks, 0.32-
    0.34 with this called as the stream drops a block and as a load ends, 0.28-0.31 with the
    loads also on one thread (the loader's); about 0.5 ms a call, updates/s unchanged within
    the run-to-run spread (3%). dask.distributed's documentation of worker memory gives the
    same remedy (``malloc_trim`` through ctypes); lagropt sets no malloc parameter of the
    process."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim`` (through ctypes), or None when the C library is not glibc (musl,
    macOS, Windows) or cannot be reached."""
    try:
        if not (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"):
            return None
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, ValueError, OSError, ImportError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def first_true(mask) -> tuple:
    """The index of the first True entry of ``mask`` (row-major); a lazy mask is read row
    block by row block, never whole."""
    if not is_lazy(mask):
        return tuple(int(i) for i in np.argwhere(mask)[0])
    for start, stop in row_blocks((mask,), (True,)):
        (block,) = compute(mask[start:stop])
        hits = np.argwhere(block)
        if hits.size:
            return (int(hits[0][0]) + start, *(int(i) for i in hits[0][1:]))
    raise ValueError("the mask has no True entry")
