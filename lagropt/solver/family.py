"""Families of variables over a symbolic number of states: ``IndexedBase`` and ``Sum``.

The lecture maximizes S = -sum_{i=1}^{I} p_i ln p_i with I a symbol. The same structural
elimination applies to the generic element p_i:

1. stationarity dL/dp_j = 0 at a generic index j (SymPy gives KroneckerDelta sums; ``doit``
   leaves a Piecewise on 1 <= j <= I, which is stripped: j is in range by construction);
2. that one equation is solved for p_j in terms of the multipliers;
3. p_i = phi(i) is inserted into the constraint sums, constants are pulled out of the sums
   (``sum_i e^{-(1 + lambda)} = I e^{-(1 + lambda)}``), and the multipliers are eliminated
   with the usual engine;
4. what is left (the mean-energy equation for lambda_2) stays as a remaining equation.

A product objective (max prod x_i) is maximized through its logarithm, which is increasing.
"""

from __future__ import annotations

import sympy as sp

from ..derivation import Derivation
from ..lagrangian import strip_range as _strip_range
from .requirements import sign_of
from .isolate import isolate
from .result import Point, Solution
from .steps import parametric_value
from .system import solve_system
from .tidy import final_form

__all__ = ["is_family_problem", "solve_family"]


def is_family_problem(internal) -> bool:
    return any(isinstance(v, sp.IndexedBase) for v in internal.variables)


def _index_info(expr):
    """(index symbol, lower, upper) of the first Sum/Product in expr."""
    for s in sp.preorder_traversal(expr):
        if isinstance(s, (sp.Sum, sp.Product)):
            var, lo, hi = s.limits[0]
            return var, lo, hi
    return None


def _insert(expr, base, phi, j):
    """Replace every base[k] by phi with j -> k, then evaluate and tidy the sums."""
    out = expr.replace(lambda e: isinstance(e, sp.Indexed) and e.base == base,
                       lambda e: phi.xreplace({j: e.indices[0]}))
    return _tidy_sums(out)


def _split_by_index(summand, index):
    """e^{a + b(i)} -> e^{a} e^{b(i)}: the part of each exponent free of the summation index
    is split off (and stays whole: e^{-(1 + lambda)}), so that it leaves the sum."""
    def split(e):
        arg = e.args[0]
        if not isinstance(arg, sp.Add):
            return e
        dep = sp.Add(*[t for t in arg.args if t.has(index)])
        rest = arg - dep
        return sp.exp(rest) * sp.exp(dep) if dep != 0 and rest != 0 else e
    return summand.replace(lambda e: isinstance(e, sp.exp), split)


def _tidy_sums(expr):
    """Sum of constants -> N * c; constant factors pulled out of sums; split exponentials."""
    expr = expr.replace(lambda e: isinstance(e, sp.Sum),
                        lambda e: sp.Sum(_split_by_index(e.function, e.limits[0][0]), *e.limits))
    expr = expr.doit(deep=False) if isinstance(expr, sp.Sum) else expr.replace(
        lambda e: isinstance(e, sp.Sum), lambda e: e.doit())
    return sp.factor_terms(expr)


def _objective(internal):
    """The objective to work with: a Product is maximized through its logarithm."""
    f = internal.f
    if isinstance(f, sp.Product) and internal.sense.is_max:
        return sp.expand_log(sp.log(f), force=True), True
    return f, False


