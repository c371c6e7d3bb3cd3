"""Solving a system of equations by structure, the way the lecture does.

The engine keeps a list of *branches*. On each branch it repeatedly tries the strategies of
:data:`STRATEGIES`, in order (a new method is a new entry of that list):

0. ``divide_stationarity`` (:mod:`.rewrites`): two stationarity equations with radicals of the
   variables divided, the marginal rate of substitution equal to the price ratio
   (``sqrt(y)/sqrt(x) = p/q`` becomes ``y/x = p/q``), then ``take_logarithms``: equations
   between positive products of powers are linear in the logarithms of the unknowns;
1. ``isolate_unique``: an unknown that occurs once in an equation (``-ln p_i - 1 = lambda``
   gives ``p_i = exp(-1 - lambda)``), preferring an equation's own variable, then the primal
   variables, then the multipliers, substituted everywhere;
2. ``split_factors``: a branch per factor when an equation factors (``2 x (y^2 z^2 - lambda)
   = 0`` gives the cases ``x = 0`` and ``y^2 z^2 = lambda``), which keeps families apart;
3. ``polynomial_groebner``: a polynomial system with isolated solutions goes to the Groebner
   solver (complete, exact);
4. ``isolate_branching``: an unknown with two to four solutions, a branch per solution;
5. ``polynomial_family``: a polynomial system left over has infinitely many solutions;
6. ``exp_polynomial``: a single equation in ``exp(u)`` is a polynomial in ``w = exp(u/d)``;
7. ``sympy_solve``: what is left goes to ``sympy.solve`` under a CPU-time budget (at most
   :data:`SYMPY_MAX_EQUATIONS` equations; a larger system is left unsolved).

Every operation is recorded (:class:`Op`) so that the caller can write the derivation.
Nothing here is lossy: isolation returns all real solutions with their conditions, and
factor splits keep every factor.
"""

from __future__ import annotations

import operator
from functools import cached_property, lru_cache, reduce
from dataclasses import dataclass, field, replace

import numpy as np
import sympy as sp

from .branches import Branch, Op, Step, tidy as _tidy
from .isolate import Isolated, gather, isolate
from .rewrites import divide_stationarity, take_logarithms
from .polynomial import is_polynomial_system, solve_polynomial_system, exact_real_roots
from ..runtime import Budget, TimeLimit, TooLarge, run_in_worker

__all__ = ["Op", "Branch", "Step", "Work", "STRATEGIES", "solve_system", "is_zero"]

SYMPY_SOLVE_SECONDS = 1.5   # CPU seconds at most for one sympy.solve on what elimination left
# Equations at most that sympy.solve is given (a count, not a clock: the same on any machine).
# Measured on the reference set and the textbook cases (December 2026): every system it solved
# had 1 or 2 equations; those of 4 to 6 (HS77, HS79, HS80, HS81) all ran out of their 1.5 s.
SYMPY_MAX_EQUATIONS = 3
_PERIODIC = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)


def sample_value(sym, rng):
    """A random value respecting a symbol's sign assumptions (for zero tests)."""
    v = sp.Rational(int(rng.integers(1, 97)), int(rng.integers(3, 41)))
    if sym.is_negative or sym.is_nonpositive:
        return -v
    if sym.is_positive or sym.is_nonnegative or rng.random() < 0.5:
        return v
    return -v


@lru_cache(maxsize=4096)
def is_zero(expr) -> bool | None:
    """True if expr is identically zero, False if certainly not, None if undecided.

    Expressions with symbols are first evaluated at random points (respecting sign
    assumptions): a clearly non-zero value settles it cheaply. Only when every sample is near
    zero are SymPy's assumptions asked and the expression simplified to confirm.
    """
    if expr == 0:
        return True
    if expr.is_number:
        try:
            val = sp.N(expr, 40)
        except (TypeError, ValueError):
            return None
        if not val.is_number or val.has(sp.nan) or val.is_finite is False:
            return None
        if not abs(val).is_comparable:      # DiracDelta(0) from a nonsmooth derivative
            return None
        if abs(val) > sp.Float(10) ** -30:
            return False
        if expr.is_zero is not None:
            return expr.is_zero
        return bool(abs(sp.N(expr, 120)) < sp.Float(10) ** -100)    # callers test `is True`
    symbols = sorted(expr.free_symbols, key=str)
    rng = np.random.default_rng(len(symbols))
    for _ in range(3):
        point = {s_: sample_value(s_, rng) for s_ in symbols}
        try:
            val = sp.N(expr.xreplace(point), 30)
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if val.is_number and not val.has(sp.nan) and val.is_finite and abs(val) > sp.Float(10) ** -20:
            return False
    z = expr.is_zero           # after the samples: the assumptions system is slow on large sums
    if z is not None:
        return z
    for simplifier in (sp.expand, sp.cancel, _expand_logs_exps):
        try:
            if simplifier(expr) == 0:
                return True
        except (sp.PolynomialError, TypeError, ValueError):
            pass
    return None


