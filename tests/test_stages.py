"""The standard form, the Sense helper and the solver's stages one at a time.

Reference answers are derived by hand in the comments (textbook Lagrange/KKT examples).
"""

import sympy as sp
import pytest

from lagropt import maximize, minimize
from lagropt.solver import stages, system, verdict
from lagropt.standard import Sense, StandardForm

x, y = sp.symbols("x y", real=True)


def _same(a, b) -> bool:
    return sp.simplify(a - b) == 0


# -- Sense --------------------------------------------------------------------------------------

def test_sense_is_the_word_and_says_what_depends_on_it():
    hi, lo = Sense("maximize"), Sense("min")
    assert hi == "max" and lo == "min"
    assert (hi.sign, lo.sign) == (1, -1)
    assert (hi.word, lo.word) == ("maximum", "minimum")
    assert (hi.bound, lo.bound) == ("supremum", "infimum")
    assert (hi.relation, lo.relation) == ("<=", ">=")
    assert hi.better(3, 2) and not hi.better(2, 2) and lo.better(2, 3)
    assert (hi.best([1, 5, 3]), lo.best([1, 5, 3])) == (5, 1)
    assert lo.best([(1, "a"), (0, "b")], key=lambda t: t[0]) == (0, "b")


def test_sense_refuses_other_words():
    with pytest.raises(ValueError, match="'max' or 'min'"):
        Sense("largest")


# -- the standard form ---------------------------------------------------------------------------

def test_standard_form_orients_inequalities_and_builds_the_kkt_system():
    # min x^2 + y^2 s.t. x + y >= 1: h = x + y - 1 >= 0 (minimizing), L = f - mu h
    problem = minimize(x ** 2 + y ** 2, [x + y >= 1])
    sf = problem.standard_form()
    assert isinstance(sf, StandardForm) and sf.sense.word == "minimum"
    (mu,) = problem.inequality_multipliers
    assert _same(sf.lagrangian((0,)), x ** 2 + y ** 2 - mu * (x + y - 1))
    eqs, unknowns, owners = sf.kkt_system((0,))
    # dL/dx = 2x - mu, dL/dy = 2y - mu, and the active constraint x + y - 1
    assert [sp.expand(e) for e in eqs] == [2 * x - mu, 2 * y - mu, x + y - 1]
    assert unknowns == [x, y, mu]
    assert owners == {0: x, 1: y, 2: ("h", 0)}
    assert sf.hessian_of_lagrangian((0,)) == sp.Matrix([[2, 0], [0, 2]])


def test_standard_form_reads_floats_as_rationals_and_makes_symbols_real():
    a = sp.Symbol("a")                      # no assumptions: the standard form makes it real
    sf = StandardForm(maximize(-a ** 2 + 0.25 * a))
    (v,) = sf.variables
    assert v.is_real and v.name == "a" and sf.to_user[v] == a
    assert sf.floats == {sp.Float(0.25): sp.Rational(1, 4)}
    assert sf.gradient(sf.f) == (-2 * v + sp.Rational(1, 4),)


def test_problem_equations_are_the_lecture_system():
    # max xy s.t. x + y = 2: y = lambda, x = lambda, x + y - 2 = 0
    problem = maximize(x * y, [sp.Eq(x + y, 2)])
    (lam,) = problem.equality_multipliers
    assert problem.equations == [sp.Eq(y, lam), sp.Eq(x, lam), sp.Eq(x + y - 2, 0)]
    assert _same(problem.lagrangian, x * y - lam * (x + y - 2))


# -- the stages one by one -----------------------------------------------------------------------

def test_stages_one_by_one_on_the_textbook_example():
    # max xy s.t. x + y = 2: x = y = lambda = 1, f = 1; the bordered Hessian shows a maximum
    problem = maximize(x * y, [sp.Eq(x + y, 2)])
    points = stages.candidates(problem)
    assert len(points) == 1 and points[0].x == {x: 1, y: 1}
    (lam,) = problem.equality_multipliers
    assert points[0].multipliers == {lam: 1}
    assert [p.kind for p in stages.classify(problem, points)] == ["maximum"]
    v = stages.verdict(problem, points)
    assert v.status == "optimal" and v.value == 1


