"""The Lagrange dual, derived: the dual function, its domain, the dual problem and the gap.

With the lecture's Lagrangian ``L = f - sum_k lambda_k g_k - sum_j mu_j h_j`` (inequalities
oriented so that mu_j >= 0: ``h_j >= 0`` when minimizing, ``h_j <= 0`` when maximizing), every
feasible x has ``L <= f`` (minimizing; ``>=`` maximizing), so the **dual function**

    q(lambda, mu) = inf_x L(x, lambda, mu)      (sup_x when maximizing)

bounds the optimal value: ``q <= p*`` (weak duality). The **dual problem** maximizes q over
lambda and mu >= 0 (minimizes it when the primal maximizes); its value d* closes the bound, and
``p* - d* >= 0`` (``d* - p*`` maximizing) is the **duality gap**: zero for a convex problem
with affine equalities that satisfies Slater's condition (affine constraints need only be
feasible), often positive otherwise.

:func:`dual` derives q exactly where the inner minimization has a closed form:

* L affine in x (linear programs): q is the constant part where the coefficients of x vanish,
  -infinity elsewhere;
* L strictly convex in x (strictly concave when maximizing), for the multipliers where its
  Hessian is definite (Sylvester's leading minors: the **domain**), with one stationary point
  x(lambda, mu) solved from dL/dx = 0: q = L(x(lambda, mu), lambda, mu) (quadratic programs,
  entropy - whose dual is log Z);
* L's Hessian in x indefinite for every multiplier: q = -infinity (+infinity) everywhere.

The dual problem is then solved by lagropt itself, the primal too, and the gap is stated with
its evidence. :meth:`Dual.eliminate` minimizes q over one multiplier in closed form (the
normalization multiplier of maximum entropy, leaving log Z + beta E).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from .derivation import Derivation
from .errors import LagroptError
from .problem import Problem, register_method
from .runtime import DEFAULT
from .rendering import Derived
from .sensitivity import Check, check_params
from .solver.certificates import curvature_certificate

__all__ = ["Dual", "dual"]

q_ = sp.Function("q")


@dataclass(frozen=True)
class Dual(Derived):
    """The Lagrange dual of a problem.

    ``function``: q in the multipliers (and parameters), or +-oo; ``domain``: relations on the
    multipliers where q is given by ``function`` (q = -oo elsewhere when minimizing, +oo when
    maximizing); ``minimizer``: x(lambda, mu) attaining the inner inf (None for an affine L);
    ``problem``: the dual problem (None when q is infinite everywhere); ``solution`` and
    ``value``: its solution and d*; ``primal_value``: p*; ``gap``: p* - d* (d* - p* when
    maximizing), None when a value is unknown; ``evidence``: why the gap is what it is."""

    primal: object
    multipliers: tuple
    function: sp.Expr
    domain: tuple
    minimizer: dict | None
    problem: Problem | None
    solution: object
    value: sp.Expr | None
    primal_value: sp.Expr | None
    gap: sp.Expr | None
    evidence: list
    derivation: Derivation = field(repr=False, default=None)

    def __call__(self, **values):
        """q at multiplier values given by name: ``d(lambda_=1)`` or ``d(**{"lambda": 1})``."""
        subs = {m: values[str(m)] for m in self.multipliers if str(m) in values}
        return self.function.xreplace({k: sp.sympify(v) for k, v in subs.items()})

    def eliminate(self, multiplier) -> sp.Expr:
        """q optimized over ``multiplier`` in closed form (its stationarity dq/dm = 0 solved for
        m and substituted): e.g. the normalization multiplier of maximum entropy, leaving
        log Z(beta) + beta E. Raises a LagroptError when there is no unique closed form."""
        if multiplier not in self.multipliers:
            raise LagroptError(f"{multiplier} is not a multiplier of this dual")
        roots = sp.solve(sp.diff(self.function, multiplier), multiplier, dict=True)
        if len(roots) != 1:
            raise LagroptError(f"dq/d{multiplier} = 0 has {len(roots)} closed-form solutions; "
                               "one is needed")
        return _tidy(self.function.xreplace(roots[0]))

    def check(self, at: dict | None = None, starts: int = 8) -> list:
        """d* against scipy: q maximized (minimized when the primal maximizes) by SLSQP over the
        domain, mu >= 0, from seeded starts around the exact dual optimum; parameters at
        ``at``. Returns [Check("d*", exact, numeric)] (empty when q is infinite everywhere)."""
        if self.function in (sp.oo, -sp.oo) or self.value is None:
            return []
        at = check_params(self.primal, at)
        return [Check("d*", float(sp.N(self.value.xreplace(at), 20)),
                      _numeric_dual_value(self, at, starts))]

    def __str__(self) -> str:
        lines = [f"q({', '.join(map(str, self.multipliers))}) = {sp.sstr(self.function)}"]
        if self.domain:
            lines.append("  where " + ", ".join(sp.sstr(d) for d in self.domain))
        lines.append(f"dual value d* = {sp.sstr(self.value)}, primal value p* = "
                     f"{sp.sstr(self.primal_value)}, gap = {sp.sstr(self.gap)}")
        return "\n".join(lines + [f"  evidence: {e}" for e in self.evidence])


def _numeric_dual_value(d: Dual, at: dict, starts: int) -> float:
    """The best value SLSQP reaches for the dual problem at parameter values ``at``."""
    ms = list(d.multipliers)
    sign = -1.0 if not d.primal.sense.is_max else 1.0          # scipy minimizes sign * q
    q = sp.lambdify([ms], d.function.xreplace(at), "numpy")
    cons = []
    for rel in d.domain:
        fn = sp.lambdify([ms], (rel.lhs - rel.rhs).xreplace(at), "numpy")
        kind = "eq" if isinstance(rel, sp.Eq) else "ineq"
        cons.append({"type": kind, "fun": (lambda z, fn=fn: fn(z)) if kind == "eq"
                     else (lambda z, fn=fn: fn(z) - 1e-12)})
    mus = set(d.primal.inequality_multipliers)
    bounds = [(0, None) if m in mus else (None, None) for m in ms]
    center = np.array([float(sp.N(sp.sympify(d.solution.optimum[0].x.get(m, 0)).xreplace(at)))
                       if d.solution is not None and d.solution.optimum else 1.0 for m in ms])
    rng = np.random.default_rng(0)
    best = None
    for k in range(starts):
        z0 = center + (0 if k == 0 else rng.normal(scale=0.5, size=len(ms)))
        z0 = np.array([max(v, 0.1) if b[0] == 0 else v for v, b in zip(z0, bounds)])
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            import scipy.optimize as so     # here: import lagropt stays light
            r = so.minimize(lambda z: sign * float(q(z)), z0, method="SLSQP", bounds=bounds,
                            constraints=cons, options={"ftol": 1e-15, "maxiter": 2000})
        feasible = all(abs(c["fun"](r.x)) < 1e-8 if c["type"] == "eq" else c["fun"](r.x) > -1e-8
                       for c in cons)
        if np.isfinite(r.fun) and feasible and (best is None or r.fun < best):
            best = r.fun
    if best is None:
        raise LagroptError("scipy found no feasible point of the dual problem")
    return sign * best


def _tidy(expr):
    expr = sp.simplify(expr)
    if expr.is_polynomial():
        expr = sp.expand(expr)
    if expr.has(sp.log):
        expr = sp.expand_log(expr, force=False)
    return expr


def dual(problem, *, timeout=DEFAULT, solution=None) -> Dual:
    """The Lagrange dual of ``problem`` (see the module): q, its domain, the dual problem solved,
    p* (from ``solution`` or a solve), and the duality gap with its evidence."""
    sense = problem.sense
    ms = problem.multipliers
    if not ms:
        raise LagroptError("the problem has no constraints: there is no dual")
    d = Derivation(title="The Lagrange dual")
    L = problem.lagrangian
    inner = "inf" if not sense.is_max else "sup"
    d.add("dual-lagrangian", f"The Lagrangian; for every feasible x, L {'<=' if not sense.is_max else '>='} f "
          f"(the multipliers of inequalities are >= 0), so q = {inner} over x of L bounds the "
          f"optimal value (weak duality).", [sp.Eq(sp.Symbol("L"), L)])
    function, domain, minimizer = _dual_function(problem, L, d)
    dual_problem = _dual_problem(problem, function, domain)
    dsol = dual_problem.solve(timeout=timeout) if dual_problem is not None else None
    d_value = _dual_value(function, dsol)
    if d_value is None and isinstance(function, (sp.Min, sp.Max)) and len(ms) == 1:
        d_value = _one_multiplier_branch_optimum(problem, function, ms[0], d)
    psol = solution if solution is not None else problem.solve(timeout=timeout)
    p_value = psol.value if psol.status in ("optimal", "unbounded", "not_attained") else None
    gap, evidence = _gap(problem, p_value, d_value)
    if dual_problem is not None:
        d.add("dual-problem", f"The dual problem: {('maximize' if not sense.is_max else 'minimize')} "
              "q over the multipliers" + (", the mu_j >= 0" if problem.inequality_multipliers
                                          else "") + ".",
              [sp.Eq(m, v) for m, v in _dual_optimum(dsol).items()]
              + [sp.Eq(sp.Symbol("d^*"), d_value if d_value is not None else sp.Symbol("unknown"))])
    pstar, dstar = sp.Symbol("p^*"), sp.Symbol("d^*")
    text = "; ".join(evidence) + "."
    d.add("dual-gap", text[0].upper() + text[1:],
          [sp.Eq(pstar, p_value if p_value is not None else sp.Symbol("unknown")),
           sp.Eq(dstar, d_value if d_value is not None else sp.Symbol("unknown"))])
    return Dual(problem, ms, function, tuple(domain), minimizer, dual_problem, dsol, d_value,
                p_value, gap, evidence, d)


def _infinity(problem):
    """The value of q where the inner problem is unbounded: -oo (inf) or +oo (sup)."""
    return sp.oo if problem.sense.is_max else -sp.oo


def _dual_function(problem, L, d):
    """(q, domain relations, x(multipliers) or None)."""
    xs = list(problem.variables)
    H = sp.hessian(L, xs)
    if H.is_zero_matrix:
        return _affine_dual(problem, L, d)
    sign = 1 if not problem.sense.is_max else -1        # sign * H positive definite wanted
    try:
        domain = _definite_domain(sign * H, problem)
    except LagroptError:
        if not _coercive(sign * L, xs, problem):
            raise
        return _branch_dual(problem, L, sign, d)
    if domain is None:
        d.add("dual-function", "The Hessian of L in x is indefinite for every value of the "
              "multipliers: the inner problem is unbounded and the dual function is infinite "
              "everywhere.", [sp.Eq(sp.Symbol("H"), H), sp.Eq(q_(*problem.multipliers),
                                                               _infinity(problem))])
        return _infinity(problem), [], None
    roots = sp.solve([sp.diff(L, x) for x in xs], xs, dict=True)
    roots = [r for r in roots if all(v.is_real is not False for v in r.values())]
    if len(roots) != 1:
        raise LagroptError(f"dL/dx = 0 has {len(roots)} closed-form solutions for x; the dual "
                           "function needs one (a strictly convex inner problem)")
    x_of = {x: _tidy(roots[0][x]) for x in xs}
    q = _tidy(L.xreplace(x_of))
    word = "convex" if sign == 1 else "concave"
    where = " where " + ", ".join(map(sp.sstr, domain)) if domain else ""
    d.add("dual-function", f"L is strictly {word} in x{where} (its Hessian is "
          f"{'positive' if sign == 1 else 'negative'} definite): the stationary point of L in x "
          f"attains the {'inf' if sign == 1 else 'sup'}; substituted into L it gives the dual "
          "function" + (" (elsewhere q is infinite)." if domain else "."),
          [sp.Eq(x, v) for x, v in x_of.items()] + [sp.Eq(q_(*problem.multipliers), q)]
          + list(domain))
    return q, domain, x_of


def _coercive(L, xs, problem) -> bool:
    """L -> +oo as |x| -> oo whatever the multipliers: a polynomial in x whose leading form is
    free of the multipliers and positive definite (a definite quadratic, or even powers with
    positive coefficients)."""
    from .solver.certificates import definite_form, leading_form

    try:
        poly = sp.Poly(sp.expand(L), *xs)
    except sp.PolynomialError:
        return False
    top = leading_form(poly, xs)
    if top.free_symbols - set(xs) or definite_form(top, xs) != set(xs):
        return False
    return bool(top.xreplace({x: 1 for x in xs}) > 0)


def _branch_dual(problem, L, sign, d):
    """A coercive L (-L when maximizing) that is not convex in x: its inf is attained at one of
    its stationary points, so q is the least (greatest) of L over every stationary branch
    x_b(lambda, mu), each real for every multiplier."""
    xs = list(problem.variables)
    roots = sp.solve([sp.diff(L, x) for x in xs], xs, dict=True)
    if not roots or any(len(r) != len(xs) or any(v.is_real is not True for v in r.values())
                        for r in roots):
        raise LagroptError("L is not convex in x and its stationary points are not real closed "
                           "forms for every multiplier: the dual function is not derived")
    values = []
    for r in roots:
        v = sp.expand(L.xreplace(r))      # powers of a radical reduced: linear in it
        if not any(sp.simplify(v - w) == 0 for w in values):
            values.append(v)
    q = (sp.Min if sign == 1 else sp.Max)(*values)
    word, which = ("inf", "least") if sign == 1 else ("sup", "greatest")
    d.add("dual-function", f"L is not convex in x, but it grows without bound in every direction "
          f"(its leading term does not depend on the multipliers): its {word} is attained at a "
          f"stationary point, so q is the {which} of L over the stationary branches dL/dx = 0.",
          [sp.Eq(sp.Tuple(*xs), sp.Tuple(*[_tidy(r[x]) for x in xs])) for r in roots]
          + [sp.Eq(q_(*problem.multipliers), q)])
    return q, [], None


def _affine_dual(problem, L, d):
    """L affine in x: q is L's constant part where every coefficient of x vanishes."""
    xs = list(problem.variables)
    coefficients = [sp.expand(sp.diff(L, x)) for x in xs]
    constant = sp.expand(L.xreplace({x: 0 for x in xs}))
    domain = [sp.Eq(c, 0) for c in coefficients if c != 0]
    d.add("dual-function", "L is affine in x: its inf is -infinity unless every coefficient of x "
          "vanishes, and then it is the constant part.",
          [sp.Eq(q_(*problem.multipliers), constant)] + domain)
    return constant, domain, None


