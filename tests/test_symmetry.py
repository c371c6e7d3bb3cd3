"""Symmetry between variables (issue 17): one active set per orbit is solved, the others are its
images. Lossless: the answers below include asymmetric critical points, and every problem gives
the same points with the symmetry switched off. Expected answers derived by hand beside each."""

from __future__ import annotations

import pytest
import sympy as sp

import lagropt
import lagropt.solver.candidates as candidates
from lagropt.standard import StandardForm
from lagropt.solver.symmetry import variable_symmetry

x, y, z = sp.symbols("x y z", real=True)
w = sp.symbols("w1:5", real=True)


def _xyz_simplex():
    # AM-GM: xyz <= ((x + y + z)/3)^3 <= 1 on the simplex, equality at (1, 1, 1) only
    return lagropt.maximize(x * y * z, [x + y + z <= 3, x >= 0, y >= 0, z >= 0], [x, y, z])


def _quartic_ball():
    # sum x_i^4 <= (sum x_i^2)^2 <= 1 on the ball, equality iff one coordinate is +-1 and the
    # others 0: six maximizers, none of them symmetric, value 1
    return lagropt.maximize(x ** 4 + y ** 4 + z ** 4, [x ** 2 + y ** 2 + z ** 2 <= 1], [x, y, z])


def _waterfill():
    # sum log(1 + w_i) is concave and symmetric: Jensen gives w_i = 1/4, value 4 log(5/4)
    return lagropt.maximize(sum(sp.log(1 + v) for v in w), [sum(w) <= 1] + [v >= 0 for v in w],
                            list(w))


def _corner():
    # min (x - 2)^2 + (y - 2)^2 on the square [-1, 1]^2: the nearest corner (1, 1), value 2
    return lagropt.minimize((x - 2) ** 2 + (y - 2) ** 2, [x <= 1, y <= 1, x >= -1, y >= -1],
                            [x, y])


def _asymmetric():
    # no symmetry: x^2 + 2y^2 with x + y >= 1: x = 2/3, y = 1/3, value 2/3
    return lagropt.minimize(x ** 2 + 2 * y ** 2, [x + y >= 1, x >= 0, y >= 0], [x, y])


def test_detects_the_classes_of_interchangeable_variables():
    sym = variable_symmetry(StandardForm(_xyz_simplex()))
    assert sym is not None and [set(c) for c in sym.classes] == [{x, y, z}]
    assert len(sym.permutations) == 5                   # S_3 without the identity
    corner = variable_symmetry(StandardForm(_corner()))
    assert [set(c) for c in corner.classes] == [{x, y}]


def test_no_symmetry_when_a_constraint_breaks_it():
    assert variable_symmetry(StandardForm(_asymmetric())) is None
    # f symmetric in x, y, z but the constraint only in y, z: the class is {y, z}
    p = lagropt.maximize(x * y * z, [x + 2 * y + 2 * z <= 6, x >= 0, y >= 0, z >= 0], [x, y, z])
    sym = variable_symmetry(StandardForm(p))
    assert [set(c) for c in sym.classes] == [{y, z}]


@pytest.mark.parametrize("build, value, optimizers", [
    (_xyz_simplex, 1, [{x: 1, y: 1, z: 1}]),
    (_quartic_ball, 1, [{x: s * (i == 0), y: s * (i == 1), z: s * (i == 2)}
                        for i in range(3) for s in (1, -1)]),
    (_waterfill, 4 * sp.log(sp.Rational(5, 4)), [{v: sp.Rational(1, 4) for v in w}]),
    (_corner, 2, [{x: 1, y: 1}]),
    (_asymmetric, sp.Rational(2, 3), [{x: sp.Rational(2, 3), y: sp.Rational(1, 3)}]),
])
def test_symmetric_problems_keep_every_optimizer(build, value, optimizers):
    sol = build().solve(timeout=10)
    assert sol.status == "optimal"
    assert sp.simplify(sol.value - value) == 0
    assert all(pt.exact for pt in sol.optimum)
    got = [pt.x for pt in sol.optimum]
    assert len(got) == len(optimizers)
    for want in optimizers:
        assert any(all(sp.simplify(g[v] - want[v]) == 0 for v in want) for g in got), want


def _points(sol):
    return sorted(sp.sstr((sorted(p.x.items(), key=str), sorted(p.multipliers.items(), key=str),
                           p.active, p.free, p.kind, p.conditions)) for p in sol.points)


@pytest.mark.parametrize("build", [_xyz_simplex, _quartic_ball, _waterfill, _corner])
def test_the_same_points_with_and_without_the_symmetry(build, monkeypatch):
    with_symmetry = build().solve(timeout=10)
    monkeypatch.setattr(candidates, "variable_symmetry", lambda internal: None)
    without = build().solve(timeout=10)
    assert with_symmetry.status == without.status
    assert _points(with_symmetry) == _points(without)


def test_the_derivation_says_by_symmetry():
    text = str(_xyz_simplex().solve(timeout=10).derivation)
    assert "By symmetry: f and the constraints are unchanged when x, y, z are permuted" in text
    assert "(by symmetry: the case active: h_2 with" in text


def test_a_group_too_large_to_enumerate_is_not_used():
    # 7 interchangeable variables: 7! = 5040 permutations, more than MAX_GROUP (720)
    v = sp.symbols("v1:8", real=True)
    p = lagropt.maximize(sum(sp.log(1 + s) for s in v), [sum(v) <= 1] + [s >= 0 for s in v],
                         list(v))
    assert variable_symmetry(StandardForm(p)) is None
