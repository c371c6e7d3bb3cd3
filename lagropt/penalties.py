"""Penalties (regularizers) as SymPy expressions, and penalties made from constraints.

``beta`` is an array (``IndexedBase`` of any rank, or a column ``MatrixSymbol``), or a sequence
of scalar symbols (a Problem's variables). Every penalty is a sum over the entries, so it
compiles to elementwise NumPy (``numpy.abs(beta)``, ``numpy.sign(beta)``).

Which constant each uses (lambda or lambda/2 in front of ||beta||_2^2):

* ``l1(beta, lam)``: lam ||beta||_1, gradient lam sign(beta);
* ``l2(beta, lam)``: lam ||beta||_2^2 (the lecture's; scikit-learn's Ridge), gradient 2 lam beta;
* ``weight_decay(beta, lam)``: lam/2 ||beta||_2^2 (deck 004; torch's ``weight_decay``),
  gradient lam beta;
* ``elastic_net(beta, lam, alpha)``: lam ((1 - alpha)/2 ||beta||^2 + alpha ||beta||_1) (the
  lecture's; glmnet's), gradient lam ((1 - alpha) beta + alpha sign(beta));
* ``sklearn_elastic_net(beta, alpha, l1_ratio)``: alpha l1_ratio ||beta||_1
  + alpha (1 - l1_ratio)/2 ||beta||^2 (the same, renamed);
* ``positivity(beta, lam)``: lam sum_j max(0, -beta_j), gradient -lam [beta_j < 0].

scikit-learn's (alpha, l1_ratio) are the lecture's (lambda, alpha): the two elastic nets are one
expression. Subgradients at 0 (where no derivative exists): sign(0) = 0, as in the lecture, and
d/dbeta max(0, -beta) = 0 at beta = 0 (Heaviside(0) = 0; SymPy's default 1/2 would give
-lam/2). Both are the minimum-norm subgradient: at beta = 0 the penalty does not push.

Penalties from constraints: :func:`quadratic_penalty` is rho/2 sum_k g_k^2 for constraints
g_k = 0; :func:`penalized` turns a whole :class:`~lagropt.Problem` into an unconstrained
objective, and :func:`penalty_multipliers` reads the Lagrange multipliers off its minimizer:
with the lecture's L = f - sum_k lambda_k g_k, minimizing f + rho/2 sum g_k^2 gives
grad f = sum_k (-rho g_k) grad g_k, so lambda_k ~ -rho g_k(x_rho) (+rho g_k when maximizing),
exact in the limit rho -> infinity.
"""

from __future__ import annotations

from typing import Iterable

import sympy as sp

from .errors import ProblemError
from .losses import j

__all__ = ["l1", "l2", "weight_decay", "elastic_net", "sklearn_elastic_net", "positivity",
           "quadratic_penalty", "penalized", "penalty_multipliers"]


def _sum_entries(beta, f) -> sp.Expr:
    """sum over every entry b of ``beta`` of f(b)."""
    if isinstance(beta, sp.Symbol):
        return f(beta)
    if isinstance(beta, (list, tuple)):
        return sp.Add(*[f(b) for b in beta])
    if isinstance(beta, sp.MatrixSymbol):
        rows, cols = beta.shape
        if cols != 1:
            raise ProblemError(f"{beta} is a {rows} x {cols} matrix: give a column vector or an IndexedBase")
        return sp.Sum(f(beta[j, 0]), (j, 0, rows - 1))
    if isinstance(beta, sp.IndexedBase):
        if beta.shape is None:
            raise ProblemError(f"give {beta} a shape: IndexedBase('{beta}', shape=(n,))")
        idx = [j] + [sp.Symbol(f"j{a}", integer=True) for a in range(1, len(beta.shape))]
        expr = f(beta[tuple(idx)])
        for index, length in reversed(list(zip(idx, beta.shape))):
            expr = sp.Sum(expr, (index, 0, length - 1))
        return expr
    raise ProblemError(f"a penalty takes an IndexedBase, a column MatrixSymbol or symbols, got {beta!r}")


def _norm1(beta):
    return _sum_entries(beta, sp.Abs)


def _norm2_squared(beta):
    return _sum_entries(beta, lambda b: b ** 2)


def l1(beta, lam) -> sp.Expr:
    """L1 (LASSO): lam ||beta||_1 = lam sum_j |beta_j|; gradient lam sign(beta), sign(0) = 0."""
    return lam * _norm1(beta)


