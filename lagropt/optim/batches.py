"""The mini-batches of a descent: which rows each update sees, and their loss and gradient.

An update's batch is named by its rows: :meth:`Batches.get` returns the row indices of update
k in the block of rows held in memory, and :meth:`Batches.value_and_grad` evaluates the loss on
them through a binding of that block made once (:meth:`lagropt.Compiled.bound_rows`), so that
an update costs the gather of its rows and the generated function, not a binding and shape
check of fresh arrays. The arrays an update sees are those of ``X[rows]``, ``y[rows]``: the
iterates are bit for bit those of evaluating the loss on the gathered batch.

:class:`Batches` takes NumPy data held in memory (one block); :class:`Stream` streams row
blocks (dask chunks, or ``chunks=`` rows of a NumPy, memory-mapped or zarr array), loading the
next block of the epoch on a thread while the updates run on the current one, and giving the
memory of each block it drops, and of each load's temporaries, back to the system.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..arrays import any_lazy, load_rows, one_chunk_at_a_time, release_freed_memory, row_blocks
from ..errors import OptimizerError

__all__ = ["Batches", "Stream", "batches"]


def batches(data, per_sample, batch_size, rng, shuffle, chunks):
    """The mini-batches of a run: in memory (:class:`Batches`) when the data are NumPy arrays
    taken as one block, else streamed block by block (:class:`Stream`). ``chunks`` is None or
    a checked row count."""
    rows = {np.shape(d)[0] for d, p in zip(data, per_sample) if p}
    if not rows:
        raise OptimizerError("batch_size= needs per-sample data (arrays whose axis 0 is the "
                             "sample axis); this loss has none")
    if len(rows) > 1:
        raise OptimizerError(f"the per-sample data arrays have different numbers of rows: "
                             f"{sorted(rows)}")
    blocks = row_blocks(data, per_sample, chunks)
    lazy = any_lazy([d for d, p in zip(data, per_sample) if p])
    kind = Stream if lazy or len(blocks) > 1 else Batches
    return kind(data, per_sample, batch_size, rng, shuffle, rows.pop(), blocks)


class Batches:
    """Mini-batches of the per-sample data: a fresh seeded permutation of the rows each epoch
    (or the rows in order), cut into consecutive slices; the last one may be smaller.

    :meth:`bind` (the objective and a parameter vector of the right layout) comes before the
    first :meth:`get`."""

    def __init__(self, data, per_sample, batch_size, rng, shuffle, rows, blocks=None):
        self.rows = rows
        self.size = min(batch_size, self.rows)
        self.per_epoch = -(-self.rows // self.size)
        self.data, self.per_sample, self.rng, self.shuffle = data, per_sample, rng, shuffle
        self.order = None                  # the rows in the order of this epoch
        self.progress = ""                 # where the stream is, for the progress bar
        self.objective, self.x0, self._on_rows = None, None, None

    def bind(self, objective, x0) -> None:
        """Evaluate batches with ``objective`` (an :class:`~lagropt.optim.objective.Objective`),
        its data bound for parameter vectors laid out like ``x0``."""
        self.objective, self.x0 = objective, x0
        self._on_rows = objective.on_rows(x0, self.data)

    def get(self, k: int):
        """The rows of update ``k`` (0-based; an index array)."""
        b = k % self.per_epoch
        if b == 0 and (self.shuffle or self.order is None):
            self.order = self.rng.permutation(self.rows) if self.shuffle else \
                np.arange(self.rows)
        return self.order[b * self.size:(b + 1) * self.size]

    def value_and_grad(self, x, batch) -> tuple:
        """(loss, gradient) at ``x`` on ``batch`` (what :meth:`get` returned)."""
        return self._on_rows(x, batch)

    def full_pass(self):
        """A context for a pass over all the data (the loss at x0, at an epoch's end, at the
        end of the run): nothing to do for data in memory."""
        return contextlib.nullcontext()

    def close(self) -> None:
        """Release what the batches hold (nothing here)."""


def _load_block(data, per_sample, start, stop) -> tuple:
    """The rows ``start:stop`` of the data (:func:`lagropt.arrays.load_rows`), evaluated on
    the calling thread (the loader, or the caller for the first block of an epoch), and the
    memory their evaluation freed (dask's temporaries) given back to the system
    (:func:`lagropt.arrays.release_freed_memory`)."""
    block = load_rows(data, per_sample, start, stop, here=True)
    release_freed_memory()
    return block


def _row_order(rng, count: int, shuffle: bool):
    """The order of the rows of a block of ``count`` rows: ``rng.permutation(count)`` (drawn
    as ``arange(count)`` shuffled in place: the same draws and the same values), or
    ``arange(count)``; as int32 below 2**31 rows, half the memory of int64 (4 MB, not 8, for
    a block of 1e6 rows; gathering 1000 rows with them measured 7.0 us against 6.2)."""
    order = np.arange(count, dtype=np.int32 if count < 2 ** 31 else np.intp)
    if shuffle:
        rng.shuffle(order)
    return order


class Stream(Batches):
    """Mini-batches streamed from data in row blocks, holding one block in memory (two while
    the next loads, on a thread, as the updates run on the current one), each batch gathered
    from it. dask evaluates a block on the thread that loads it (unless a scheduler was
    chosen), and the memory freed as a block is dropped and as a load ends is given back to
    the system (:func:`lagropt.arrays.release_freed_memory`).

    The order of an epoch, drawn from the seeded generator in this sequence: the blocks in the
    order ``rng.permutation(k)`` (k blocks), then, as each block is reached, its rows in the
    order ``rng.permutation(rows of the block)``; with ``shuffle=False`` blocks and rows in
    order. The rows so ordered are cut into consecutive batches of ``batch_size`` (a batch may
    span the end of one block and the start of the next; the last of the epoch may be
    smaller). With one block this is the in-memory order (one ``rng.permutation(rows)`` per
    epoch), and the same blocks give the same batches whether the data are dask or NumPy.
    The generator is drawn from by the calling thread only, in that sequence.
    """

    def __init__(self, data, per_sample, batch_size, rng, shuffle, rows, blocks):
        super().__init__(data, per_sample, batch_size, rng, shuffle, rows)
        self.blocks = blocks
        self.sequence, self.next = [], 0
        self.block, self.rows_order, self.used = None, None, 0    # the block being read
        self._pending = None               # ((start, stop), future) of the block loading
        self._loader = None                # the thread that loads it

    def bind(self, objective, x0) -> None:
        self.objective, self.x0 = objective, x0

    def _new_epoch(self) -> None:
        count = len(self.blocks)
        self.sequence = self.rng.permutation(count) if self.shuffle and count > 1 else \
            np.arange(count)
        self.next, self.block, self.rows_order, self.used = 0, None, None, 0

    def _load_next(self) -> None:
        """Take the next block of the epoch (loaded ahead, or now), draw the order of its rows,
        bind it, and start loading the block after it."""
        span = self.blocks[self.sequence[self.next]]
        self.next += 1
        self.progress = f"chunk {self.next}/{len(self.blocks)}"
        # the old block (and the order of its rows) released, and its memory given back to the
        # system, before the next lands
        self.block = self._on_rows = self.rows_order = None
        release_freed_memory()
        self.block = self._take(span)
        self.rows_order = _row_order(self.rng, span[1] - span[0], self.shuffle)
        self.used = 0
        self._on_rows = self.objective.on_rows(self.x0, self.block)
        if self.next < len(self.blocks):   # within the epoch, whose block order is drawn
            self._prefetch(self.blocks[self.sequence[self.next]])

    def _take(self, span) -> tuple:
        """The rows ``span`` of the data: the block loaded ahead, or loaded now."""
        pending, self._pending = self._pending, None
        if pending is not None and pending[0] == span:
            return pending[1].result()
        return _load_block(self.data, self.per_sample, *span)

    def _prefetch(self, span) -> None:
        if self._loader is None:
            self._loader = ThreadPoolExecutor(1, thread_name_prefix="lagropt-stream")
        self._pending = (span, self._loader.submit(_load_block, self.data, self.per_sample,
                                                   *span))

    def get(self, k: int):
        """The batch of update ``k`` (0-based; called in order): the next ``batch_size`` rows of
        the epoch's order, as their indices in the block being read, or, for a batch that
        spans two blocks, as the tuple of its data gathered from both."""
        if k % self.per_epoch == 0:
            self._new_epoch()
        parts, need = [], self.size
        while need > 0:
            if self.block is None or self.used == len(self.rows_order):
                if self.next == len(self.blocks):
                    break                      # the epoch's last, smaller batch
                parts = self._held(parts)      # rows of the block being left, gathered now
                self._load_next()
            rows = self.rows_order[self.used:self.used + need]
            self.used += len(rows)
            need -= len(rows)
            parts.append(rows)
        if len(parts) == 1 and not isinstance(parts[0], tuple):
            return parts[0]
        return tuple(np.concatenate(column) if p else column[0]
                     for column, p in zip(zip(*self._held(parts)), self.per_sample))

    def _held(self, parts) -> list:
        """``parts`` with the row indices into the current block replaced by their data."""
        return [p if isinstance(p, tuple) else self._gather(p) for p in parts]

    def _gather(self, rows) -> tuple:
        return tuple(d[rows] if p else d for d, p in zip(self.block, self.per_sample))

    def value_and_grad(self, x, batch) -> tuple:
        if isinstance(batch, tuple):           # a batch across two blocks: bound as it comes
            return self.objective.value_and_grad(x, batch)
        return self._on_rows(x, batch)

    def full_pass(self):
        """A context for a pass over all the data, bounded as the stream is: the block being
        read is released when all its rows are used (at an epoch's end; the next epoch loads
        anew), and dask data are evaluated one chunk at a time
        (:func:`lagropt.arrays.one_chunk_at_a_time`), not one chunk per thread."""
        if self.rows_order is not None and self.used == len(self.rows_order) and \
                self.next == len(self.blocks):
            self.block = self._on_rows = None
        return one_chunk_at_a_time(self.data)

    def close(self) -> None:
        """Stop loading ahead (waiting for a load under way) and release the block."""
        if self._loader is not None:
            self._loader.shutdown(wait=True, cancel_futures=True)
            self._loader = None
        self._pending = self.block = self._on_rows = None
