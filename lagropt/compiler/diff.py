"""Exact derivatives of index-form expressions, with the subgradient conventions fixed.

The derivative of a scalar loss with respect to an array parameter ``beta`` is an expression
with a free target index k: d/d beta[k]. It is built by the chain rule, one level at a time:

* d beta[j] / d beta[k] = delta_jk, and sum_j delta_jk f_j = f_k (:func:`make_sum`), so
  d/d beta_k sum_j X_ij beta_j = X_ik without any sum left;
* d Sum(body) = Sum(d body): the sum stays a sum (a NumPy reduction or a matrix product);
* any other node is a scalar function F of its operands; the operands that are array elements
  or sums are replaced by real scalar symbols u_q, SymPy differentiates F by each u_q, and
  d F = sum_q (dF/du_q) d u_q. All uses of one operand share one partial derivative, so the
  gradient of sum_i l(s_i), s_i = sum_j X_ij beta_j, is sum_i l'(s_i) X_ik: one X^T v.
* d log(sum_k exp(u_k)) = sum_k exp(u_k - log(sum exp u)) d u_k, the softmax in a form that
  cannot overflow.

Conventions at points where a derivative does not exist (documented in docs/losses.md):
d|u|/du = sign(u) with sign(0) = 0 (the lecture's, and the minimum-norm subgradient);
SymPy's d max(0, u)/du = Heaviside(u) is taken with Heaviside(0) = 0 (SymPy's default 1/2
would give -lambda/2 for the positivity penalty at beta = 0); derivatives that contain
DiracDelta (the derivative of sign or Heaviside) raise an error when evaluated where its
argument is 0.
"""

from __future__ import annotations

import sympy as sp

from ..errors import CompileError
from .index import Argument, IndexForm, is_logsumexp, make_sum, merge_sums

__all__ = ["Differentiator"]


def _opaque(e) -> bool:
    """Operands the scalar chain rule treats as variables: array elements and sums."""
    return isinstance(e, (sp.Indexed, sp.Sum)) or is_logsumexp(e)


def _with_heaviside_at_zero(result, before):
    """Heaviside terms created by differentiation take the value 0 at 0 (see module doc)."""
    old = before.atoms(sp.Heaviside)
    new = [h for h in result.atoms(sp.Heaviside) if h not in old and h.args[1] == sp.S.Half]
    return result.xreplace({h: sp.Heaviside(h.args[0], 0) for h in new})


class Differentiator:
    """Derivatives of index-form expressions with respect to the parameters of ``form``.

    Targets are (parameter, indices): the indices are fresh integer symbols, registered in
    ``form.ranges`` with the parameter's axis lengths.
    """

    def __init__(self, form: IndexForm):
        self.form = form
        self._memo = {}

    def target(self, param: Argument, name: str = "k") -> tuple:
        """Fresh indices k_0, k_1, ... for the axes of ``param`` (empty for a scalar)."""
        out = []
        for axis, length in enumerate(param.shape):
            k = sp.Dummy(f"{name}{axis}" if param.rank > 1 else name, integer=True)
            self.form.ranges[k] = length
            out.append(k)
        return tuple(out)

    def d(self, e, param: Argument, idx: tuple) -> sp.Expr:
        """d e / d param[idx]."""
        key = (e, param.symbol, idx)
        if key not in self._memo:
            self._memo[key] = self._d(sp.sympify(e), param, idx)
        return self._memo[key]

    def _d(self, e, param, idx):
        p = param.symbol
        if not e.has(p):
            return sp.S.Zero
        if e == p:
            return sp.S.One
        if isinstance(e, sp.Indexed):
            return sp.Mul(*[sp.KroneckerDelta(a, k) for a, k in zip(e.indices, idx)])
        if isinstance(e, sp.Sum):
            out = self.d(e.function, param, idx)
            for v, _lo, hi in e.limits:
                out = make_sum(out, v, hi + 1)
            return out
        if is_logsumexp(e):
            inner = e.args[0]
            (v, _lo, hi), = inner.limits
            u = inner.function.args[0]
            return make_sum(sp.exp(u - e) * self.d(u, param, idx), v, hi + 1)
        return self._chain(e, param, idx)

    def _chain(self, e, param, idx):
        surrogates = {}

        def hide(node):
            if _opaque(node):
                if node not in surrogates:
                    surrogates[node] = sp.Dummy("u", real=True)
                return surrogates[node]
            if not node.args:
                return node
            return node.func(*[hide(a) for a in node.args])

        F = hide(e)
        back = {u: node for node, u in surrogates.items()}
        total = sp.diff(F, param.symbol) if not param.is_array else sp.S.Zero
        total = total.xreplace(back)
        by_inner = {}
        for node, u in surrogates.items():
            if node.has(param.symbol):
                inner = self.d(node, param, idx)
                if inner != 0:
                    by_inner[inner] = by_inner.get(inner, 0) + sp.diff(F, u).xreplace(back)
        total = merge_sums(total + sp.Add(*[partial * inner for inner, partial in by_inner.items()]))
        total = _with_heaviside_at_zero(total, e)
        if total.has(sp.Derivative, sp.Subs):
            raise CompileError(f"SymPy cannot differentiate {sp.sstr(e)} with respect to "
                               f"{param.name}")
        return total

    def gradient(self, expr, param: Argument) -> tuple:
        """(d expr / d param[k...], (k...)) with fresh target indices."""
        idx = self.target(param, "k")
        return self.d(expr, param, idx), idx

