"""Economics with symbolic prices and income (issue 17, items 1 and 3): the ratio of two
stationarity equations (marginal rate of substitution = price ratio) and textbook forms of
powers. Every expected answer is derived by hand in the comment beside it; the whole
economics canon with its sources is in tests/reference_problems.py (judged in
test_reference.py).
"""

import re

import numpy as np
import pytest
import sympy as sp

import lagropt
from lagropt import latex as L
from lagropt.solver.branches import Branch
from lagropt.solver.rewrites import divide_stationarity
from lagropt.solver.system import Work
from lagropt.solver.tidy import collect_powers, final_form, proven_equal

S = sp.Rational
p, q, m, u, a = sp.symbols("p q m u a", positive=True)
x, y = sp.symbols("x y", positive=True)
lam = sp.Symbol("lambda", real=True)
BUDGET = sp.Eq(p * x + q * y, m)


def same(got, want) -> bool:
    return sp.simplify(got - want) == 0


def solved(objective, constraints, sense=lagropt.maximize, params=(p, q, m), assume=None):
    sol = sense(objective, constraints, [x, y], list(params), assume=assume).solve()
    assert sol.status == "optimal", sol
    (point,) = sol.optimum
    return sol, point


def test_sqrt_xy_is_solved_exactly_with_the_textbook_demands():
    # sqrt(xy): the ratio y/x = p/q with p x + q y = m gives p x = q y = m/2;
    # V = sqrt(m/(2p) m/(2q)) = m/(2 sqrt(pq)); lambda = dV/dm = 1/(2 sqrt(pq)).
    sol, pt = solved(sp.sqrt(x * y), [BUDGET])
    assert same(pt.x[x], m / (2 * p)) and same(pt.x[y], m / (2 * q))
    assert same(sol.value, m / (2 * sp.sqrt(p * q)))
    assert same(pt.multipliers[lam], 1 / (2 * sp.sqrt(p * q)))
    assert pt.kind == "maximum"


def test_cobb_douglas_one_third_is_solved_exactly():
    # x^(1/3) y^(2/3): the ratio (1/3) y/(2/3 x) = p/q, y = 2 p x/q, so 3 p x = m:
    # x = m/(3p), y = 2m/(3q); V = (m/(3p))^(1/3) (2m/(3q))^(2/3) = 2^(2/3) m/(3 p^(1/3) q^(2/3)),
    # homogeneous of degree 1 in m, so lambda = V/m.
    sol, pt = solved(x ** S(1, 3) * y ** S(2, 3), [BUDGET])
    want = 2 ** S(2, 3) * m / (3 * p ** S(1, 3) * q ** S(2, 3))
    assert same(pt.x[x], m / (3 * p)) and same(pt.x[y], 2 * m / (3 * q))
    assert same(sol.value, want) and same(pt.multipliers[lam], want / m)
    assert sp.count_ops(sol.value) <= sp.count_ops(want)


def test_expenditure_minimisation_is_solved_exactly():
    # min p x + q y s.t. x^(1/3) y^(2/3) = u: the ratio p/q = (1/3 y/x)/(2/3) = y/(2x),
    # y = 2 p x/q; u = x (2p/q)^(2/3), x = u (q/(2p))^(2/3), y = u (2p/q)^(1/3);
    # e = p x + q y = u p^(1/3) q^(2/3) (2^(-2/3) + 2^(1/3)) = 3 u p^(1/3) q^(2/3)/2^(2/3);
    # lambda = de/du = e/u.
    sol, pt = solved(p * x + q * y, [sp.Eq(x ** S(1, 3) * y ** S(2, 3), u)],
                     sense=lagropt.minimize, params=(p, q, u))
    e = 3 * u * p ** S(1, 3) * q ** S(2, 3) / 2 ** S(2, 3)
    assert same(pt.x[x], u * (q / (2 * p)) ** S(2, 3))
    assert same(pt.x[y], u * (2 * p / q) ** S(1, 3))
    assert same(sol.value, e) and same(pt.multipliers[lam], e / u)
    assert sp.count_ops(sol.value) <= sp.count_ops(e)


