"""Descent on a :class:`lagropt.Problem`: the objective alone, or with equality constraints
by the augmented Lagrangian (the method of multipliers). Descent and Lagrange meet: the
multipliers it returns are the lecture's, lambda in L = f - sum_k lambda_k g_k.

With s = +1 to minimize and -1 to maximize, F = s f is minimized. For multipliers nu and a
penalty rho > 0, each outer iteration descends on

    L_A(x; nu, rho) = F(x) - sum_k nu_k g_k(x) + (rho / 2) sum_k g_k(x)^2,

    grad L_A = grad F - sum_k (nu_k - rho g_k) grad g_k,

then updates nu_k <- nu_k - rho g_k(x) (the first-order multiplier update: at a minimizer of
L_A, grad F = (nu - rho g) . grad g), and multiplies rho by 10 when the constraint violation
has not fallen to a quarter. At convergence grad F = sum nu_k grad g_k and g = 0, so
grad f = sum (s nu_k) grad g_k: the lecture's lambda_k = s nu_k.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import OptimizeResult

from ..errors import OptimizerError
from .loop import COMPLETED, CONVERGED, DIVERGED, STALLED, minimize
from .objective import Objective
from .rules import Adam
from ..standard import Sense

__all__ = ["descend"]


def _augmented_kernel(cp, sign, nu, rho):
    """kernel(*x) -> (L_A, *grad L_A) on Python floats from the raw generated functions."""
    fobj, gfun, jfun = cp.objective.raw("value_and_grad"), cp.equalities.raw("value"), \
        cp.equalities.raw("jac")
    n, K = len(cp.variables), len(nu)

    def kernel(*x):
        out = fobj(*x)
        grad = [sign * d for d in out[1:]]
        value = sign * out[0]
        if K:
            gs, J = gfun(*x), jfun(*x)
            for k in range(K):
                value += (0.5 * rho * gs[k] - nu[k]) * gs[k]
                w = nu[k] - rho * gs[k]
                row = k * n
                for i in range(n):
                    grad[i] -= w * J[row + i]
        return (value, *grad)
    return kernel


def _objective(kernel) -> Objective:
    def value_and_grad(x, d):
        out = kernel(*x)
        return float(out[0]), np.array(out[1:], dtype=float)
    return Objective(value_and_grad, lambda x, d: float(kernel(*x)[0]), (), kernel)


def _default_x0(variables) -> np.ndarray:
    """0 for each variable, 1 for one declared positive (inside the domain of a log)."""
    return np.array([1.0 if v.is_positive else 0.0 for v in variables])


def descend(problem, x0=None, optimizer=None, *, subs=None, steps: int = 5000, tol=1e-8,
            rho=10.0, outer: int = 30, progress: bool = False) -> OptimizeResult:
    """Gradient descent on ``problem``; equality constraints by the augmented Lagrangian.

    Parameters
    ----------
    problem : lagropt.Problem
        Objective, sense and equality constraints (inequality constraints are refused).
    x0 : array_like, optional
        Start, in the order of ``problem.variables`` (default 0, or 1 for a positive variable).
    optimizer : Optimizer, optional
        The update rule of each inner descent (default ``Adam(0.01)``).
    subs : dict, optional
        Numbers for the problem's parameters.
    steps : int
        Updates per inner descent (each stops earlier once max |grad L_A| <= tol).
    tol : float
        Convergence: max |g_k| <= tol and max |grad f - sum lambda_k grad g_k| <= tol.
    rho : float
        Initial penalty.
    outer : int
        Maximum number of multiplier updates.
    progress : bool
        A progress bar per inner descent.

    Returns
    -------
    scipy.optimize.OptimizeResult
        ``x``, ``point`` ({variable: value}), ``fun`` (f(x), the objective in the problem's
        sense), ``multipliers`` ({lambda_k: value}, the lecture's sign), ``maxcv`` (max
        |g_k(x)|), ``jac`` (grad f(x), of the objective as stated), ``nit`` (updates in
        all), ``nouter``, ``success``, ``status``, ``message``, ``path`` (all iterates, x0
        first) and ``losses`` (L_A along the path). ``status`` follows
        :func:`~lagropt.optim.minimize`: 0 converged (max |g_k| <= tol and max |grad L| <=
        tol; without constraints, the inner descent's max |grad f| <= tol), 1 the step or
        multiplier-update limit reached first, 2 diverged, 3 stalled; ``success`` is status 0.
    """
    from ..compiler import compile_problem

    cp = compile_problem(problem, subs)
    if cp.inequalities.exprs:
        raise OptimizerError("descend() handles equality constraints; for inequalities use "
                             "problem.solve() or lagropt.verify (SLSQP)")
    if not (float(rho) > 0):
        raise OptimizerError(f"rho must be > 0, got {rho!r}")
    optimizer = optimizer if optimizer is not None else Adam(0.01)
    sign = -float(Sense(cp.sense).sign)      # minimize sign * f
    x = _default_x0(cp.variables) if x0 is None else np.array(x0, dtype=float).reshape(-1)
    if x.size != len(cp.variables):
        raise OptimizerError(f"x0 has {x.size} entries for the {len(cp.variables)} variables "
                             + ", ".join(map(str, cp.variables)))
    K = len(cp.equalities.exprs)
    nu, rho = [0.0] * K, float(rho)
    paths, losses, nit = [x[None, :]], [], 0
    violation, message, status, done = math.inf, "", COMPLETED, 0
    for done in range(1, (outer if K else 1) + 1):
        r = minimize(_objective(_augmented_kernel(cp, sign, nu, rho)), x, optimizer,
                     steps=steps, tol=tol, progress=progress)
        paths.append(r.path[1:])
        losses.extend(r.losses if not losses else r.losses[1:])
        nit += r.nit
        x = r.x
        if r.status in (DIVERGED, STALLED):                       # say so
            status, message = r.status, f"outer iteration {done}: {r.message}"
            break
        if not K:
            status, message = r.status, r.message
            break
        g = np.asarray(cp.equalities(x), dtype=float)
        nu = [v - rho * gk for v, gk in zip(nu, g)]
        new_violation = float(np.abs(g).max())
        stationarity = _stationarity(cp, sign, nu, x)
        if new_violation <= tol and stationarity <= tol:
            status = CONVERGED
            message = (f"converged after {done} multiplier updates ({nit} steps): max |g| = "
                       f"{new_violation:.2g}, max |grad L| = {stationarity:.2g}")
            break
        if new_violation > 0.25 * violation:
            rho *= 10.0
        violation = new_violation
    else:
        message = (f"not converged after {outer} multiplier updates: max |g| = {violation:.2g} "
                   "(more steps per descent or a larger rho may help)")
    names = problem.equality_multipliers
    value = float(cp.objective.value(x))
    return OptimizeResult(x=x, point=dict(zip(problem.variables, x.tolist())), fun=value,
                          jac=np.asarray(cp.objective.grad(x), dtype=float), status=status,
                          multipliers={m: float(sign * v) for m, v in zip(names, nu)},
                          maxcv=float(np.abs(cp.equalities(x)).max()) if K else 0.0,
                          nit=nit, nouter=done, success=status == CONVERGED, message=message,
                          path=np.concatenate(paths), losses=np.array(losses))


def _stationarity(cp, sign, nu, x) -> float:
    """max |grad F - sum nu_k grad g_k| at x."""
    grad = sign * np.asarray(cp.objective.grad(x), dtype=float)
    return float(np.abs(grad - cp.equalities.jac(x).T @ np.asarray(nu)).max())