def _definite_domain(M, problem):
    """Relations on the multipliers making M positive definite (Sylvester: leading principal
    minors > 0); [] when it is for all of them; None when it is for none (only said of a
    Hessian constant in x: a quadratic L with a direction of non-positive curvature is then
    unbounded). A LagroptError when definiteness cannot be decided."""
    xs = set(problem.variables)
    n = M.shape[0]
    domain = []
    for k in range(1, n + 1):
        minor = sp.simplify(M[:k, :k].det())
        if minor.is_positive:
            continue
        if minor.free_symbols & xs:
            raise LagroptError("the Hessian of L in x depends on x and is not positive definite "
                               "everywhere: the inner problem has no closed form here")
        if minor.is_zero:
            raise LagroptError("L is convex in x but not strictly (a zero curvature direction): "
                               "the dual function is not derived for this case")
        if minor.is_negative:
            return None
        if not (minor.free_symbols & set(problem.multipliers)):
            raise LagroptError(f"the sign of the Hessian minor {minor} cannot be decided")
        domain.append(sp.Gt(minor, 0))
    return domain


def _dual_problem(problem, function, domain):
    """maximize q (minimize when the primal maximizes) over the multipliers, mu >= 0."""
    if function in (sp.oo, -sp.oo):
        return None
    constraints = [sp.Ge(mu, 0) for mu in problem.inequality_multipliers]
    constraints += [rel for rel in domain if not isinstance(rel, sp.Gt)]   # affine: equalities
    constraints += [rel for rel in domain if isinstance(rel, sp.Gt)]
    sense = "min" if problem.sense.is_max else "max"
    if isinstance(function, (sp.Min, sp.Max)):
        # the epigraph: max t subject to t <= q_b for every branch (min t, t >= q_b)
        t = sp.Symbol("t", real=True)
        bound = sp.Le if isinstance(function, sp.Min) else sp.Ge
        constraints += [bound(t, branch) for branch in function.args]
        return Problem(t, sense, constraints, variables=(t,) + problem.multipliers,
                       params=problem.params, assume=list(problem.assumptions.relations))
    return Problem(function, sense, constraints, variables=problem.multipliers,
                   params=problem.params, assume=list(problem.assumptions.relations))


