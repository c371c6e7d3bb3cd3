"""The numeric fallback's search: a fixed, seeded multi-start, the same on every machine.

No clock is read: the number of starts, of local searches and of active sets tried is fixed,
so the answer does not depend on the machine or its load. The steps:

1. ``STARTS`` (20) starting points from a generator seeded with ``SEED`` (0), at the scales
   0.5, 2 and 10 in turn, moved inside the variables' sign assumptions (x > 0 ...).
2. From every start, scipy's SLSQP (ftol 1e-12, at most 200 iterations) and trust-constr (at
   most ``TRUST_ITERATIONS`` = 50, then polished by SLSQP when its end point cannot be refined
   as it is) minimize f itself under the constraints (maximize: minimize -f).
3. Every feasible end point is refined by root finding on the KKT system of the inequalities
   active there (|h_j| <= ``ACTIVE_TOL``), starting from the multipliers recomputed from
   stationarity (least squares); the refined point replaces the end point when it is feasible,
   its inequality multipliers have the right sign, and it lies within ``REFINE_RTOL`` of it.
4. Root finding on the KKT system from the same starts, for the active sets those searches
   ended on and then the smallest ones in order (|A| = 0, 1, 2, ..., never more active
   constraints than variables), at most ``MAX_ACTIVE_SETS`` sets in all, generated lazily
   (never all 2^k): this also finds the saddles and the maxima.
5. Points closer than ``MERGE_RTOL`` = 1e-6 (relative, in the max norm: |x - y| <=
   MERGE_RTOL * max(1, |x|)) are one point, and so are points closer than ``NEAR_RTOL`` =
   1e-2 whose values agree to ``VALUE_RTOL`` = 1e-8 (a degenerate minimum such as f = d^4
   fixes x only to about the 4th root of f's error); the refined one (then the better one)
   is kept.
6. The best feasible point any search evaluated is kept (:attr:`Search.best_seen`), and so is
   the end point of a search that did not converge once moved back onto the constraints
   (least-norm Gauss-Newton): a caller that finds it better than every local optimum knows f
   ran away (unbounded, not attained) instead of reporting a worse point as the optimum.

An optional ``budget`` (any object with a method ``expired() -> bool``) is asked between
starts only, as a safety stop; :attr:`Search.stopped` says whether it stopped the search.
"""

from __future__ import annotations

import contextlib
import itertools
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize as so
import sympy as sp

from ..compiler import compile_problem
from ..errors import LagroptError
from ..standard import Sense

__all__ = ["STARTS", "SEED", "MAX_ACTIVE_SETS", "MERGE_TEXT", "Candidate", "Search", "search",
           "direct_search", "starting_points", "local_searches", "feasible", "quiet"]

STARTS = 20               # starting points, each used by SLSQP, trust-constr and root finding
SEED = 0
SCALES = (0.5, 2.0, 10.0)
MAX_ACTIVE_SETS = 32      # active sets given to KKT root finding
MERGE_RTOL = 1e-6         # points this close (relative, max norm) are one point,
NEAR_RTOL = 1e-2          # and so are points this close whose values agree
VALUE_RTOL = 1e-8         # to this (relative to max(1, |f|))
MERGE_TEXT = (f"points closer than {MERGE_RTOL:g} relative, or than {NEAR_RTOL:g} with values "
              f"equal to {VALUE_RTOL:g}, taken as one")
REFINE_RTOL = 1e-2        # a refined point must stay this close to the end point it refines
                          # (and be no worse): trust-constr may stop 1e-3 short of a vertex
TRUST_ITERATIONS = 50     # trust-constr's end points are refined or polished by SLSQP
SLSQP_ITERATIONS = 200    # (at ftol 1e-14 SLSQP went to 500 iterations at the optimum of HS7)
ACTIVE_TOL = 1e-6         # |h_j| below this (relative to max(1, |x|)) counts as active
FEASIBLE_TOL = 1e-8       # constraint violation allowed at a reported point
ROOT_TOL = 1e-10          # largest KKT residual of a root


