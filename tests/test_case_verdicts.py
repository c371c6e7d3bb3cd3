"""Every case of a KKT derivation ends with its verdict: kept, or rejected with the reason.

The expected verdicts are derived by hand in the lecture's convention (CONVENTIONS.md, DESIGN.md):
inequalities oriented h_j <= 0 when maximizing and h_j >= 0 when minimizing,
L = f - sum_j mu_j h_j, stationarity grad f = sum_j mu_j grad h_j, and a KKT point needs
mu_j >= 0 on every active inequality. A user's ``x <= 1`` is h = x - 1 (max) or h = 1 - x (min);
``x >= -3`` is h = -3 - x (max) or h = x + 3 (min).
"""

import sympy as sp
import pytest

import lagropt

x, y = sp.symbols("x y", real=True)


def verdicts(solution):
    """[(case label, {unknown: value} shown in the case, verdict step)] in derivation order,
    asserting that each case step is followed by exactly one verdict step of the same case."""
    steps = list(solution.derivation)
    out = []
    for i, step in enumerate(steps):
        if step.kind == "case_verdict":
            assert i > 0 and steps[i - 1].kind == "case", "a verdict without its case"
        if step.kind != "case":
            continue
        assert i + 1 < len(steps) and steps[i + 1].kind == "case_verdict", \
            f"case {step.data['case']!r} has no verdict"
        verdict = steps[i + 1]
        assert verdict.data["case"] == step.data["case"]
        assert verdict.data["verdict"] in ("kept", "rejected", "open")
        values = {e.lhs: e.rhs for e in step.equations if isinstance(e, sp.Equality)}
        out.append((step.data["case"], values, verdict))
    return out


def by_case(solution):
    """{(active part of the label, x shown in the case or None): verdict step}."""
    out = {}
    for label, values, verdict in verdicts(solution):
        key = (label.split(";")[0], values.get(x))
        assert key not in out, f"two cases {key}"
        out[key] = verdict
    return out


def exactly(a, b) -> bool:
    return sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0


def test_cubic_maximized_on_an_interval():
    # maximize f = x^3 - 12x subject to x <= 1, x >= -3.  h_1 = x - 1 <= 0, h_2 = -3 - x <= 0;
    # stationarity 3x^2 - 12 = mu_1 * 1 + mu_2 * (-1).
    # none active: 3x^2 = 12, x = 2 or x = -2; x = 2 violates x <= 1; x = -2 is feasible, kept,
    #   f(-2) = -8 + 24 = 16.
    # h_1 active: x = 1, mu_1 = 3 - 12 = -9 < 0: not a maximum.
    # h_2 active: x = -3, 27 - 12 = -mu_2, mu_2 = -15 < 0: not a maximum.
    # both active: x = 1 and x = -3 at once: no solution.
    # Global: f(-2) = 16 beats the ends f(1) = -11, f(-3) = 9; the maximum is x = -2.
    sol = lagropt.maximize(x**3 - 12 * x, [x <= 1, x >= -3]).solve()
    cases = by_case(sol)
    assert len(cases) == 5
    v = cases[("active: none", 2)]
    assert (v.data["verdict"], v.data["reason"]) == ("rejected", "infeasible")
    assert v.text == "Rejected: x = 2 violates x <= 1."
    v = cases[("active: none", -2)]
    assert v.data["verdict"] == "kept"
    assert exactly(v.data["value"], 16) and v.data["point"] == {x: -2}
    v = cases[("active: h_1", 1)]
    assert (v.data["verdict"], v.data["reason"]) == ("rejected", "wrong_sign")
    assert v.text == "Rejected: mu_1 = -9 < 0: not a maximum."
    v = cases[("active: h_2", -3)]
    assert (v.data["verdict"], v.data["reason"]) == ("rejected", "wrong_sign")
    assert v.text == "Rejected: mu_2 = -15 < 0: not a maximum."
    v = cases[("active: h_1, h_2", None)]
    assert (v.data["verdict"], v.data["reason"]) == ("rejected", "no_solution")
    assert sol.status == "optimal" and exactly(sol.x[x], -2) and exactly(sol.value, 16)


