"""The messages of each module and Xavier's variance, derived by SymPy and kept as derivations.

:func:`messages` writes a module's forward formula for one sample in the lecture's notation
(input z^l, output z^{l+1}, weights w, bias b), differentiates it, and records:

1. the forward message z_j^{l+1} = f_j(z^l; w^l);
2. the backward message dz_j^{l+1}/dz_i^l (Linear: w_ij);
3. the parameter messages dz_j^{l+1}/dw_ik^l (Linear: [j = k] z_i^l, written delta_jk);
4. the delta rule delta_i^l = sum_j delta_j^{l+1} dz_j^{l+1}/dz_i^l, the sum done;
5. the parameter gradient dL/dw = sum_j delta_j^{l+1} dz_j^{l+1}/dw.

For a loss module: the loss ell(z, y) and its backward message dell/dz_i (squared error
2(z_i - y_i); softmax cross-entropy yhat_i - y_i once sum_j y_j = 1).
:func:`xavier_variance` derives Var(s) = n_in Var(x) Var(w) for s = sum_i w_i x_i and
Var(w) = 1/n_in from Var(s) = Var(x), with SymPy's random variables.

Every derivation is a :class:`lagropt.Derivation`: ``print`` it, or ``.latex()`` / ``.to_tex()``.
"""

from __future__ import annotations

import sympy as sp

from ..derivation import Derivation
from .layers import Softmax
from .losses import LossModule, SoftmaxCrossEntropy
from .module import Module, Site, symbolic

__all__ = ["messages", "module_messages", "loss_messages", "xavier_variance", "Notation"]

n, K = sp.symbols("n K", integer=True, positive=True)
i, j, a, c = sp.symbols("i j a c", integer=True)


class Notation:
    """The lecture's symbols: z^l (input), z^{l+1} (output), delta^l, delta^{l+1}, L."""

    z_in = sp.IndexedBase("z^l", real=True)
    z_out = sp.IndexedBase("z^l+1", real=True)
    delta_in = sp.IndexedBase("delta^l", real=True)
    delta_out = sp.IndexedBase("delta^l+1", real=True)
    y = sp.IndexedBase("y", real=True)
    yhat = sp.IndexedBase("yhat", real=True)
    L = sp.Symbol("L")


def _eq(lhs, rhs):
    return sp.Eq(lhs, rhs, evaluate=False)


def _in_range(e):
    """Drop the Piecewise a sum over a symbolic range leaves after differentiation: its first
    branch holds when the index is inside 0..n-1, which every index here is."""
    return e.replace(lambda x: isinstance(x, sp.Piecewise), lambda x: x.args[0].expr)


def _done(e):
    """A derivative or a sum of messages with the Kronecker deltas summed out."""
    return sp.factor_terms(_in_range(sp.expand(e.doit())))


def _softmax_form(e, z, yhat, width, index):
    """Write e^{z_x} / sum_a e^{z_a} as yhat_x in ``e``."""
    total = sp.Sum(sp.exp(z[index]), (index, 0, width - 1))
    e = sp.expand(sp.powsimp(sp.expand(e, power_exp=True), combine="base"), power_exp=True)
    e = e.replace(lambda x: isinstance(x, sp.exp) and isinstance(x.args[0], sp.Indexed)
                  and x.args[0].base == z, lambda x: yhat[x.args[0].indices[0]] * total)
    e = sp.simplify(e).subs(sp.Sum(yhat[index], (index, 0, width - 1)), 1)   # sum yhat = 1
    return sp.factor_terms(sp.expand(e))


def module_messages(module: Module) -> Derivation:
    """The three messages of ``module`` and the delta rule (see the module docstring)."""
    N = Notation
    names = {"w": "w", "b": "b", "alpha": "alpha", "p": "p"}
    w, h, width = symbolic(type(module), n, None if module.elementwise else K, names)
    mask = sp.IndexedBase("M", real=True)
    site = Site(lambda x: N.z_in[x], n, w, h, {"M": lambda x: mask[x]}, a)
    out = module.output(j, site)
    d = Derivation(title=f"{module.title}: the three messages")
    d.add("forward", "Forward message:", [_eq(N.z_out[j], out)])
    backward = _done(sp.diff(out, N.z_in[i]))
    if isinstance(module, Softmax):
        backward = _softmax_form(backward, N.z_in, N.yhat, n, a)
        d.add("notation", "Writing the outputs as yhat, which sum to 1:",
              [_eq(N.yhat[j], out), _eq(sp.Sum(N.yhat[a], (a, 0, n - 1)), 1)])
    d.add("backward", "Backward message:", [_eq(sp.Derivative(N.z_out[j], N.z_in[i]), backward)])
    for name, base in w.items():
        index = (i, c) if len(base.shape) == 2 else (c,)
        msg = _done(sp.diff(out, base[index]))
        d.add("parameter", f"Parameter message for {name}:",
              [_eq(sp.Derivative(N.z_out[j], base[index]), msg)])
        total = _done(sp.Sum(N.delta_out[j] * msg, (j, 0, width - 1)))
        d.add("parameter-gradient", f"The loss's gradient with respect to {name}:",
              [_eq(sp.Derivative(N.L, base[index]),
                   sp.Sum(N.delta_out[j] * sp.Derivative(N.z_out[j], base[index]),
                          (j, 0, width - 1))), _eq(sp.Derivative(N.L, base[index]), total)],
              chain=True)
    delta = _done(sp.Sum(N.delta_out[j] * backward, (j, 0, width - 1)))
    d.add("delta", "The delta rule: the next module's delta sent back through the backward message:",
          [_eq(N.delta_in[i], sp.Sum(N.delta_out[j] * sp.Derivative(N.z_out[j], N.z_in[i]),
                                     (j, 0, width - 1))), _eq(N.delta_in[i], delta)], chain=True)
    return d