def _expand_logs_exps(expr):
    e = sp.expand_log(sp.powsimp(sp.expand_power_exp(expr)), force=False)
    return sp.simplify(e) if sp.count_ops(e) < 120 else e


def _own_variable_priority(owner, u, primary):
    if owner == u:
        return 0
    if u in primary:
        return 1
    return 2


def _candidates(eq, u):
    """eq, then rewritings where u might occur once (not when eq is a polynomial of degree > 1
    in u: no rewriting isolates u there)."""
    yield eq
    if _degree_in(eq, u) > 1 or _incommensurate_exponentials(eq, u):
        return
    yield from _rewritings(eq, u)


class _Remembered:
    """An iterator's items, produced on demand and remembered: iterating again replays them,
    then continues the iterator where it stopped."""

    def __init__(self, iterator):
        self._iterator, self._items = iterator, []

    def __iter__(self):
        i = 0
        while True:
            if i == len(self._items):
                item = next(self._iterator, _Remembered)
                if item is _Remembered:
                    return
                self._items.append(item)
            yield self._items[i]
            i += 1


@lru_cache(maxsize=4096)
def _rewritings(eq, u) -> _Remembered:
    """:func:`~.isolate.gather`'s rewritings of eq for u, computed once: the single
    isolation and the branching isolation walk the same (equation, unknown) pairs (HS81's
    stationarity equations: factor_terms on each rewriting was a third of its exact solve)."""
    return _Remembered(gather(eq, u))


def _incommensurate_exponentials(eq, u) -> bool:
    """u occurs only in exponents, as c_k u with at least two coefficients whose ratio is not
    a number (sum_i eps_i e^{-lambda eps_i} in lambda): no rewriting leaves u in one place."""
    exps = [e for e in eq.atoms(sp.exp) if e.has(u)]
    if not exps or eq.xreplace({e: sp.Dummy() for e in exps}).has(u):
        return False
    coefficients = []
    for e in exps:
        for t in sp.Add.make_args(sp.expand(e.args[0])):
            if t.has(u):
                c = sp.cancel(t / u)
                if c.has(u):
                    return False
                coefficients.append(c)
    first = coefficients[0]
    return any(not sp.cancel(c / first).is_number for c in coefficients[1:])


@lru_cache(maxsize=8192)
def _degree_in(eq, u) -> int:
    """The degree of eq in u when eq is polynomial in u, else 1 (unknown)."""
    if any(f.has(u) for f in eq.atoms(sp.Function)):
        return 1                       # u inside exp, log, ...: not a polynomial in u
    try:
        return sp.Poly(eq, u).degree()
    except (sp.PolynomialError, sp.GeneratorsNeeded):
        return 1


def _radicals(expr) -> set:
    return {a for a in expr.atoms(sp.Pow) if not a.exp.is_Integer} | expr.atoms(sp.Abs, sp.sign)


def _unique_isolation(branch, primary):
    """The best (equation, unknown, single solution) to eliminate, or None.

    While the system is polynomial, isolations that would bring in radicals (x^3 = lambda/4
    gives a real cube root with Abs and sign) are left to the Groebner basis instead.
    """
    best = None
    live = [u for u in branch.unknowns if any(e.has(u) for e in branch.equations)]
    polynomial = is_polynomial_system(branch.equations, live)
    for i, eq in enumerate(branch.equations):
        present = [u for u in branch.unknowns if eq.has(u)]
        for u in present:
            key = (_own_variable_priority(branch.owners[i], u, primary), len(present), i)
            if best is not None and key >= best[0]:
                continue
            found = _single_isolation(eq, u, tuple(present), polynomial)
            if found is not None:
                best = (key, i, u) + found
    return best


