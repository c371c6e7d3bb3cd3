"""Three SymPy functions that losses need and SymPy lacks, each with a stable NumPy form.

* ``sigmoid(s) = 1 / (1 + exp(-s))``, the logistic function (the lecture's sigma), with
  sigmoid' = sigmoid (1 - sigmoid); NumPy: ``scipy.special.expit``.
* ``softplus(s) = log(1 + exp(s))``, with softplus' = sigmoid; NumPy: ``logaddexp(0, s)``, which
  does not overflow for large s.
* ``xlogy(x, y) = x log(y)`` with ``0 log 0 = 0`` (the convention of entropy, cross-entropy and
  KL divergence); NumPy: ``scipy.special.xlogy``.
* ``logsumexp(Sum(exp(u_k), k)) = log(sum_k exp(u_k))``, the log of a softmax denominator;
  NumPy: ``scipy.special.logsumexp``. The compiler writes it where a loss has
  ``log(Sum(exp(...)))``, so that the softmax exp(u_c - logsumexp) cannot overflow.

They print and render like the formulas they stand for (``sigma(s)``, ``log(1 + e^s)``,
``x log(y)``), differentiate symbolically, and ``.rewrite(sp.exp)`` / ``.rewrite(sp.log)``
gives the plain SymPy form.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["sigmoid", "softplus", "xlogy", "logsumexp"]


class sigmoid(sp.Function):  # noqa: N801 - SymPy functions are lower case
    """The logistic function sigma(s) = 1 / (1 + exp(-s))."""

    nargs = 1

    @classmethod
    def eval(cls, s):
        if s.is_zero:
            return sp.Rational(1, 2)

    def fdiff(self, argindex=1):
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, s, **kwargs):
        return 1 / (1 + sp.exp(-s))

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        return self.args[0].is_real

    def _latex(self, printer):
        return r"\sigma\left(%s\right)" % printer._print(self.args[0])


class softplus(sp.Function):  # noqa: N801
    """softplus(s) = log(1 + exp(s)), the integral of the sigmoid."""

    nargs = 1

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])

    def _eval_rewrite_as_log(self, s, **kwargs):
        return sp.log(1 + sp.exp(s))

    _eval_rewrite_as_exp = _eval_rewrite_as_log

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        return self.args[0].is_real

    def _latex(self, printer):
        return r"\log\left(1 + e^{%s}\right)" % printer._print(self.args[0])


class xlogy(sp.Function):  # noqa: N801
    """x log(y), defined as 0 where x = 0 (so that 0 log 0 = 0)."""

    nargs = 2

    @classmethod
    def eval(cls, x, y):
        if x.is_zero:
            return sp.S.Zero

    def fdiff(self, argindex=1):
        x, y = self.args
        return sp.log(y) if argindex == 1 else x / y

    def _eval_rewrite_as_log(self, x, y, **kwargs):
        return x * sp.log(y)

    def _eval_is_real(self):
        x, y = self.args
        if x.is_real and y.is_positive:
            return True

    def _latex(self, printer):
        x, y = self.args
        return r"%s \log\left(%s\right)" % (printer.parenthesize(x, sp.printing.precedence.PRECEDENCE["Mul"]),
                                           printer._print(y))


class logsumexp(sp.Function):  # noqa: N801
    """log(S) for a sum of exponentials S = Sum(exp(u_k), (k, 0, K - 1)), evaluated stably.

    SymPy would simplify exp(u - log(S)) to exp(u)/S, which overflows; exp(u - logsumexp(S))
    stays as written.
    """

    nargs = 1

    def _eval_rewrite_as_log(self, s, **kwargs):
        return sp.log(s)

    def _eval_is_real(self):
        return self.args[0].is_positive

    def _latex(self, printer):
        return r"\log\left(%s\right)" % printer._print(self.args[0])