def _one_multiplier_branch_optimum(problem, q, m, d):
    """d* for q = Min of branches q_b(m) in one multiplier (Max when the primal maximizes).

    q is concave (convex), as every dual function is, so m* is optimal exactly when 0 lies
    between the one-sided derivatives there: the least and the greatest slope of the branches
    active at m*. A numeric search (Brent) only says which branches are active; m* is then
    solved exactly (two branches tie, or one branch is stationary) and the slope condition is
    checked on exact numbers. None when that does not succeed."""
    import scipy.optimize as so     # here: import lagropt stays light

    sign = 1 if isinstance(q, sp.Min) else -1          # maximize sign * q
    branches = list(q.args)
    f = sp.lambdify(m, sign * q, "mpmath")
    best = so.minimize_scalar(lambda t: -float(f(t)), bracket=(-1.0, 1.0))
    if not np.isfinite(best.fun):
        return None
    values = [float(sp.N(b.subs(m, best.x))) for b in branches]
    edge = sign * q.func(*values)
    active = [b for b, v in zip(branches, values) if abs(v - edge) <= 1e-6 * max(1, abs(edge))]
    equation = active[0] - active[1] if len(active) >= 2 else sp.diff(active[0], m)
    try:
        roots = [r for r in sp.solve(sp.factor(equation), m) if r.is_real]
    except NotImplementedError:
        return None
    if not roots:
        return None
    root = min(roots, key=lambda r: abs(float(r) - best.x))
    at_root = [b for b in branches if sp.simplify(b.subs(m, root) - active[0].subs(m, root)) == 0]
    value = sp.simplify(active[0].subs(m, root))
    if any(sign * (b.subs(m, root) - value) < 0 for b in branches if b not in at_root):
        return None
    slopes = [sp.simplify(sp.diff(b, m).subs(m, root)) for b in at_root]
    if not (min(sign * s for s in slopes) <= 0 <= max(sign * s for s in slopes)):
        return None
    d.add("dual-branches", f"q is {'concave' if sign == 1 else 'convex'} (every dual function is): "
          f"its {'maximum' if sign == 1 else 'minimum'} is where 0 lies between the slopes of the "
          f"branches active there. At {m} = {sp.sstr(root)} the branches tie with slopes "
          + ", ".join(sp.sstr(s) for s in slopes) + ".",
          [sp.Eq(m, root), sp.Eq(q_(m), value)])
    return value


