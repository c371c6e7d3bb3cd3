"""Row-block evaluation: a loss that is a sum over samples, evaluated block by block over rows.

A loss over per-sample data is usually, term by term,

    f(theta) = P(theta) + sum_k c_k(theta, m) * Sum_{i=0}^{m-1} s_k(theta, row i)

(P free of the per-sample data: a penalty; c_k a coefficient such as 1/m). Then, with the rows
cut into blocks B_1, ..., B_r and M the number of all rows,

    f(theta) = P(theta) + sum_b F_b(theta),  F_b = sum_k c_k(theta, M) * Sum_{i in B_b} s_k(...)

and the same holds for the gradient, term by term. Evaluating F_b on blocks small enough to
stay in the CPU cache reads the data once from memory: the generated gradient of least squares,
``(X b - y) @ X``, reads X twice when evaluated whole (X @ b, then r @ X) but once block by
block (r_b = X_b b - y_b and r_b @ X_b while X_b is still in cache).

:func:`split` finds P and the c_k, S_k symbolically (or says the loss is not of this form); the
block part is generated with the total number of rows as an extra scalar argument M, so that
each block's sums run over its own rows while the coefficients see all of them. On dask data
each row chunk is one task (:meth:`RowBlocks.on_rows`, the blocks of that chunk), and the
chunks' sums are added in the order of the rows.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numpy as np
import sympy as sp

from ..arrays import any_lazy, row_chunks
from .codegen import generate
from .diff import Differentiator
from .index import Argument, IndexForm
from .linear_rows import linear_kernel

__all__ = ["split", "RowBlocks", "worth_blocks", "MIN_BYTES", "BLOCK_BYTES"]

MIN_BYTES = 32 * 2 ** 20      # per-sample data from which blocks pay (beyond the L3 cache)
BLOCK_BYTES = 2 ** 19         # the per-sample data of one block (within the L2 cache)
_THREADS = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)
_POOL: dict = {}


def _pool() -> ThreadPoolExecutor:
    """The threads that sum runs of blocks beside the calling thread (made once per process:
    a forked child does not inherit the parent's threads)."""
    if _POOL.get("pid") != os.getpid():
        _POOL["pool"] = ThreadPoolExecutor(max(1, _THREADS - 1),
                                           thread_name_prefix="lagropt-rows")
        _POOL["pid"] = os.getpid()
    return _POOL["pool"]


def worth_blocks(arrays, per_sample) -> bool:
    """Whether the per-sample data go block by block: NumPy arrays large enough for blocks to
    pay, or dask arrays (one task per chunk, :meth:`RowBlocks._by_chunks`)."""
    rows = [a for a, p in zip(arrays, per_sample) if p]
    if rows and any_lazy(rows):
        return all(isinstance(a, np.ndarray) or hasattr(a, "to_delayed") for a in rows)
    return bool(rows) and all(isinstance(a, np.ndarray) for a in rows) and \
        sum(a.nbytes for a in rows) >= MIN_BYTES


def _is_sample_sum(factor, index_ok) -> bool:
    return isinstance(factor, sp.Sum) and len(factor.limits) == 1 and index_ok(factor)


def split(form: IndexForm, sample_dim, per_sample) -> tuple | None:
    """(P, F, M): the loss as P + F with F = sum_k c_k(M) S_k as above (M the Symbol of the
    total number of rows, replacing ``sample_dim`` in the coefficients), or None when some
    term is not of that form (a square of a sum, a sum whose body mixes rows, ...)."""
    if sample_dim is None:
        return None
    bases = {a.symbol for a, p in zip(form.data, per_sample) if p}

    def uses_rows(e) -> bool:
        return any(x.base in bases for x in e.atoms(sp.Indexed)) or sample_dim in e.free_symbols

    def uses_data(e) -> bool:
        return any(x.base in bases for x in e.atoms(sp.Indexed))

    def one_row(s: sp.Sum) -> bool:
        i, low, high = s.limits[0]
        body = s.function
        if low != 0 or sp.simplify(high - (sample_dim - 1)) != 0 or sample_dim in body.free_symbols:
            return False
        if any(i in d.free_symbols for d in body.atoms(sp.KroneckerDelta)):
            return False
        for x in body.atoms(sp.Indexed):
            if x.base in bases and x.indices[0] != i:
                return False
            if x.base not in bases and i in sp.Tuple(*x.indices).free_symbols:
                return False
        return True

    total = sp.Symbol("_rows", positive=True)
    fixed, blocks = [], []
    for term in sp.Add.make_args(sp.expand(form.expr, deep=False, mul=True, multinomial=False,
                                           power_exp=False, power_base=False, log=False)):
        if not uses_rows(term):
            fixed.append(term)
            continue
        factors = sp.Mul.make_args(term)
        sums = [f for f in factors if uses_data(f)]
        if len(sums) != 1 or not _is_sample_sum(sums[0], one_row):
            return None
        coefficient = sp.Mul(*[f for f in factors if f is not sums[0]]).subs(sample_dim, total)
        if sample_dim in coefficient.free_symbols:
            return None
        blocks.append(coefficient * sums[0])
    if not blocks:
        return None
    return sp.Add(*fixed), sp.Add(*blocks), total


def _programs(form: IndexForm, expr) -> tuple:
    """The generated (value_and_grad, grad) of ``expr``."""
    diff = Differentiator(form)
    grads = [diff.gradient(expr, p) for p in form.params]
    return (generate(form, [(expr, ())] + grads, "value_and_grad").function,
            generate(form, grads, "grad").function)


class RowBlocks:
    """value_and_grad of a split loss, evaluated as P + the sum over row blocks of F."""

    def __init__(self, form: IndexForm, sample_dim, per_sample, parts):
        fixed, blocked, total = parts
        self.sample_dim, self.per_sample = sample_dim, tuple(per_sample)
        extra = Argument(name="_rows", user=total, symbol=total, shape=(), role="data")
        block_form = IndexForm(blocked, form.params, form.data + (extra,), form.ranges)
        self._blocks = _programs(block_form, blocked)
        self._fixed = None if fixed == 0 else _programs(
            IndexForm(fixed, form.params, form.data, form.ranges), fixed)
        self._dims = list(form.dims)
        self._axis = self._dims.index(sample_dim)
        self._linear = linear_kernel(form, blocked, total, self.per_sample)

    @classmethod
    def build(cls, form: IndexForm, sample_dim, per_sample):
        """A RowBlocks for the loss, or None when it is not a sum over samples."""
        try:
            parts = split(form, sample_dim, per_sample)
            return None if parts is None else cls(form, sample_dim, per_sample, parts)
        except Exception:  # noqa: BLE001 - the whole evaluation stays, and it is always right
            return None

    def block_rows(self, arrays) -> int:
        """Rows per block: BLOCK_BYTES of per-sample data."""
        width = sum(a.nbytes // max(len(a), 1) for a, p in zip(arrays, self.per_sample) if p)
        return max(1, BLOCK_BYTES // max(width, 1))

    def _run(self, which, views, arrays, values, starts, step, rows, total) -> list:
        """The sum over the blocks starting at ``starts`` (of ``rows`` rows in all), in order,
        with the coefficients at ``total`` rows (M)."""
        values = list(values)
        out = None
        for start in starts:
            block = [a[start:start + step] if p else a for a, p in zip(arrays, self.per_sample)]
            values[self._axis] = min(step, rows - start)
            part = self._blocks[which](*views, *block, float(total), *values)
            if out is None:
                out = [np.array(x, dtype=float) for x in part]
            else:
                for acc, x in zip(out, part):
                    acc += x
        return out

    def __call__(self, views, arrays, dims, value: bool = True) -> tuple:
        """(value, *gradient parts) at the parameter views for the data ``arrays``; the
        gradient parts alone without ``value``. The rows are cut into one contiguous run per
        thread (NumPy and the compiled pass release the GIL), each summed in order, the runs'
        sums added in order: the same result whatever the timing. A loss of a linear
        predictor runs as one compiled pass over each run's rows
        (:mod:`lagropt.compiler.linear_rows`), any other block by block in NumPy."""
        which = 0 if value else 1
        values = [dims[d] for d in self._dims]
        rows = values[self._axis]
        if any_lazy([a for a, p in zip(arrays, self.per_sample) if p]):
            return self._by_chunks(views, arrays, values, value)
        if self._linear is not None:
            out = self._linear_parts(views, arrays, rows, value)
        else:
            step = self.block_rows(arrays)
            starts = list(range(0, rows, step))
            threads = min(_THREADS, len(starts))
            runs = [starts[len(starts) * t // threads:len(starts) * (t + 1) // threads]
                    for t in range(threads)]
            out = _added(_in_order([partial(self._run, which, views, arrays, values, run, step,
                                            rows, rows) for run in runs]))
        if self._fixed is not None:
            values[self._axis] = rows
            for acc, x in zip(out, self._fixed[which](*views, *arrays, *values)):
                acc += x
        return tuple(out)

    def on_rows(self, views, arrays, values, total: int, value: bool = True) -> list:
        """[F_b, *gradient parts of F_b] (or the gradient parts alone without ``value``): the
        block part over all the rows of ``arrays``, some of the data's rows (``values``: the
        dimensions, the sample one overwritten by these rows' count), the coefficients c_k at
        M = ``total`` rows; on the calling thread. Summed over a partition of the rows, in
        order, this is F (the sum of one dask chunk's rows, :meth:`_by_chunks`)."""
        rows = len(next(a for a, p in zip(arrays, self.per_sample) if p))
        if self._linear is not None:
            return self._linear_parts(views, arrays, rows, value, total, threads=1)
        step = self.block_rows(arrays)
        return self._run(0 if value else 1, views, arrays, values, range(0, rows, step), step,
                         rows, total)

    def _by_chunks(self, views, arrays, values, value: bool) -> tuple:
        """The outputs of :meth:`__call__` for lazy (dask) per-sample data, lazy: each row
        chunk's :meth:`on_rows` is one task (the generated code, or the compiled pass, on that
        chunk while it is in memory: the data are read once, and a chunk is let go when its
        task ends), their sums added in the order of the rows, then P."""
        import dask
        import dask.array as da

        total = values[self._axis]
        on_rows = dask.delayed(self.on_rows)
        parts = [on_rows(views, chunk, values, total, value)
                 for chunk in row_chunks(arrays, self.per_sample)]
        if self._fixed is not None:
            parts.append(list(self._fixed[0 if value else 1](*views, *arrays, *values)))
        summed = dask.delayed(_added)(parts)
        shapes = ([()] if value else []) + [np.shape(v) for v in views]
        return tuple(da.from_delayed(summed[k], shape=shape, dtype=float)
                     for k, shape in enumerate(shapes))

    def _linear_parts(self, views, arrays, rows: int, value: bool, total: int | None = None,
                      threads: int | None = None) -> list:
        """[value, gradient] (or [gradient]) of the block part over the ``rows`` rows of
        ``arrays``, c(M) times the sums of the compiled pass over one run of rows per thread
        (M = ``total``, all the data's rows; these rows by default; on all
        the process's threads by default)."""
        kernel = self._linear
        threads = _THREADS if threads is None else threads   # read now: tests set it
        spans = [(rows * t // threads, rows * (t + 1) // threads) for t in range(threads)]
        s, g = _added(_in_order([partial(kernel.partial, views, arrays, a, b)
                                 for a, b in spans if b > a]))
        c = kernel.coefficient(rows if total is None else total)
        return [np.array(c * s), c * g] if value else [c * g]


def _in_order(tasks) -> list:
    """The results of the calls ``tasks``, in order: the first on the calling thread, the
    others on the pool at the same time."""
    if len(tasks) == 1:
        return [tasks[0]()]
    futures = [_pool().submit(task) for task in tasks[1:]]
    first = tasks[0]()
    return [first] + [f.result() for f in futures]


def _added(sums) -> list:
    """The sums of parts added element by element, in order, into copies of the first."""
    out = [np.array(x, dtype=float) for x in sums[0]]
    for other in sums[1:]:
        for acc, x in zip(out, other):
            acc += x
    return out