def test_cobb_douglas_a_multiplier_and_value_in_textbook_form():
    # x^a y^(1-a): x = a m/p, y = (1-a) m/q (Simon-Blume ch. 22); lambda = f_x/p
    # = a x^(a-1) y^(1-a)/p = (a/p) (y/x)^(1-a) = (a/p) ((1-a) p/(a q))^(1-a)
    # = (a/p)^a ((1-a)/q)^(1-a); the indirect utility V = x^a y^(1-a) = m lambda.
    sol, pt = solved(x ** a * y ** (1 - a), [BUDGET], params=(a, p, q, m), assume=[a < 1])
    lam_want = (a / p) ** a * ((1 - a) / q) ** (1 - a)
    v_want = m * lam_want
    got_lam, got_v = pt.multipliers[lam], sol.value
    assert proven_equal(got_lam, lam_want) and proven_equal(got_v, v_want)
    assert sp.count_ops(got_lam) <= sp.count_ops(lam_want)
    assert sp.count_ops(got_v) <= sp.count_ops(v_want)
    assert str(got_lam) == "(a/p)**a*((1 - a)/q)**(1 - a)"
    assert str(got_v) == "m*(a/p)**a*((1 - a)/q)**(1 - a)"


def test_ces_demands_over_one_denominator():
    # sqrt x + sqrt y: 1/(2 sqrt x) = lambda p, so sqrt(y/x) = p/q, y = x p^2/q^2;
    # p x (1 + p/q) = m: x = m q/(p (p + q)), y = m p/(q (p + q)) (Varian MA ch. 7, r = -1).
    _, pt = solved(sp.sqrt(x) + sp.sqrt(y), [BUDGET])
    want = m * q / (p * (p + q))
    assert same(pt.x[x], want)
    assert str(pt.x[x]) == str(want)          # not m/(p*(p/q + 1)): fewer divisions


def test_three_goods_with_weights():
    # sqrt(x) y^(1/3) z^(1/6) with p x + q y + r z = m: f_x = f/(2x) = lambda p etc., so the
    # spending shares are the exponents: x = m/(2p), y = m/(3q), z = m/(6r).
    r, z = sp.symbols("r z", positive=True)
    sol = lagropt.maximize(sp.sqrt(x) * y ** S(1, 3) * z ** S(1, 6),
                           [sp.Eq(p * x + q * y + r * z, m)], [x, y, z], [p, q, r, m]).solve()
    assert sol.status == "optimal"
    (pt,) = sol.optimum
    assert same(pt.x[x], m / (2 * p)) and same(pt.x[y], m / (3 * q))
    assert same(pt.x[z], m / (6 * r))


# -- the derivation: the lecture's division ------------------------------------------------------

def test_the_derivation_divides_the_stationarity_equations():
    sol, _ = solved(sp.sqrt(x * y), [BUDGET])
    text = str(sol.derivation)
    assert "Divide the stationarity equation for x by the one for y" in text
    assert "f_x/f_y = g_x/g_y" in text and "=> y/x = p/q" in text
    assert "Solve each stationarity equation for its variable" not in text
    tex = L.latex(sol.derivation)
    assert r"\frac{f_{x}}{f_{y}} &= \frac{g_{x}}{g_{y}}" in tex
    assert r"\frac{y}{x} &= \frac{p}{q}" in tex


def test_a_parameter_the_division_needs_non_zero_is_named():
    sol, _ = solved(x ** a * y ** (1 - a), [BUDGET], params=(a, p, q, m), assume=[a < 1])
    text = str(sol.derivation)
    assert "price ratio), assuming 1 - a is not zero:" in text
    assert "=> a*y/(x*(1 - a)) = p/q" in text
    assert "$a$ budget" not in L.latex(sol.derivation)     # words are not typeset as symbols


@pytest.mark.parametrize("utility", [x ** S(1, 3) * y ** S(2, 3), x ** a * y ** (1 - a)],
                         ids=["one-third", "a"])