@lru_cache(maxsize=8192)
def _single_isolation(eq, u, present: tuple, polynomial: bool):
    """(solutions, form) when u is isolated from eq with at most one solution, else None.
    Memoized: the same hopeless attempts recur on every pass of the elimination."""
    for form in _candidates(eq, u):
        sols = isolate(form, u, present)
        if sols is None or len(sols) > 1:
            continue
        if polynomial and sols and _radicals(sols[0].value) - _radicals(form):
            continue
        return sols, form
    return None


def _branching_isolation(branch):
    for i, eq in enumerate(branch.equations):
        for u in branch.unknowns:
            if not eq.has(u):
                continue
            for form in _candidates(eq, u):
                sols = isolate(form, u, branch.unknowns)
                if sols is not None and 1 < len(sols) <= 4:
                    return i, u, sols, form
    return None


def _factors(num, unknowns):
    """The factors of ``num`` that contain unknowns: a common factor pulled out of the terms,
    or a full factorization when ``num`` is a modest polynomial in the unknowns. Exponentials
    are left out: e^u = 0 has no solution, so it is no case of its own."""
    if sp.count_ops(num) > 200:
        return []
    pulled = sp.factor_terms(num)
    if pulled.is_Mul:
        parts = [f.base if f.is_Pow and f.exp.is_positive else f for f in pulled.args]
        parts = [f for f in parts if f.free_symbols & unknowns and not isinstance(f, sp.exp)]
        if len(parts) >= 2:
            return parts
    try:
        poly = sp.Poly(num, *sorted(unknowns & num.free_symbols, key=str))
    except (sp.PolynomialError, sp.GeneratorsNeeded):
        return []
    if poly.total_degree() > 12 or len(poly.terms()) > 40:
        return []
    try:
        _, factors = sp.factor_list(num)
    except (sp.PolynomialError, NotImplementedError, TypeError):
        return []
    return [f for f, _ in factors if f.free_symbols & unknowns and not isinstance(f, sp.exp)]


def _factor_split(branch):
    """An equation that factors into several factors with unknowns: (index, factors)."""
    unknowns = set(branch.unknowns)
    for i, eq in enumerate(branch.equations):
        if sp.count_ops(eq) > 200:
            continue
        num, _ = sp.fraction(sp.together(eq))
        factors = _factors(num, unknowns)
        if len(factors) >= 2:
            return i, factors
    return None


def _assign(branch, i, u, sol, form=None):
    keep = [j for j in range(len(branch.equations)) if j != i]
    stage = sol.exp_stage
    sol = Isolated(_tidy(sol.value), sol.conditions)
    new_eqs = [_tidy(branch.equations[j].xreplace({u: sol.value})) for j in keep]
    conds = branch.conditions + list(sol.conditions)
    return Branch(new_eqs, [v for v in branch.unknowns if v != u],
                  [branch.owners[j] for j in keep], branch.assigned + [(u, sol.value)], conds,
                  branch.ops + [Op("isolate", branch.equations[i], u, sol.value, form=form,
                                   owner=branch.owners[i], stage=stage)])


def _clean(branch):
    """Drop equations that vanish identically; a non-zero constant makes the branch infeasible."""
    eqs, owners = [], []
    for e, owner in zip(branch.equations, branch.owners):
        z = is_zero(e)
        if z is True:
            continue
        if not (e.free_symbols & set(branch.unknowns)):
            if z is False:
                branch.status = "infeasible"
                branch.note = f"the equations reduce to {sp.sstr(e)} = 0"
                return branch
        eqs.append(e)
        owners.append(owner)
    branch.equations, branch.owners = eqs, owners
    return branch


def _substituted_conditions_ok(branch) -> bool:
    for c in branch.conditions:
        if c is sp.false:
            return False
    return True


