"""Assumptions on the parameters (``assume=``, ``--assume``): signs proven under them, used by
the second-order test, candidate admissibility and the verdicts (issue 17, item 2)."""

import pytest
import sympy as sp

from lagropt import maximize, minimize
from lagropt.assumptions import Assumptions, assuming
from lagropt.errors import ProblemError
from lagropt.parse import ParseError, parse_relations
from lagropt.solver.requirements import nonnegative, sign_of

a, b, c, k, m, p, q, x, y = sp.symbols("a b c k m p q x y", real=True)


def _sign(expr, facts, params):
    with assuming(Assumptions.of(facts, params)):
        return sign_of(expr)


# -- signs under the assumptions: proven, or None -----------------------------------------------

@pytest.mark.parametrize("expr, facts, params, want", [
    (1 - a, [0 < a, a < 1], [a], 1),                     # a = u/(1+u): 1 - a = 1/(1+u)
    (a * (1 - a), [0 < a, a < 1], [a], 1),
    (a - 1, [0 < a, a < 1], [a], -1),
    (a - sp.Rational(1, 2), [0 < a, a < 1], [a], None),   # either sign in (0, 1): not claimed
    (m, [m > 0], [m], 1),
    (p - q, [p > q], [p, q], 1),                           # p = q + u
    (q - p, [p > q], [p, q], -1),
    (p, [p > q, q > 0], [p, q], 1),                        # p = q + u, q = v: u + v > 0
    (p, [p > q], [p, q], None),                            # q may be negative
    (a - 1, [a >= 2], [a], 1),                             # a = 2 + u, u >= 0
    (a - 2, [a >= 2], [a], None),                          # 0 at a = 2: not positive
    (1 - a, [0 <= a, a <= 1], [a], None),                  # 0 at a = 1 (the extra piece)
    (2 - a, [0 <= a, a <= 1], [a], 1),                     # 2 - u/(1+u) and 2 - 1: both > 0
    (a - c, [a > 1, c < 0], [a, c], 1),                    # (1 + u) - (0 - v)
])
def test_sign_under_assumptions(expr, facts, params, want):
    assert _sign(expr, facts, params) == want


def test_nonnegative_on_a_closed_interval():
    with assuming(Assumptions.of([0 <= a, a <= 1], [a])):
        assert nonnegative(1 - a) and nonnegative(a)
        assert not nonnegative(a - sp.Rational(1, 2))


def test_no_assumptions_no_claim():
    assert sign_of(1 - a) is None
    with assuming(Assumptions.of([a < 1], [a])):
        assert sign_of(1 - a) == 1
    assert sign_of(1 - a) is None                         # the context ends with the block


def test_positive_parameter_with_an_upper_bound():
    pos = sp.Symbol("s", positive=True)
    assert _sign(1 - pos, [pos < 1], [pos]) == 1           # (0, 1) from positive=True and s < 1


# -- refused with one line -----------------------------------------------------------------------

@pytest.mark.parametrize("facts, match", [
    ([x > 0], "not a parameter"),                          # x is a variable below
    ([a * b > 1], "not supported"),
    ([a > 1, a < 0], "contradict"),
    ([p > q, q > p], "cycle"),
    ([sp.Eq(a, 1)], "not an inequality"),
    ("0 < a", "parse_relations"),
    ([a ** 2 > 1], "not give an interval"),                  # a < -1 or a > 1
])
def test_bad_assumptions_are_refused(facts, match):
    with pytest.raises(ProblemError, match=match):
        maximize(-(x - a) ** 2 - (x - b) ** 2 - (x - p) ** 2 - (x - q) ** 2, variables=[x],
                 params=[a, b, p, q], assume=facts)


def test_a_false_assumption_is_refused():
    s = sp.Symbol("s", positive=True)
    with pytest.raises(ProblemError, match="False"):
        maximize(-(x - s) ** 2, variables=[x], params=[s], assume=[s < 0])