def test_the_derivation_with_the_division_compiles(utility, tmp_path, latex_required):
    sol, _ = solved(utility, [BUDGET], params=(a, p, q, m), assume=[a < 1])
    path = L.to_tex(sol.derivation, tmp_path / "cobb-douglas.tex", title="Cobb-Douglas")
    pdf = L.compile(path, clean=False)
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    assert not re.search(r"^! ", path.with_suffix(".log").read_text(errors="replace"), re.M)


# -- the strategy is lossless ---------------------------------------------------------------------

def _work(equations, unknowns, owners, primary):
    return Work(Branch(list(equations), list(unknowns), list(owners)), set(primary))


def test_the_division_needs_divisors_proven_non_zero():
    # with real (not positive) goods sqrt(y)/(2 sqrt(x)) may vanish or be undefined: dividing
    # by it could lose solutions, so the strategy leaves the system alone
    xr, yr = sp.symbols("x y", real=True)
    eqs = [sp.sqrt(yr) / (2 * sp.sqrt(xr)) - lam * p, sp.sqrt(xr) / (2 * sp.sqrt(yr)) - lam * q,
           p * xr + q * yr - m]
    assert divide_stationarity(_work(eqs, [xr, yr, lam], [xr, yr, ("g", 0)], [xr, yr])) is None


def test_the_division_leaves_polynomial_systems_to_groebner():
    # xy on the budget line: y = lambda p, x = lambda q is polynomial (complete by Groebner)
    eqs = [y - lam * p, x - lam * q, p * x + q * y - m]
    assert divide_stationarity(_work(eqs, [x, y, lam], [x, y, ("g", 0)], [x, y])) is None


def test_a_parameter_factor_is_divided_out_under_a_recorded_condition():
    # (1 - a) x^a y^(-a) = lambda q: dividing by it needs a != 1, recorded as isolation does
    eqs = [a * x ** (a - 1) * y ** (1 - a) - lam * p, (1 - a) * x ** a * y ** (-a) - lam * q,
           p * x + q * y - m]
    step = divide_stationarity(_work(eqs, [x, y, lam], [x, y, ("g", 0)], [x, y]))
    (branch,) = step.reopened
    assert sp.Ne(1 - a, 0) in branch.conditions
    assert [u for u, _ in branch.assigned] == [lam]
    # lambda = A_x/B_x = a x^(a-1) y^(1-a)/p; the ratio a y/((1 - a) x) = p/q
    assert same(branch.assigned[0][1], a * x ** (a - 1) * y ** (1 - a) / p)
    ratio = next(e for e in branch.equations if not e.has(m))
    assert same(ratio.xreplace({y: (1 - a) * p * x / (a * q)}), 0)


# -- final forms: shorter, and never a different value ---------------------------------------------

def test_collect_powers_pulls_out_positive_factors():
    # (a m/p)^a ((1-a) m/q)^(1-a) = m^a m^(1-a) (a/p)^a ((1-a)/q)^(1-a) for m, p, q > 0
    raw = (a * m / p) ** a * (m * (1 - a) / q) ** (1 - a)
    want = m * (a / p) ** a * ((1 - a) / q) ** (1 - a)
    assert collect_powers(raw) == want and final_form(raw) == want


def test_collect_powers_keeps_the_branch_of_a_possibly_negative_base():
    # (1 - a)^(a - 1) is not (1/(1 - a))^(1 - a) when 1 - a < 0 (the principal branches of
    # the two differ): at a = 7/3 the collected form must still have the same complex value
    raw = q ** (a - 1) * (1 - a) ** (a - 1) * m ** a
    got = collect_powers(raw)
    at = {a: S(7, 3), q: 2, m: 3}
    assert abs(complex(sp.N(got.xreplace(at) - raw.xreplace(at), 30))) < 1e-20


def test_proven_equal_rejects_different_values():
    assert proven_equal(m * (a / p) ** a, (a * m / p) ** a * m ** (1 - a))
    assert not proven_equal(m * (a / p) ** a, (a * m / p) ** a)
    assert not proven_equal((1 - a) ** (a - 1), (1 / (1 - a)) ** (1 - a))


