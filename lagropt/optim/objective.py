"""The function a descent minimizes, whatever the user passed: a compiled loss, a SymPy
expression, or a Python callable with its gradient (or the lecture's central differences).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..arrays import is_duck
from ..compiler.gradcheck import central_differences
from ..errors import OptimizerError

__all__ = ["Objective", "as_data", "as_objective", "central_difference", "check_data"]

def central_difference(fun, x, *data) -> np.ndarray:
    """The lecture's gradient, (y(x + h e_i) - y(x - h e_i)) / (2 h) for each coordinate i,
    with h = eps^(1/3) max(1, |x_i|) (eps the float64 machine epsilon):
    :func:`lagropt.compiler.gradcheck.central_differences` of ``fun(., *data)``."""
    return central_differences(lambda z: fun(z, *data), x)[0]


def as_data(data) -> tuple:
    """``data=`` as the tuple of arguments after the parameters: None is none, one array is
    one argument, a tuple or list is kept; anything else is refused."""
    if data is None:
        return ()
    if isinstance(data, np.ndarray) or is_duck(data):
        return (data,)
    if not isinstance(data, (tuple, list)):
        raise OptimizerError("data= is a tuple of the arrays (and scalars) the loss takes after "
                             f"the parameters, got {type(data).__name__}")
    return tuple(data)


def check_data(data: tuple, what: str = "data") -> None:
    """Refuse, in one line, data a loss cannot be evaluated on: an empty array (a loss over no
    samples is 0/0 for a mean, and fits nothing for a sum) or a NaN or infinity in a numeric
    array. Arrays of another library (dask) are left alone: converting them would load them."""
    for k, d in enumerate(data):
        if hasattr(d, "dtype") and not isinstance(d, np.ndarray):
            continue
        arr = np.asarray(d)
        if arr.dtype.kind not in "biufc":
            continue
        name = f"{what}[{k}]" if len(data) > 1 else what
        if arr.size == 0:
            raise OptimizerError(f"{name} is empty (shape {arr.shape}): there is nothing to fit")
        bad = ~np.isfinite(arr)
        if bad.any():
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            kind = "NaN" if np.isnan(arr[where]) else "an infinity"
            at = f" at index {where[0] if len(where) == 1 else where}" if where else ""
            raise OptimizerError(f"{name} contains {kind}{at}: remove or impute it before "
                                 "descending (the loss would be NaN at every point)")


@dataclass
class Objective:
    """``value_and_grad(x, data) -> (float, array)`` and ``value(x, data) -> float``, with
    ``per_sample`` telling which data arguments are sliced into mini-batches and, for small
    problems in scalar parameters, ``kernel(*floats) -> (value, *gradient)`` unchecked;
    ``rows(x, data)``, when given, binds data once for :meth:`on_rows`."""

    value_and_grad: object
    value: object
    per_sample: tuple
    kernel: object = None
    rows: object = None

    def on_rows(self, x, data):
        """``vg(x, rows) -> (value, gradient)``: the loss and gradient on the rows ``rows``
        (an index array) of the per-sample arrays of ``data``, equal to ``value_and_grad(x,
        data restricted to rows)``; bound once when the objective can (a compiled loss)."""
        if self.rows is not None:
            return self.rows(x, data)
        per_sample, value_and_grad = self.per_sample, self.value_and_grad

        def on_rows(x, rows):
            return value_and_grad(x, tuple(d[rows] if p else d for d, p in zip(data, per_sample)))
        return on_rows


def _scalar_kernel(f, data):
    """The raw generated value_and_grad of ``f`` with scalar data bound, when every parameter
    and every data argument is a scalar; else None."""
    if f.dims or len(data) != len(f.data) or any(np.ndim(d) for d in data):
        return None
    try:
        if any(f.shapes(*data).values()):
            return None
    except Exception:  # noqa: BLE001 - the checked path reports the problem itself
        return None
    fn, consts = f.raw("value_and_grad"), tuple(float(d) for d in data)
    return (lambda *x: fn(*x, *consts)) if consts else fn


def _compiled_from_expression(expr, wrt):
    from ..compiler import compile as compile_expr
    from ..guards import check_real
    from ..problem import _natural_key

    check_real(expr, "the expression", OptimizerError)     # sums stay arrays: not expanded
    if wrt is None:
        wrt = sorted(expr.free_symbols, key=_natural_key)
        if not wrt:
            raise OptimizerError(f"the expression {expr} has no variables to descend on")
    return compile_expr(expr, wrt=wrt, hessian=False)


def _compiled_objective(f, data) -> Objective:
    if len(data) != len(f.data):
        names = ", ".join(str(d) for d in f.data) or "none"
        raise OptimizerError(f"the compiled loss takes {len(f.data)} data argument(s) "
                             f"({names}); data= gave {len(data)}")
    bound = {}                                # the data last bound: (id of the tuple, kernel)

    def value_and_grad(x, d):
        # the full data come back as the same tuple every step: bind them once; a mini-batch
        # is bound when it arrives (its shapes checked), then called unchecked
        if bound.get("key") is not d:
            bound["key"], bound["fn"] = d, f.bound(x, *d)
        return bound["fn"](x)
    return Objective(value_and_grad, lambda x, d: f.value(x, *d), tuple(f.per_sample),
                     _scalar_kernel(f, data), rows=lambda x, d: f.bound_rows(x, *d))


def _callable_objective(fun, grad, data) -> Objective:
    per_sample = tuple(np.ndim(d) >= 1 for d in data)
    value = lambda x, d: float(fun(x, *d))  # noqa: E731
    if grad is True:
        def value_and_grad(x, d):
            v, g = fun(x, *d)
            return float(v), np.asarray(g, dtype=float).reshape(-1)
        value = lambda x, d: float(fun(x, *d)[0])  # noqa: E731
    elif isinstance(grad, str) and grad == "central":
        def value_and_grad(x, d):
            return float(fun(x, *d)), central_difference(fun, x, *d)
    elif callable(grad):
        def value_and_grad(x, d):
            return float(fun(x, *d)), np.asarray(grad(x, *d), dtype=float).reshape(-1)
    else:
        raise OptimizerError("a Python function needs its gradient: grad=function, grad=True "
                             "(fun returns (value, gradient)) or grad='central' (the "
                             f"lecture's central differences); got grad={grad!r}")
    return Objective(value_and_grad, value, per_sample)


def as_objective(fun, grad=None, data=(), wrt=None) -> Objective:
    """Normalise ``fun`` (compiled loss, SymPy expression or callable) to an Objective."""
    if isinstance(fun, Objective):
        return fun
    if hasattr(fun, "value_and_grad") and hasattr(fun, "per_sample"):
        if grad is not None:
            raise OptimizerError("a compiled loss brings its exact gradient: drop grad=")
        return _compiled_objective(fun, data)
    if _is_sympy(fun):
        if grad is not None:
            raise OptimizerError("a SymPy expression is differentiated exactly: drop grad=")
        return _compiled_objective(_compiled_from_expression(fun, wrt), data)
    if callable(fun):
        return _callable_objective(fun, grad, data)
    raise OptimizerError(f"cannot descend on {type(fun).__name__}: pass a compiled loss "
                         "(lagropt.compile), a SymPy expression or a Python function")


def _is_sympy(obj) -> bool:
    try:
        import sympy
    except ImportError:   # pragma: no cover - sympy is a dependency
        return False
    return isinstance(obj, sympy.Basic)