def test_symbols_of_assume_become_parameters():
    problem = maximize(-k * x ** 2, assume=[k > 0])
    assert problem.params == (k,) and problem.variables == (x,)
    assert "assuming k > 0" in str(problem)


def test_parse_relations_chains_and_commas():
    rels = parse_relations("0 < a < 1, m >= 2")
    assert [type(r) for r in rels] == [sp.StrictLessThan, sp.StrictLessThan, sp.GreaterThan]
    assert [str(r) for r in rels] == ["0 < a", "a < 1", "m >= 2"]
    for bad in ("a", "a == 1", "__import__('os') < 1"):
        with pytest.raises(ParseError):
            parse_relations(bad)


# -- used by the solver ----------------------------------------------------------------------------

def test_curvature_sign_from_an_assumption():
    # max -k x^2: f'' = -2k; with k > 0 the point x = 0 is a maximum and f is concave
    # (global); without it the sign of k is unknown and nothing is claimed
    sol = maximize(-k * x ** 2, variables=[x], params=[k], assume=[k > 0]).solve()
    assert sol.status == "optimal" and sol.x[x] == 0 and sol.optimum[0].kind == "maximum"
    assert any("concave" in e for e in sol.evidence)
    plain = maximize(-k * x ** 2, variables=[x], params=[k]).solve()
    assert plain.points[0].kind == "inconclusive"


def test_cobb_douglas_with_a_between_0_and_1():
    # max x^a y^(1-a) s.t. p x + q y = m, all positive, 0 < a < 1. By hand: the marginal rate of
    # substitution (a/(1-a)) (y/x) = p/q and the budget give x = a m/p, y = (1 - a) m/q;
    # lambda = f_x / p = (a/p) (y/x)^(1-a) = (a/p)^a ((1 - a)/q)^(1 - a). The Hessian of f,
    # [[a(a-1) x^(a-2) y^(1-a), a(1-a) x^(a-1) y^(-a)], [., -a(1-a) x^a y^(-a-1)]], has
    # diagonal <= 0 and determinant 0 for 0 < a < 1: f is concave, the point is the maximum.
    X, Y = sp.symbols("x y", positive=True)
    P, Q, M, A = sp.symbols("p q m a", positive=True)
    problem = maximize(X ** A * Y ** (1 - A), [sp.Eq(P * X + Q * Y, M)], variables=[X, Y],
                       params=[P, Q, M, A], assume=[A < 1])
    sol = problem.solve(timeout=60)
    assert sol.status == "optimal"
    (pt,) = sol.optimum
    assert pt.kind == "maximum"
    assert sp.simplify(pt.x[X] - A * M / P) == 0
    assert sp.simplify(pt.x[Y] - (1 - A) * M / Q) == 0
    assert sp.simplify(sp.expand_power_base(sp.powdenest(
        sol.value / ((A * M / P) ** A * ((1 - A) * M / Q) ** (1 - A)), force=True), force=True)) == 1
    lam = next(iter(pt.multipliers.values()))
    want = (A / P) ** A * ((1 - A) / Q) ** (1 - A)
    assert sp.simplify(sp.powsimp(sp.expand_power_base(lam / want, force=True), force=True)) == 1
    assert any("concave" in e for e in sol.evidence)


def test_cobb_douglas_without_the_assumption_is_not_optimal():
    # for a > 1 the point is no candidate (y = (1 - a) m/q < 0) and f -> oo as y -> 0+
    X, Y = sp.symbols("x y", positive=True)
    P, Q, M, A = sp.symbols("p q m a", positive=True)
    sol = maximize(X ** A * Y ** (1 - A), [sp.Eq(P * X + Q * Y, M)], variables=[X, Y],
                   params=[P, Q, M, A]).solve(timeout=60)
    assert sol.status != "optimal"