def test_exp_of_a_logarithm_reads_as_a_power():
    # e^(a log(p (1 - a))) is (p (1 - a))^a by the definition of the power; with q > 0 the
    # quotient regroups: Q (1/(a q))^a e^(a log(p (1 - a))) = Q (p (1 - a)/(a q))^a
    Q = sp.Symbol("Q", positive=True)
    raw = Q * (1 / (a * q)) ** a * sp.exp(a * sp.log(-p * (a - 1)))
    want = Q * (p * (1 - a) / (a * q)) ** a
    got = final_form(raw)
    assert not got.has(sp.exp) and proven_equal(got, raw)
    assert sp.count_ops(got) <= sp.count_ops(want)


def test_an_answer_that_depends_on_the_price_region_is_not_one_unconditional_optimum():
    # max sqrt(xy) s.t. p x + q y = m, x <= y: the unrationed demands x = m/(2p), y = m/(2q)
    # meet x <= y iff q <= p (value m/(2 sqrt(pq))); for p < q the constraint binds,
    # x = y = m/(p + q) (value m/(p + q)). Neither answer holds for all positive p, q.
    sol = lagropt.maximize(sp.sqrt(x * y), [BUDGET, x <= y], [x, y], [p, q, m]).solve()
    assert not (sol.status == "optimal" and any(pt.conditions for pt in sol.optimum)), sol


# -- logarithms of products of powers ----------------------------------------------------------

def test_profit_with_a_cobb_douglas_technology_takes_logarithms():
    # max p K^a L^b - w L - r K: p a K^(a-1) L^b = r and p b K^a L^(b-1) = w; their quotient
    # a L/(b K) = r/w gives L = b r K/(a w); into the first, p a K^(a+b-1) (b r/(a w))^b = r,
    # so K = (r/(p a) (a w/(b r))^b)^(1/(a+b-1)) (Varian MA ch. 2, the Cobb-Douglas profit
    # function). Compared exactly at rational parameters (a + b < 1 and a + b > 1).
    b, w, r = sp.symbols("b w r", positive=True)
    K, Lab = sp.symbols("K L", positive=True)
    sol = lagropt.maximize(p * K ** a * Lab ** b - w * Lab - r * K, [], [K, Lab],
                           [p, w, r, a, b]).solve()
    # the critical point; it is the maximum only for a + b < 1 (for a + b > 1 the profit is
    # unbounded), so without that assumption no optimum is claimed
    (pt,) = sol.points
    assert sol.status != "optimal" or sol.optimum == [pt]
    k_want = (r / (p * a) * (a * w / (b * r)) ** b) ** (1 / (a + b - 1))
    l_want = b * r * k_want / (a * w)
    for at in ({a: S(1, 4), b: S(1, 2), p: 3, w: 2, r: 5},
               {a: S(2, 3), b: S(3, 4), p: 7, w: 3, r: 2}):
        assert sp.simplify(pt.x[K].xreplace(at) - k_want.xreplace(at)) == 0
        assert sp.simplify(pt.x[Lab].xreplace(at) - l_want.xreplace(at)) == 0
    text = str(sol.derivation)
    assert "Their logarithms are linear in log(K), log(L)" in text
    assert "assuming -a - b + 1 is not zero" in text
    assert not pt.x[K].has(sp.exp, sp.log)


def test_dependent_logarithmic_equations_are_left_alone():
    # K^a L^b = r and K^(2a) L^(2b) = r^2: the logarithms are dependent (determinant 0), so
    # the solutions are not isolated and the strategy must not pick one
    from lagropt.solver.rewrites import take_logarithms
    b, r = sp.symbols("b r", positive=True)
    K, Lab = sp.symbols("K L", positive=True)
    eqs = [K ** a * Lab ** b - r, K ** (2 * a) * Lab ** (2 * b) - r ** 2]
    assert take_logarithms(_work(eqs, [K, Lab], [K, Lab], [K, Lab])) is None


# -- utilities in logarithms over real variables: the domain of log bounds the feasible set ----

xr, yr = sp.symbols("x y", real=True)