@contextlib.contextmanager
def quiet():
    """No warnings from scipy, NumPy or lambdified code (overflow, "delta_grad == 0", ...):
    the fallback reports what it found in its result, not on stderr."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def expired(budget) -> bool:
    """True when the optional safety budget says to stop."""
    return budget is not None and bool(budget.expired())


def starting_points(variables, count: int = STARTS, seed: int = SEED) -> list[np.ndarray]:
    """``count`` seeded starting points at the scales 0.5, 2, 10 in turn, respecting the
    variables' sign assumptions."""
    rng = np.random.default_rng(seed)
    points = []
    for i in range(count):
        s = SCALES[i % len(SCALES)]
        z = rng.uniform(-s, s, len(variables))
        for k, v in enumerate(variables):
            if v.is_positive or v.is_nonnegative:
                z[k] = abs(z[k]) + 1e-3
            if v.is_negative or v.is_nonpositive:
                z[k] = -abs(z[k]) - 1e-3
        points.append(z)
    return points


def feasible(cp, x, tol: float = FEASIBLE_TOL) -> bool:
    """x satisfies the compiled problem's constraints and sign assumptions within ``tol``
    (strict inequalities and strict signs strictly)."""
    if not np.all(np.isfinite(x)):
        return False
    if cp.equalities.exprs and not np.abs(cp.equalities(x)).max() <= tol:
        return False
    if cp.inequalities.exprs:
        for hv, strict in zip(cp.inequalities(x), cp.strict):
            if not hv >= (tol if strict else -tol):
                return False
    for v, val in zip(cp.variables, x):
        if (v.is_positive and val <= 0) or (v.is_negative and val >= 0):
            return False
        if (v.is_nonnegative and val < -tol) or (v.is_nonpositive and val > tol):
            return False
    return True


# -- scipy on the problem itself -----------------------------------------------------------------

def _bounds(cp):
    """The variables' sign assumptions as (lo, hi) pairs, None when there are none."""
    bounds = [(None if lo is None else lo + (1e-12 if v.is_positive else 0.0),
               None if hi is None else hi - (1e-12 if v.is_negative else 0.0))
              for (lo, hi), v in zip(cp.bounds, cp.variables)]
    return bounds if any(b != (None, None) for b in bounds) else None


class Tracked:
    """f as scipy minimizes it (-f when maximizing), with its gradient and Hessian: NaN where
    x or the value is not finite (a search running away) instead of an error, and the best
    feasible point any search evaluated kept in ``best_x``/``best`` (in f's own sign)."""

    def __init__(self, cp):
        self.cp = cp
        self.sign = -float(Sense(cp.sense).sign)
        self.best_x, self._best = None, np.inf

    @property
    def best(self):
        return None if self.best_x is None else self.sign * self._best

    def _call(self, method, x, shape):
        if not np.all(np.isfinite(x)):
            return np.full(shape, np.nan)
        try:
            return self.sign * np.asarray(method(x), dtype=float)
        except (LagroptError, ValueError, ArithmeticError):
            return np.full(shape, np.nan)

    def value(self, x) -> float:
        v = float(self._call(self.cp.objective.value, x, ()))
        if v < self._best and feasible(self.cp, x):
            self._best, self.best_x = v, np.array(x, dtype=float)
        return v

    def consider(self, x) -> None:
        """Keep x moved onto the constraints (the end point of a search running away) when it
        is then feasible and the best so far."""
        self.value(_restore(self.cp, x))

    def grad(self, x) -> np.ndarray:
        return self._call(self.cp.objective.grad, x, len(x))

    def hess(self, x) -> np.ndarray:
        return self._call(self.cp.objective.hess, x, (len(x), len(x)))