def test_cubic_minimized_wrong_sign_reads_not_a_minimum():
    # minimize f = x^3 - 12x subject to x <= 3, x >= -1.  h_1 = 3 - x >= 0, h_2 = x + 1 >= 0;
    # stationarity 3x^2 - 12 = mu_1 * (-1) + mu_2 * 1.
    # none active: x = 2 kept (f = 8 - 24 = -16); x = -2 violates x >= -1.
    # h_1 active: x = 3, 27 - 12 = -mu_1, mu_1 = -15 < 0: not a minimum.
    # h_2 active: x = -1, 3 - 12 = mu_2, mu_2 = -9 < 0: not a minimum.
    # both active: no solution.  Minimum -16 at x = 2 (f(3) = -9, f(-1) = 11).
    sol = lagropt.minimize(x**3 - 12 * x, [x <= 3, x >= -1]).solve()
    cases = by_case(sol)
    assert len(cases) == 5
    assert cases[("active: none", 2)].data["verdict"] == "kept"
    assert exactly(cases[("active: none", 2)].data["value"], -16)
    assert cases[("active: none", -2)].text == "Rejected: x = -2 violates x >= -1."
    assert cases[("active: h_1", 3)].text == "Rejected: mu_1 = -15 < 0: not a minimum."
    assert cases[("active: h_2", -1)].text == "Rejected: mu_2 = -9 < 0: not a minimum."
    assert cases[("active: h_1, h_2", None)].data["reason"] == "no_solution"
    assert sol.status == "optimal" and exactly(sol.x[x], 2) and exactly(sol.value, -16)


def test_point_found_twice_is_a_duplicate():
    # maximize f = x^3 - 3x subject to x <= 1 (h = x - 1 <= 0; 3x^2 - 3 = mu).
    # none active: x = 1 or x = -1 (both feasible, mu = 0).
    # h active: x = 1, mu = 3 - 3 = 0 >= 0: the point x = 1 again, kept with its active set,
    #   so the case "none active, x = 1" is a duplicate of it.
    # x = -1 kept, f(-1) = -1 + 3 = 2; f -> -oo as x -> -oo, so the maximum is 2 at x = -1.
    sol = lagropt.maximize(x**3 - 3 * x, [x <= 1]).solve()
    cases = by_case(sol)
    assert len(cases) == 3
    dup = cases[("active: none", 1)]
    assert (dup.data["verdict"], dup.data["reason"]) == ("rejected", "duplicate")
    assert dup.text == "Rejected: the same point as in the case active: h."
    assert cases[("active: h", 1)].data["verdict"] == "kept"
    assert exactly(cases[("active: h", 1)].data["value"], -2)
    assert exactly(cases[("active: none", -1)].data["value"], 2)
    assert sol.status == "optimal" and exactly(sol.x[x], -1)


def test_product_on_the_disc():
    # maximize f = xy subject to x^2 + y^2 <= 1 (h = x^2 + y^2 - 1 <= 0):
    # y = 2 mu x, x = 2 mu y.  None active: x = y = 0 (mu = 0), feasible: kept (a saddle).
    # Active: x = 4 mu^2 x, so x = 0 (then y = 0, off the circle: no solution) or mu = +-1/2.
    # mu = 1/2: y = x, x = y = +-1/sqrt(2): kept, f = 1/2.
    # mu = -1/2: y = -x, f = -1/2: "mu = -1/2 < 0: not a maximum" (two such cases).
    sol = lagropt.maximize(x * y, [x**2 + y**2 <= 1]).solve()
    found = verdicts(sol)
    kept = [v for _, _, v in found if v.data["verdict"] == "kept"]
    assert sorted(sp.nsimplify(v.data["value"]) for v in kept) == [0, sp.Rational(1, 2),
                                                                   sp.Rational(1, 2)]
    wrong = [(vals, v) for _, vals, v in found if v.data.get("reason") == "wrong_sign"]
    assert len(wrong) == 2
    for vals, v in wrong:
        mu = next(s for s in vals if s.name.startswith("mu"))
        assert exactly(vals[mu], sp.Rational(-1, 2))
        assert exactly(vals[x], -vals[y])
        assert v.text == f"Rejected: {mu} = -1/2 < 0: not a maximum."
    assert [v.data["reason"] for _, _, v in found].count("no_solution") == 1
    assert len(found) == 6
    assert exactly(sol.value, sp.Rational(1, 2))