def _dual_optimum(dsol) -> dict:
    """The dual problem's optimal multipliers (empty without an attained optimum)."""
    if dsol is None or dsol.status != "optimal" or not dsol.optimum:
        return {}
    return {k: v for k, v in dsol.optimum[0].x.items() if str(k) != "t"}


def _dual_value(function, dsol):
    if function in (sp.oo, -sp.oo):
        return function
    if dsol is None or dsol.status not in ("optimal", "not_attained", "unbounded"):
        return None
    return dsol.value


def _zero_number(expr) -> bool:
    """A constant expression that is 0: below 1e-50 at 60 digits, and SymPy's equals(0) does not
    say otherwise."""
    if not (isinstance(expr, sp.Expr) and expr.is_number):
        return False
    value = sp.N(expr, 60)
    return value.is_number and abs(value) < sp.Float(10) ** -50 and expr.equals(0) is not False


def _gap(problem, p_value, d_value):
    """p* - d* (d* - p* maximizing) and the evidence for it."""
    if p_value is None or d_value is None:
        return None, ["the duality gap is not known: "
                      + ("the primal" if p_value is None else "the dual") + " problem was not "
                      "solved to an optimal value"]
    gap = _tidy(p_value - d_value) if not problem.sense.is_max else _tidy(d_value - p_value)
    convex = curvature_certificate(problem.standard_form())
    evidence = []
    if gap != 0 and _zero_number(gap):
        gap = sp.S.Zero
        evidence.append("zero duality gap: the dual value equals the primal value (two closed "
                        "forms of one number: equal to 60 significant digits, and sympy's "
                        "equals(0) agrees)")
    elif gap == 0:
        evidence.append("zero duality gap: the dual value equals the primal value")
    if gap == 0:
        if convex:
            evidence.append(convex.split(":")[0] + ": strong duality, as Slater's condition "
                            "promises for a convex problem with a feasible point")
    elif gap == sp.oo or gap.is_positive or (gap.is_number and sp.N(gap, 30) > 0):
        evidence.append(f"positive duality gap {sp.sstr(gap)}: the dual value is "
                        + ("below" if not problem.sense.is_max else "above") + " the primal value")
        evidence.append("the problem is not convex, so strong duality need not hold"
                        if not convex else "the problem is convex but Slater's condition fails")
    else:
        evidence.append(f"the gap is {sp.sstr(gap)}")
    return gap, evidence


register_method("dual", dual)