@dataclass
class Work:
    """A branch as the strategies see it, with what several of them ask computed once."""

    branch: Branch
    primary: set
    budget: Budget | None = None

    @cached_property
    def live(self) -> list:
        """The unknowns that still occur in an equation."""
        return [u for u in self.branch.unknowns if any(e.has(u) for e in self.branch.equations)]

    @cached_property
    def polynomial(self) -> bool:
        return is_polynomial_system(self.branch.equations, self.live)


# -- the elimination strategies, in the order solve_system tries them --------------------------

def isolate_unique(work: Work) -> Step | None:
    """An unknown with a single solution in some equation: assign it (or the branch is
    infeasible when that equation has no real solution for it)."""
    pick = _unique_isolation(work.branch, work.primary)
    if pick is None:
        return None
    branch = work.branch
    _, i, u, sols, form = pick
    if not sols:
        branch.status = "infeasible"
        branch.note = f"{sp.sstr(branch.equations[i])} = 0 has no real solution for {u}"
        return Step(finished=[branch])
    return Step(reopened=[_assign(branch, i, u, sols[0], form)])


def split_factors(work: Work) -> Step | None:
    """An equation that factors: one branch per factor set to zero."""
    split = _factor_split(work.branch)
    if split is None:
        return None
    branch = work.branch
    i, factors = split
    reopened = []
    for f in reversed(factors):
        eqs = list(branch.equations)
        eqs[i] = f
        reopened.append(replace(branch, equations=eqs, ops=branch.ops + [
            Op("split", branch.equations[i], note=sp.sstr(f), factor=f)]))
    return Step(reopened=reopened)


def polynomial_groebner(work: Work) -> Step | None:
    """A polynomial system with isolated solutions: Groebner basis and exact real roots."""
    if not work.polynomial:
        return None
    solved = _solve_polynomial(work.branch, work.live)
    return None if solved is None else Step(finished=solved)


def isolate_branching(work: Work) -> Step | None:
    """An unknown with two to four solutions in some equation: one branch per solution."""
    pick = _branching_isolation(work.branch)
    if pick is None:
        return None
    i, u, sols, form = pick
    return Step(reopened=[_assign(work.branch, i, u, sol, form) for sol in reversed(sols)])


def polynomial_family(work: Work) -> Step | None:
    """A polynomial system the strategies above left: its solutions are not isolated."""
    if not work.polynomial:
        return None
    branch = work.branch
    branch.status = "family"
    branch.note = "the remaining polynomial equations have infinitely many solutions"
    return Step(finished=[branch])


def exp_polynomial(work: Work) -> Step | None:
    """Equations in exponentials of the unknowns: polynomial in w_i = exp(u_i/d_i) > 0.

    One equation in one unknown gives a polynomial in w; a system (the maximum-entropy
    multipliers after p_k = exp(-1 - lambda_1 - lambda_2 k - lambda_3 k^2) is inserted into the
    moment constraints) gives a polynomial system, solved by Groebner bases, of which only the
    solutions with every w_i > 0 are kept (each gives u_i = d_i log w_i).
    """
    branch, live = work.branch, work.live
    if len(live) > 1:
        return _exp_polynomial_system(branch, live)
    if not (len(branch.equations) == 1 and len(live) == 1):
        return None
    eq, u = branch.equations[0], live[0]
    found = _exp_polynomial(eq, u)
    if found is None:
        return None
    sols, substitution, poly = found
    free = [v for v in branch.unknowns if v not in live]
    return Step(finished=[Branch([], free, [], branch.assigned + [(u, s)], list(branch.conditions),
                                 branch.ops + [Op("expsub", eq, u, s, form=substitution,
                                                  stage=sp.Eq(poly, 0))],
                                 "family" if free else "solved") for s in sols] or [
        replace(branch, status="infeasible", note="no real solution")])


def sympy_solve(work: Work) -> Step:
    """sympy.solve on what is left, under a share of the budget; the branch is ``residual``
    when it gives up (the caller reports the equations or solves them numerically)."""
    return Step(finished=_solve_rest(work.branch, work.budget))


STRATEGIES = [divide_stationarity, take_logarithms, isolate_unique, split_factors, polynomial_groebner, isolate_branching,
              polynomial_family, exp_polynomial, sympy_solve]