def local_searches(cp, x0, tracked: Tracked, smooth: bool = True,
                   methods=("SLSQP", "trust-constr")) -> list:
    """SLSQP and trust-constr (or ``methods``) from ``x0`` on the compiled problem:
    [(method, OptimizeResult)] (a method that raises is left out). ``smooth=False`` (Abs,
    Max ...) gives trust-constr no Hessian."""
    bounds = _bounds(cp)
    out = []
    slsqp = cp.slsqp_constraints()
    trust = []
    if cp.equalities.exprs:
        trust.append(so.NonlinearConstraint(cp.equalities, 0.0, 0.0, jac=cp.equalities.jac))
    if cp.inequalities.exprs:
        trust.append(so.NonlinearConstraint(cp.inequalities, 0.0, np.inf, jac=cp.inequalities.jac))
    runs = [("SLSQP", dict(constraints=slsqp, bounds=bounds,
                           options={"ftol": 1e-12, "maxiter": SLSQP_ITERATIONS})),
            ("trust-constr", dict(constraints=trust, bounds=bounds,
                                  hess=tracked.hess if smooth else None,
                                  options={"maxiter": TRUST_ITERATIONS}))]
    for method, kwargs in runs:
        if method not in methods:
            continue
        try:
            out.append((method, so.minimize(tracked.value, x0, jac=tracked.grad, method=method,
                                            **kwargs)))
        except (LagroptError, ValueError, ArithmeticError, np.linalg.LinAlgError):
            continue
    return out


def converged(result) -> bool:
    """scipy says the search converged (trust-constr: status 1 or 2; SLSQP: 0)."""
    return bool(result.success) and np.all(np.isfinite(result.x)) and np.isfinite(result.fun)


# -- the KKT system, lambdified once for every active set ---------------------------------------

class KKT:
    """The KKT system with every inequality's multiplier, lambdified once; an active set A
    picks its rows and columns (mu_j = 0 for j outside A)."""

    def __init__(self, internal):
        self.internal = internal
        self.n, self.m, self.k = len(internal.variables), len(internal.g), len(internal.h)
        every = tuple(range(self.k))
        xs = list(internal.variables)
        z = xs + list(internal.lambdas) + list(internal.mus)
        lamb = lambda e: sp.lambdify([z], e, modules="numpy", cse=True)  # noqa: E731
        self._grad = lamb(internal.lagrangian_gradient(every))
        self._cons = lamb(list(internal.g) + list(internal.h)) if self.m + self.k else None
        self._hess = lamb(internal.hessian_of_lagrangian(every))
        self._jac = lamb(internal.jacobian(every)) if self.m + self.k else None

    def full(self, x, mult=None) -> np.ndarray:
        """(x, lambda, mu) with ``mult`` (a vector of the m + k multipliers) or zeros."""
        mult = np.zeros(self.m + self.k) if mult is None else mult
        return np.concatenate([np.asarray(x, dtype=float), mult])

    def _values(self, z):
        grad = np.asarray(self._grad(z), dtype=float).reshape(-1)
        cons = np.asarray(self._cons(z), dtype=float).reshape(-1) if self._cons else np.zeros(0)
        return grad, cons

    def constraint_jacobian(self, z) -> np.ndarray:
        if self._jac is None:
            return np.zeros((0, self.n))
        return np.asarray(self._jac(z), dtype=float).reshape(self.m + self.k, self.n)

    def hessian(self, z) -> np.ndarray:
        return np.asarray(self._hess(z), dtype=float).reshape(self.n, self.n)

    def rows(self, active) -> list:
        """Indices of the equalities and the active inequalities among the m + k constraints."""
        return list(range(self.m)) + [self.m + j for j in active]

    def system(self, active):
        """F(z_A) and its Jacobian for the unknowns z_A = (x, lambda, mu_A)."""
        keep = list(range(self.n)) + [self.n + r for r in self.rows(active)]

        def expand(za):
            z = np.zeros(self.n + self.m + self.k)
            z[keep] = za
            return z

        def F(za):
            grad, cons = self._values(expand(za))
            return np.concatenate([grad, cons[self.rows(active)]])

        def J(za):
            z = expand(za)
            C = self.constraint_jacobian(z)[self.rows(active)]
            top = np.hstack([self.hessian(z), -C.T])
            bottom = np.hstack([C, np.zeros((len(C), len(C)))])
            return np.vstack([top, bottom])

        return F, J, expand

    def least_squares_multipliers(self, x, active) -> np.ndarray:
        """lambda and mu_A from grad f = C_A^T (lambda, mu_A), as a vector of all m + k
        multipliers (zero outside A)."""
        z = self.full(x)
        grad_f, _ = self._values(z)                        # grad L with zero multipliers
        mult = np.zeros(self.m + self.k)
        rows = self.rows(active)
        if rows:
            C = self.constraint_jacobian(z)[rows]
            if np.all(np.isfinite(C)) and np.all(np.isfinite(grad_f)):
                mult[rows] = np.linalg.lstsq(C.T, grad_f, rcond=None)[0]
        return mult

    def root(self, za0, active):
        """A root of the active set's KKT system from ``za0``, as a full z, or None."""
        F, J, expand = self.system(active)
        try:
            r = so.root(F, za0, jac=J, method="hybr")
        except (ValueError, FloatingPointError, ZeroDivisionError, np.linalg.LinAlgError):
            return None
        if not np.all(np.isfinite(r.x)) or not np.abs(F(r.x)).max() <= ROOT_TOL:
            return None
        return expand(r.x)

    def kind(self, z, active, sense) -> tuple[str, str]:
        """The second-order test with numeric eigenvalues: the Hessian of L reduced to the
        tangent space of the equalities and active inequalities."""
        H = self.hessian(z)
        C = self.constraint_jacobian(z)[self.rows(active)]
        if not (np.all(np.isfinite(H)) and np.all(np.isfinite(C))):
            return "inconclusive", "the Hessian is not finite there (numeric)"
        if len(C):
            _, s, vt = np.linalg.svd(C)
            rank = int((s > 1e-9 * max(1.0, s.max())).sum())
            Z = vt[rank:].T
        else:
            Z = np.eye(self.n)
        if Z.shape[1] == 0:
            return Sense(sense).word, "no feasible direction (numeric)"
        ev = np.linalg.eigvalsh(Z.T @ H @ Z)
        tol = 1e-7 * max(1.0, np.abs(ev).max())
        if (ev < -tol).all():
            return "maximum", "the reduced Hessian is negative definite (numeric eigenvalues)"
        if (ev > tol).all():
            return "minimum", "the reduced Hessian is positive definite (numeric eigenvalues)"
        if (ev < -tol).any() and (ev > tol).any():
            return "saddle", "the reduced Hessian is indefinite (numeric eigenvalues)"
        return "inconclusive", "the reduced Hessian is singular (numeric eigenvalues)"