def test_log_utility_over_real_variables_is_not_unbounded():
    # max log x + 2 log y s.t. 2x + 3y = 12 with x, y only real: log needs x, y > 0, so along
    # the budget line y runs over (0, 4) and f -> -oo at both ends (y -> -oo, where the old
    # verdict said "unbounded", is outside the domain: log y is not real there).
    # By hand: 1/x = 2 lambda, 2/y = 3 lambda, 2x + 3y = 3/lambda = 12: lambda = 1/4, x = 2,
    # y = 8/3, f = log 2 + 2 log(8/3) = log(128/9).
    sol = lagropt.maximize(sp.log(xr) + 2 * sp.log(yr), [sp.Eq(2 * xr + 3 * yr, 12)]).solve()
    assert sol.status == "optimal", sol.evidence
    assert sol.x == {xr: 2, yr: S(8, 3)}
    assert same(sol.value, sp.log(S(128, 9)))
    assert not any("-oo with" in e and "y -> -oo" in e for e in sol.evidence)


def test_three_goods_in_logarithms_over_real_variables_with_prices():
    # max log x + 2 log y + 3 log z s.t. p x + q y + r z = m (x, y, z real): the shares of
    # income are the weights over their sum 6, x = m/(6p), y = 2m/(6q), z = 3m/(6r); the
    # variables' domain (log needs them positive) leaves no escape to infinity
    z = sp.Symbol("z", real=True)
    r = sp.Symbol("r", positive=True)
    sol = lagropt.maximize(sp.log(xr) + 2 * sp.log(yr) + 3 * sp.log(z),
                           [sp.Eq(p * xr + q * yr + r * z, m)], params=[p, q, r, m]).solve()
    assert sol.status == "optimal", sol.evidence
    for got, want in ((xr, m / (6 * p)), (yr, m / (3 * q)), (z, m / (2 * r))):
        assert same(sol.x[got], want)


def test_an_escape_inside_the_domain_of_log_is_still_unbounded():
    # max log x + y on x = y: f = log y + y -> oo as y -> oo, inside the domain (y > 0)
    sol = lagropt.maximize(sp.log(xr) + yr, [sp.Eq(xr - yr, 0)]).solve()
    assert sol.status == "unbounded"


def test_natural_domain_of_logs_and_roots():
    from lagropt.solver.requirements import natural_domain

    t = sp.Symbol("t", real=True)
    assert natural_domain(sp.log(t - 1) + t**2) == [sp.Gt(t - 1, 0, evaluate=False)]
    assert natural_domain(sp.sqrt(t)) == [sp.Ge(t, 0, evaluate=False)]
    assert natural_domain(t ** S(-1, 2)) == [sp.Gt(t, 0, evaluate=False)]
    assert natural_domain(sp.cbrt(t)) == [sp.Ge(t, 0, evaluate=False)]   # SymPy's principal root
    assert natural_domain(1 / t + t**3 + sp.log(2)) == [sp.Ne(t, 0, evaluate=False)]
    assert natural_domain(t**3 + sp.log(2)) == []


def test_a_pole_inside_the_feasible_set_makes_it_unbounded():
    # min 1/x + 1/y s.t. x + y = 2 over the reals: along x = 2 - y, as y -> 0 from below
    # 1/y -> -oo while 1/x -> 1/2, so f has no lower bound (the old verdict looked only at
    # y -> -oo, where f -> 0, and said "not attained, infimum 0")
    sol = lagropt.minimize(1 / xr + 1 / yr, [sp.Eq(xr + yr, 2)]).solve()
    assert sol.status == "unbounded", sol.evidence
    assert sol.value == -sp.oo


# -- curvature on the natural domain: log and sqrt utilities are concave where they are real --

def test_log_utility_with_prices_is_proven_global_on_its_domain():
    # log x + 2 log y has Hessian diag(-1/x^2, -2/y^2), negative definite on x, y > 0 (its
    # domain, a convex set); the budget line is affine: the one critical point
    # x = m/(3p), y = 2m/(3q) (1/x = lambda p, 2/y = lambda q, p x + q y = 3/lambda = m) is
    # the global maximum. Before, this was "global optimality not proven".
    sol = lagropt.maximize(sp.log(xr) + 2 * sp.log(yr), [sp.Eq(p * xr + q * yr, m)],
                           params=[p, q, m]).solve()
    assert sol.status == "optimal", sol.evidence
    assert same(sol.x[xr], m / (3 * p)) and same(sol.x[yr], 2 * m / (3 * q))
    assert any("concave on its domain x > 0, y > 0" in e for e in sol.evidence), sol.evidence
    assert not any("not proven" in e for e in sol.evidence)


