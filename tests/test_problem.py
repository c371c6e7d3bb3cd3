"""Problem construction: variables, parameters, multipliers, the Lagrangian, and bad input."""

import pytest
import sympy as sp

import lagropt
from lagropt import LagroptError, ProblemError
from conftest import same

x, y, z, a = sp.symbols("x y z a", real=True)


def test_variables_default_to_free_symbols_in_natural_order():
    ps = sp.symbols("p1:12", positive=True)
    problem = lagropt.maximize(sp.Add(*ps), subject_to=[sp.Eq(ps[0], 1)])
    assert problem.variables == ps            # p2 before p10


def test_params_are_not_variables():
    problem = lagropt.minimize((x - a) ** 2, params=[a])
    assert problem.variables == (x,)
    assert problem.params == (a,)


def test_multiplier_names():
    one = lagropt.maximize(x * y, subject_to=[x + y - 1])
    two = lagropt.maximize(x * y * z, subject_to=[x + y - 1, sp.Eq(z, 2)])
    assert [str(m) for m in one.multipliers] == ["lambda"]
    assert [str(m) for m in two.multipliers] == ["lambda_1", "lambda_2"]
    assert all(m.is_real for m in two.multipliers)


def test_multiplier_name_avoids_a_user_symbol_called_lambda():
    lam = sp.Symbol("lambda", real=True)
    problem = lagropt.maximize(x * lam, subject_to=[x + lam - 1])
    (m,) = problem.multipliers
    assert m != lam and str(m).startswith("lambda")


def test_bare_expression_means_equal_to_zero():
    p1 = lagropt.maximize(x * y, subject_to=[x + y - 1])
    p2 = lagropt.maximize(x * y, subject_to=[sp.Eq(x + y, 1)])
    assert same(p1.lagrangian, p2.lagrangian)


def test_lagrangian_has_the_lectures_sign():
    problem = lagropt.maximize(x * y, subject_to=[sp.Eq(x + y, 1)])
    lam = problem.multipliers[0]
    assert same(problem.lagrangian, x * y - lam * (x + y - 1))
    stat = problem.equations[:2]
    assert stat[0].lhs == y and stat[0].rhs == lam      # grad f = lambda grad g


def test_string_and_print():
    problem = lagropt.maximize(x * y, subject_to=[sp.Eq(x + y, 1)])
    text = str(problem)
    assert "maximize x*y" in text and "x + y = 1" in text


@pytest.mark.parametrize("objective", [sp.Matrix([x, y]), [x, y], sp.Eq(x, 1), "x + y", True])
def test_objective_must_be_a_scalar_expression(objective):
    with pytest.raises(ProblemError) as info:
        lagropt.maximize(objective)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("constraint", ["x = 1", [x], sp.Ne(x, 1), sp.Matrix([x])])
def test_constraint_must_be_an_equation_or_expression(constraint):
    with pytest.raises(ProblemError):
        lagropt.maximize(x + y, subject_to=[constraint])


def test_more_equality_constraints_than_variables():
    with pytest.raises(ProblemError, match="3 equality constraints but only 2 variables"):
        lagropt.maximize(x + y, subject_to=[sp.Eq(x, 1), sp.Eq(y, 1), sp.Eq(x + y, 2)])


def test_unknown_symbols_when_variables_are_given():
    with pytest.raises(ProblemError, match="neither variables nor params"):
        lagropt.maximize(x + y, variables=[x])


def test_bad_sense():
    with pytest.raises(ProblemError):
        lagropt.Problem(x, "sideways")


def test_errors_are_lagropt_errors():
    assert issubclass(ProblemError, LagroptError)


def test_inconsistent_constraints_are_infeasible():
    sol = lagropt.maximize(x * y, subject_to=[sp.Eq(x + y, 1), sp.Eq(x + y, 2)]).solve()
    assert sol.status == "infeasible"
    assert sol.points == [] and sol.optimum == []


def test_constraint_with_only_complex_solutions_is_infeasible():
    sol = lagropt.maximize(x + y, subject_to=[x ** 2 + y ** 2 + 1]).solve()
    assert sol.status == "infeasible"