"""The elimination strategies, tried in this order on each open branch; the first that returns
a :class:`Step` acts. Each takes a :class:`Work` and returns a ``Step`` or None (does not apply);
the last always acts. A new method is a new entry."""


def solve_system(equations, unknowns, *, primary=(), owners=None, budget=None,
                 max_branches: int = 512) -> list[Branch]:
    """Solve ``equations`` (expressions equal to zero) for ``unknowns``.

    Returns the final branches: ``solved`` (every unknown assigned), ``family`` (some unknowns
    stay free: infinitely many solutions), ``residual`` (equations left that no exact method
    solved: the caller reports them or solves numerically) or ``infeasible``.
    ``owners`` maps an equation's index to a tag: the variable it is naturally solved for
    (stationarity equation i to x_i, which is then preferred), or any label (a constraint's
    index) that the recorded operations carry along. Each open branch goes to the first of
    :data:`STRATEGIES` that applies.
    """
    owners = owners or {}
    primary = set(primary)
    open_branches = [Branch(list(equations), list(unknowns),
                            [owners.get(i) for i in range(len(equations))])]
    done: list[Branch] = []
    while open_branches:
        if len(open_branches) + len(done) > max_branches:
            raise TooLarge("too many cases in the elimination")
        _check(budget)
        branch = _clean(open_branches.pop())
        if branch.status == "infeasible":
            done.append(branch)
            continue
        if not branch.equations:
            branch.status = "family" if branch.unknowns else "solved"
            done.append(branch)
            continue
        step = _first_step(Work(branch, primary, budget))
        open_branches.extend(step.reopened)
        done.extend(step.finished)
    return [b for b in done if _substituted_conditions_ok(b)]


def _first_step(work: Work) -> Step:
    """The step of the first strategy that applies (the last, sympy_solve, always does)."""
    for strategy in STRATEGIES:
        step = strategy(work)
        if step is not None:
            return step
    raise AssertionError("sympy_solve always acts")


def _check(budget: Budget | None):
    if budget is not None:
        budget.check("the exact solve")


def _solve_polynomial(branch, unknowns) -> list[Branch] | None:
    """Groebner basis and real roots; None when the solutions are not isolated points."""
    eqs = branch.equations
    free = [u for u in branch.unknowns if u not in unknowns]
    denominators = [sp.fraction(sp.together(e))[1] for e in eqs]
    result = solve_polynomial_system(eqs, unknowns, [d for d in denominators if d.free_symbols])
    if result.too_many:
        return [replace(branch, status="residual", note=result.too_many)]
    if result.dimension > 0:
        return None
    out = []
    shown = result.display or [{} for _ in result.solutions]
    for sol, nice in zip(result.solutions, shown):
        out.append(Branch([], free, [], branch.assigned + list(sol.items()), list(branch.conditions),
                          branch.ops + [Op("polynomial", note=str(len(result.solutions)))],
                          "family" if free else "solved", display=nice))
    return out or [replace(branch, status="infeasible",
                           note="the polynomial equations have no real solution")]


def _solve_rest(branch, budget) -> list[Branch]:
    """What no isolation, split, Groebner basis or exp-polynomial solved: sympy.solve."""
    eqs, unknowns = branch.equations, [u for u in branch.unknowns if any(e.has(u) for e in branch.equations)]
    free = [u for u in branch.unknowns if u not in unknowns]
    bounded = next((e for e in eqs if _never_zero(e, unknowns)), None)
    if bounded is not None:
        return [replace(branch, status="infeasible", note=f"{sp.sstr(bounded)} = 0 has no real "
                        "solution (its range over the reals excludes 0)")]
    sols = None if _hopeless(eqs, unknowns) else _sympy_solve(eqs, unknowns, budget)
    if sols is None:
        branch.status = "residual"
        branch.note = "no exact method solved the remaining equations"
        return [branch]
    out = []
    for sol in sols:
        if set(sol) != set(unknowns) or any(v.free_symbols & set(unknowns) for v in sol.values()):
            branch.status = "residual"
            branch.note = "sympy.solve returned a partial solution"
            return [branch]
        out.append(Branch([], free, [], branch.assigned + list(sol.items()), list(branch.conditions),
                          branch.ops + [Op("sympy", note=str(len(sols)))],
                          "family" if free else "solved"))
    return out or [replace(branch, status="infeasible", note="sympy.solve found no solution")]