def test_eliminate_one_active_set_then_candidates_drop_the_infeasible_point():
    # min x^2 + y^2 s.t. x + y >= 1. Inactive set: grad f = 0 gives (0, 0), which violates
    # x + y >= 1. Active set: 2x = mu = 2y, x + y = 1 gives (1/2, 1/2), mu = 1 >= 0.
    problem = minimize(x ** 2 + y ** 2, [x + y >= 1])
    (inactive,) = stages.eliminate(problem, active=())
    assert inactive.status == "solved" and inactive.values() == {x: 0, y: 0}
    (active,) = stages.eliminate(problem, active=(0,))
    (mu,) = problem.inequality_multipliers
    assert active.values() == {x: sp.Rational(1, 2), y: sp.Rational(1, 2), mu: 1}
    points = stages.candidates(problem)
    assert [p.x for p in points] == [{x: sp.Rational(1, 2), y: sp.Rational(1, 2)}]


def test_stages_compose_to_what_solve_returns():
    problems = [maximize(x * y, [sp.Eq(x ** 2 + y ** 2, 2)]),           # f = 1 at (1, 1), (-1, -1)
                minimize(x ** 2 + y ** 2, [x + y >= 1]),
                maximize(x + y, [sp.Eq(x * y, 1)])]                    # unbounded above
    for problem in problems:
        points = stages.classify(problem, stages.candidates(problem))
        staged = stages.verdict(problem, points)
        solved = problem.solve()
        assert staged.status == solved.status
        assert (staged.value is None) == (solved.value is None)
        assert staged.value == solved.value


# -- lists of strategies -------------------------------------------------------------------------

def test_elimination_walks_its_strategies_in_order(monkeypatch):
    seen = []

    def watch(work):
        seen.append(len(work.branch.equations))
        return None                          # does not apply: the next strategy acts

    monkeypatch.setattr(system, "STRATEGIES", [watch, *system.STRATEGIES])
    problem = maximize(x * y, [sp.Eq(x + y, 2)])
    points = stages.candidates(problem)
    assert seen and seen[0] == 3             # the first branch: the N + K = 3 equations
    assert [p.x for p in points] == [{x: 1, y: 1}]


def test_an_added_strategy_takes_a_branch(monkeypatch):
    def give_up(work):                       # acts first: every branch is left as residual
        work.branch.status = "residual"
        return system.Step(finished=[work.branch])

    monkeypatch.setattr(system, "STRATEGIES", [give_up, *system.STRATEGIES])
    (branch,) = stages.eliminate(maximize(x * y, [sp.Eq(x + y, 2)]))
    assert branch.status == "residual" and len(branch.equations) == 3


def test_the_verdict_is_the_first_certificate_that_decides():
    # max -(x^2 + y^2) s.t. x + y = 2: f concave, the constraint affine: the curvature proof
    problem = maximize(-(x ** 2 + y ** 2), [sp.Eq(x + y, 2)])
    points = stages.classify(problem, stages.candidates(problem))
    v = stages.verdict(problem, points)
    assert v.certified and "f is concave" in v.evidence[0]
    assert verdict.CERTIFICATES.index(verdict.curvature) < verdict.CERTIFICATES.index(
        verdict.attained)
    assert verdict.CERTIFICATES[-1] is verdict.best_candidate


def test_points_are_frozen_and_classification_returns_new_ones():
    import dataclasses

    problem = maximize(x * y, [sp.Eq(x + y, 2)])
    (found,) = stages.candidates(problem)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.kind = "maximum"
    (classified,) = stages.classify(problem, [found])
    assert classified.kind == "maximum" and classified.x == found.x
    assert found.kind == "inconclusive"          # the unclassified candidate is unchanged