def test_constraint_sympy_already_decided_false_is_infeasible():
    constraint = sp.Eq(x ** 2 + y ** 2, -1)          # SymPy evaluates this to False
    assert constraint is sp.false
    sol = lagropt.maximize(x + y, subject_to=[constraint]).solve()
    assert sol.status == "infeasible"


def test_no_critical_point_and_unbounded_is_unbounded():
    # issue 17's decision: without critical points, an f that grows without bound is unbounded
    sol = lagropt.maximize(x + y).solve()
    assert sol.status == "unbounded"
    assert "no critical point" in sol.message
    assert sol.points == []
    assert sol.value == sp.oo                        # and the asymptotics say why
    assert any("oo" in e for e in sol.evidence)


def test_timeout_returns_a_status_not_a_hang():
    from lagropt.runtime import work_clock

    hard = x ** 7 * y ** 5 + x * y ** 3 - z ** 4 * x + sp.sin(x * y)
    problem = lagropt.maximize(hard, subject_to=[sp.Eq(x ** 6 + y ** 6 + z ** 2, 1)])
    started = work_clock()
    sol = problem.solve(timeout=0.5, numeric=False)
    assert work_clock() - started < 3        # CPU seconds, so load cannot fail it; the solve
    #                                          needs about 7 s of CPU without its budget
    assert sol.status == "timeout"
    assert sol.derivation.find("lagrangian")        # what it had: the Lagrangian and equations
    assert sol.remaining                             # the system left to solve


def test_symbols_without_real_assumption_are_treated_as_real():
    u, v = sp.symbols("u v")                         # complex by default in SymPy
    sol = lagropt.maximize(-(u - 2) ** 2 - (v - 1) ** 2 + 10, subject_to=[sp.Eq(u, v)]).solve()
    assert sol.x == {u: sp.Rational(3, 2), v: sp.Rational(3, 2)}   # keys are the user's symbols


def test_positive_assumption_drops_negative_solutions():
    t = sp.Symbol("t", positive=True)
    sol = lagropt.minimize((t ** 2 - 4) ** 2).solve()
    assert [p.x[t] for p in sol.points] == [2]


def test_float_exponents_are_read_as_exact_rationals():
    t = sp.Symbol("t", positive=True)
    sol = lagropt.maximize(t ** 0.5 - 0.25 * t).solve()
    assert sol.status == "optimal"
    assert sol.x == {t: 4} and sol.value == 1                # exact, not 3.9999...
    step = sol.derivation.find("exact_numbers")[0]
    assert sp.Rational(1, 2) in [e.rhs for e in step.equations]


def test_non_differentiable_objective_says_so_and_offers_the_numeric_path():
    f = sp.Abs(x - 1) + sp.Abs(y + 2)
    sol = lagropt.minimize(f).solve(numeric=False)
    assert sol.status == "unsolved"
    assert "not differentiable" in sol.message and "Abs" in sol.message
    assert "numeric=True" in sol.message
    num = lagropt.minimize(f).solve()
    assert num.status == "numeric"
    (p,) = num.optimum
    assert not p.exact
    assert abs(float(p.x[x]) - 1) < 1e-6 and abs(float(p.x[y]) + 2) < 1e-6


def test_fallback_after_the_limit_keeps_the_system_and_marks_points_numeric():
    """The numeric fallback does fixed work (no clock: tests/test_numeric_fallback.py); the
    call only has to end (60 s is a generous bound for about 4 s of work); the budget leaves
    the fallback room for its fixed starts (it needs about 2.5 s CPU here)."""
    import time

    hard = x ** 7 * y ** 5 + x * y ** 3 - x ** 4 + sp.sin(x * y)
    problem = lagropt.maximize(hard, [sp.Eq(x ** 6 + y ** 6, 1)])
    started = time.monotonic()
    sol = problem.solve(timeout=10.0)
    assert time.monotonic() - started < 60
    assert sol.status == "numeric"
    assert all(not p.exact for p in sol.points)
    assert sol.remaining                          # the residual system is kept
    assert sol.derivation.find("numeric")