def l2(beta, lam) -> sp.Expr:
    """L2 (Ridge) as the lecture and scikit-learn's Ridge write it: lam ||beta||_2^2.

    Gradient 2 lam beta (the lecture's "+ 2 lambda_2 beta"). For lam/2 ||beta||^2 see
    :func:`weight_decay`.
    """
    return lam * _norm2_squared(beta)


def weight_decay(beta, lam) -> sp.Expr:
    """L2 with the 1/2: lam/2 ||beta||_2^2, gradient lam beta (torch's ``weight_decay=lam``)."""
    return sp.sympify(lam) * _norm2_squared(beta) / 2


def elastic_net(beta, lam, alpha) -> sp.Expr:
    """The lecture's elastic net lam ((1 - alpha)/2 ||beta||^2 + alpha ||beta||_1).

    alpha = 1 is the L1 penalty lam ||beta||_1, alpha = 0 the weight decay lam/2 ||beta||^2.
    """
    lam, alpha = sp.sympify(lam), sp.sympify(alpha)
    return lam * ((1 - alpha) / 2 * _norm2_squared(beta) + alpha * _norm1(beta))


def sklearn_elastic_net(beta, alpha, l1_ratio) -> sp.Expr:
    """scikit-learn's elastic-net penalty alpha l1_ratio ||w||_1 + alpha (1 - l1_ratio)/2 ||w||^2.

    The same expression as :func:`elastic_net` with (lam, alpha) renamed (alpha, l1_ratio).
    scikit-learn's ElasticNet objective adds 1/(2m) ||y - X w||^2.
    """
    alpha, l1_ratio = sp.sympify(alpha), sp.sympify(l1_ratio)
    return alpha * l1_ratio * _norm1(beta) + alpha * (1 - l1_ratio) / 2 * _norm2_squared(beta)


def positivity(beta, lam) -> sp.Expr:
    """lam sum_j max(0, -beta_j): penalizes negative entries (the lecture's lambda max(0, -beta)).

    Its derivative is -lam where beta_j < 0 and 0 where beta_j > 0; at beta_j = 0 lagropt uses
    0 (the minimum-norm subgradient).
    """
    return lam * _sum_entries(beta, lambda b: sp.Max(0, -b))


# -- penalties from constraints -----------------------------------------------------------------

def _equality_function(con) -> sp.Expr:
    from .problem import Constraint
    if isinstance(con, Constraint):
        if not con.is_equality:
            raise ProblemError(f"{con} is an inequality; quadratic_penalty takes g = 0 constraints")
        return con.function
    if isinstance(con, sp.Eq):
        return con.lhs - con.rhs
    if isinstance(con, sp.Rel):
        raise ProblemError(f"{con} is an inequality; quadratic_penalty takes g = 0 constraints")
    return sp.sympify(con)


def quadratic_penalty(constraints, rho) -> sp.Expr:
    """rho/2 sum_k g_k^2 for constraints g_k = 0 (``Eq(lhs, rhs)`` means g = lhs - rhs)."""
    if not isinstance(constraints, Iterable) or isinstance(constraints, sp.Basic):
        constraints = [constraints]
    return sp.sympify(rho) / 2 * sp.Add(*[_equality_function(c) ** 2 for c in constraints])


def _sign(problem) -> int:
    return problem.sense.sign


def _violations(problem) -> list:
    """max(0, violation) of each inequality, in the problem's orientation."""
    s = _sign(problem)
    return [sp.Max(0, s * h) for h in problem.inequality_functions]


def penalized(problem, rho) -> sp.Expr:
    """The problem's objective with its constraints as quadratic penalties.

    Minimizing: f + rho/2 (sum_k g_k^2 + sum_j max(0, -h_j)^2) (h_j >= 0);
    maximizing: f - rho/2 (sum_k g_k^2 + sum_j max(0, h_j)^2) (h_j <= 0). Its optimizer x_rho
    tends to the constrained one as rho -> infinity.
    """
    squares = [g ** 2 for g in problem.equality_functions] + [v ** 2 for v in _violations(problem)]
    return problem.objective - _sign(problem) * sp.sympify(rho) / 2 * sp.Add(*squares)


def penalty_multipliers(problem, rho, point: dict) -> dict:
    """Lagrange multiplier estimates at the optimizer ``point`` of :func:`penalized`.

    lambda_k = -rho g_k when minimizing (+rho g_k when maximizing), mu_j = rho max(0, violation_j),
    in the lecture's convention L = f - sum lambda_k g_k - sum mu_j h_j.
    """
    s = _sign(problem)
    values = [s * rho * g for g in problem.equality_functions] + [rho * v for v in _violations(problem)]
    return {mult: sp.simplify(sp.sympify(v).subs(point))
            for mult, v in zip(problem.multipliers, values)}
