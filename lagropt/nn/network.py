"""A network: modules in sequence, ending in a loss module; backpropagation as deck 002 writes it.

Forward: z^0 = X (a batch, one sample per row), z^{l+1} = f^l(z^l; w^l), L = loss(z^N, Y).
Backward: delta^N = dL/dz^N from the loss module, then for l = N-1, ..., 0

    delta_i^l = sum_j delta_j^{l+1} dz_j^{l+1}/dz_i^l,   dL/dw^l = sum_j delta_j^{l+1} dz_j^{l+1}/dw^l

each message computed by the module's generated NumPy for the whole batch at once.

The parameters of all modules are one flat vector theta (module by module, each parameter
row-major), the layout :func:`lagropt.optim.minimize` and :func:`lagropt.check_grad` take:
``net.value(theta, X, Y)`` and ``net.grad(theta, X, Y)`` (evaluation mode), so that
``check_grad(net, theta, (X, Y))`` compares backpropagation with central differences.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..compiler import compile as compile_expr
from ..errors import DataError, ProblemError
from .init import init_weights
from .layers import Linear
from .losses import LossModule
from .module import Module, Site, check_input, m, s, symbolic

__all__ = ["Network", "Backprop"]


@dataclass
class Backprop:
    """One forward and backward pass: the loss, the inputs z^l of every module (z^0 = X,
    the last entry the network's output z^N), the deltas delta^l (delta^N from the loss
    module) and the flat gradient dL/dtheta."""

    loss: float
    z: list
    deltas: list
    grad: np.ndarray


class Network:
    """Modules in sequence and a loss module.

    Parameters
    ----------
    modules : sequence of Module
        E.g. ``[Linear(4, 16), ReLU(), Linear(16, 3)]``; the first module with weights fixes
        the input width.
    loss : LossModule
        E.g. ``SoftmaxCrossEntropy()`` or ``SquaredError()``.
    n_in : int, optional
        The input width, when no module before the first Linear says it.
    """

    def __init__(self, modules, loss: LossModule, n_in: int | None = None):
        self.modules = list(modules)
        if not self.modules or not all(isinstance(mod, Module) for mod in self.modules):
            raise ProblemError("a Network needs a non-empty list of modules (Linear, ReLU, ...)")
        if not isinstance(loss, LossModule):
            raise ProblemError(f"loss must be a loss module (SquaredError, SoftmaxCrossEntropy,"
                               f" ...), got {loss!r}")
        self.loss_module = loss
        first = next((mod for mod in self.modules if isinstance(mod, Linear)), None)
        self.n_in = n_in if n_in is not None else (first.n_in if first is not None else None)
        if self.n_in is None:
            raise ProblemError("give n_in: no Linear layer fixes the input width")
        self.widths = [self.n_in]
        for mod in self.modules:
            if isinstance(mod, Linear) and mod.n_in != self.widths[-1]:
                raise ProblemError(f"{mod} follows a layer of width {self.widths[-1]}")
            self.widths.append(mod.out_width(self.widths[-1]))
        self.shapes = [[mod.param_shape(p, a, b) for p in mod.params]
                       for mod, a, b in zip(self.modules, self.widths, self.widths[1:])]
        self.size = sum(math.prod(shape) for shapes in self.shapes for shape in shapes)

    # -- parameters ------------------------------------------------------------------------------

    def init(self, seed=0, scheme: str = "xavier", distribution: str = "normal",
             value: float = 0.0) -> np.ndarray:
        """A seeded starting vector theta: weights by ``scheme`` (see :mod:`lagropt.nn.init`),
        biases 0."""
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        parts = []
        for mod, a, b in zip(self.modules, self.widths, self.widths[1:]):
            for p in mod.params:
                if p == "w":
                    parts.append(init_weights(a, b, rng, scheme, distribution, value).ravel())
                else:
                    parts.append(np.zeros(math.prod(mod.param_shape(p, a, b))))
        return np.concatenate(parts) if parts else np.zeros(0)

    def unpack(self, theta) -> list:
        """theta as one tuple of arrays (views) per module."""
        theta = np.asarray(theta, dtype=float)
        if theta.shape != (self.size,):
            raise DataError(f"theta must be a vector of {self.size} parameters, got shape "
                            f"{theta.shape}")
        out, at = [], 0
        for shapes in self.shapes:
            arrays = []
            for shape in shapes:
                size = math.prod(shape)
                arrays.append(theta[at:at + size].reshape(shape))
                at += size
            out.append(tuple(arrays))
        return out

    def weight_mask(self) -> np.ndarray:
        """True on the weights w, False on the biases: the coordinates an L1/L2 penalty
        usually covers (``optim.regularize(opt, l2=..., mask=net.weight_mask())``)."""
        return np.concatenate([np.full(math.prod(shape), p == "w")
                               for mod, shapes in zip(self.modules, self.shapes)
                               for p, shape in zip(mod.params, shapes)] or [np.zeros(0, bool)])

    def coordinates(self, theta, *data) -> list:
        """The name of every entry of theta, e.g. ``'w1[0, 3]'`` (module 1's weight)."""
        names = []
        for l, (mod, shapes) in enumerate(zip(self.modules, self.shapes)):
            for p, shape in zip(mod.params, shapes):
                names += [f"{p}{l}[{', '.join(map(str, ix))}]" for ix in np.ndindex(*shape)]
        return names

    # -- passes ----------------------------------------------------------------------------------

    def _masks(self, zs_shape, mod, rng):
        return mod.draw_masks(zs_shape, rng) if rng is not None else mod.eval_masks(zs_shape)

    def forward(self, theta, X, rng=None) -> tuple:
        """(inputs z^0 .. z^N, masks): the forward pass; with a ``rng`` (a NumPy Generator) the
        training pass (dropout masks drawn from it), without one the evaluation pass."""
        Z = check_input(X, self.n_in, "X")
        zs, masks = [Z], []
        for mod, params in zip(self.modules, self.unpack(theta)):
            mask = self._masks((Z.shape[0], mod.out_width(Z.shape[1])), mod, rng)
            Z = mod.forward(Z, params, mask)
            zs.append(Z)
            masks.append(mask)
        return zs, masks

    def output(self, theta, X) -> np.ndarray:
        """z^N for X (evaluation: no dropout)."""
        return np.array(self.forward(theta, X)[0][-1])

    def predict(self, theta, X) -> np.ndarray:
        """The index of the largest output per row (the predicted class)."""
        return np.argmax(self.output(theta, X), axis=1)

    def accuracy(self, theta, X, labels) -> float:
        """The fraction of rows whose predicted class is ``labels``."""
        return float(np.mean(self.predict(theta, X) == np.asarray(labels)))

    def _targets(self, Y, rows: int) -> np.ndarray:
        Y = check_input(Y, self.widths[-1], "Y")
        if Y.shape[0] != rows:
            raise DataError(f"Y has {Y.shape[0]} rows for {rows} samples")
        return Y

    def backprop(self, theta, X, Y, rng=None, input_delta: bool = True) -> Backprop:
        """Forward pass, loss, and the backward pass: every delta and the flat gradient
        (``input_delta=False``: delta^0 = dL/dX, which no parameter needs, is left None)."""
        zs, masks = self.forward(theta, X, rng)
        Y = self._targets(Y, zs[0].shape[0])
        loss, delta = self.loss_module.value_and_delta(zs[-1], Y)
        deltas, grads = [delta], []
        params = self.unpack(theta)
        for l in range(len(self.modules) - 1, -1, -1):
            delta, g = self.modules[l].backward(zs[l], params[l], delta, masks[l],
                                                input_delta or l > 0)
            deltas.append(delta)
            grads.append(g)
        deltas.reverse()
        flat = [part.ravel() for g in reversed(grads) for part in g]
        return Backprop(loss, zs, deltas, np.concatenate(flat) if flat else np.zeros(0))

    def value_and_grad(self, theta, X, Y, rng=None) -> tuple:
        """(L, dL/dtheta) by backpropagation (training pass with a ``rng``)."""
        run = self.backprop(theta, X, Y, rng, input_delta=False)
        return run.loss, run.grad

    def value(self, theta, X, Y) -> float:
        """The loss L(theta) on (X, Y), evaluation pass."""
        zs, _ = self.forward(theta, X)
        return self.loss_module.value(zs[-1], self._targets(Y, zs[0].shape[0]))

    def grad(self, theta, X, Y) -> np.ndarray:
        """dL/dtheta by backpropagation, evaluation pass."""
        return self.backprop(theta, X, Y, input_delta=False).grad

    # -- the same network as one SymPy expression (the check of backpropagation) -----------------

    def expression(self) -> tuple:
        """(L, parameters, data): the network's loss written out as one SymPy expression of
        IndexedBase parameters w0, b0, ... and data X, Y, the modules' formulas nested (the
        evaluation pass: dropout is the identity). Compile it with :meth:`compiled`."""
        widths = [sp.Integer(w) for w in self.widths]     # a concrete (small) network
        X = sp.IndexedBase("X", shape=(m, widths[0]), real=True)
        z = lambda i: X[s, i]  # noqa: E731
        wrt = []
        for l, mod in enumerate(self.modules):
            n_out = widths[l + 1]
            w, h, _ = symbolic(type(mod), widths[l], n_out, {p: f"{p}{l}" for p in mod.params})
            wrt += list(w.values())
            hyper = dict(zip(mod.hyper, mod.hyper_values()))
            h = {name: sp.Float(hyper[name]) for name in h}
            masks = {name: (lambda c, h=h: 1 - h["p"]) for name in mod.masks}   # evaluation
            site = Site(z, widths[l], w, h, masks)
            z = (lambda c, mod=mod, site=site: mod.output(c, site))
        Y = sp.IndexedBase("Y", shape=(m, widths[-1]), real=True)
        i, j = sp.Dummy("i", integer=True), sp.Dummy("j", integer=True)
        ell = self.loss_module.per_sample(z, lambda c: Y[s, c], widths[-1], j, i)
        return sp.Sum(ell, (s, 0, m - 1)) / m, wrt, [X, Y]

    def compiled(self):
        """The loss of :meth:`expression` compiled by :func:`lagropt.compile`: its ``grad`` is
        the whole network's gradient in the layout of theta, with no backpropagation."""
        expr, wrt, data = self.expression()
        return compile_expr(expr, wrt=wrt, data=data, hessian=False)

    def __repr__(self) -> str:
        return f"Network({self.modules!r}, loss={self.loss_module!r})"
