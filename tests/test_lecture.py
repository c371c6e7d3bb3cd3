"""The lecture's worked examples (decks 000 and 001), reproduced exactly."""

import pytest
import sympy as sp

import lagropt
from conftest import same

x, y = sp.symbols("x y", real=True)
PARABOLOID = -(x - 2) ** 2 - (y - 1) ** 2 + 10
p1, p2 = sp.symbols("p1 p2", positive=True)
COIN = -p1 * sp.log(p1) - p2 * sp.log(p2)


def entropy(ps):
    return -sp.Add(*[p * sp.log(p) for p in ps])


def test_paraboloid_unconstrained_maximum():
    sol = lagropt.maximize(PARABOLOID).solve()
    assert sol.status == "optimal"
    assert sol.x == {x: 2, y: 1}
    assert sol.value == 10
    assert sol.optimum[0].kind == "maximum"
    assert sol.optimum[0].exact


def test_paraboloid_on_the_line():
    problem = lagropt.maximize(PARABOLOID, subject_to=[sp.Eq(x, y)])
    lam = sp.Symbol("lambda", real=True)
    assert problem.multipliers == (lam,)
    assert same(problem.lagrangian, PARABOLOID - lam * (x - y))
    # the lecture's N + K equations: -2(x - 2) = lambda, -2(y - 1) = -lambda, x - y = 0
    expected = [(-2 * (x - 2), lam), (-2 * (y - 1), -lam), (x - y, 0)]
    assert len(problem.equations) == 3
    for eq, (lhs, rhs) in zip(problem.equations, expected):
        assert isinstance(eq, sp.Equality)
        assert same(eq.lhs, lhs) and same(eq.rhs, rhs)
    sol = problem.solve()
    assert sol.status == "optimal"
    assert sol.x == {x: sp.Rational(3, 2), y: sp.Rational(3, 2)}
    assert sol.value == sp.Rational(19, 2)
    assert sol.multipliers == {lam: 1}
    assert sol.optimum[0].kind == "maximum"
    assert len(sol.points) == 1


def test_coin_unconstrained_stationary_point():
    sol = lagropt.maximize(COIN).solve()
    assert sol.status == "optimal"
    assert same(sol.x[p1], sp.exp(-1)) and same(sol.x[p2], sp.exp(-1))
    assert same(sol.value, 2 / sp.E)
    assert sol.optimum[0].kind == "maximum"


def test_coin_normalised():
    sol = lagropt.maximize(COIN, subject_to=[sp.Eq(p1 + p2, 1)]).solve()
    lam = sp.Symbol("lambda", real=True)
    assert sol.status == "optimal"
    assert sol.x == {p1: sp.Rational(1, 2), p2: sp.Rational(1, 2)}
    assert same(sol.value, sp.log(2))
    assert same(sol.multipliers[lam], sp.log(2) - 1)
    assert sol.optimum[0].kind == "maximum"


@pytest.mark.parametrize("I", range(2, 11))
def test_flat_distribution(I):
    ps = sp.symbols(f"p1:{I + 1}", positive=True)
    sol = lagropt.maximize(entropy(ps), subject_to=[sp.Eq(sp.Add(*ps), 1)]).solve()
    assert sol.status == "optimal"
    assert all(sol.x[p] == sp.Rational(1, I) for p in ps)
    assert same(sol.value, sp.log(I))
    assert sol.optimum[0].kind == "maximum"


def boltzmann_problem(I):
    ps = sp.symbols(f"p1:{I + 1}", positive=True)
    eps = sp.symbols(f"varepsilon1:{I + 1}", real=True)
    E = sp.Symbol("E", real=True)
    problem = lagropt.maximize(entropy(ps), subject_to=[
        sp.Eq(sp.Add(*ps), 1), sp.Eq(sp.Add(*[p * e for p, e in zip(ps, eps)]), E)],
        params=[*eps, E])
    return problem, ps, eps, E