def test_sign_assumption_violated_is_infeasible():
    # maximize f = x^3 - 12x for p > 0 (a positive symbol; written x here) subject to x <= 3:
    # h = x - 3 <= 0, 3x^2 - 12 = mu.  None active: x = 2 kept (f = -16), x = -2 violates
    # x > 0.  h active: x = 3, mu = 27 - 12 = 15 >= 0: kept, f = 27 - 36 = -9.  (The supremum
    # 0 is approached as x -> 0+; only the case verdicts are checked here.)
    p = sp.Symbol("p", positive=True)
    sol = lagropt.maximize(p**3 - 12 * p, [p <= 3]).solve()
    found = verdicts(sol)
    kept = sorted(v.data["point"][p] for _, _, v in found if v.data["verdict"] == "kept")
    assert kept == [2, 3]
    rejected = [(vals, v) for _, vals, v in found if v.data["verdict"] == "rejected"]
    assert len(rejected) == 1 and len(found) == 3
    vals, v = rejected[0]
    assert v.data["reason"] == "infeasible"
    assert v.text == "Rejected: p = -2 violates p > 0."


def test_verdicts_are_in_the_json_and_every_rendering():
    sol = lagropt.maximize(x**3 - 12 * x, [x <= 1, x >= -3]).solve()
    steps = sol.derivation.to_dict()["steps"]
    cases = [s for s in steps if s["kind"] == "case"]
    closing = [s for s in steps if s["kind"] == "case_verdict"]
    assert len(cases) == len(closing) == 5
    assert sorted(s["reason"] for s in closing) == ["", "infeasible", "no_solution",
                                                    "wrong_sign", "wrong_sign"]
    text = str(sol.derivation)
    assert "Rejected: mu_1 = -9 < 0: not a maximum." in text
    tex = sol.latex()
    assert r"Rejected: $\mu_{1} = -9 < 0$: not a maximum." in tex
    assert r"Rejected: $x = 2$ violates $x \leq 1$." in tex


@pytest.mark.parametrize("make", [
    lambda: lagropt.maximize(x * y, [x + y <= 2, x <= 3, y <= 3, x >= -1, y >= -1]),
])
def test_symmetric_images_carry_their_verdicts(make):
    # maximize xy on the box [-1, 3]^2 cut by x + y <= 2 (h_1 = x + y - 2, h_2 = x - 3,
    # h_3 = y - 3, h_4 = -1 - x, h_5 = -1 - y; y = mu_1 + mu_2 - mu_4, x = mu_1 + mu_3 - mu_5).
    # x and y are interchangeable, so cases come in mirror pairs with mirrored verdicts, e.g.
    # h_1, h_2 active: x = 3, y = -1, mu_1 = x - 0 = 3 (from x = mu_1), mu_2 = y - mu_1 = -4 < 0;
    # its image h_1, h_3: x = -1, y = 3, mu_3 = -4 < 0.  h_2, h_3: x = y = 3 violates x + y <= 2.
    # Kept: (0, 0), (1, 1) with f = 1 and (-1, -1) with f = 1.
    sol = make().solve()
    found = verdicts(sol)
    assert len(found) == 2 ** 5          # one case per active set here
    cases = {label: v for label, _, v in found}
    assert cases["active: h_1, h_2"].text == "Rejected: mu_2 = -4 < 0: not a maximum."
    image = next(v for label, v in cases.items() if label.startswith("active: h_1, h_3 "))
    assert image.text == "Rejected: mu_3 = -4 < 0: not a maximum."
    assert cases["active: h_2, h_3"].text == "Rejected: x + y = 6 violates x + y <= 2."
    kept = sorted(tuple(v.data["point"][s] for s in (x, y)) for _, _, v in found
                  if v.data["verdict"] == "kept")
    assert kept == [(-1, -1), (0, 0), (1, 1)]


