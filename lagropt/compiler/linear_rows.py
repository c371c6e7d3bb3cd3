"""Losses of a linear predictor as one compiled pass over the rows (numba: the ``fast`` extra).

Losses over per-sample data are often, after :func:`lagropt.compiler.rows.split`,

    F(beta) = c(M) * Sum_{i} phi(eta_i, y_i, ...),    eta_i = Sum_j X[i, j] beta[j]

with phi a polynomial in eta_i and the row's other entries (least squares: phi =
(y_i - eta_i)^2, with c = 1 or 1/M; weighted: w_i (y_i - eta_i)^2), and the gradient

    dF/dbeta[l] = c(M) * Sum_{i} phi'(eta_i, y_i, ...) X[i, l]      (phi' = d phi / d eta).

Evaluated whole, or block by block in NumPy, this reads X twice (X @ beta, then r @ X) with two
matrix-vector products that are slow on thin X. :func:`linear_kernel` recognizes the form and
generates one loop that, for each row, computes eta_i, phi and phi', and adds phi' x_i to the
gradient while the row is in registers: X is read once. Four rows are taken per iteration
(independent chains), and numba may reassociate sums (``reassoc``, ``contract``, no
assumption that values are finite: NaN and inf propagate as in NumPy), so results equal the
NumPy evaluation to rounding (about 1e-13 relative), not bit for bit; the rows are cut into
one contiguous run per thread, each run summed in order and the runs added in order, so a
result does not depend on timing.

Without numba, or for a loss of another form, :class:`lagropt.compiler.rows.RowBlocks` keeps
its NumPy block evaluation.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

__all__ = ["linear_kernel", "available"]

_FASTMATH = {"reassoc", "contract", "nsz"}
ROWS = 4                      # rows per iteration (8e6 x 10, CPU: 1 row 2.2x X.sum(), 2 rows
                              # 1.35x, 4 rows 1.25x, 8 rows 1.19x and a longer compile)
_KERNELS: dict = {}           # source -> compiled kernel


@functools.lru_cache(maxsize=None)
def available() -> bool:
    """Whether numba (the ``fast`` extra) can be imported (asked once; also for
    :mod:`lagropt.optim.jit`)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def _predictor(body, i, bases, params):
    """(S, X, beta): the one linear predictor S = Sum_j X[i, j] beta[j] in ``body`` (X a
    per-sample matrix, beta the parameter vector), or None."""
    sums = body.atoms(sp.Sum)
    if len(sums) != 1:
        return None
    (s,) = sums
    j, low, _ = s.limits[0]
    factors = sp.Mul.make_args(s.function)
    if len(s.limits) != 1 or low != 0 or len(factors) != 2:
        return None
    x = next((f for f in factors if isinstance(f, sp.Indexed) and f.base in bases), None)
    b = next((f for f in factors if isinstance(f, sp.Indexed) and f.base in params), None)
    if x is None or b is None or tuple(x.indices) != (i, j) or tuple(b.indices) != (j,):
        return None
    return s, x.base, b.base


def _form(blocked, total, bases, params):
    """(c, phi, dphi, X, beta, rows): ``blocked`` as c(M) * Sum_i phi(eta, row i) with phi
    and dphi = d phi / d eta in the symbols eta and one symbol per row entry ``rows`` {Symbol:
    base} of the other per-sample arrays, or None."""
    factors = sp.Mul.make_args(blocked)
    sums = [f for f in factors if isinstance(f, sp.Sum)]
    if len(sums) != 1 or len(sums[0].limits) != 1:
        return None
    c = sp.Mul(*[f for f in factors if f is not sums[0]])
    if not c.free_symbols <= {total}:
        return None
    i = sums[0].limits[0][0]
    found = _predictor(sums[0].function, i, bases, params)
    if found is None:
        return None
    predictor, x_base, b_base = found
    eta = sp.Dummy("eta", real=True)
    phi = sums[0].function.subs(predictor, eta)
    rows = {}
    for entry in phi.atoms(sp.Indexed):
        if entry.base not in bases or entry.base == x_base or tuple(entry.indices) != (i,):
            return None
        rows[entry] = sp.Symbol(f"row_{len(rows)}", real=True)
    phi = phi.xreplace(rows)
    symbols = [eta, *rows.values()]
    if not phi.free_symbols <= set(symbols) or not phi.is_polynomial(*symbols):
        return None                    # a polynomial: the same operations as NumPy's, no
                                       # overflow-prone function to evaluate stably
    named = {eta: sp.Symbol("eta", real=True)}
    return (c, phi.xreplace(named), sp.diff(phi, eta).xreplace(named), x_base, b_base,
            {symbol: entry.base for entry, symbol in rows.items()})