@pytest.mark.parametrize("I", range(3, 11))
def test_boltzmann_distribution_is_parametric_in_lambda_2(I):
    problem, ps, eps, E = boltzmann_problem(I)
    lam1, lam2 = problem.multipliers
    assert (str(lam1), str(lam2)) == ("lambda_1", "lambda_2")
    sol = problem.solve(timeout=30)
    assert sol.status == "parametric"
    assert sol.unknowns == (lam2,)
    Z = sp.Add(*[sp.exp(-lam2 * e) for e in eps])
    point = sol.optimum[0]
    for p, e in zip(ps, eps):
        assert same(point.x[p], sp.exp(-lam2 * e) / Z)
    # lambda_1 is eliminated by the normalisation: e^{-(1 + lambda_1)} = 1/Z
    assert same(point.multipliers[lam1], sp.log(Z) - 1)
    assert point.kind == "maximum"
    # the remaining equation is the mean-energy constraint with the Boltzmann form inserted
    (remaining,) = sol.remaining
    assert same(remaining.lhs - remaining.rhs,
                sp.Add(*[e * sp.exp(-lam2 * e) for e in eps]) / Z - E)


def test_raw_sympy_solve_cannot_do_boltzmann():
    """The reason lagropt solves by structure: sympy.solve on the raw system gives up."""
    problem, ps, eps, E = boltzmann_problem(3)
    eqs = [e.lhs - e.rhs for e in problem.equations]
    with pytest.raises(NotImplementedError):
        sp.solve(eqs, [*ps, *problem.multipliers], dict=True)


def test_derivation_follows_the_lecture_paraboloid():
    sol = lagropt.maximize(PARABOLOID, subject_to=[sp.Eq(x, y)]).solve()
    d = sol.derivation
    kinds = d.kinds
    for k in ("problem", "lagrangian", "stationarity", "equations", "isolate", "eliminate",
              "substitute", "solution", "value", "classification", "verdict"):
        assert k in kinds, k
    assert kinds.index("lagrangian") < kinds.index("stationarity") < kinds.index("solution")
    lam = sp.Symbol("lambda", real=True)
    # -2(x - 2) = lambda and -2(y - 1) = -lambda
    eqs = d.find("equations")[0].equations
    assert same(eqs[0].lhs - eqs[0].rhs, -2 * (x - 2) - lam)
    assert same(eqs[1].lhs - eqs[1].rhs, -2 * (y - 1) + lam)
    # eliminating lambda gives the lecture's y = -x + 3
    (relation,) = d.find("eliminate")[0].equations
    assert relation.lhs == y and same(relation.rhs, 3 - x)
    # the constraint with the values inserted, then lambda = 1
    chain = d.find("substitute")[0].equations
    assert chain[-1] == sp.Eq(lam, 1)
    value = d.find("value")[0].equations[0]
    assert value.rhs == sp.Rational(19, 2)
    text = str(d)
    assert "y = 3 - x" in text and "lambda = 1" in text


def test_derivation_follows_the_lecture_coin():
    sol = lagropt.maximize(COIN, subject_to=[sp.Eq(p1 + p2, 1)]).solve()
    d = sol.derivation
    lam = sp.Symbol("lambda", real=True)
    eqs = d.find("equations")[0].equations
    assert same(eqs[0].lhs, -sp.log(p1) - 1) and eqs[0].rhs == lam
    iso = d.find("isolate")[0].equations
    assert [e.lhs for e in iso] == [p1, p2]
    assert all(same(e.rhs, sp.exp(-(1 + lam))) for e in iso)
    (relation,) = d.find("eliminate")[0].equations
    assert relation == sp.Eq(p2, p1)            # the lecture's p1 = p2
    assert same(d.find("substitute")[0].equations[-1].rhs, sp.log(2) - 1)


def test_derivation_of_boltzmann_eliminates_lambda_1():
    problem, ps, eps, E = boltzmann_problem(3)
    sol = problem.solve(timeout=30)
    lam1, lam2 = problem.multipliers
    d = sol.derivation
    iso = d.find("isolate")[0].equations
    for eq, p, e in zip(iso, ps, eps):        # p_i = e^{-(1 + lambda_1)} e^{-lambda_2 eps_i}
        assert eq.lhs == p and same(eq.rhs, sp.exp(-(1 + lam1)) * sp.exp(-lam2 * e))
    sub = d.find("substitute")[0]
    assert sub.equations[-1].lhs == lam1
    assert d.find("remaining")
    assert "lambda_2 is fixed by the remaining equation" in str(d)


def test_every_lecture_example_verifies_against_scipy():
    from lagropt.tour import lecture_examples

    for ex in lecture_examples():
        report = lagropt.verify(ex.problem, subs=ex.subs)
        assert report.ok, (ex.name, str(report))
        assert report.max_error <= 1e-6
        assert any(r.quantity == "f" for r in report.rows)