def solve_family(internal, budget=None) -> Solution:
    """Solve a problem whose variables are IndexedBase families (see the module docstring)."""
    families = [v for v in internal.variables if isinstance(v, sp.IndexedBase)]
    scalars = [v for v in internal.variables if not isinstance(v, sp.IndexedBase)]
    f, logged = _objective(internal)
    info = _index_info(f) or next((_index_info(g) for g in internal.g if _index_info(g)), None)
    if info is None:
        raise ValueError("a family of variables needs a Sum or Product over its index")
    index, lower, upper = info
    j = sp.Dummy("j", integer=True)
    show = {j: index}                                   # print the generic index as the user's i
    L = f - sp.Add(*[m * g for m, g in zip(internal.lambdas, internal.g)])
    d = Derivation(title=f"{internal.sense.verb.capitalize()} over "
                   f"{', '.join(f'{b}_{index}' for b in families)}, {index} = {lower}..{upper}")
    fname = sp.Function("f")
    elements = [b[index] for b in families]
    gnames = ["g"] if len(internal.g) == 1 else [f"g_{k + 1}" for k in range(len(internal.g))]
    d.add("problem", (internal.sense.verb.capitalize()) + " the objective"
          + (" subject to " + ", ".join(f"{g} = 0" for g in gnames) if internal.g else "") + ":",
          [sp.Eq(fname(*elements), internal.f, evaluate=False)] +
          [sp.Eq(sp.Function(name)(*elements), g, evaluate=False)
           for name, g in zip(gnames, internal.g)],
          sense=internal.sense, variables=tuple(families))
    if logged:
        d.add("transform", "A product of positive factors is largest where its logarithm is "
              "(ln is increasing):", (sp.Eq(sp.log(fname(*[b[index] for b in families])), f,
                                            evaluate=False),))
    if internal.g:
        d.add("lagrangian", "The Lagrangian:", (sp.Eq(sp.Function("L")(*[b[index] for b in families],
                                                                        *internal.lambdas), L,
                                                      evaluate=False),))
    stationarity, unknowns, owners = [], [], {}
    for b in families:
        eq = _strip_range(sp.diff(L, b[j]).doit())
        owners[len(stationarity)] = b[j]
        stationarity.append(eq)
        unknowns.append(b[j])
    for s in scalars:
        owners[len(stationarity)] = s
        stationarity.append(_tidy_sums(sp.diff(L, s).doit()))
        unknowns.append(s)
    shown = []
    for eq in stationarity:
        dep, indep = eq.as_independent(*internal.lambdas, as_Add=True)
        shown.append(sp.Eq(dep.xreplace(show), -indep.xreplace(show), evaluate=False))
    rule = " + ".join(f"{m} grad {g}" for m, g in zip(internal.lambdas, gnames))
    d.add("equations", f"Stationarity, grad f = {rule}, for every {index}:", shown)
    # solve each family's stationarity equation for its generic element
    phis = {}
    for b, eq in zip(families, stationarity):
        sols = isolate(eq, b[j], [b[j], *internal.lambdas])
        if not sols or len(sols) != 1:
            return _unsolved(internal, d, stationarity, "the stationarity equation could not be "
                             f"solved for {b}_{index}")
        phis[b] = sols[0].value
    d.add("isolate", "Solve for the generic element:",
          tuple(sp.Eq(b[index], phis[b].xreplace(show)) for b in families))
    eqs = []
    for g in internal.g:
        for b, phi in phis.items():
            g = _insert(g, b, phi, j)
        eqs.append(g)
    for eq in stationarity[len(families):]:
        for b, phi in phis.items():
            eq = _insert(eq, b, phi, j)
        eqs.append(eq)
    branches = solve_system(eqs, list(internal.lambdas) + scalars, budget=budget)
    ok = [br for br in branches if br.status in ("solved", "residual")]
    if len(ok) != 1:
        return _unsolved(internal, d, eqs, "the constraints did not determine the multipliers "
                         "uniquely")
    br = ok[0]
    values = {u: final_form(v) for u, v in br.values().items()}
    for op in br.ops:
        if op.kind == "isolate":
            shown_eq = op.form if op.form is not None else op.equation
            dep, indep = shown_eq.as_independent(op.unknown, as_Add=True)[::-1]
            lines = [sp.Eq(dep, -indep, evaluate=False), op.stage, sp.Eq(op.unknown, op.value)]
            d.add("substitute", f"Insert into the constraint and solve for {op.unknown}:",
                  tuple(e for e in lines if e is not None), chain=True)
    x = {}
    for b, phi in phis.items():
        val = _tidy_sums(phi.xreplace(values))
        x[b[index]] = final_form(sp.powsimp(sp.expand_power_exp(val)).xreplace(show))
    for s in scalars:
        x[s] = values.get(s, s)
    multipliers = {m: values.get(m, m) for m in internal.lambdas}
    value = internal.f
    for b in families:
        value = _insert(value, b, x[b[index]].xreplace({index: j}), j)
    value = final_form(_split_sums(sp.expand_log(value.xreplace(values), force=False).doit()))
    kind, reason = _classify_separable(f, families, phis, j, internal, values)
    remaining = []
    for e in br.equations:
        e = e.xreplace(values)
        dep, indep = e.as_independent(*br.unknowns, as_Add=True)[::-1]
        remaining.append(sp.Eq(final_form(dep), -indep))
    d.add("solution", "The critical point" + (f", in terms of {', '.join(map(str, br.unknowns))}"
                                              if br.unknowns else "") + ":",
          tuple(sp.Eq(k, v) for k, v in x.items()))
    value = parametric_value(d, fname(*x.keys()), value, remaining, br.unknowns)
    point = Point(x, multipliers, value, kind=kind, reason=reason)
    hessian = _hessian_of_lagrangian(L, families, index) if kind != "inconclusive" else ()
    d.add("classification", f"{kind.capitalize()}: {reason}" + (":" if hessian else "."), hessian,
          verdict=kind)
    evidence = [e for e in [_separable_curvature(f, families, j, internal)] if e]
    if remaining:
        d.add("remaining", ", ".join(map(str, br.unknowns)) + " is fixed by the remaining "
              "equation" + ("s" if len(remaining) > 1 else "") + ":", tuple(remaining))
        return Solution("parametric", [point], [point], value, d, remaining=remaining,
                        unknowns=tuple(br.unknowns), evidence=evidence,
                        message=f"closed form in {', '.join(map(str, br.unknowns))}")
    d.add("verdict", "The optimum: " + ("; ".join(evidence) if evidence else
                                        "the only critical point") + ".", (), status="optimal")
    return Solution("optimal", [point], [point], value, d, evidence=evidence or
                    ["the only critical point (global optimality not proven)"])