def _source(phi, dphi, rows) -> str:
    """The kernel ``kernel(X, beta, *row arrays, g) -> sum phi`` (g += sum phi' x_i), taking
    :data:`ROWS` rows together (``eta0``, ``eta1``, ...: independent chains), then the
    remaining rows one by one."""
    printer = PythonCodePrinter({"fully_qualified_modules": True})
    eta = sp.Symbol("eta", real=True)

    def at(expr, k: int) -> str:       # phi or dphi for row i + k
        names = {s: sp.Symbol(f"{s.name}_{k}", real=True) for s in rows}
        return printer.doprint(expr.xreplace({eta: sp.Symbol(f"eta{k}", real=True), **names}))

    def rows_at(ks) -> list:
        return [
            *[f"        {s.name}_{k} = A_{s.name}[i + {k}]" for k in ks for s in rows],
            *[f"        eta{k} = 0.0" for k in ks],
            "        for j in range(n):",
            *[f"            eta{k} += X[i + {k}, j] * beta[j]" for k in ks],
            *[f"        v{k % 2} += {at(phi, k)}" for k in ks],
            *[f"        d{k} = {at(dphi, k)}" for k in ks],
            "        for j in range(n):",
            "            g[j] += " + " + ".join(f"d{k} * X[i + {k}, j]" for k in ks),
            f"        i += {len(ks)}"]
    args = ", ".join(["X", "beta", *[f"A_{s.name}" for s in rows], "g"])
    return "\n".join([
        f"def kernel({args}):",
        "    m, n = X.shape",
        "    v0 = 0.0",
        "    v1 = 0.0",
        "    i = 0",
        f"    while i + {ROWS - 1} < m:", *rows_at(tuple(range(ROWS))),
        "    while i < m:", *rows_at((0,)),
        "    return v0 + v1",
    ]) + "\n"


def _compiled(source: str):
    kernel = _KERNELS.get(source)
    if kernel is None:
        import math

        import numba

        namespace = {"math": math}
        exec(compile(source, "<lagropt linear rows kernel>", "exec"), namespace)  # noqa: S102
        kernel = numba.njit(nogil=True, error_model="numpy", fastmath=_FASTMATH)(
            namespace["kernel"])
        _KERNELS[source] = kernel
    return kernel


class LinearKernel:
    """value and gradient of c(M) Sum_i phi(x_i . beta, row i) over a run of rows."""

    def __init__(self, c, total, kernel, x_index, beta_index, row_indices):
        self._c = sp.lambdify(total, c, "math")
        self._kernel = kernel
        self._x, self._beta, self._rows = x_index, beta_index, row_indices

    def partial(self, views, arrays, start: int, stop: int) -> tuple:
        """(Sum phi, Sum phi' x_i) over rows start:stop, without the coefficient."""
        X = arrays[self._x]
        g = np.zeros(X.shape[1])
        value = self._kernel(X[start:stop], np.ascontiguousarray(views[self._beta], dtype=float),
                             *[arrays[k][start:stop] for k in self._rows], g)
        return value, g

    def coefficient(self, rows: int) -> float:
        return float(self._c(rows))


def linear_kernel(form, blocked, total, per_sample):
    """A :class:`LinearKernel` for the block part ``blocked`` of a split loss (total: the
    Symbol of the number of rows), or None: numba absent, or the loss not of the form
    c(M) Sum_i phi(x_i . beta, row i) in one parameter vector beta."""
    if not available() or len(form.params) != 1:
        return None
    bases = {a.symbol: k for k, (a, p) in enumerate(zip(form.data, per_sample)) if p}
    params = {form.params[0].symbol: 0}
    try:
        found = _form(blocked, total, bases, params)
        if found is None:
            return None
        c, phi, dphi, x_base, _, rows = found
        if len(form.data[bases[x_base]].shape) != 2 or \
                any(len(form.data[bases[b]].shape) != 1 for b in rows.values()):
            return None
        kernel = _compiled(_source(phi, dphi, rows))
        # compile now for float64 arrays: fail here (the NumPy blocks run), not later
        kernel(np.zeros((3, 2)), np.zeros(2), *[np.zeros(3) for _ in rows], np.zeros(2))
    except Exception:  # noqa: BLE001 - the NumPy block evaluation stays, and it is right
        return None
    return LinearKernel(c, total, kernel, bases[x_base], 0, [bases[b] for b in rows.values()])