# -- the search ------------------------------------------------------------------------------------

@dataclass
class Candidate:
    """A point found numerically: x, all m + k multipliers, the active inequalities (indices
    from 0), f there, whether it solves the KKT system to ``ROOT_TOL``, and how it was found."""

    x: np.ndarray
    mult: np.ndarray
    active: tuple
    value: float
    refined: bool
    source: str
    kind: str = "inconclusive"
    reason: str = ""


@dataclass
class Search:
    """What the search found and how far it went."""

    candidates: list = field(default_factory=list)
    starts: int = 0                  # starts used by the local searches
    local_runs: int = 0              # SLSQP and trust-constr runs made
    sets_tried: int = 0              # active sets given to root finding
    sets_left: bool = False          # more active sets existed than MAX_ACTIVE_SETS
    stopped: bool = False            # the budget stopped the search
    best_seen: tuple = (None, None)  # (x, f) of the best feasible point any search evaluated


def _close(a, b, rtol) -> bool:
    return np.abs(a - b).max() <= rtol * max(1.0, np.abs(a).max())


def _same(a: Candidate, b: Candidate) -> bool:
    """One minimizer: within MERGE_RTOL, or within NEAR_RTOL with values equal to VALUE_RTOL
    (at a degenerate minimum, f = d^4, x is only known to about the 4th root of f's error)."""
    if _close(a.x, b.x, MERGE_RTOL):
        return True
    return (_close(a.x, b.x, NEAR_RTOL)
            and abs(a.value - b.value) <= VALUE_RTOL * max(1.0, abs(a.value)))


def _merge(found: list, c: Candidate, sign: float) -> None:
    """Add ``c`` unless the same point is there (:func:`_same`); keep the refined (then the
    better) one."""
    for i, e in enumerate(found):
        if _same(e, c):
            if (c.refined, -sign * c.value) > (e.refined, -sign * e.value):
                found[i] = c
            return
    found.append(c)