def _hessian_of_lagrangian(L, families, index) -> tuple:
    """d^2 L / d b_j d b_k for each family b, with j, k named apart from the user's index."""
    taken = {s.name for s in L.free_symbols} | {index.name}
    j, k = next(sp.symbols(pair, integer=True) for pair in ("j k", "k l", "m n", "r s")
                if not set(pair.split()) & taken)
    fn = sp.Function("L")
    return tuple(sp.Eq(sp.Derivative(fn(b[j]), b[j], b[k]),
                       _strip_range(sp.diff(L, b[j], b[k]).doit()), evaluate=False)
                 for b in families)


def _split_sums(expr):
    """sum (a_i + c) b_i -> sum a_i b_i + c sum b_i: sums split over their terms, factors free
    of the index taken out."""
    from sympy.simplify.simplify import factor_sum

    def split(s):
        return sp.Add(*[factor_sum(sp.Sum(t, *s.limits))
                        for t in sp.Add.make_args(sp.expand(s.function))])
    return sp.expand(expr.replace(lambda e: isinstance(e, sp.Sum), split))


def _second_derivative(f, b, j):
    return _strip_range(sp.diff(f, b[j], 2).doit())


def _classify_separable(f, families, phis, j, internal, values):
    """Hessian of L in the family: diagonal d^2 f/dp_j^2 when f is a sum over separate terms
    and the constraints are linear (then the sign of each diagonal entry decides)."""
    for g in internal.g:
        for b in families:
            if _strip_range(sp.diff(g, b[j], 2).doit()) != 0:
                return "inconclusive", "the constraints are not linear in the family"
    signs = set()
    for b in families:
        second = _second_derivative(f, b, j)
        at = final_form(second.xreplace({b[j]: phis[b]}).xreplace(values))
        s = sign_of(at) if not at.has(sp.Indexed) else sign_of(second)
        signs.add(s)
    if signs == {-1}:
        return "maximum", "the Hessian of L is diagonal with negative entries"
    if signs == {1}:
        return "minimum", "the Hessian of L is diagonal with positive entries"
    return "inconclusive", "the sign of the Hessian of L could not be decided"


def _separable_curvature(f, families, j, internal):
    """f a sum of concave (max) / convex (min) terms in separate elements, linear constraints."""
    for g in internal.g:
        for b in families:
            if _strip_range(sp.diff(g, b[j], 2).doit()) != 0:
                return None
    want = -internal.sense.sign
    for b in families:
        second = _second_derivative(f, b, j)
        s = sign_of(second)
        if s != want:
            return None
    shape = internal.sense.shape
    what = "ln f" if isinstance(internal.f, sp.Product) else "f"
    return (f"{what} is a sum of {shape} terms and the constraints are linear: the critical point "
            f"is the global {internal.sense.word}")


def _unsolved(internal, d, eqs, why) -> Solution:
    d.add("residual", why + ":", tuple(sp.Eq(e, 0) for e in eqs))
    return Solution("unsolved", [], [], None, d, remaining=[sp.Eq(e, 0) for e in eqs],
                    message=why)
