"""Penalized least squares in one standard form, and the solvers for it.

Every least-squares estimator of :mod:`lagropt.regression` (OLS, ridge, lasso, both elastic
nets, non-negative least squares by penalty or by bound) is, after its SymPy objective has been
compiled, the problem

    F(w) = w^T Q w / 2 - q^T w + f0 + l2/2 ||w||^2 + sum_j [r_j max(w_j, 0) + l_j max(-w_j, 0)]

with Q the Hessian of the data term, q minus its gradient at w = 0 and f0 its value there
(all three read off the compiled data term), and (l2, r, l) read off the penalty by
:func:`penalty_shape`. L1 is r = l = lambda, the lecture's lambda max(0, -beta) is r = 0,
l = lambda, a bound w >= 0 is l = inf.

Optimality (the lecture's subgradient conditions), with g = Q w - q + l2 w:
g_j = -r_j where w_j > 0, g_j = l_j where w_j < 0, -r_j <= g_j <= l_j where w_j = 0.

Solvers:

* ``"active-set"`` -- guess which coefficients are non-zero and their signs, solve the linear
  system that the conditions above become on that set (Cholesky), move toward it until a sign
  would change, add the worst violator; repeat (Osborne, Presnell and Turlach 2000). Ends with
  the conditions met to rounding error: an exact answer, not one to a tolerance.
* ``"cd"`` -- cyclic coordinate descent, each coordinate by the derived update
  (:func:`lagropt.regression.derive.coordinate_update`), with scikit-learn's stopping rule.
* ``"fista"`` -- accelerated proximal gradient with backtracking and adaptive restart; the
  proximal step is the same derived update.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import sympy as sp

from ..errors import LagroptError, ProblemError
from .derive import coordinate_update

__all__ = ["PenalizedQuadratic", "penalty_shape", "solve_quadratic", "fista", "kkt_violation",
           "enet_duality_gap", "coordinate_update_scalar",
           "coordinate_update_numpy", "SOLVERS"]

SOLVERS = ("active-set", "cd", "fista")


class ConvergenceError(LagroptError):
    """An iterative solver stopped at max_iter before meeting its tolerance."""


# -- the derived coordinate update, as NumPy (arrays) and as Python floats (one coordinate) ----

@functools.lru_cache(maxsize=None)
def _update(modules: str):
    form = coordinate_update()
    s = form.symbols
    return sp.lambdify((s["v"], s["h"], s["r"], s["l"]), form.result.rhs, modules)


def coordinate_update_numpy():
    """``update(v, h, r, l) = (max(v - r, 0) - max(-v - l, 0)) / h``, vectorized, generated from
    the derived :func:`~lagropt.regression.derive.coordinate_update`."""
    return _update("numpy")


def coordinate_update_scalar():
    """The same update on Python floats (``math``), one coordinate at a time: what
    :mod:`lagropt.regression.coordinate` sweeps with, and numba compiles."""
    return _update("math")


# -- penalties in the standard form --------------------------------------------------------

def penalty_shape(penalty: sp.Expr, t: sp.Symbol) -> tuple:
    """(l2, r, l) of a per-coefficient penalty p(t) = l2 t^2/2 + r max(t, 0) + l max(-t, 0).

    Parameters
    ----------
    penalty : sympy.Expr
        p(t) for one coefficient t (e.g. ``penalties.elastic_net([t], lam, alpha)``).
    t : Symbol
        The coefficient.

    Returns
    -------
    tuple of sympy.Expr
        l2 = p''(t), r = p'(0+), l = -p'(0-), in the penalty's hyperparameters.

    Raises
    ------
    ProblemError
        When p is not of that form (the estimator then needs a general-purpose solver).
    """
    side = sp.Dummy("s", positive=True)
    right, left = penalty.subs(t, side), penalty.subs(t, -side)
    l2 = sp.simplify(sp.diff(right, side, 2))
    r = sp.simplify(sp.diff(right, side).subs(side, 0))
    l = sp.simplify(sp.diff(left, side).subs(side, 0))
    expected_right, expected_left = l2 * side ** 2 / 2 + r * side, l2 * side ** 2 / 2 + l * side
    if (sp.simplify(right - expected_right) != 0 or sp.simplify(left - expected_left) != 0
            or sp.simplify(sp.diff(left, side, 2) - l2) != 0):
        raise ProblemError(f"the penalty {penalty} is not (l2/2) t^2 + r max(t, 0) + l max(-t, 0) "
                           "per coefficient; use solver='lbfgs' or a descent optimizer")
    return l2, r, l


@dataclass
class PenalizedQuadratic:
    """F(w) = w^T Q w/2 - q^T w + f0 + l2/2 ||w||^2 + sum_j [r_j max(w_j, 0) + l_j max(-w_j, 0)].

    ``right`` and ``left`` are numbers or arrays of length n (``inf`` in ``left`` is the bound
    w_j >= 0). ``f0`` (the data term at w = 0) sets the scale of the duality-gap tolerance.
    """

    Q: np.ndarray
    q: np.ndarray
    f0: float = 0.0
    l2: float = 0.0
    right: object = 0.0
    left: object = 0.0

    def __post_init__(self):
        n = len(self.q)
        self.right = np.broadcast_to(np.asarray(self.right, dtype=float), (n,))
        self.left = np.broadcast_to(np.asarray(self.left, dtype=float), (n,))
        if np.any(self.right < 0) or np.any(self.left < 0) or self.l2 < 0:
            raise ProblemError("penalty slopes and the L2 weight must be >= 0")

    @property
    def symmetric_l1(self) -> bool:
        """Whether the piecewise-linear part is a*||w||_1 (one a, same on both sides)."""
        return bool(np.all(self.right == self.right[0]) and np.all(self.left == self.right[0])
                    and np.isfinite(self.right[0]))

    def smooth_gradient(self, w):
        """g = Q w - q + l2 w."""
        return self.Q @ w - self.q + self.l2 * w

    def value(self, w) -> float:
        """F(w)."""
        w = np.asarray(w, dtype=float)
        negative = w < 0
        linear = self.right @ np.maximum(w, 0) - self.left[negative] @ w[negative]
        return float(w @ (self.Q @ w) / 2 - self.q @ w + self.f0 + self.l2 / 2 * w @ w + linear)

    def kkt_violation(self, w) -> float:
        """The largest violation of the subgradient optimality conditions at w (0 at the optimum)."""
        return kkt_violation(w, self.smooth_gradient(w), self.right, self.left)

    def duality_gap(self, w) -> float:
        """scikit-learn's duality gap of the elastic net, in this problem's scale (its
        formulation A with L1, B for ridge, the squared first-order residual for least
        squares); only for a symmetric L1 part (``symmetric_l1``)."""
        Qw = self.Q @ w
        residual2 = 2 * self.f0 + w @ Qw - 2 * self.q @ w          # ||y - X w||^2 in this scale
        ry = 2 * self.f0 - self.q @ w                               # (y - X w)^T y
        xtr = self.q - Qw                                           # X^T (y - X w)
        return enet_duality_gap(w, residual2, ry, xtr, self.right[0], self.l2)


def enet_duality_gap(w, residual2: float, ry: float, xtr, a: float, l2: float) -> float:
    """scikit-learn's duality gap of a ||w||_1 + l2/2 ||w||^2 plus the data term, from
    residual2 = c ||y - X w||^2, ry = c (y - X w)^T y and xtr = c X^T (y - X w) (c the data
    term's scale; see :meth:`PenalizedQuadratic.duality_gap`).

    With L1 (a > 0), formulation A: nu = X^T r - l2 w, s = min(1, a / max|nu|),
    gap = (residual2 + l2 ||w||^2)/2 + a ||w||_1 + s^2 (residual2 + l2 ||w||^2)/2 - s ry."""
    l2_term = l2 * (w @ w)
    if a == 0:
        if l2 == 0:
            return float(xtr @ xtr)
        return float(residual2 + l2_term / 2 - ry + xtr @ xtr / (2 * l2))
    xta = xtr - l2 * w
    dual_norm = np.abs(xta).max(initial=0.0)
    scale = a / dual_norm if dual_norm > a else 1.0
    primal = (residual2 + l2_term) / 2 + a * np.abs(w).sum()
    dual = -scale ** 2 * (residual2 + l2_term) / 2 + scale * ry
    return float(primal - dual)


def kkt_violation(w, gradient, right, left) -> float:
    """max_j of: |g_j + r_j| where w_j > 0, |g_j - l_j| where w_j < 0,
    max(0, -r_j - g_j, g_j - l_j) where w_j = 0 (g the smooth part's gradient)."""
    w, g = np.asarray(w), np.asarray(gradient)
    with np.errstate(invalid="ignore"):
        at_zero = np.maximum(np.maximum(-right - g, g - left), 0.0)
        v = np.where(w > 0, np.abs(g + right), np.where(w < 0, np.abs(g - left), at_zero))
    return float(v.max()) if v.size else 0.0


# -- the solvers ----------------------------------------------------------------------------

@dataclass
class QuadraticResult:
    """What a solve returns: the coefficients, how many iterations, how close to optimal."""

    w: np.ndarray
    n_iter: int
    method: str
    kkt: float
    gap: float | None


def solve_quadratic(problem: PenalizedQuadratic, w0=None, method: str = "active-set",
                    tol: float = 1e-8, max_iter: int = 10_000) -> QuadraticResult:
    """Minimize a :class:`PenalizedQuadratic`.

    Parameters
    ----------
    problem : PenalizedQuadratic
    w0 : array, optional
        Warm start (paths pass the previous solution).
    method : {"active-set", "cd", "fista"}
        See the module docstring. ``"active-set"`` falls back to ``"cd"`` when a system on the
        active set is singular (more active coefficients than independent samples).
    tol : float
        For cd and fista: stop when the duality gap is at most tol * 2 f0 (scikit-learn's rule:
        tol * ||y||^2 in its scaling), or, for penalties other than a symmetric L1, when the
        KKT violation is at most tol * max|q|.
    max_iter : int
        Sweeps (cd), iterations (fista) or active-set changes.

    Returns
    -------
    QuadraticResult
    """
    n = len(problem.q)
    w = np.zeros(n) if w0 is None else np.array(w0, dtype=float)
    if w.shape != (n,):
        raise ProblemError(f"the warm start has shape {w.shape}, expected ({n},)")
    if method not in SOLVERS:
        raise ProblemError(f"unknown solver {method!r}; choose one of {', '.join(SOLVERS)}")
    if method == "active-set":
        done = _active_set(problem, w, max_iter)
        if done is not None:
            return _result(problem, done[0], done[1], "active-set")
        method = "cd"
    if method == "cd":
        w, it = _coordinate_descent(problem, w, tol, max_iter)
    else:
        w, it = _fista_quadratic(problem, w, tol, max_iter)
    return _result(problem, w, it, method)


def _result(problem, w, n_iter, method) -> QuadraticResult:
    gap = problem.duality_gap(w) if problem.symmetric_l1 else None
    return QuadraticResult(w, n_iter, method, problem.kkt_violation(w), gap)


def _slopes(problem, A, signs):
    return np.where(signs > 0, problem.right[A], -problem.left[A])


class _ActiveCholesky:
    """L with L L^T = Q[A][:, A] for the ordered active list ``order``, updated as coefficients
    enter and leave: O(k^2) per change instead of O(k^3) for a new factorization (the
    path's warm starts change the active set one coefficient at a time).

    Entering j: l = L^{-1} Q[A, j], d = sqrt(Q[j, j] - l^T l), L <- [[L, 0], [l^T, d]].
    Leaving the p-th: delete row p of L; the rows below then reach one column past the
    diagonal, and Givens rotations of columns (i, i + 1), i = p, ..., k - 2 (orthogonal, so
    L L^T is unchanged) zero those entries; the last column is then zero and is dropped."""

    def __init__(self, Q):
        n = Q.shape[0]
        self.Q, self.order, self._buffer = Q, [], np.empty((n, n))    # L: its top-left k x k

    @property
    def L(self):
        k = len(self.order)
        return self._buffer[:k, :k]

    def start(self, indices) -> bool:
        """The factor of Q[A][:, A] for A = ``indices`` at once (a warm start's active set);
        False when it is not numerically positive definite."""
        A = [int(j) for j in indices]
        try:
            L = scipy.linalg.cholesky(self.Q[np.ix_(A, A)], lower=True, check_finite=False) \
                if A else np.zeros((0, 0))
        except np.linalg.LinAlgError:
            return False
        self.order = A
        self._buffer[:len(A), :len(A)] = L
        return True

    def add(self, j: int) -> bool:
        """Append j; False when Q[A + j][:, A + j] is not numerically positive definite."""
        k = len(self.order)
        l = scipy.linalg.solve_triangular(self.L, self.Q[self.order, j], lower=True,
                                          check_finite=False) if k else np.zeros(0)
        d2 = self.Q[j, j] - l @ l
        if not d2 > 0:
            return False
        self._buffer[k, :k], self._buffer[k, k], self._buffer[:k, k] = l, np.sqrt(d2), 0.0
        self.order.append(j)
        return True

    def drop(self, j: int) -> None:
        p = self.order.index(j)
        L = np.delete(self.L, p, axis=0)
        for i in range(p, L.shape[0]):
            a, b = L[i, i], L[i, i + 1]
            r = np.hypot(a, b)
            c, s = (1.0, 0.0) if r == 0 else (a / r, b / r)
            left, right = L[i:, i].copy(), L[i:, i + 1].copy()
            L[i:, i], L[i:, i + 1] = c * left + s * right, c * right - s * left
            L[i, i + 1] = 0.0
        del self.order[p]
        k = len(self.order)
        self._buffer[:k, :k] = L[:, :-1]

    def solve(self, b):
        """z with Q[A][:, A] z = b."""
        return scipy.linalg.cho_solve((self.L, True), b, check_finite=False)


def _active_set(problem: PenalizedQuadratic, w, max_iter):
    """The active-set method; None when a reduced system is singular."""
    Q = problem.Q + problem.l2 * np.eye(len(w)) if problem.l2 else problem.Q
    q, right, left = problem.q, problem.right, problem.left
    signs = np.sign(w)
    active = signs != 0
    factor = _ActiveCholesky(Q)
    if not factor.start(np.flatnonzero(active)):
        return None
    scale = max(np.abs(q).max(initial=0.0), np.abs(Q).max(initial=0.0) * np.abs(w).max(initial=0.0),
                np.finfo(float).tiny)
    eps = 1e-12 * scale * max(1, len(w)) ** 0.5
    added = None
    for it in range(1, max_iter + 1):
        A = np.array(factor.order, dtype=int)
        if A.size:
            z = factor.solve(q[A] - _slopes(problem, A, signs[A]))
            wrong = signs[A] * z <= 0
            if wrong.any():
                current = w[A]
                t = current[wrong] / (current[wrong] - z[wrong])
                k = int(np.argmin(t))
                drop = A[wrong][k]
                if drop == added and t[k] == 0:           # re-adding it would cycle: rounding
                    active[drop], signs[drop], w[drop] = False, 0, 0.0
                    return w, it
                w[A] = current + t[k] * (z - current)
                active[drop], signs[drop], w[drop] = False, 0, 0.0
                factor.drop(int(drop))
                added = None
                continue
            w[A] = z
        w[~active] = 0.0
        # Q w - q with w = 0 off the active set: the k active rows of the symmetric Q when
        # they are fewer than half of them (reads k n entries, not n^2)
        g = (w[A] @ Q[A] if 2 * A.size < len(w) else Q @ w) - q
        with np.errstate(invalid="ignore"):
            up, down = -right - g, g - left        # > 0: w_j should become > 0 (< 0)
        violation = np.where(active, -np.inf, np.maximum(up, down))
        j = int(np.argmax(violation)) if len(w) else 0
        if not len(w) or violation[j] <= eps:
            return w, it
        active[j], signs[j], added = True, (1 if up[j] >= down[j] else -1), j
        if not factor.add(j):
            return None
    return None


def _coordinate_descent(problem: PenalizedQuadratic, w, tol, max_iter):
    """Cyclic coordinate descent with the derived update; stops like scikit-learn: after a
    sweep whose largest change is at most tol times the largest coefficient, if the gap (or the
    KKT violation) is small enough."""
    update = _update("math")
    Q, q, l2 = problem.Q, problem.q, problem.l2
    right, left = problem.right.tolist(), problem.left.tolist()
    diagonal = np.diag(Q).tolist()
    Qw = Q @ w
    values = w.tolist()
    stop = _stopping_rule(problem, tol)
    columns = [np.ascontiguousarray(Q[:, j]) for j in range(len(w))]
    for sweep in range(1, max_iter + 1):
        biggest_change = biggest = 0.0
        for j, h in enumerate(diagonal):
            if h == 0.0 and l2 == 0.0:
                continue
            old = values[j]
            new = update(q[j] - Qw[j] + h * old, h + l2, right[j], left[j])
            if new != old:
                Qw += (new - old) * columns[j]
                values[j] = new
                biggest_change = max(biggest_change, abs(new - old))
            biggest = max(biggest, abs(new))
        if biggest == 0.0 or biggest_change <= tol * biggest:
            w = np.array(values)
            if stop(w):
                return w, sweep
    raise ConvergenceError(f"coordinate descent did not reach tol={tol:g} in {max_iter} sweeps")


def _stopping_rule(problem: PenalizedQuadratic, tol: float):
    if problem.symmetric_l1:
        bound = tol * 2 * problem.f0
        return lambda w: problem.duality_gap(w) <= bound
    bound = tol * max(np.abs(problem.q).max(initial=0.0), np.finfo(float).tiny)
    return lambda w: problem.kkt_violation(w) <= bound


def _fista_quadratic(problem: PenalizedQuadratic, w, tol, max_iter):
    Q, q, l2 = problem.Q, problem.q, problem.l2
    lipschitz = float(scipy.linalg.eigvalsh(Q, subset_by_index=[len(q) - 1, len(q) - 1])[0]) + l2

    def value_and_grad(x):
        Qx = Q @ x
        return x @ Qx / 2 - q @ x + l2 / 2 * x @ x, Qx - q + l2 * x

    x, it = fista(value_and_grad, w, problem.right, problem.left, lipschitz=lipschitz, tol=tol,
                  max_iter=max_iter, converged=_stopping_rule(problem, tol), backtrack=False)
    return x, it


def fista(value_and_grad, x0, right, left, *, lipschitz: float = 1.0, tol: float = 1e-8,
          max_iter: int = 10_000, converged=None, backtrack: bool = True, check_every: int = 10):
    """Accelerated proximal gradient (FISTA, Beck and Teboulle 2009) with adaptive restart
    (O'Donoghue and Candes 2015) for f(x) + sum_j [r_j max(x_j, 0) + l_j max(-x_j, 0)].

    Parameters
    ----------
    value_and_grad : callable
        x -> (f(x), grad f(x)) of the smooth part.
    x0 : array
    right, left : float or array
        Slopes of the penalty (0 for unpenalized coordinates such as an intercept).
    lipschitz : float
        Initial estimate of the gradient's Lipschitz constant (the step is 1/L).
    tol : float
        Default stopping rule: the KKT violation at most tol * max(1, max|grad f(x0)|).
    converged : callable, optional
        x -> bool, checked every ``check_every`` iterations instead of the default rule.
    backtrack : bool
        Increase L until the quadratic upper bound holds (needed unless L is known).

    Returns
    -------
    (x, iterations)
    """
    update = coordinate_update_numpy()
    x = np.array(x0, dtype=float)
    right = np.broadcast_to(right, x.shape)
    left = np.broadcast_to(left, x.shape)
    _, g0 = value_and_grad(x)
    if converged is None:
        bound = tol * max(1.0, np.abs(g0).max(initial=0.0))
        converged = lambda z: kkt_violation(z, value_and_grad(z)[1], right, left) <= bound  # noqa: E731
    y, t, L = x.copy(), 1.0, lipschitz
    for it in range(1, max_iter + 1):
        fy, gy = value_and_grad(y)
        while True:
            x_new = update(L * y - gy, L, right, left)
            if not backtrack:
                break
            step = x_new - y
            f_new, _ = value_and_grad(x_new)
            if f_new <= fy + gy @ step + L / 2 * step @ step + 1e-12 * abs(fy):
                break
            L *= 2.0
        if (y - x_new) @ (x_new - x) > 0:           # momentum points uphill: restart
            t, y = 1.0, x_new.copy()
        else:
            t_new = (1 + (1 + 4 * t * t) ** 0.5) / 2
            y = x_new + (t - 1) / t_new * (x_new - x)
            t = t_new
        x = x_new
        if it % check_every == 0 and converged(x):
            return x, it
    if converged(x):
        return x, max_iter
    raise ConvergenceError(f"FISTA did not reach tol={tol:g} in {max_iter} iterations")
