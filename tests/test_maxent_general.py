"""Maximum entropy through the general solver (issue 17): the multipliers' equations are
polynomial in w_i = exp(+-lambda_i / d_i) > 0, solved exactly (``exp_polynomial`` on systems).

Independent answers:

* mean and variance on {-2, ..., 2} (mean 0, variance 12/17): by symmetry of the support and the
  constraints lambda_mean = 0, so p_k = v^{k^2} / Z with v = e^{-lambda_var}; then
  Z = 1 + 2v + 2v^4 and (2v + 8v^4)/Z = 12/17 give 34v + 136v^4 = 12 + 24v + 24v^4, i.e.
  112 v^4 + 10 v - 12 = 0, whose positive root is v = 1/2 (112/16 + 5 - 12 = 0):
  Z = 1 + 1 + 1/8 = 17/8, p = (1/34, 4/17, 8/17, 4/17, 1/34).
* Jaynes' dice (faces 1..6, mean 9/2): p_k = t^k / sum_j t^j with sum_k (k - 9/2) t^k = 0;
  the published probabilities (E. T. Jaynes, "Where do we stand on maximum entropy?", 1978):
  0.05435, 0.07877, 0.11416, 0.16545, 0.23977, 0.34749.
"""

from __future__ import annotations

import os
import sys

import sympy as sp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import lagropt  # noqa: E402
from lagropt.solver.system import solve_system  # noqa: E402
from reference_problems import by_name  # noqa: E402

JAYNES = (0.05435, 0.07877, 0.11416, 0.16545, 0.23977, 0.34749)


def test_mean_and_variance_maximum_entropy_is_exact():
    sol = by_name("maxent-mean-variance").build().solve(timeout=5)
    assert sol.status == "optimal"
    (pt,) = sol.optimum
    want = (sp.Rational(1, 34), sp.Rational(4, 17), sp.Rational(8, 17), sp.Rational(4, 17),
            sp.Rational(1, 34))
    assert [pt.x[p] for p in sorted(pt.x, key=str)] == list(want)
    # H = log 34 - 56 log(2)/17 (= -sum p log p at the distribution above)
    assert sp.simplify(sol.value - (sp.log(34) - 56 * sp.log(2) / 17)) == 0
    # the lecture's sign (L = f - sum lambda g): -log p_k - 1 = lambda_1 + lambda_2 k +
    # lambda_3 k^2, so lambda_2 = 0, lambda_3 = -log v = log 2 and e^{-1 - lambda_1} = 1/Z
    lam = {str(m): v for m, v in pt.multipliers.items()}
    assert lam["lambda_2"] == 0 and sp.simplify(lam["lambda_3"] - sp.log(2)) == 0
    assert sp.simplify(lam["lambda_1"] - (sp.log(sp.Rational(17, 8)) - 1)) == 0


def test_mean_and_variance_derivation_shows_the_substitution():
    sol = by_name("maxent-mean-variance").build().solve(timeout=5)
    text = str(sol.derivation)
    assert "only in exponentials" in text and "w_1" in text


def test_jaynes_dice_is_exact_in_one_root():
    sol = by_name("maxent-brandeis-dice").build().solve(timeout=5)
    assert sol.status == "optimal"
    (pt,) = sol.optimum
    assert pt.exact
    values = [pt.x[p] for p in sorted(pt.x, key=str)]
    roots = set().union(*(v.atoms(sp.CRootOf) for v in values))
    assert len(roots) == 1                      # every p_k a function of the same t
    (t,) = roots
    # t is Jaynes' t = e^{-lambda_2} > 0, a root of sum_k (k - 9/2) t^(k-1) = 0: that
    # polynomial is divisible by t's minimal polynomial
    s = t.poly.gen
    target = sp.Poly(sum((2 * k - 9) * s ** (k - 1) for k in range(1, 7)), s)
    assert target.rem(t.poly).is_zero
    assert t.is_positive
    for got, published in zip(values, JAYNES):
        assert abs(float(got) - published) < 5e-6
    # the exact values satisfy the constraints exactly (to 50 digits: CRootOf arithmetic)
    assert abs(sp.N(sum(values) - 1, 50)) < 1e-45
    assert abs(sp.N(sum(k * v for k, v in zip(range(1, 7), values)) - sp.Rational(9, 2), 50)) < 1e-45


def test_exponential_system_keeps_only_positive_roots():
    # e^a + e^b = 3, e^a = 2 e^b: e^b = 1, e^a = 2 (the only solution; w = e^u > 0)
    a, b = sp.symbols("a b", real=True)
    branches = solve_system([sp.exp(a) + sp.exp(b) - 3, sp.exp(a) - 2 * sp.exp(b)], [a, b])
    solved = [br for br in branches if br.status == "solved"]
    assert len(solved) == 1
    values = solved[0].values()
    assert sp.simplify(values[a] - sp.log(2)) == 0 and values[b] == 0


def test_exponential_system_without_a_positive_solution_is_infeasible():
    # e^a - e^b = 0 and e^a + e^b = 0: w_1 = w_2 and w_1 = -w_2 only meet at 0 (not positive)
    a, b = sp.symbols("a b", real=True)
    branches = solve_system([sp.exp(a) - sp.exp(b), sp.exp(a) + sp.exp(2 * b)], [a, b])
    assert all(br.status == "infeasible" for br in branches)


def test_exponential_system_with_rational_rates():
    # e^{a/2} = 3 and e^{a/2 + b} = 6 e^{b/3}: w_1 = e^{a/2} = 3, e^{2b/3} = 2, so
    # a = 2 log 3, b = 3 log(2) / 2
    a, b = sp.symbols("a b", real=True)
    branches = solve_system([sp.exp(a / 2) - 3, sp.exp(a / 2 + b) - 6 * sp.exp(b / 3)], [a, b])
    solved = [br for br in branches if br.status == "solved"]
    assert len(solved) == 1
    values = solved[0].values()
    assert sp.simplify(values[a] - 2 * sp.log(3)) == 0
    assert sp.simplify(values[b] - 3 * sp.log(2) / 2) == 0


def test_three_state_maximum_entropy_with_a_mean_through_maximize():
    # energies 0, 1, 2 and mean 1/2: p_k ~ t^k with (t + 2t^2)/(1 + t + t^2) = 1/2, i.e.
    # 3 t^2 + t - 1 = 0, t = (sqrt(13) - 1)/6; p_0 = 1/(1 + t + t^2)
    p = sp.symbols("p0:3", positive=True)
    sol = lagropt.maximize(-sum(q * sp.log(q) for q in p),
                           [sp.Eq(sum(p), 1), sp.Eq(p[1] + 2 * p[2], sp.Rational(1, 2))],
                           list(p)).solve(timeout=5)
    assert sol.status == "optimal"
    (pt,) = sol.optimum
    t = (sp.sqrt(13) - 1) / 6
    z = 1 + t + t ** 2
    for k in range(3):
        assert sp.simplify(pt.x[p[k]] - t ** k / z) == 0


def test_jaynes_dice_derivation_shows_the_quintic_in_t():
    # w = e^{-lambda_2} (Jaynes' t): sum_k (k - 9/2) w^(k-1) = 0 times 2, by hand:
    # -7 - 5w - 3w^2 - w^3 + w^4 + 3w^5 = 0
    text = str(by_name("maxent-brandeis-dice").build().solve(timeout=5).derivation)
    assert "With w = exp(-lambda_2) > 0 the equation is a polynomial in w" in text
    assert "3*w**5 + w**4 - w**3 - 3*w**2 - 5*w - 7 = 0" in text
