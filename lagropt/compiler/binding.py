"""Binding the arguments of a compiled call: data shapes, dimension values, parameter views.

The plan is made once, at compile time, in plain Python (no SymPy on the call path): each
axis of each argument is a fixed length, a dimension symbol (bound by the first data array
that has it, checked against the others) or an expression in those (n + 1). A dimension that
no data array fixes is solved from the length of the parameter vector when that is linear in
it (a parameter of shape (n,) with no data).
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ..arrays import is_duck
from ..errors import CompileError, DataError
from .index import Argument, IndexForm

__all__ = ["Binding"]


def _axis_spec(d):
    """('dim', symbol) | ('int', value) | ('expr', function of the dims dict, text)."""
    d = sp.sympify(d)
    if d.is_Integer:
        return ("int", int(d))
    if d.is_Symbol:
        return ("dim", d)
    symbols = sorted(d.free_symbols, key=str)
    fn = sp.lambdify(symbols, d, modules=[])
    return ("expr", lambda dims: int(fn(*(dims[s] for s in symbols))), str(d))


def _linear_in(expr, d):
    """(slope, offset) with expr = slope d + offset (both free of d), or None."""
    expr = sp.expand(expr)
    slope, offset = expr.coeff(d, 1), expr.coeff(d, 0)
    if slope == 0 or sp.expand(slope * d + offset - expr) != 0:
        return None
    return _axis_spec(slope), _axis_spec(offset)


class Binding:
    """Checks a call's arguments against ``form`` and lays them out for the generated code."""

    def __init__(self, form: IndexForm):
        self.params = form.params
        self.data = form.data
        self.dims = form.dims
        self._ranks = [a.rank for a in form.data]
        specs = [[_axis_spec(d) for d in a.shape] for a in form.data]
        # symbols first (they bind), then the lengths that are checked against them
        self._checks = [(q, axis, spec) for kind in ("dim", "int", "expr")
                        for q, row in enumerate(specs) for axis, spec in enumerate(row)
                        if spec[0] == kind]
        self._param_specs = [[_axis_spec(d) for d in a.shape] for a in form.params]
        self.sources = {}
        for q, a in enumerate(form.data):
            for axis, d in enumerate(a.shape):
                if d.is_Symbol and d not in self.sources:
                    self.sources[d] = (a.name, axis)
        self.from_params = self._plan_from_params()

    def _plan_from_params(self):
        size = sp.Add(*[sp.Mul(*a.shape) for a in self.params])
        free = [d for d in self.dims if d not in self.sources]
        if len(free) > 1:
            raise CompileError("the dimensions " + ", ".join(map(str, free)) + " are not fixed "
                               "by any data array: give the arrays numeric shapes")
        if not free:
            return None
        d = free[0]
        linear = _linear_in(size, d) if d in size.free_symbols else None
        if linear is None:
            raise CompileError(f"the dimension {d} is not fixed by any data array or by the "
                               "number of parameters: give the arrays numeric shapes")
        return (d, *linear)

    # -- data --------------------------------------------------------------------------------

    def bind_data(self, data) -> tuple:
        """(arrays, dims): the data as float arrays, and the dimension values they fix."""
        if len(data) != len(self.data):
            names = ", ".join(a.name for a in self.data) or "none"
            raise DataError(f"expected {len(self.data)} data argument(s) after the parameters "
                            f"({names}), got {len(data)}")
        arrays = [self._array(a, rank, value) for a, rank, value in zip(self.data, self._ranks, data)]
        dims = {}
        for q, axis, spec in self._checks:
            length = arrays[q].shape[axis]
            kind, what = spec[0], spec[1]
            if kind == "dim" and what not in dims:
                dims[what] = length
            elif length != (dims[what] if kind == "dim" else what if kind == "int" else what(dims)):
                self._mismatch(self.data[q], axis, spec, length, dims)
        return arrays, dims

    @staticmethod
    def _array(a: Argument, rank: int, value):
        """``value`` as a float array of rank ``rank``. A duck array (dask, ...) is kept as it
        is, converted lazily: np.asarray would load all of it."""
        arr = value if is_duck(value) else np.asarray(value)
        if any(not isinstance(d, (int, np.integer)) for d in arr.shape):
            raise DataError(f"data {a.name} has unknown chunk lengths (shape {arr.shape}): "
                            "call its compute_chunk_sizes() first")
        if arr.dtype != np.float64:
            if arr.dtype.kind == "c":
                raise DataError(f"data {a.name} is complex; lagropt works over the reals")
            if is_duck(arr) and arr.dtype.kind not in "biuf":    # astype would fail later
                raise DataError(f"data {a.name} is not numeric (dtype {arr.dtype})")
            try:
                arr = arr.astype(float)
            except (TypeError, ValueError) as exc:
                raise DataError(f"data {a.name} is not numeric: {exc}") from None
        if arr.ndim != rank:
            if arr.ndim == rank + 1 and rank >= 1 and arr.shape[-1] == 1:
                return arr[..., 0]
            want = f"shape ({', '.join(map(str, a.shape))})" if rank else "a scalar"
            raise DataError(f"data {a.name} must be {want}, got an array of shape {arr.shape}")
        return arr if rank else float(arr)

    def _mismatch(self, a: Argument, axis: int, spec, length: int, dims: dict):
        kind, what = spec[0], spec[1]
        want = self._evaluate(spec, dims)
        name = spec[2] if kind == "expr" else what
        source = self.sources.get(what) if kind == "dim" else None
        origin = f" from {source[0]} (axis {source[1]})" if source else ""
        raise DataError(f"data {a.name}: axis {axis} has length {length}, but "
                        f"{name} = {want}{origin}")

    # -- parameters -----------------------------------------------------------------------------

    @staticmethod
    def _evaluate(spec, dims: dict) -> int:
        return spec[1] if spec[0] == "int" else dims[spec[1]] if spec[0] == "dim" else spec[1](dims)

    def shape(self, q: int, dims: dict) -> tuple:
        """The shape of parameter ``q`` for the dimension values ``dims``."""
        return tuple(self._evaluate(s, dims) for s in self._param_specs[q])

    def bind_params(self, params, dims: dict) -> list:
        """Views of the parameter vector, one per parameter (a float for a scalar)."""
        x = np.asarray(params)
        if x.dtype != np.float64:
            if x.dtype.kind == "c":
                raise DataError("the parameters are complex; lagropt works over the reals")
            try:
                x = x.astype(float)
            except (TypeError, ValueError) as exc:
                raise DataError(f"the parameters are not numeric: {exc}") from None
        x = x.reshape(-1)
        if self.from_params is not None:
            d, slope, offset = self.from_params
            count, rest = divmod(x.size - self._evaluate(offset, dims), self._evaluate(slope, dims))
            if rest or count < 0:
                raise DataError(f"{x.size} parameters do not fit the shapes "
                                + ", ".join(f"{a.name}{tuple(a.shape)}" for a in self.params))
            dims[d] = count
        shapes = [self.shape(q, dims) for q in range(len(self.params))]
        sizes = [math.prod(s) for s in shapes]
        if x.size != sum(sizes):
            fixed = [f"{d} = {dims[d]} from {src[0]} axis {src[1]}" for d, src in self.sources.items()
                     if any(d in sp.sympify(s).free_symbols for a in self.params for s in a.shape)]
            raise DataError(f"expected {sum(sizes)} parameters ("
                            + ", ".join(f"{a.name}: {s or 'scalar'}" for a, s in zip(self.params, shapes))
                            + (f"; {', '.join(fixed)}" if fixed else "") + f"), got {x.size}")
        if not np.isfinite(x).all():
            k = int(np.flatnonzero(~np.isfinite(x))[0])
            raise DataError(f"parameter {self.coordinate(k, dims)} is {x[k]}")
        views, offset = [], 0
        for shape, size in zip(shapes, sizes):
            views.append(x[offset:offset + size].reshape(shape) if shape else x[offset])
            offset += size
        return views

    def coordinate(self, k: int, dims: dict) -> str:
        """The name of entry ``k`` of the parameter vector, e.g. ``beta[3]``."""
        for q, a in enumerate(self.params):
            shape = self.shape(q, dims)
            count = math.prod(shape)
            if k < count:
                return f"{a.name}[{', '.join(map(str, np.unravel_index(k, shape)))}]" if shape else a.name
            k -= count
        raise IndexError(k)

    def bind(self, params, data) -> tuple:
        """(arguments of the generated function, data arrays, dims)."""
        arrays, dims = self.bind_data(data)
        views = self.bind_params(params, dims)
        return [*views, *arrays, *(dims[d] for d in self.dims)], arrays, dims