def _active(cp, x, usable) -> tuple:
    """The non-strict inequalities (indices from 0) active at x."""
    if not usable:
        return ()
    h = cp.inequalities(x)
    scale = ACTIVE_TOL * max(1.0, np.abs(x).max())
    return tuple(j for j in usable if abs(h[j]) <= scale)


def _accept(kkt, cp, z, active) -> bool:
    """z is feasible and its active inequality multipliers have the right sign (mu >= 0)."""
    n, m = kkt.n, kkt.m
    return feasible(cp, z[:n]) and all(z[n + m + j] >= -1e-9 for j in active)


def _refine(kkt, cp, x, active, source, sign) -> Candidate | None:
    """Root finding on the active set's KKT system from a local search's end point."""
    mult = kkt.least_squares_multipliers(x, active)
    za0 = np.concatenate([x, mult[kkt.rows(active)]])
    z = kkt.root(za0, active)
    if z is None or not _close(x, z[:kkt.n], REFINE_RTOL) or not _accept(kkt, cp, z, active):
        return None
    value = float(cp.objective.value(z[:kkt.n]))
    if sign * (value - float(cp.objective.value(x))) > 1e-9 * max(1.0, abs(value)):
        return None                                    # a worse KKT point nearby: not this one
    return Candidate(z[:kkt.n], z[kkt.n:], active, value, True,
                     source + ", refined on the KKT system")


def _from_local(kkt, cp, result, method, usable, sign, tracked) -> Candidate | None:
    """A candidate from one local search's end point: refined on the KKT system when possible
    (after an SLSQP polish for trust-constr), unrefined when scipy converged to a feasible
    point, else None."""
    x = np.asarray(result.x, dtype=float)
    if not feasible(cp, x, tol=1e-7):
        if not converged(result):
            tracked.consider(x)        # where a search running away was heading
        return None
    active = _active(cp, x, usable)
    c = _refine(kkt, cp, x, active, method, sign)
    if c is None and method != "SLSQP":
        result, method = _polish(cp, result, method, tracked)
        x = np.asarray(result.x, dtype=float)
        active = _active(cp, x, usable)
        c = _refine(kkt, cp, x, active, method, sign)
    if c is None and converged(result):
        c = Candidate(x, kkt.least_squares_multipliers(x, active), active,
                      float(cp.objective.value(x)), False,
                      method + " end point (the KKT system could not be refined there)")
    return c


def _restore(cp, x, steps: int = 30) -> np.ndarray:
    """x moved onto the constraints by Gauss-Newton steps of least norm on the equalities and
    the violated inequalities (an infeasible end point of a search that ran away, e.g. along
    x y = 1 towards infinity: the feasible point there shows how far f went)."""
    x = np.array(x, dtype=float)
    for _ in range(steps):
        if not np.all(np.isfinite(x)):
            break
        r, J = [cp.equalities(x)], [cp.equalities.jac(x)]
        if cp.inequalities.exprs:
            h = cp.inequalities(x)
            low = h < 0
            r.append(h[low])
            J.append(cp.inequalities.jac(x)[low])
        r, J = np.concatenate(r), np.vstack(J)
        if not len(r) or not (np.all(np.isfinite(r)) and np.all(np.isfinite(J))):
            break                                  # (LAPACK on NaN prints, or never returns)
        if np.abs(r).max() <= 1e-12 * max(1.0, np.abs(x).max()):
            break
        x = x - np.linalg.lstsq(J, r, rcond=None)[0]
    return x


def _polish(cp, result, method, tracked):
    """SLSQP from another method's end point (trust-constr's interior point stops visibly short
    of a degenerate vertex, or at its iteration limit on a flat minimum): SLSQP's result when
    it is feasible and no worse (converged if either run converged), else the end point."""
    polished = local_searches(cp, result.x, tracked, methods=("SLSQP",))
    if polished and feasible(cp, polished[0][1].x, tol=1e-7):
        r = polished[0][1]
        sign = -float(Sense(cp.sense).sign)
        if sign * (cp.objective.value(r.x) - cp.objective.value(result.x)) <= 0:
            r.success = converged(r) or converged(result)
            return r, method + " polished by SLSQP"
    return result, method