def test_sqrt_utility_is_proven_global_on_the_closed_orthant():
    # sqrt x + sqrt y on x + y = 2: concave on x, y >= 0 (continuous there, Hessian
    # diag(-x^(-3/2)/4, -y^(-3/2)/4) negative definite inside); 1/(2 sqrt x) = lambda =
    # 1/(2 sqrt y) gives x = y = 1, f = 2
    sol = lagropt.maximize(sp.sqrt(xr) + sp.sqrt(yr), [sp.Eq(xr + yr, 2)]).solve()
    assert sol.status == "optimal"
    assert sol.x == {xr: 1, yr: 1} and sol.value == 2
    assert any("concave on its domain x >= 0, y >= 0" in e for e in sol.evidence), sol.evidence


def test_a_quotient_domain_is_not_called_convex():
    # (x - 1)^2 + 1/x^2 has f'' = 2 + 6/x^4 > 0 wherever it is defined, but x != 0 is not a
    # convex set: its critical points (x^4 - x^3 - 1 = 0) are a local minimum on each side of
    # the pole, x = 1.38028 (f = 0.66950) and x = -0.81917 (f = 4.79960), and only one is global
    from lagropt.solver.certificates import curvature_certificate
    from lagropt.standard import StandardForm

    internal = StandardForm(lagropt.minimize((xr - 1) ** 2 + 1 / xr ** 2, []))
    assert curvature_certificate(internal) is None
    sol = lagropt.minimize((xr - 1) ** 2 + 1 / xr ** 2, []).solve()
    assert not any("every critical point is a global" in e for e in sol.evidence)
    roots = np.roots([1, -1, 0, 0, -1])
    best = min((r - 1) ** 2 + 1 / r ** 2 for r in roots[np.isreal(roots)].real)
    assert abs(float(sol.value) - best) < 1e-12


def test_a_candidate_outside_the_domain_of_log_is_one_only_where_it_is_inside():
    # with prices and income of unknown sign, x = m/(3p), y = 2m/(3q) solve the Lagrange
    # equations of log x + 2 log y on p x + q y = m, but log x is real only for x > 0: the
    # point is a candidate only where m/(3p) > 0 and 2m/(3q) > 0 (p = -1, q = m = 1 puts x
    # at -1/3). Before, only the elimination's conditions (3p/m != 0, ...) were listed.
    P, Q, M = sp.symbols("P Q M", real=True)
    sol = lagropt.maximize(sp.log(xr) + 2 * sp.log(yr), [sp.Eq(P * xr + Q * yr, M)],
                           params=[P, Q, M]).solve()
    (point,) = [pt for pt in sol.points if same(pt.x[xr], M / (3 * P))]
    conditions = sp.And(*point.conditions)
    assert conditions.xreplace({P: -1, Q: 1, M: 1}) == sp.false
    assert conditions.xreplace({P: 1, Q: 2, M: 3}) == sp.true
    assert sol.status != "optimal"


def test_log_utility_below_a_line_is_unbounded_along_the_domain():
    # max log x + 2 log y s.t. y <= x + 1 (x, y real, so x, y > 0 for log): at y = 1 every
    # x > 0 is feasible and f = log x -> oo as x -> oo. The lines of the limits were held at
    # y = 0, outside the domain of log y, and the answer was "no critical point" with only
    # numeric probing as evidence.
    sol = lagropt.maximize(sp.log(xr) + 2 * sp.log(yr), [sp.Le(yr - xr, 1)]).solve()
    assert sol.status == "unbounded", sol.evidence
    assert sol.value == sp.oo
    assert any("x -> oo" in e and "y = 1" in e for e in sol.evidence), sol.evidence
