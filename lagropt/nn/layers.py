"""The lecture's modules (deck 002), each one forward formula; the messages are derived.

=============  =========================================  ==========================================
module         forward z_j^{l+1}                          backward dz_j^{l+1}/dz_i^l (derived)
=============  =========================================  ==========================================
Linear         sum_i w_ij z_i^l + b_j                     w_ij; parameter dz_j/dw_ik = [j = k] z_i
ReLU           max(0, z_j)                                [i = j] H(z_j), H(0) = 0
LeakyReLU      max(z_j, alpha z_j), 0 < alpha < 1         [i = j] (H(z_j) + alpha H(-z_j))
Sigmoid        1 / (1 + e^{-z_j})                         [i = j] sigma(z_j)(1 - sigma(z_j))
Tanh           tanh(z_j)                                  [i = j] (1 - tanh^2 z_j)
Softmax        e^{z_j} / sum_i e^{z_i}                    yhat_j ([i = j] - yhat_i)
Dropout        M_j z_j / (1 - p), M_j ~ Bernoulli(1 - p)  [i = j] M_j / (1 - p)
=============  =========================================  ==========================================

ReLU's derivative at 0 is taken as 0 (the compiler's Heaviside(0) = 0), as torch does.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..errors import ProblemError
from ..functions import sigmoid
from .module import Module, Site

__all__ = ["Linear", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "Dropout"]


def _width(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ProblemError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


class Linear(Module):
    """The linear layer z_j^{l+1} = sum_i w_ij z_i^l + b_j (W is n_in x n_out)."""

    params = ("w", "b")
    elementwise = False
    title = "Linear layer"

    def __init__(self, n_in: int, n_out: int, bias: bool = True):
        self.n_in, self.n_out = _width("n_in", n_in), _width("n_out", n_out)
        if not bias:
            raise ProblemError("Linear always has a bias b (set it to 0 and mask it if needed)")

    def output(self, j, site: Site) -> sp.Expr:
        i = site.i
        return sp.Sum(site.w["w"][i, j] * site.z(i), (i, 0, site.n - 1)) + site.w["b"][j]

    def param_shape(self, name, n_in, n_out) -> tuple:
        return (n_in, n_out) if name == "w" else (n_out,)

    def out_width(self, n_in: int) -> int:
        return self.n_out

    def __repr__(self) -> str:
        return f"Linear({self.n_in}, {self.n_out})"


class ReLU(Module):
    """The rectified linear unit z_j^{l+1} = max(0, z_j^l)."""

    title = "ReLU"

    def output(self, j, site: Site) -> sp.Expr:
        return sp.Max(0, site.z(j))


class LeakyReLU(Module):
    """z_j^{l+1} = max(z_j, alpha z_j) for a slope 0 < alpha < 1 (no dead units)."""

    hyper = ("alpha",)
    title = "Leaky ReLU"

    def __init__(self, alpha: float = 0.01):
        if not 0 < alpha < 1:
            raise ProblemError(f"LeakyReLU needs 0 < alpha < 1, got {alpha!r}")
        self.alpha = float(alpha)

    def output(self, j, site: Site) -> sp.Expr:
        z = site.z(j)
        return sp.Max(0, z) - site.h["alpha"] * sp.Max(0, -z)

    def __repr__(self) -> str:
        return f"LeakyReLU(alpha={self.alpha})"


class Sigmoid(Module):
    """The logistic function z_j^{l+1} = 1 / (1 + e^{-z_j^l})."""

    title = "Sigmoid"

    def output(self, j, site: Site) -> sp.Expr:
        return sigmoid(site.z(j))


class Tanh(Module):
    """z_j^{l+1} = tanh(z_j^l)."""

    title = "Tanh"

    def output(self, j, site: Site) -> sp.Expr:
        return sp.tanh(site.z(j))


class Softmax(Module):
    """yhat_j = e^{z_j} / sum_i e^{z_i} (use :class:`SoftmaxCrossEntropy` for training: it
    combines the two into the stable yhat - y)."""

    title = "Softmax"

    def output(self, j, site: Site) -> sp.Expr:
        i = site.i
        return sp.exp(site.z(j)) / sp.Sum(sp.exp(site.z(i)), (i, 0, site.n - 1))


class Dropout(Module):
    """Inverted dropout: z_j^{l+1} = M_j z_j / (1 - p) with M_j ~ Bernoulli(1 - p) drawn anew
    for every sample of every training pass, and the identity at evaluation (the expected
    output is the same in both: E[M_j / (1 - p)] = 1)."""

    hyper = ("p",)
    masks = ("M",)
    title = "Dropout"

    def __init__(self, p: float = 0.5):
        if not 0 <= p < 1:
            raise ProblemError(f"Dropout needs a rate 0 <= p < 1, got {p!r}")
        self.p = float(p)

    def output(self, j, site: Site) -> sp.Expr:
        return site.masks["M"](j) * site.z(j) / (1 - site.h["p"])

    def draw_masks(self, shape, rng) -> tuple:
        return ((rng.random(shape) >= self.p).astype(float),)

    def eval_masks(self, shape) -> tuple:
        # at evaluation the layer is the identity: M_j = 1 - p makes M_j / (1 - p) = 1
        return (np.full(shape, 1.0 - self.p),)

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"