def test_kept_under_conditions_on_the_parameters():
    # maximize -(x - a)^2 subject to x <= 1, a a real parameter (h = x - 1 <= 0):
    # stationarity -2(x - a) = mu.  None active: x = a, kept where a <= 1 (feasibility).
    # h active: x = 1, mu = 2(a - 1), kept where a >= 1 (mu >= 0).  Both values: f(a) = 0
    # and f(1) = -(1 - a)^2.
    a = sp.Symbol("a", real=True)
    sol = lagropt.maximize(-(x - a)**2, [x <= 1], params=[a]).solve()
    cases = by_case(sol)
    assert len(cases) == 2
    inside = cases[("active: none", a)]
    assert inside.data["verdict"] == "kept" and "conditions below" in inside.text
    (condition, value) = inside.equations
    assert set(sp.solveset(condition, a, sp.S.Reals).boundary) == {1}
    assert condition.subs(a, 0) == sp.true and condition.subs(a, 2) == sp.false
    assert exactly(value.rhs, 0)
    edge = cases[("active: h", 1)]
    assert edge.data["verdict"] == "kept"
    (condition, value) = edge.equations
    assert condition.subs(a, 2) == sp.true and condition.subs(a, 0) == sp.false
    assert exactly(value.rhs, -(1 - a)**2)


def test_irrational_multipliers_are_judged_by_their_sign():
    # The tour's penalty-as-constraint example: minimize f = 5 b1^2 + 2 b1 + b2^2 - 4 b2 + 5
    # subject to b1^2 + b2^2 <= r2 = 1972/1089, i.e. h = r2 - b1^2 - b2^2 >= 0 (minimizing).
    # None active: grad f = 0 at b = (-1/5, 2), where b1^2 + b2^2 = 1/25 + 4 = 101/25 > r2.
    # Active: 10 b1 + 2 = -2 mu b1, 2 b2 - 4 = -2 mu b2, so b1 = -1/(5 + mu), b2 = 2/(1 + mu),
    # and the circle gives P(mu) = (1 + mu)^2 + 4 (5 + mu)^2 - r2 (5 + mu)^2 (1 + mu)^2 = 0.
    # mu = 1/2 (b = (-2/11, 4/3), f = 1357/1089) is kept; the other real roots of P are negative.
    b1, b2, mu = sp.symbols("b1 b2 mu", real=True)
    r2 = sp.Rational(1972, 1089)
    sol = lagropt.minimize(5 * b1**2 + 2 * b1 + b2**2 - 4 * b2 + 5, [b1**2 + b2**2 <= r2]).solve()
    found = verdicts(sol)
    P = (1 + mu)**2 + 4 * (5 + mu)**2 - r2 * (5 + mu)**2 * (1 + mu)**2
    roots = sp.Poly(P, mu).real_roots()
    negative = sorted(r for r in roots if r < 0)
    assert sp.Rational(1, 2) in roots and len(negative) == 3
    wrong = [v for _, _, v in found if v.data["reason"] == "wrong_sign"]
    assert sorted(v.text for v in wrong) == sorted(
        f"Rejected: mu_1 ≈ {sp.sstr(sp.N(r, 4), full_prec=False)} < 0: not a minimum."
        for r in negative)
    infeasible = [v for _, _, v in found if v.data["reason"] == "infeasible"]
    assert [v.text for v in infeasible] == [
        "Rejected: b1**2 + b2**2 = 101/25 violates b1**2 + b2**2 <= 1972/1089."]
    (kept,) = [v for _, _, v in found if v.data["verdict"] == "kept"]
    assert kept.data["point"] == {b1: sp.Rational(-2, 11), b2: sp.Rational(4, 3)}
    assert exactly(kept.data["value"], sp.Rational(1357, 1089))
