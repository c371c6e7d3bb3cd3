"""Unbounded problems whose stationarity system has no closed form: unboundedness needs no
critical point, so an exact limit along the feasible set decides them.

Each by hand: on x + y = 3, x = 3 - y, and as y -> 3 from above x -> 0 from below, so
1/x -> -oo while every other term stays bounded (y^4 -> 81, y^2 -> 9, e^x -> 1, sin y ->
sin 3). Before, the first answer was ``parametric`` (a closed form in lambda, fixed by
1 - 1/x^2 = 4 y^3), the others ``unsolved`` or a numeric local minimum, as if an optimum
existed."""

import pytest
import sympy as sp

import lagropt

x, y = sp.symbols("x y", real=True)
ON_THE_LINE = [sp.Eq(x + y, 3)]


@pytest.mark.parametrize("f", [x + 1 / x + y ** 4, sp.exp(x) + 1 / x + y ** 2],
                         ids=["quartic", "exponential"])
def test_a_pole_on_the_line_makes_f_unbounded_below(f):
    sol = lagropt.minimize(f, ON_THE_LINE).solve()
    assert sol.status == "unbounded", (sol.status, sol.message)
    assert sol.value == -sp.oo
    assert sol.optimum == []
    assert any("-oo" in e for e in sol.evidence)
    assert "unsolved" in sol.message


def test_maximizing_the_negative_is_unbounded_above():
    sol = lagropt.maximize(-(x + 1 / x + y ** 4), ON_THE_LINE).solve()
    assert sol.status == "unbounded", (sol.status, sol.message)
    assert sol.value == sp.oo


def test_the_derivation_keeps_the_unsolved_equation():
    sol = lagropt.minimize(x + 1 / x + y ** 4, ON_THE_LINE).solve()
    kinds = [s.kind for s in sol.derivation.steps]
    assert "residual" in kinds
    residual = next(s for s in sol.derivation.steps if s.kind == "residual")
    assert residual.text.startswith("This equation was not solved")
    assert len(residual.equations) == 1


def test_a_bounded_problem_with_an_unsolved_system_is_not_called_unbounded():
    # x^2 + 1/x^2 + y^4 >= 2 (AM-GM on the first two terms), so f is bounded below; its
    # stationarity system 2x - 2/x^3 = lambda = 4 y^3 with x + y = 3 has no closed form
    sol = lagropt.minimize(x ** 2 + 1 / x ** 2 + y ** 4, ON_THE_LINE).solve()
    assert sol.status != "unbounded", sol.evidence