def _exp_polynomial(eq, u):
    """Solve an equation in exp(a u) terms (rational a) as a polynomial in w = exp(u/d) > 0:
    (the values of u, Eq(w, exp(u/d)), the polynomial), or None."""
    exps = [e for e in eq.atoms(sp.exp) if e.has(u)]
    if not exps:
        return None
    rates = []
    for e in exps:
        arg = sp.expand(e.args[0])
        a = arg.coeff(u)
        if not a.is_Rational or (arg - a * u).has(u):
            return None
        rates.append(a)
    d = _oriented(reduce(sp.ilcm, [r.q for r in rates], 1), rates)   # ilcm needs two arguments
    w = next(iter(_positive_unknowns([u], eq.free_symbols).values()))
    expanded = sp.expand(sp.expand_power_exp(sp.powsimp(eq)))
    replaced = expanded.replace(
        lambda e: isinstance(e, sp.exp) and e.has(u),
        lambda e: w ** (sp.expand(e.args[0]).coeff(u) * d) * sp.exp(sp.expand(e.args[0]) - sp.expand(e.args[0]).coeff(u) * u))
    if replaced.has(u):
        return None
    num, den = sp.fraction(sp.together(replaced))
    num = sp.expand(num)
    try:
        poly = sp.Poly(num, w)
    except sp.PolynomialError:
        return None
    if not all(c.is_number for c in poly.coeffs()):
        return None
    if not all(c.is_Rational for c in poly.coeffs()):
        return None
    roots = [r for r in exact_real_roots(poly) if sp.N(r) > 0]
    return ([_log_form(d, r) for r in roots], sp.Eq(w, sp.exp(u / d)),
            sp.factor_terms(poly.as_expr()))


def _exp_rates(eqs, unknowns) -> dict | None:
    """d_u per unknown: every exponent is sum_u a_u u + c with rational a_u (|d_u| the least
    common denominator of u's coefficients, its sign from :func:`_oriented`) and c a rational
    number, and no unknown occurs outside an exponent; None otherwise."""
    names = set(unknowns)
    denominators = {u: [] for u in unknowns}
    for eq in eqs:
        exps = [e for e in eq.atoms(sp.exp) if e.free_symbols & names]
        if eq.xreplace({e: sp.Dummy() for e in exps}).free_symbols & names:
            return None
        for e in exps:
            arg = sp.expand(e.args[0])
            for u in unknowns:
                a = arg.coeff(u)
                if not a.is_Rational:
                    return None
                denominators[u].append(a.q)
            if not (arg - sum(arg.coeff(u) * u for u in unknowns)).is_Rational:
                return None
    if not all(denominators.values()):
        return None
    return {u: _oriented(reduce(sp.ilcm, qs, 1), [sp.expand(e.args[0]).coeff(u) for eq in eqs
                                                  for e in eq.atoms(sp.exp)])
            for u, qs in denominators.items()}


def _oriented(d, coefficients):
    """-d when most coefficients of the unknown in the exponents are negative: w = e^{-u/d}
    then enters with positive powers (the maximum-entropy t = e^{-lambda}, p_k ~ t^k)."""
    signs = [c.is_negative for c in coefficients if c != 0]
    return -d if 2 * sum(signs) > len(signs) else d


def _exp_to_powers(expr, ws: dict, rates: dict):
    """exp(sum_u a_u u + c) -> e^c prod_u w_u^(a_u d_u), with w_u = exp(u / d_u)."""
    def power(e):
        arg = sp.expand(e.args[0])
        rest = arg - sum(arg.coeff(u) * u for u in ws)
        return sp.exp(rest) * sp.Mul(*[ws[u] ** (arg.coeff(u) * rates[u]) for u in ws])
    expanded = sp.expand(sp.powsimp(sp.expand_power_exp(expr)))
    return expanded.replace(lambda e: isinstance(e, sp.exp) and bool(e.free_symbols & set(ws)),
                            power)