@pytest.mark.parametrize("facts, point, value, mu", [
    # max -(x - c)^2 s.t. x <= k; L = -(x - c)^2 - mu (x - k): -2(x - c) = mu.
    # c < k: x = c, mu = 0 (x = k would need mu = 2(c - k) < 0); c > k: x = k, mu = 2(c - k).
    ([c < k], c, 0, 0),
    ([c > k], k, -(c - k) ** 2, 2 * (c - k)),
])
def test_admissibility_decided_by_the_assumption(facts, point, value, mu):
    sol = maximize(-(x - c) ** 2, [x <= k], variables=[x], params=[c, k],
                   assume=facts).solve(timeout=60)
    assert sol.status == "optimal"
    assert len(sol.points) == 1
    assert sp.simplify(sol.x[x] - point) == 0
    assert sp.simplify(sol.value - value) == 0
    assert sp.simplify(next(iter(sol.multipliers.values())) - mu) == 0


def test_cli_assume(tmp_path, capsys):
    from conftest import one_line_error, run_here
    code, out, err = run_here(capsys, "solve", "-k*x^2", "--max", "--assume", "k>0")
    assert code == 0, err
    assert "status: optimal" in out and "assuming k > 0" in out
    code, out, err = run_here(capsys, "solve", "-k*x^2", "--max", "--assume", "k")
    assert code == 2
    assert "not an inequality" in one_line_error(err)
    f = tmp_path / "p.txt"
    f.write_text("max: -k*x^2\nassume: k > 0\n")
    code, out, err = run_here(capsys, "solve", "--file", str(f))
    assert code == 0 and "status: optimal" in out


# -- helpful defaults (issue 17, item 5): an unsplit problem without an exact answer ----------

def test_unsplit_problem_without_an_exact_answer_suggests_params():
    # every symbol a variable: prices and income too, so x^a y^(1-a) on p x + q y = m is no
    # longer the consumer's problem, and the exact solver does not finish; the message says why
    X, Y, P, Q, M, A = sp.symbols("x y p q m a", positive=True)
    sol = maximize(X ** A * Y ** (1 - A), [sp.Eq(P * X + Q * Y, M)]).solve(numeric=False,
                                                                         timeout=20)
    assert sol.status != "optimal"
    assert "params=[m, p, q]" in sol.message and "--params m,p,q" in sol.message


def test_split_or_optimal_problems_get_no_hint():
    sol = maximize(-k * x ** 2, variables=[x], params=[k], assume=[k > 0]).solve()
    assert "params=" not in sol.message
    s = sp.Symbol("s", real=True)      # a slack variable only in the constraint: optimal, no hint
    sol = maximize(-x ** 2, [sp.Eq(x + s ** 2, 1)]).solve()
    assert sol.status == "optimal" and "params=" not in sol.message


def test_the_problem_statement_says_what_is_assumed():
    tex = maximize(-k * x ** 2, variables=[x], params=[k], assume=[k > 0, k < 1]).latex()
    assert r"\text{assuming } k > 0, \quad k < 1" in tex


def test_no_candidate_with_an_undefined_multiplier():
    # with real x, y the branch x = 0 of x^a y^(1-a) (0 < a < 1) makes lambda = a x^(a-1) y^(1-a)
    # /p undefined (0 to a negative power): no KKT point; the interior point is a maximum
    P, Q, M, A = sp.symbols("p q m a", positive=True)
    sol = maximize(x ** A * y ** (1 - A), [sp.Eq(P * x + Q * y, M)], variables=[x, y],
                   params=[P, Q, M, A], assume=[A < 1]).solve(timeout=60, numeric=False)
    for pt in sol.points:
        assert not any(sp.sympify(v).has(sp.nan, sp.zoo) for v in pt.multipliers.values())
    (inner,) = [pt for pt in sol.points if pt.x[x] != 0]
    assert inner.kind == "maximum"
    assert sp.simplify(inner.x[x] - A * M / P) == 0
