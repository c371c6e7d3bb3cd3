"""A module of the lecture's modular backpropagation (deck 002): three messages from one formula.

A module maps its input z^l to its output z^{l+1} = f(z^l; w^l). Backpropagation needs three
messages from it:

* forward:   z_j^{l+1} = f_j(z^l; w^l)
* backward:  delta_i^l = sum_j delta_j^{l+1} dz_j^{l+1}/dz_i^l
* parameter: dL/dw_k^l = sum_j delta_j^{l+1} dz_j^{l+1}/dw_k^l

Here only the forward message is written (one SymPy expression, :meth:`Module.output`). The
other two are derived: for a batch of m samples (rows) the scalar

    V = sum_s sum_j D_sj f_j(Z_s; w)

has dV/dD = f(Z) (the forward pass), dV/dZ = the backward message delta^l for D = delta^{l+1},
and dV/dw = the parameter message, summed over the batch. :func:`lagropt.compile`
differentiates V and generates vectorized NumPy for each (``D @ W.T``, ``Z.T @ D``,
``D * heaviside(Z)``, ...); nothing is typed twice.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from ..compiler import compile as compile_expr
from ..errors import DataError

def _shaped(a, shape):
    """``a`` with ``shape`` (the generated code may return a scalar or a broadcastable row)."""
    return a if getattr(a, "shape", None) == tuple(shape) else np.broadcast_to(a, shape)


__all__ = ["Module", "Site", "Kernels", "m", "n", "k", "s"]

# batch size, input width, output width; the sample index
m, n, k = sp.symbols("m n k", integer=True, positive=True)
s = sp.Symbol("s", integer=True)


@dataclass
class Site:
    """Where a module's formula is evaluated: the input element ``z(i)``, the input width
    ``n``, the parameters ``w`` (name -> IndexedBase), the hyperparameters ``h`` (name ->
    Symbol), the masks (name -> element function of the output index) and a free index ``i``
    for sums over the inputs."""

    z: object
    n: sp.Expr
    w: dict = field(default_factory=dict)
    h: dict = field(default_factory=dict)
    masks: dict = field(default_factory=dict)
    i: sp.Symbol = field(default_factory=lambda: sp.Dummy("i", integer=True))


@dataclass
class Kernels:
    """The generated NumPy functions of one module class (see :func:`kernels`)."""

    forward: object
    forward_dims: tuple
    backward: object
    backward_dims: tuple
    parameters: object = None          # the parameter messages alone (no delta^l): layer 0
    parameters_dims: tuple = ()


class Module:
    """One module: its forward formula and the numbers that go with it.

    Subclasses set ``params`` (parameter names), ``hyper`` (hyperparameter names, passed to the
    formula as symbols and to NumPy as numbers), ``masks`` (per-sample arrays a module draws
    when training, as dropout's) and ``elementwise`` (the output width is the input width),
    and implement :meth:`output`, :meth:`param_shape` and, with parameters, ``n_in``/``n_out``.
    """

    params: tuple = ()
    hyper: tuple = ()
    masks: tuple = ()
    elementwise: bool = True
    title: str = "module"

    # -- the formula -----------------------------------------------------------------------------

    def output(self, j, site: Site) -> sp.Expr:
        """The j-th output f_j(z; w) as a SymPy expression."""
        raise NotImplementedError

    def param_shape(self, name: str, n_in, n_out) -> tuple:
        """The shape of parameter ``name`` for these widths (symbols or integers)."""
        raise NotImplementedError

    def hyper_values(self) -> tuple:
        """The numbers of the hyperparameters, in the order of ``hyper``."""
        return tuple(float(getattr(self, h)) for h in self.hyper)

    def out_width(self, n_in: int) -> int:
        """The output width for an input of width ``n_in``."""
        return n_in

    def draw_masks(self, shape, rng) -> tuple:
        """The masks for a training pass on an input of ``shape`` (none by default)."""
        return ()

    def eval_masks(self, shape) -> tuple:
        """The masks at evaluation (none by default)."""
        return ()

    # -- the generated NumPy ---------------------------------------------------------------------

    def kernels(self) -> Kernels:
        return kernels(type(self))

    def _dims(self, names, batch: int, n_in: int, n_out: int) -> tuple:
        value = {m: batch, n: n_in, k: n_out}
        return tuple(value[d] for d in names)

    def forward(self, Z, params: tuple, masks: tuple = ()) -> np.ndarray:
        """z^{l+1} for a batch ``Z`` (samples x inputs)."""
        K = self.kernels()
        n_out = self.out_width(Z.shape[1])
        dims = self._dims(K.forward_dims, Z.shape[0], Z.shape[1], n_out)
        # dV/dD does not depend on D: the generated code never reads its first argument
        (out,) = K.forward(None, Z, *params, *masks, *self.hyper_values(), *dims)
        return _shaped(out, (Z.shape[0], n_out))

    def backward(self, Z, params: tuple, delta, masks: tuple = (), input_delta: bool = True):
        """(delta^l, dL/dw for each parameter) from the input ``Z`` and delta^{l+1}; with
        ``input_delta=False`` delta^l is not computed (None): the first module's is not needed."""
        K = self.kernels()
        if not input_delta:
            if not self.params:
                return None, ()
            dims = self._dims(K.parameters_dims, Z.shape[0], Z.shape[1], delta.shape[1])
            grads = K.parameters(*params, Z, delta, *masks, *self.hyper_values(), *dims)
            return None, tuple(_shaped(g, p.shape) for g, p in zip(grads, params))
        dims = self._dims(K.backward_dims, Z.shape[0], Z.shape[1], delta.shape[1])
        dZ, *grads = K.backward(Z, *params, delta, *masks, *self.hyper_values(), *dims)
        grads = [_shaped(g, p.shape) for g, p in zip(grads, params)]
        return _shaped(dZ, Z.shape), tuple(grads)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def symbolic(cls, n_in=n, n_out=None, names=None):
    """(parameters, hyperparameters, output width) of a module class as SymPy objects:
    name -> IndexedBase shaped by the widths ``n_in``/``n_out``, name -> positive Symbol; an
    elementwise module's output width is its input width. ``names`` renames them."""
    names = names or {}
    n_out = n_in if (n_out is None and cls.elementwise) else (n_out if n_out is not None else k)
    proto = cls.__new__(cls)
    w = {p: sp.IndexedBase(names.get(p, p), shape=proto.param_shape(p, n_in, n_out), real=True)
         for p in cls.params}
    h = {p: sp.Symbol(names.get(p, p), positive=True) for p in cls.hyper}
    return w, h, n_out


@functools.lru_cache(maxsize=None)
def kernels(cls) -> Kernels:
    """Compile V = sum_s sum_j D_sj f_j(Z_s) of a module class: by D (the forward pass), by Z
    and the parameters (the backward and parameter messages), and, for a module with
    parameters, by the parameters alone (the first module: no delta^0)."""
    w, h, n_out = symbolic(cls)
    Z = sp.IndexedBase("Z", shape=(m, n), real=True)
    D = sp.IndexedBase("D", shape=(m, n_out), real=True)
    M = {name: sp.IndexedBase(name, shape=(m, n_out), real=True) for name in cls.masks}
    j = sp.Symbol("j", integer=True)
    site = Site(lambda i: Z[s, i], n, w, h, {name: (lambda c, a=a: a[s, c]) for name, a in M.items()})
    body = sp.Sum(D[s, j] * cls.__new__(cls).output(j, site), (j, 0, n_out - 1))
    V = sp.Sum(body, (s, 0, m - 1))
    data = (Z, *w.values(), *M.values(), *h.values())
    fwd = compile_expr(V, wrt=[D], data=data, hessian=False, samples=False, check_finite=False)
    bwd = compile_expr(V, wrt=[Z, *w.values()], data=[D, *M.values(), *h.values()],
                       hessian=False, samples=False, check_finite=False)
    kernels = Kernels(fwd.raw("grad"), fwd.dims, bwd.raw("grad"), bwd.dims)
    if w:
        par = compile_expr(V, wrt=list(w.values()), data=[Z, D, *M.values(), *h.values()],
                           hessian=False, samples=False, check_finite=False)
        kernels.parameters, kernels.parameters_dims = par.raw("grad"), par.dims
    return kernels


def check_input(Z, width: int | None, what: str) -> np.ndarray:
    """``Z`` as a 2-D float array of finite numbers with ``width`` columns (or a DataError)."""
    Z = np.asarray(Z, dtype=float)
    if Z.ndim != 2:
        raise DataError(f"{what} must be a 2-D array (samples x features), got shape {Z.shape}")
    if width is not None and Z.shape[1] != width:
        raise DataError(f"{what} has {Z.shape[1]} columns; the network takes {width}")
    if not np.isfinite(Z).all():
        raise DataError(f"{what} contains NaN or inf")
    return Z