def _positive_unknowns(unknowns, taken) -> dict:
    """A positive symbol per unknown, named w (or w_1, w_2, ...) unless the name is taken."""
    names = {str(s) for s in taken}
    stem = next(c for c in ("w", "t", "v", "z_w") if c not in names and
                not any(n.startswith(c + "_") for n in names))
    if len(unknowns) == 1:
        return {unknowns[0]: sp.Symbol(stem, positive=True)}
    return {u: sp.Symbol(f"{stem}_{i}", positive=True) for i, u in enumerate(unknowns, 1)}


def _is_positive(value) -> bool:
    if value.is_positive is not None:
        return bool(value.is_positive)
    number = sp.N(value, 30)
    return bool(number.is_real and number > 0)


def _exp_polynomial_system(branch, live) -> Step | None:
    """Several equations in exponentials of several unknowns (:func:`exp_polynomial`)."""
    rates = _exp_rates(branch.equations, live)
    if rates is None:
        return None
    ws = _positive_unknowns(live, set(branch.unknowns).union(
        *(e.free_symbols for e in branch.equations), (u for u, _ in branch.assigned)))
    fractions = [sp.fraction(sp.together(_exp_to_powers(e, ws, rates))) for e in branch.equations]
    names = list(ws.values())
    polys = [_without_positive_factors(sp.expand(num), names) for num, _ in fractions]
    if not is_polynomial_system(polys, names):
        return None
    denominators = [den for _, den in fractions if den.free_symbols]
    try:
        result = solve_polynomial_system(polys, names, denominators)
    except TooLarge:            # beyond the Groebner bound: left to sympy_solve, as before
        return None
    if result.too_many:         # no solutions were taken: not "no solution"
        return Step(finished=[replace(branch, status="residual", note=result.too_many)])
    if result.dimension > 0:
        return None
    free = [v for v in branch.unknowns if v not in live]
    shown = result.display or result.solutions
    op = Op("expsystem", value=sp.Tuple(*[sp.Eq(w, sp.exp(u / rates[u])) for u, w in ws.items()]),
            form=sp.Tuple(*[sp.Eq(p, 0) for p in polys]))
    out = []
    for sol, nice in zip(result.solutions, shown):
        if not all(_is_positive(nice[w]) for w in names):
            continue
        values = [(u, rates[u] * sp.log(sol[w])) for u, w in ws.items()]
        display = {u: _log_form(rates[u], nice[w]) for u, w in ws.items()}
        out.append(Branch([], free, [], branch.assigned + values, list(branch.conditions),
                          branch.ops + [op], "family" if free else "solved", display=display))
    return Step(finished=out or [replace(branch, status="infeasible",
                                         note="no solution with every exponential positive")])


def _without_positive_factors(poly, ws):
    """``poly`` without its factors that cannot vanish for positive ``ws`` (the coefficients
    of one sign: w_2, w_1 + 1, 2 w_1^2 w_2^3 + w_1 + 2 w_2^3): w_1^2 - 1 -> w_1 - 1. Exactly
    the same positive solutions, and a smaller Groebner basis (multiple factors are kept once).
    1 when no factor is left (then the equation has no positive solution)."""
    try:
        _, factors = sp.factor_list(poly, *ws)
    except (sp.PolynomialError, NotImplementedError):
        return poly
    kept = [f for f, _ in factors if not _one_signed(f, ws)]
    return sp.expand(sp.Mul(*kept))


def _one_signed(factor, ws) -> bool:
    """Every coefficient of the polynomial ``factor`` in ``ws`` has the same strict sign."""
    coefficients = sp.Poly(factor, *ws).coeffs()
    return all(c.is_positive for c in coefficients) or all(c.is_negative for c in coefficients)


def _log_form(d, root):
    """d log(root) in its simplest exact form (log of a CRootOf stays as it is)."""
    value = d * sp.log(root)
    return value if isinstance(root, sp.CRootOf) else sp.expand_log(value, force=True)