def loss_messages(loss: LossModule) -> Derivation:
    """The loss ell(z, y) of one sample and its backward message dell/dz_i."""
    N = Notation
    ell = loss.per_sample(lambda x: N.z_in[x], lambda x: N.y[x], K, j, a)
    d = Derivation(title=f"{loss.title}: the loss as a module")
    d.add("forward", "The loss of one sample:", [_eq(N.L, ell)])
    backward = _done(sp.diff(ell, N.z_in[i]))
    steps = [_eq(sp.Derivative(N.L, N.z_in[i]), backward)]
    if isinstance(loss, SoftmaxCrossEntropy):
        one_hot = sp.Sum(N.y[j], (j, 0, K - 1))
        backward = _softmax_form(backward.subs(one_hot, 1), N.z_in, N.yhat, K, a)
        d.add("notation", "With yhat = softmax(z), and one-hot targets (they sum to 1):",
              [_eq(N.yhat[i], sp.exp(N.z_in[i]) / sp.Sum(sp.exp(N.z_in[a]), (a, 0, K - 1))),
               _eq(one_hot, 1)])
        steps.append(_eq(sp.Derivative(N.L, N.z_in[i]), backward))
    d.add("backward", "Backward message (the first delta):", steps, chain=True)
    return d


def messages(module) -> Derivation:
    """The derivation of a module's (or a loss module's) messages."""
    if isinstance(module, LossModule):
        return loss_messages(module)
    if isinstance(module, Module):
        return module_messages(module)
    raise TypeError(f"messages() takes a module or a loss module, got {module!r}")


def xavier_variance() -> Derivation:
    """Var(s) = n_in Var(x) Var(w) for s = sum_i w_i x_i (deck 002), then Var(w) = 1 / n_in.

    The sum's variance is the sum of the variances (independent terms); each term's is
    derived by SymPy for one pair of independent zero-mean normal w, x: Var(w x) =
    E(w^2 x^2) - E(w x)^2 = E(w^2) E(x^2) = Var(w) Var(x).
    """
    from sympy import stats

    sw, sx = sp.symbols("sigma_w sigma_x", positive=True)
    rw, rx = stats.Normal("w", 0, sw), stats.Normal("x", 0, sx)
    w, x, s, n_in = sp.symbols("w x s n_in", positive=True)
    Var, E = sp.Function("Var"), sp.Function("E")
    d = Derivation(title="Xavier initialization: the variance of a linear neuron")
    d.add("model", "A linear neuron: s is the sum over the n_in inputs of w_i x_i, with w_i and x_i "
          "independent, identically distributed, E(w_i) = E(x_i) = 0; the variance of a sum of "
          "independent terms is the sum of their variances:", [_eq(Var(s), n_in * Var(w * x))])
    product = sp.simplify(stats.variance(rw * rx))
    d.add("term", "For one term (SymPy's random variables, Var(w) = sigma_w^2, Var(x) = "
          "sigma_x^2):", [_eq(E(w * x), stats.E(rw * rx)),
                          _eq(E(w ** 2 * x ** 2), stats.E(rw ** 2 * rx ** 2)),
                          _eq(Var(w * x), product)])
    if sp.simplify(product - stats.variance(rw) * stats.variance(rx)) != 0:
        raise AssertionError("Var(w x) != Var(w) Var(x)")   # a SymPy regression, not input
    d.add("variance", "So Var(w x) = Var(w) Var(x) and:", [_eq(Var(s), n_in * Var(x) * Var(w))])
    unknown = sp.Symbol("v", positive=True)
    choice = sp.solve(sp.Eq(n_in * Var(x) * unknown, Var(x)), unknown)[0]
    d.add("choice", "Asking for Var(s) = Var(x) (the signal neither grows nor shrinks):",
          [_eq(n_in * Var(x) * Var(w), Var(x)), _eq(Var(w), choice)], chain=True, result=choice)
    return d