def _active_sets(first, usable, n_free):
    """The active sets to try, lazily: ``first`` (those the local searches ended on), then
    every set of size 0, 1, 2, ... of at most ``n_free`` usable inequalities, each once."""
    seen = set()
    for a in itertools.chain(first, (c for size in range(min(len(usable), n_free) + 1)
                                     for c in itertools.combinations(usable, size))):
        if a not in seen:
            seen.add(a)
            yield a


def search(internal, starts: int = STARTS, seed: int = SEED, budget=None) -> Search:
    """The fixed multi-start search described in the module docstring (problems without
    parameters). Candidates come back classified, merged, in the order found."""
    out = Search()
    sign = -float(internal.sense.sign)
    with quiet():
        cp = compile_problem(internal)
        kkt = KKT(internal)
        tracked = Tracked(cp)
        usable = tuple(j for j, s in enumerate(internal.strict) if not s)
        points = starting_points(internal.variables, starts, seed)
        for x0 in points:
            if expired(budget):
                out.stopped = True
                break
            out.starts += 1
            for method, result in local_searches(cp, x0, tracked):
                out.local_runs += 1
                c = _from_local(kkt, cp, result, method, usable, sign, tracked)
                if c is not None:
                    _merge(out.candidates, c, sign)
        first = [c.active for c in out.candidates]
        sets = _active_sets(first, usable, max(0, kkt.n - kkt.m))
        rng = np.random.default_rng(seed + 1)
        for active in itertools.islice(sets, MAX_ACTIVE_SETS):
            if out.stopped or expired(budget):
                out.stopped = True
                break
            out.sets_tried += 1
            _roots(kkt, cp, active, points, rng, sign, out)
        out.sets_left = not out.stopped and next(sets, None) is not None
        out.best_seen = (tracked.best_x, tracked.best)
        for c in out.candidates:
            c.kind, reason = kkt.kind(kkt.full(c.x, c.mult), c.active, internal.sense)
            c.reason = f"{reason}; found by {c.source}"
    return out


def _roots(kkt, cp, active, points, rng, sign, out: Search) -> None:
    """KKT root finding for one active set from every start (multipliers drawn at random)."""
    width = kkt.m + len(active)
    for x0 in points:
        z = kkt.root(np.concatenate([x0, rng.normal(size=width)]), active)
        if z is not None and _accept(kkt, cp, z, active):
            x = z[:kkt.n]
            _merge(out.candidates, Candidate(x, z[kkt.n:], active, float(cp.objective.value(x)),
                                             True, "KKT root finding"), sign)


def direct_search(internal, starts: int = STARTS, seed: int = SEED, budget=None) -> Search:
    """SLSQP and trust-constr (no Hessian) on f itself from the same fixed starts, for a
    nonsmooth f (Abs, Max ...) whose KKT system does not exist: the converged feasible end
    points, merged, each taken as the local optimum its search claims (no second-order test)."""
    out = Search()
    sign = -float(internal.sense.sign)
    kind = internal.sense.word
    with quiet():
        cp = compile_problem(internal)
        tracked = Tracked(cp)
        for x0 in starting_points(internal.variables, starts, seed):
            if expired(budget):
                out.stopped = True
                break
            out.starts += 1
            for method, r in local_searches(cp, x0, tracked, smooth=False):
                out.local_runs += 1
                if method != "SLSQP":
                    r, method = _polish(cp, r, method, tracked)
                x = np.asarray(r.x, dtype=float)
                if converged(r) and feasible(cp, x, tol=1e-7):
                    _merge(out.candidates, Candidate(
                        x, np.zeros(0), (), float(cp.objective.value(x)), False, method, kind,
                        f"{method} converged here (numeric; f is not differentiable "
                        "everywhere, so no second-order test)"), sign)
        out.best_seen = (tracked.best_x, tracked.best)
    return out