def _never_zero(eq, unknowns) -> bool:
    """Whether ``eq`` = 0 has no real solution, shown by interval arithmetic: with every
    unknown ranging over the reals, the enclosure of eq's range (the true range lies inside it)
    excludes 0. Tried only on equations with a trigonometric function of the unknowns, whose
    bounded range decides it (sin(x4 - x5) = 2 sqrt(2): sin lies in [-1, 1])."""
    if not any(a.free_symbols & set(unknowns) for a in eq.atoms(*_PERIODIC)):
        return False
    everywhere = sp.AccumBounds(-sp.oo, sp.oo)
    try:
        rng = _enclosure(eq, {u: everywhere for u in unknowns})
    except Exception:  # noqa: BLE001 - SymPy's interval arithmetic failing shows nothing
        return False
    if not isinstance(rng, sp.AccumBounds):
        return False
    lo, hi = rng.min, rng.max
    return bool(lo.is_extended_real and hi.is_extended_real and (lo > 0 or hi < 0))


def _enclosure(expr, box):
    """expr with its symbols replaced by the intervals of ``box``, evaluated bottom up through
    the arithmetic operators (``Add(AccumBounds(-1, 1), -2*sqrt(2))`` as built by xreplace
    stays unevaluated; ``AccumBounds(-1, 1) - 2*sqrt(2)`` is an interval)."""
    if expr in box:
        return box[expr]
    if not expr.args:
        return expr
    args = [_enclosure(a, box) for a in expr.args]
    if isinstance(expr, sp.Add):
        return reduce(operator.add, args)
    if isinstance(expr, sp.Mul):
        return reduce(operator.mul, args)
    if isinstance(expr, sp.Pow):
        return args[0] ** args[1]
    return expr.func(*args)


def _hopeless(eqs, unknowns) -> bool:
    """sympy.solve is not worth its time: more than :data:`SYMPY_MAX_EQUATIONS` equations, or
    an unknown inside exponentials whose rates have no rational ratio (e^{-eps_1 u},
    e^{-eps_2 u}: no closed form exists)."""
    if len(eqs) > SYMPY_MAX_EQUATIONS:
        return True
    for u in unknowns:
        rates = set()
        for e in eqs:
            for atom in e.atoms(sp.exp):
                if atom.has(u):
                    rates.add(sp.expand(atom.args[0]).coeff(u))
        rates = [r for r in rates if r != 0]
        if any(not (a / b).is_Rational for a in rates for b in rates):
            return True
    return False


_SOLVED: dict = {}        # (distinct equations, unknowns) -> what sympy.solve returned


def _sympy_solve(eqs, unknowns, budget):
    """sympy.solve on what is left, in a worker with at most 1.5 s CPU (30% of what the
    exact solve has left), since it can hang on small systems. Equations equal up to sign are
    given once, and a system solved before (the same subsystem met on several branches:
    HS46's irregular points meet sin(x4 - x5) = 1, cos(x4 - x5) = 0 seven times) is not
    solved again; only answers are remembered, never a failure."""
    distinct = tuple(dict.fromkeys(-e if e.could_extract_minus_sign() else e for e in eqs))
    key = (frozenset(distinct), tuple(unknowns))
    if key not in _SOLVED:
        sols = _sympy_solve_once(list(distinct), unknowns, budget)
        if sols is None:
            return None
        if len(_SOLVED) >= 1024:        # a long session: forget the oldest half
            for old in list(_SOLVED)[:512]:
                del _SOLVED[old]
        _SOLVED[key] = sols
    return _SOLVED[key]


def _sympy_solve_once(eqs, unknowns, budget):
    """One sympy.solve in a worker under its share of the budget (see :func:`_sympy_solve`)."""
    left = None if budget is None else budget.left()
    share = SYMPY_SOLVE_SECONDS if left is None else max(0.05, min(SYMPY_SOLVE_SECONDS, 0.3 * left))
    part = Budget(share) if budget is None else budget.part(share)
    try:
        sols = run_in_worker(sp.solve, eqs, unknowns, dict=True, budget=part, what="sympy.solve")
    except TimeLimit:
        return None
    except (NotImplementedError, sp.PolynomialError, ValueError, TypeError, AttributeError):
        return None
    real = []
    for s in sols:
        if all(v.is_real is not False for v in s.values()):
            real.append(s)
    if not sols:
        return None
    return real
