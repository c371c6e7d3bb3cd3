"""What the multipliers mean: shadow prices and comparative statics, derived and checked.

**Shadow prices** (the envelope theorem). Raise the right-hand side of constraint k by c,
``g_k(x) = c``. With the lecture's Lagrangian ``L = f - sum_k lambda_k (g_k - c_k)`` the optimal
value ``V*(c)`` has

    dV*/dc_k = dL/dc_k at the optimum = lambda_k,

and for an inequality mu_j when it binds (with the sign of its orientation, see
:func:`envelope_rate`) and 0 when it is slack. :func:`shadow_prices` derives each rate twice and
compares them exactly: from ``V*(c)`` written out (the problem re-solved with ``c`` as a
parameter, the active inequalities as equalities: the active set does not change for small c)
and from the multiplier. Where the re-solve gives no closed form, the implicit function theorem
on the KKT system gives the rate instead (below).

**Comparative statics.** For a parameter theta (a price, an energy), :func:`sensitivity` gives
dx*/dtheta, dlambda*/dtheta and dV*/dtheta: by differentiating the closed form of the optimum,
and by the implicit function theorem on the KKT system ``F(z, theta) = 0`` with
``z = (x, lambda, mu_active)``:

    J dz/dtheta = -dF/dtheta,   J = dF/dz = [[H_L, -A^T], [A, 0]]

(``H_L`` the Hessian of L in x, ``A`` the Jacobian of the active constraints: the bordered
Jacobian), with dV*/dtheta = dL/dtheta (the envelope theorem) as the third route. All routes are
compared exactly and recorded as a :class:`~lagropt.Derivation`.

Both results check themselves numerically (``check``): central differences of V* computed by
scipy's SLSQP, started at the optimum, on the problem with c (or theta) moved by +-h.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import sympy as sp

from . import rendering
from .compiler import compile_problem
from .derivation import Derivation
from .errors import LagroptError
from .problem import Problem, register_method
from .runtime import DEFAULT

__all__ = ["ShadowPrice", "ShadowPrices", "Sensitivity", "shadow_prices", "sensitivity",
           "envelope_rate", "kkt_rates", "Check", "check_params"]

V = sp.Function("V")
STEP = 1e-4          # central-difference step of the numeric checks (error O(h^2))
SMALL = 150          # operations up to which _same also asks sympy.simplify


# -- shared pieces ---------------------------------------------------------------------------

def _exact_optimum(solution):
    """The (first) exact optimal point of a solved problem, or a LagroptError saying why not."""
    if solution.problem is None:
        raise LagroptError("this solution does not know its problem; use problem.solve()")
    if solution.status != "optimal" or not solution.optimum:
        raise LagroptError(f"shadow prices and sensitivities need an optimum; the status is "
                           f"{solution.status!r}")
    point = solution.optimum[0]
    if not point.exact or point.free:
        raise LagroptError("shadow prices and sensitivities need an exact, isolated optimum "
                           "(this one is numeric or a family of points)")
    return point


def _constraint_terms(problem, point, shift=None):
    """(constraint number from 1, multiplier, multiplier value, function in L) of the equalities
    and of the inequalities active at ``point``; ``shift`` = (number, c) lowers constraint
    ``number``'s function by c, i.e. raises its right-hand side by c. Inequality functions are
    oriented as the Lagrangian has them (h <= 0 when maximizing, h >= 0 when minimizing)."""
    want = problem.sense.relation
    eq_index = ineq_index = 0
    terms = []
    for number, con in enumerate(problem.constraints, 1):
        fn = con.function - (shift[1] if shift and shift[0] == number else 0)
        if con.is_equality:
            m = problem.equality_multipliers[eq_index]
            eq_index += 1
            terms.append((number, m, point.multipliers.get(m, sp.S.Zero), fn))
            continue
        ineq_index += 1
        if ineq_index in point.active:
            m = problem.inequality_multipliers[ineq_index - 1]
            oriented = fn if con.relation == want else -fn
            terms.append((number, m, point.multipliers.get(m, sp.S.Zero), oriented))
    return terms


def envelope_rate(problem, point, number: int):
    """dV*/dc for raising constraint ``number``'s right-hand side by c: dL/dc at the optimum.

    Equality: lambda_k. Inequality, oriented as h <= 0 (max) / h >= 0 (min): +mu_j when the
    user's relation is that orientation, -mu_j when it is the opposite one (a ``<=``
    constraint of a minimization: relaxing it lowers the minimum), 0 when it is slack."""
    c = sp.Dummy("c")
    terms = _constraint_terms(problem, point, (number, c))
    L = -sp.Add(*[m * fn for _, m, _, fn in terms])
    values = {m: v for _, m, v, _ in terms}
    return sp.simplify(sp.diff(L, c).xreplace(values))


def _validity(problem, point) -> tuple:
    """Where the point's closed form holds: its own conditions and the problem's assumptions
    (the random points of :func:`_same` are drawn there)."""
    return tuple(point.conditions) + tuple(problem.assumptions.relations)


def _at(point):
    return {**point.x, **point.multipliers}


def kkt_rates(problem, point, theta, shift=None, expected=None):
    """dz/dtheta for z = (x, multipliers of the active constraints) by the implicit function
    theorem on F = (dL/dx, active constraint functions) = 0: J dz/dtheta = -dF/dtheta.

    Returns (J, dF/dtheta, {z_i: dz_i/dtheta}) at the point, or None when J is singular there
    (the theorem does not apply: a degenerate optimum). With ``expected`` (dz/dtheta from a
    closed form) the system is not solved but checked: J expected + dF/dtheta = 0 row by row
    (:func:`_same`), and a LagroptError says which row fails."""
    terms = _constraint_terms(problem, point, shift)
    xs = list(problem.variables)
    ms = [m for _, m, _, _ in terms]
    L = problem.objective - sp.Add(*[m * fn for _, m, _, fn in terms])
    F = sp.Matrix([sp.diff(L, x) for x in xs] + [fn for _, _, _, fn in terms])
    z = xs + ms
    at = {**_at(point), **{m: v for _, m, v, _ in terms}}
    if shift:
        at[shift[1]] = sp.S.Zero
    J = F.jacobian(z).xreplace(at).applyfunc(_positive_form)
    b = sp.diff(F, theta).xreplace(at).applyfunc(_positive_form)
    if _same(J.det(), 0, _validity(problem, point)):
        return None
    if expected is not None:
        dz = sp.Matrix([expected[v] for v in z])
        residual = J * dz + b
        for i, r in enumerate(residual):
            if not _same(r, 0, _validity(problem, point)):
                raise LagroptError(f"row {i + 1} of the KKT system: J dz/d{theta} + dF/d{theta} "
                                   f"= {r}, not 0, for dz/d{theta} from the closed form: "
                                   "please report this")
        return J, b, dict(zip(z, dz))
    dz = J.LUsolve(-b).applyfunc(_positive_form)
    return J, b, dict(zip(z, dz))


def _positive_form(expr):
    """expr simplified with powers combined as for positive bases ((m (1 - a))**(1 - a) ->
    m**(1 - a) (1 - a)**(1 - a)): the form a textbook prints where the bases are positive, as
    they are where an optimum with such powers is valid. Equalities drawn from it are checked by
    :func:`_same`."""
    forced = sp.expand_power_base(sp.powdenest(sp.sympify(expr), force=True), force=True)
    return sp.simplify(sp.powsimp(forced, force=True))


def _same(a, b, conditions=()) -> bool:
    """a == b. A difference that is not identically 0 must vanish at random parameter values
    where ``conditions`` (the point's validity, e.g. 1 - a > 0) hold: 50 digits, below 1e-30
    (an identity of analytic functions checked at random points, what a reviewer does by hand
    with powers such as (m (1 - a))**(1 - a) whose bases SymPy cannot prove positive); when it
    does, a small difference is also simplified to 0 symbolically if SymPy can."""
    diff = sp.sympify(a) - sp.sympify(b)
    if diff == 0:
        return True
    numeric = _vanishes_where(diff, conditions)
    if numeric is False:
        return False
    if sp.count_ops(diff) <= SMALL and (sp.simplify(diff) == 0 or _positive_form(diff) == 0):
        return True
    return bool(numeric)


def _vanishes_where(expr, conditions, tries: int = 400, needed: int = 5) -> bool | None:
    """expr is 0 (below 1e-30, evaluated with 50 digits) at ``needed`` random rational points
    of its symbols (positive where the symbol is) that satisfy ``conditions``; False at the
    first point where it is not; None when too few points satisfy the conditions."""
    symbols = sorted(expr.free_symbols, key=str)
    rng = np.random.default_rng(17)
    found = 0
    for _ in range(tries):
        at = {s: sp.Rational(int(rng.integers(1, 300)), int(rng.integers(2, 150)))
              * (-1 if not s.is_nonnegative and rng.random() < 0.3 else 1) for s in symbols}
        if not all(sp.sympify(c).xreplace(at) == sp.true for c in conditions):
            continue
        value = sp.N(expr.xreplace(at), 50)
        if not value.is_number or abs(value) > 1e-30:
            return False
        found += 1
        if found == needed or not symbols:
            return True
    return None


def _fresh(problem, stem: str):
    """A real symbol named stem (stem_2, ... if taken) not used by the problem."""
    taken = {str(s) for s in problem.variables + problem.params + problem.multipliers}
    name, k = stem, 1
    while name in taken:
        k += 1
        name = f"{stem}_{k}"
    return sp.Symbol(name, real=True)


def _local_value(problem, subs, x0):
    """V* of ``problem`` with parameters ``subs``, by SLSQP started at x0 (a local solve:
    the optimum moved by a small perturbation). Returns the optimal value, a float."""
    cp = compile_problem(problem, subs)
    sign = -float(cp.sense.sign)
    cons = cp.slsqp_constraints()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        import scipy.optimize as so     # here: import lagropt stays light
        r = so.minimize(lambda x: sign * cp.objective.value(x), np.asarray(x0, float),
                        jac=lambda x: sign * cp.objective.grad(x), method="SLSQP",
                        constraints=cons, options={"ftol": 1e-15, "maxiter": 1000})
    if not r.success:
        raise LagroptError(f"the numeric check could not re-solve the perturbed problem: {r.message}")
    return float(cp.objective.value(r.x))


def _numeric_point(point, at):
    return [float(sp.N(sp.sympify(point.x[v]).xreplace(at), 20)) for v in point.x]


def check_params(problem, at):
    at = dict(at or {})
    missing = [str(s) for s in problem.params if s not in at]
    if missing:
        raise LagroptError("the numeric check needs values for the parameters "
                           + ", ".join(missing) + " (at={...})")
    return {k: sp.nsimplify(v, rational=True) if isinstance(v, float) else sp.sympify(v)
            for k, v in at.items()}


def _central_difference(value_at, h):
    return (value_at(h) - value_at(-h)) / (2 * h)


@dataclass(frozen=True)
class Check:
    """One numeric check: the exact rate at the parameter values, scipy's central difference,
    and the error relative to max(1, |exact|)."""

    quantity: str
    exact: float
    numeric: float

    @property
    def error(self) -> float:
        return abs(self.exact - self.numeric) / max(1.0, abs(self.exact))

    def __str__(self) -> str:
        return f"{self.quantity}: exact {self.exact:.12g}, finite difference {self.numeric:.12g}, " \
               f"error {self.error:.1e}"


# -- shadow prices ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ShadowPrice:
    """dV*/dc for raising constraint ``number``'s right-hand side by c.

    ``state``: "equality", "binding" (an active inequality), "slack" (inactive: the rate is 0).
    ``rate``: dV*/dc exactly; ``multiplier`` and ``multiplier_value`` the constraint's
    multiplier at the optimum; ``value_function`` V*(c) near c = 0 when the re-solve gave a
    closed form (None for a slack constraint or when it did not); ``by_implicit_function`` the
    rate from the KKT system (None when not needed or the Jacobian is singular)."""

    number: int
    constraint: object
    multiplier: sp.Symbol | None
    multiplier_value: sp.Expr
    rate: sp.Expr
    state: str
    c: sp.Symbol
    value_function: sp.Expr | None = None
    by_implicit_function: sp.Expr | None = None

    def __str__(self) -> str:
        m = f"{self.multiplier} = {sp.sstr(self.multiplier_value)}" if self.multiplier else "no multiplier"
        return f"constraint {self.number} ({self.constraint}, {self.state}): dV*/dc = " \
               f"{sp.sstr(self.rate)}   [{m}]"


@dataclass(frozen=True)
class ShadowPrices(rendering.Derived):
    """The shadow price of every constraint of a solved problem, with the derivation."""

    prices: tuple
    derivation: Derivation
    solution: object

    def __iter__(self):
        return iter(self.prices)

    def __len__(self) -> int:
        return len(self.prices)

    def __getitem__(self, key) -> ShadowPrice:
        """By constraint number (from 1, the order given) or by multiplier symbol."""
        for price in self.prices:
            if key == price.number or (price.multiplier is not None and key == price.multiplier):
                return price
        raise KeyError(key)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.prices)

    def check(self, at: dict | None = None, h: float = STEP) -> list:
        """Each rate against a central difference of V* computed by scipy (SLSQP from the
        optimum, the right-hand side moved by +-h), at the parameter values ``at``."""
        problem = self.solution.problem
        at = check_params(problem, at)
        x0 = _numeric_point(self.solution.optimum[0], at)
        out = []
        for price in self.prices:
            shifted = _shifted_problem(problem, price.number, price.c)
            value = lambda d: _local_value(shifted, {**at, price.c: d}, x0)  # noqa: E731
            exact = float(sp.N(price.rate.xreplace(at), 20))
            out.append(Check(f"dV*/dc_{price.number}", exact, _central_difference(value, h)))
        return out


def _shifted_problem(problem, number, c, only=None):
    """The problem with constraint ``number``'s right-hand side raised by c; ``only`` keeps
    just those constraint numbers, each inequality in it made an equality (the local problem
    of an active set)."""
    subject_to = []
    for k, con in enumerate(problem.constraints, 1):
        if only is not None and k not in only:
            continue
        fn = con.function - (c if k == number else 0)
        relation = "==" if only is not None else con.relation
        op = {"==": sp.Eq, "<=": sp.Le, ">=": sp.Ge}[relation]
        if con.strict and relation != "==":
            op = {"<=": sp.Lt, ">=": sp.Gt}[relation]
        subject_to.append(op(fn, 0))
    return Problem(problem.objective, problem.sense, subject_to, variables=problem.variables,
                   params=problem.params + (c,), assume=list(problem.assumptions.relations))


def _binding_numbers(problem, point) -> list:
    return [number for number, _, _, _ in _constraint_terms(problem, point)]


def _continuation(solution, point, t):
    """The point of ``solution`` (a problem with the extra parameter t) that equals ``point``
    at t = 0, or None."""
    for candidate in solution.points:
        if not candidate.exact or candidate.free:
            continue
        try:
            if all(_same(candidate.x[v].subs(t, 0), point.x[v],
                                   _validity(solution.problem, point)) for v in point.x):
                return candidate
        except (KeyError, TypeError):
            continue
    return None


def _value_function(problem, point, number, c, timeout):
    """V*(c) near c = 0: the local problem (equalities and active inequalities as equalities,
    constraint ``number`` shifted) solved with c as a parameter; None when it does not give a
    closed form continuing the optimum."""
    local = _shifted_problem(problem, number, c, only=_binding_numbers(problem, point))
    sol = local.solve(timeout=timeout)
    candidate = _continuation(sol, point, c) if sol.points else None
    return None if candidate is None else _shortest(candidate.value, _validity(local, candidate))


def shadow_prices(solution, *, timeout=DEFAULT) -> ShadowPrices:
    """dV*/dc for every constraint of a solved problem (``solution`` from ``problem.solve()``),
    derived from V*(c) and compared exactly with the multiplier (the envelope theorem);
    ``timeout``: CPU seconds for each re-solve."""
    point = _exact_optimum(solution)
    problem = solution.problem
    d = Derivation(title="Shadow prices")
    d.add("shadow-intro", "Raise the right-hand side of each constraint by c and follow the "
          "optimal value V*(c); the envelope theorem says dV*/dc = dL/dc at the optimum, the "
          "constraint's multiplier.", [sp.Eq(sp.Symbol("L"), problem.lagrangian)])
    binding = _binding_numbers(problem, point)
    prices = []
    ineq = 0
    for number, con in enumerate(problem.constraints, 1):
        multiplier = None
        if con.is_equality:
            multiplier = problem.equality_multipliers[number - 1 - ineq]
        else:
            multiplier = problem.inequality_multipliers[ineq]
            ineq += 1
        c = _fresh(problem, f"c_{number}")
        prices.append(_one_price(problem, point, number, con, multiplier, c, number in binding,
                                 timeout, d))
    return ShadowPrices(tuple(prices), d, solution)


def _one_price(problem, point, number, con, multiplier, c, binding, timeout, d) -> ShadowPrice:
    m_value = _shortest(point.multipliers.get(multiplier, sp.S.Zero), _validity(problem, point))
    shifted = sp.Eq(con.function, c) if con.is_equality else \
        {"<=": sp.Le, ">=": sp.Ge}[con.relation](con.function, c)
    if not binding:
        slack = sp.simplify(con.function.xreplace(point.x))
        d.add("shadow-slack", f"Constraint {number} is slack at the optimum: it stays slack for "
              f"small c, the optimum does not move, and its multiplier is 0.",
              [shifted, sp.Eq(con.function.xreplace(point.x), slack),
               sp.Eq(sp.Derivative(V(c), c), 0), sp.Eq(multiplier, 0)])
        return ShadowPrice(number, con, multiplier, sp.S.Zero, sp.S.Zero, "slack", c)
    state = "equality" if con.is_equality else "binding"
    envelope = envelope_rate(problem, point, number)
    value_fn = _value_function(problem, point, number, c, timeout)
    rate, ift = None, None
    lines = [shifted]
    if value_fn is not None:
        rate = _shortest(sp.diff(value_fn, c).subs(c, 0), _validity(problem, point))
        lines += [sp.Eq(V(c), value_fn), sp.Eq(sp.Subs(sp.Derivative(V(c), c), c, 0), rate)]
        text = f"Constraint {number}: V*(c) from the problem re-solved with c, differentiated at c = 0"
    else:
        ift = _rate_by_implicit_function(problem, point, number, c)
        if ift is None:
            raise LagroptError(f"constraint {number}: the re-solve gave no closed form and the KKT "
                               "Jacobian is singular at the optimum (a degenerate optimum): the "
                               "rate is not defined by the implicit function theorem")
        rate = ift
        lines += [sp.Eq(sp.Subs(sp.Derivative(V(c), c), c, 0), rate)]
        text = (f"Constraint {number}: no closed form for V*(c); by the implicit function theorem "
                "on the KKT system, dV*/dc = grad f . dx*/dc")
    if not _same(rate, envelope, _validity(problem, point)):
        raise LagroptError(f"constraint {number}: dV*/dc = {rate} but the envelope theorem gives "
                           f"{envelope}: please report this")
    cond = _validity(problem, point)
    sign = "" if _same(envelope, m_value, cond) else ("-" if _same(envelope, -m_value, cond) else None)
    rate_at_0 = sp.Subs(sp.Derivative(V(c), c), c, 0)
    lines.append(sp.Eq(rate_at_0, sp.sympify(f"{sign}1") * multiplier if sign is not None
                       else envelope, evaluate=False))
    lines.append(sp.Eq(multiplier, m_value))
    d.add("shadow-price", text + (", equal to its multiplier (the envelope theorem)."
                                  if sign == "" else ", equal to minus its multiplier (the "
                                  "constraint enters L with the opposite orientation)."
                                  if sign == "-" else "."), lines, chain=False)
    return ShadowPrice(number, con, multiplier, m_value, rate, state, c, value_fn, ift)


def _rate_by_implicit_function(problem, point, number, c):
    rates = kkt_rates(problem, point, c, shift=(number, c))
    if rates is None:
        return None
    _, _, dz = rates
    grad = [sp.diff(problem.objective, v).xreplace(point.x) for v in problem.variables]
    return sp.simplify(sum(g * dz[v] for g, v in zip(grad, problem.variables)))


# -- comparative statics --------------------------------------------------------------------

@dataclass(frozen=True)
class Sensitivity(rendering.Derived):
    """dx*/dtheta, dlambda*/dtheta and dV*/dtheta for one parameter theta, exactly.

    ``x`` and ``multipliers`` map each variable / multiplier to its derivative; ``value`` is
    dV*/dtheta; ``by_closed_form`` and ``by_implicit_function`` say which routes applied (both
    agree exactly where both apply, and dV*/dtheta also equals dL/dtheta, the envelope
    theorem)."""

    param: sp.Symbol
    x: dict
    multipliers: dict
    value: sp.Expr
    derivation: Derivation
    solution: object
    by_closed_form: bool
    by_implicit_function: bool

    def __str__(self) -> str:
        rows = [f"d{k}/d{self.param} = {sp.sstr(v)}" for k, v in {**self.x, **self.multipliers}.items()]
        return "\n".join(rows + [f"dV*/d{self.param} = {sp.sstr(self.value)}"])

    def check(self, at: dict, h: float = STEP) -> list:
        """dV*/dtheta and dx*/dtheta against central differences of scipy's optimum (SLSQP from
        the optimum, theta moved by +-h), at the parameter values ``at``."""
        problem = self.solution.problem
        at = check_params(problem, at)
        x0 = _numeric_point(self.solution.optimum[0], at)
        theta0 = at[self.param]
        value = lambda d: _local_value(problem, {**at, self.param: theta0 + d}, x0)  # noqa: E731
        exact = float(sp.N(self.value.xreplace(at), 20))
        return [Check(f"dV*/d{self.param}", exact, _central_difference(value, h))]


def sensitivity(solution, param) -> Sensitivity:
    """Comparative statics of a solved problem in the parameter ``param``: the derivatives of
    the optimizer, the multipliers and the optimal value, by differentiating the closed form and
    by the implicit function theorem on the KKT system, compared exactly (see the module)."""
    point = _exact_optimum(solution)
    problem = solution.problem
    if param not in problem.params:
        raise LagroptError(f"{param} is not a parameter of the problem (params: "
                           + (", ".join(map(str, problem.params)) or "none") + ")")
    d = Derivation(title=f"Comparative statics in {param}")
    closed = _by_closed_form(point, param, _validity(problem, point))
    rates = kkt_rates(problem, point, param, expected=closed)
    envelope = _envelope_in_param(problem, point, param)
    if rates is not None:
        J, b, dz = rates
        zs = list(dz)
        d.add("ift", f"The KKT system F = 0 (dL/dx = 0 and the active constraints) holds along the "
              f"optimum as {param} moves; differentiating it gives the bordered Jacobian system "
              f"J dz/d{param} = -dF/d{param}.",
              [sp.Eq(sp.Symbol("z"), sp.Matrix(zs), evaluate=False),    # not False: a
               sp.Eq(sp.Symbol("J"), J, evaluate=False),                 # symbol is no matrix
               sp.Eq(-sp.Derivative(sp.Symbol("F"), param), -b, evaluate=False)])
    text = (f"Its solution equals the derivatives of the closed form of the optimum in {param}:"
            if rates is not None else f"Differentiating the closed form of the optimum in {param} "
            "(the KKT Jacobian is singular here: the implicit function theorem does not apply):")
    d.add("closed-form", text, [sp.Eq(sp.Derivative(z, param), v) for z, v in closed.items()])
    value_rate = _shortest(sp.diff(point.value, param), _validity(problem, point))
    if not _same(value_rate, envelope, _validity(problem, point)):
        raise LagroptError(f"dV*/d{param} = {value_rate} but dL/d{param} = {envelope}: please report this")
    d.add("envelope", f"The optimal value: dV*/d{param} from the closed form equals dL/d{param} "
          "at the optimum (the envelope theorem).",
          [sp.Eq(sp.Derivative(V(param), param), value_rate),
           sp.Eq(sp.Derivative(sp.Symbol("L"), param), envelope)])
    xs = {v: closed[v] for v in problem.variables}
    ms = {m: closed[m] for m in point.multipliers if m in closed}
    return Sensitivity(param, xs, ms, value_rate, d, solution, True, rates is not None)


def _by_closed_form(point, param, validity) -> dict:
    return {z: _shortest(sp.diff(v, param), validity) for z, v in _at(point).items()}


def _shortest(expr, conditions=()):
    """The shortest of expr, its final form (:func:`lagropt.solver.tidy.final_form`: powers
    collected as a textbook prints them), its simplification and its positive-base form
    (:func:`_positive_form`); a rewriting only when :func:`_same` confirms it equal."""
    from .solver.tidy import final_form

    expr = sp.sympify(expr)
    best = expr
    for form in (final_form(expr), sp.simplify(expr), _positive_form(expr)):
        if sp.count_ops(form) < sp.count_ops(best) and _same(form, expr, conditions):
            best = form
    return best


def _envelope_in_param(problem, point, param):
    terms = _constraint_terms(problem, point)
    L = problem.objective - sp.Add(*[m * fn for _, m, _, fn in terms])
    values = {**point.x, **{m: v for _, m, v, _ in terms}}
    return sp.simplify(sp.diff(L, param).xreplace(values))


register_method("shadow_prices", shadow_prices)
register_method("sensitivity", sensitivity)
