"""Textbook problems (Stewart 14.8 and its exercises, Nocedal & Wright's KKT examples, classic
counterexamples), each with its exact optimizers, value, multipliers and status written here.

The expected answers are worked out by hand (see the comments), not taken from lagropt.
"""

from dataclasses import dataclass, field

import mpmath
import pytest
import sympy as sp

import lagropt

R, sqrt = sp.Rational, sp.sqrt
x, y, z = sp.symbols("x y z", real=True)
xp, yp, zp = sp.symbols("x y z", positive=True)
x1, x2 = sp.symbols("x1 x2", real=True)
lam, lam1, lam2 = sp.symbols("lambda lambda_1 lambda_2", real=True)
mu1, mu2, mu3, mu4 = sp.symbols("mu_1 mu_2 mu_3 mu_4", real=True)


@dataclass
class Case:
    problem: object
    status: str
    optimizers: list = field(default_factory=list)   # every optimal point, as dicts
    value: object = None
    multipliers: dict = field(default_factory=dict)  # at the first optimizer listed


def same(a, b):
    a, b = sp.sympify(a), sp.sympify(b)
    if a.is_infinite or b.is_infinite:
        return a == b
    return sp.simplify(a - b) == 0


def pts(*coords, names=(x, y, z)):
    return [dict(zip(names, c)) for c in coords]


s3 = sqrt(3)
CASES = {
    # Stewart Ex. 1: box without lid from 12 m^2: yz = lambda(2z + y) etc. -> 2, 2, 1; V = 4
    "stewart-box": Case(lagropt.maximize(xp * yp * zp, [sp.Eq(2 * xp * zp + 2 * yp * zp + xp * yp, 12)]),
                        "optimal", pts((2, 2, 1), names=(xp, yp, zp)), 4, {lam: R(1, 2)}),
    # Stewart Ex. 2: x^2 + 2y^2 on the unit circle: 4y = 2 lambda y -> lambda = 2 at (0, +-1)
    "stewart-circle-max": Case(lagropt.maximize(x ** 2 + 2 * y ** 2, [sp.Eq(x ** 2 + y ** 2, 1)]),
                               "optimal", pts((0, 1), (0, -1)), 2, {lam: 2}),
    "stewart-circle-min": Case(lagropt.minimize(x ** 2 + 2 * y ** 2, [sp.Eq(x ** 2 + y ** 2, 1)]),
                               "optimal", pts((1, 0), (-1, 0)), 1, {lam: 1}),
    # Stewart Ex. 3: on the disk: interior critical point (0, 0), boundary as before
    "stewart-disk-max": Case(lagropt.maximize(x ** 2 + 2 * y ** 2, [x ** 2 + y ** 2 <= 1]),
                             "optimal", pts((0, 1), (0, -1)), 2, {mu1: 2}),
    "stewart-disk-min": Case(lagropt.minimize(x ** 2 + 2 * y ** 2, [x ** 2 + y ** 2 <= 1]),
                             "optimal", pts((0, 0)), 0, {mu1: 0}),
    # Stewart Ex. 4: sphere x^2+y^2+z^2 = 4 and (3, 1, -1): x = 3/(1 - lambda) ... -> +-(6, 2, -2)/sqrt(11)
    "stewart-sphere-closest": Case(
        lagropt.minimize((x - 3) ** 2 + (y - 1) ** 2 + (z + 1) ** 2, [sp.Eq(x ** 2 + y ** 2 + z ** 2, 4)]),
        "optimal", pts((6 / sqrt(11), 2 / sqrt(11), -2 / sqrt(11))), 15 - 4 * sqrt(11),
        {lam: 1 - sqrt(11) / 2}),
    "stewart-sphere-farthest": Case(
        lagropt.maximize((x - 3) ** 2 + (y - 1) ** 2 + (z + 1) ** 2, [sp.Eq(x ** 2 + y ** 2 + z ** 2, 4)]),
        "optimal", pts((-6 / sqrt(11), -2 / sqrt(11), 2 / sqrt(11))), 15 + 4 * sqrt(11),
        {lam: 1 + sqrt(11) / 2}),
    # Stewart Ex. 5: z = 1 - x + y makes f = 3 - 2x + 5y on the unit circle: max 3 + sqrt(29)
    "stewart-curve": Case(lagropt.maximize(x + 2 * y + 3 * z, [sp.Eq(x - y + z, 1), sp.Eq(x ** 2 + y ** 2, 1)]),
                          "optimal", pts((-2 / sqrt(29), 5 / sqrt(29), 1 + 7 / sqrt(29))), 3 + sqrt(29),
                          {lam1: 3, lam2: sqrt(29) / 2}),
    "x2-y2-on-circle": Case(lagropt.maximize(x ** 2 - y ** 2, [sp.Eq(x ** 2 + y ** 2, 1)]),
                            "optimal", pts((1, 0), (-1, 0)), 1, {lam: 1}),
    # 3 = 2 lambda x, 1 = 2 lambda y -> x = 3y; 10 y^2 = 10
    "3x+y-on-circle": Case(lagropt.maximize(3 * x + y, [sp.Eq(x ** 2 + y ** 2, 10)]),
                           "optimal", pts((3, 1)), 10, {lam: R(1, 2)}),
    # y = 8 lambda x, x = 2 lambda y -> y^2 = 4 x^2, x^2 = 1
    "xy-on-ellipse-min": Case(lagropt.minimize(x * y, [sp.Eq(4 * x ** 2 + y ** 2, 8)]),
                              "optimal", pts((1, -2), (-1, 2)), -2, {lam: -R(1, 4)}),
    # x^2 = 2y^2 = 3z^2 = 2; f = sqrt(2) * 1 * sqrt(2/3) = 2/sqrt(3) at an even number of minus signs
    "xyz-on-ellipsoid": Case(lagropt.maximize(x * y * z, [sp.Eq(x ** 2 + 2 * y ** 2 + 3 * z ** 2, 6)]),
                             "optimal", pts(*[(sx * sqrt(2), sy, sx * sy * sqrt(R(2, 3)))
                                              for sx in (1, -1) for sy in (1, -1)]),
                             2 * s3 / 3, {lam: s3 / 6}),
    # sympy issue 20210: nonlinsolve loses these 8 maximizers
    "x2y2z2-on-sphere": Case(lagropt.maximize(x ** 2 * y ** 2 * z ** 2, [sp.Eq(x ** 2 + y ** 2 + z ** 2, 1)]),
                             "optimal", pts(*[(a / s3, b / s3, c / s3) for a in (1, -1) for b in (1, -1)
                                              for c in (1, -1)]), R(1, 27), {lam: R(1, 9)}),
    "quartic-on-sphere-max": Case(lagropt.maximize(x ** 4 + y ** 4 + z ** 4, [sp.Eq(x ** 2 + y ** 2 + z ** 2, 1)]),
                                  "optimal", pts((1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1),
                                                 (0, 0, -1)), 1, {lam: 2}),
    "quartic-on-sphere-min": Case(lagropt.minimize(x ** 4 + y ** 4 + z ** 4, [sp.Eq(x ** 2 + y ** 2 + z ** 2, 1)]),
                                  "optimal", pts(*[(a / s3, b / s3, c / s3) for a in (1, -1) for b in (1, -1)
                                                   for c in (1, -1)]), R(1, 3), {lam: R(2, 3)}),
    "sum-on-sphere": Case(lagropt.maximize(x + y + z, [sp.Eq(x ** 2 + y ** 2 + z ** 2, 1)]),
                          "optimal", pts((1 / s3, 1 / s3, 1 / s3)), s3, {lam: s3 / 2}),
    # e^{xy} on x^3 + y^3 = 16: y e^{xy} = 3 lambda x^2 and x e^{xy} = 3 lambda y^2 give x = y = 2
    "exp-xy-on-cubic": Case(lagropt.maximize(sp.exp(x * y), [sp.Eq(x ** 3 + y ** 3, 16)]),
                            "optimal", pts((2, 2)), sp.exp(4), {lam: sp.exp(4) / 6}),
    # 2x^2 + 3y^2 - 4x - 5 on x^2 + y^2 <= 16: boundary 4x - 4 = 2mu x, 6y = 2mu y -> mu = 3, x = -2
    "disk16-max": Case(lagropt.maximize(2 * x ** 2 + 3 * y ** 2 - 4 * x - 5, [x ** 2 + y ** 2 <= 16]),
                       "optimal", pts((-2, 2 * s3), (-2, -2 * s3)), 47, {mu1: 3}),
    "disk16-min": Case(lagropt.minimize(2 * x ** 2 + 3 * y ** 2 - 4 * x - 5, [x ** 2 + y ** 2 <= 16]),
                       "optimal", pts((1, 0)), -7, {mu1: 0}),
    # e^{-xy} on x^2 + 4y^2 <= 1: maximize -xy on the ellipse: x = -2y, x^2 = 1/2
    "exp-ellipse-max": Case(lagropt.maximize(sp.exp(-x * y), [x ** 2 + 4 * y ** 2 <= 1]),
                            "optimal", pts((1 / sqrt(2), -1 / (2 * sqrt(2))), (-1 / sqrt(2), 1 / (2 * sqrt(2)))),
                            sp.exp(R(1, 4)), {mu1: sp.exp(R(1, 4)) / 4}),
    # distance to the plane x + 2y + 3z = 14: 2x = lambda, ... -> (1, 2, 3)
    "plane-distance": Case(lagropt.minimize(x ** 2 + y ** 2 + z ** 2, [sp.Eq(x + 2 * y + 3 * z, 14)]),
                           "optimal", pts((1, 2, 3)), 14, {lam: 2}),
    # two planes: 7 lambda_1 = 6, 3 lambda_2 / 2 = 1 -> (16, 25, 20)/21
    "two-planes": Case(lagropt.minimize(x ** 2 + y ** 2 + z ** 2, [sp.Eq(x + 2 * y + 3 * z, 6), sp.Eq(x + y - z, 1)]),
                       "optimal", pts((R(16, 21), R(25, 21), R(20, 21))), R(61, 21),
                       {lam1: R(6, 7), lam2: R(2, 3)}),
    # Nocedal & Wright Ex. 12.1: (1, 1) = lambda (2 x1, 2 x2) at (-1, -1): lambda = -1/2
    "nw-12.1": Case(lagropt.minimize(x1 + x2, [sp.Eq(x1 ** 2 + x2 ** 2, 2)]),
                    "optimal", pts((-1, -1), names=(x1, x2)), -2, {lam: -R(1, 2)}),
    # Ex. 12.2: the disk, c = 2 - x1^2 - x2^2 >= 0: (1, 1) = mu (2, 2): mu = 1/2
    "nw-12.2": Case(lagropt.minimize(x1 + x2, [2 - x1 ** 2 - x2 ** 2 >= 0]),
                    "optimal", pts((-1, -1), names=(x1, x2)), -2, {mu1: R(1, 2)}),
    # Ex. 12.3: half disk x2 >= 0: (1, 1) = mu1 (2 sqrt 2, 0) + mu2 (0, 1)
    "nw-12.3": Case(lagropt.minimize(x1 + x2, [2 - x1 ** 2 - x2 ** 2 >= 0, x2 >= 0]),
                    "optimal", pts((-sqrt(2), 0), names=(x1, x2)), -sqrt(2),
                    {mu1: sqrt(2) / 4, mu2: 1}),
    # the diamond |x1| + |x2| <= 1 (N&W 12.4): grad f(1, 0) = (-1, -1/2) = mu1(-1,-1) + mu2(-1, 1)
    "nw-diamond": Case(lagropt.minimize((x1 - R(3, 2)) ** 2 + (x2 - R(1, 2)) ** 4,
                                        [1 - x1 - x2 >= 0, 1 - x1 + x2 >= 0, 1 + x1 - x2 >= 0, 1 + x1 + x2 >= 0]),
                       "optimal", pts((1, 0), names=(x1, x2)), R(5, 16),
                       {mu1: R(3, 4), mu2: R(1, 4), mu3: 0, mu4: 0}),
    # projection of (1, 2) on x + y <= 2: (1/2, 3/2), grad f = (-1, -1) = mu (-1, -1)
    "projection": Case(lagropt.minimize((x - 1) ** 2 + (y - 2) ** 2, [x + y <= 2]),
                       "optimal", pts((R(1, 2), R(3, 2))), R(1, 2), {mu1: 1}),
    # a linear program: vertex (4, 0), (3, 2) = mu1 (1, 1) + mu4 (0, -1)
    "linear-program": Case(lagropt.maximize(3 * x + 2 * y, [x + y <= 4, x + 3 * y <= 6, x >= 0, y >= 0]),
                           "optimal", pts((4, 0)), 12, {mu1: 3, mu2: 0, mu3: 0, mu4: 1}),
    # Lagrange fails: min x on the cusp y^2 = x^3; the optimum (0, 0) is an irregular point
    "cusp": Case(lagropt.minimize(x, [sp.Eq(y ** 2, x ** 3)]), "optimal", pts((0, 0)), 0),
    # (x - 1)^3 = y^2 forces x >= 1, so x^2 + y^2 >= 1 with equality only at the cusp (1, 0),
    # an irregular point (both constraint gradients vanish there)
    "shifted-cusp": Case(lagropt.minimize(x ** 2 + y ** 2, [sp.Eq((x - 1) ** 3, y ** 2)]),
                         "optimal", pts((1, 0)), 1),
    # x + y on xy = 1: the Lagrange points are only local; x -> oo, y = 1/x
    "hyperbola-unbounded": Case(lagropt.maximize(x + y, [sp.Eq(x * y, 1)]), "unbounded", [], sp.oo),
    "hyperbola-closest": Case(lagropt.minimize(x ** 2 + y ** 2, [sp.Eq(x * y, 1)]),
                              "optimal", pts((1, 1), (-1, -1)), 2, {lam: 2}),
    # degenerate second-order test: x^4 + y^4 on x = y is 2x^4, a minimum at 0
    "quartic-degenerate": Case(lagropt.minimize(x ** 4 + y ** 4, [sp.Eq(x, y)]), "optimal", pts((0, 0)), 0, {lam: 0}),
    # x^3 on x = y: (0, 0) is no extremum, and f is unbounded above
    "cubic-no-extremum": Case(lagropt.maximize(x ** 3, [sp.Eq(x, y)]), "unbounded", [], sp.oo),
    # N&W 12.8: -0.1 (x1 - 4)^2 + x2^2 outside the unit circle: local minimum (1, 0), unbounded below
    "nw-12.8": Case(lagropt.minimize(-R(1, 10) * (x1 - 4) ** 2 + x2 ** 2, [x1 ** 2 + x2 ** 2 - 1 >= 0]),
                    "unbounded", [], -sp.oo),
    "constant-on-line": Case(lagropt.maximize(x + y, [sp.Eq(x + y, 1)]), "optimal", [], 1),
    "infeasible-complex": Case(lagropt.maximize(x + y, [x ** 2 + y ** 2 + 1]), "infeasible"),
    "infeasible-contradiction": Case(lagropt.maximize(x * y, [sp.Eq(x + y, 1), sp.Eq(x + y, 2)]), "infeasible"),
    "infeasible-decided-false": Case(lagropt.maximize(x + y, [sp.Eq(x ** 2 + y ** 2, -1)]), "infeasible"),
    # contradictory inequalities: x >= 1 and x <= 0 cannot both hold, whatever the objective
    "infeasible-inequalities": Case(lagropt.maximize(x + y, [x >= 1, x <= 0, sp.Eq(y, 0)]), "infeasible"),
    "infeasible-interval": Case(lagropt.minimize(x ** 2, [x >= 1, x <= 0]), "infeasible"),
    # the unit disk and the half-plane x >= 2 do not meet (the phase-one problem decides it)
    "infeasible-disk-halfplane": Case(lagropt.minimize(x + y, [x ** 2 + y ** 2 <= 1, x >= 2]),
                                      "infeasible"),
    # min xy on x + y = 1, x, y > 0: xy -> 0 at the open ends, (1/2, 1/2) is the maximum
    "not-attained": Case(lagropt.minimize(xp * yp, [sp.Eq(xp + yp, 1)]), "not_attained", [], 0),
    "inverse-bump": Case(lagropt.minimize(1 / (1 + x ** 2)), "not_attained", [], 0),
    # strict inequalities: the supremum over an open set is the maximum over its closure when
    # that is attained only on the excluded boundary. x + y on the unit disk peaks at
    # (1, 1)/sqrt(2) with value sqrt(2); the distance to (2, 2) is least at the same point:
    # (2 - 1/sqrt(2))^2 * 2 = 9 - 4 sqrt(2); x^2 + y^2 with x > 1 approaches 1 at (1, 0)
    "open-disk-sup": Case(lagropt.maximize(x + y, [x ** 2 + y ** 2 < 1]), "not_attained", [], sqrt(2)),
    "open-disk-distance": Case(lagropt.minimize((x - 2) ** 2 + (y - 2) ** 2, [x ** 2 + y ** 2 < 1]),
                               "not_attained", [], 9 - 4 * sqrt(2)),
    "open-half-plane": Case(lagropt.minimize(x ** 2 + y ** 2, [x > 1]), "not_attained", [], 1),
    # xy on x^2 + y^2 < 2: the maximum 1 of the closed disk sits at (1, 1), (-1, -1), outside
    "open-disk-xy": Case(lagropt.maximize(x * y, [x ** 2 + y ** 2 < 2]), "not_attained", [], 1),
    # the closure's maximum is inside: x y (1 - x - y) on the open triangle, 1/27 at (1/3, 1/3)
    "open-triangle": Case(lagropt.maximize(x * y * (1 - x - y), [x > 0, y > 0, x + y < 1]),
                          "optimal", pts((R(1, 3), R(1, 3))), R(1, 27), {mu1: 0, mu2: 0, mu3: 0}),
    # e^x > 0 approaches 0 as x -> -oo and never reaches it
    "exp-infimum": Case(lagropt.minimize(sp.exp(x)), "not_attained", [], 0),
    "xy-on-line": Case(lagropt.maximize(x * y, [sp.Eq(x + y, 2)]), "optimal", pts((1, 1)), 1, {lam: 1}),
    # a product of four reals with a fixed sum is unbounded: (10, 10, -8, -8) gives 6400; only a
    # diagonal direction shows it, not any single coordinate
    "product-of-four-reals": Case(lagropt.maximize(x1 * x2 * y * z, [sp.Eq(x1 + x2 + y + z, 4)]),
                                  "unbounded", [], sp.oo),
    # with positive factors the AM-GM optimum: all equal to 1, lambda = 1
    "product-of-four-positive": Case(lagropt.maximize(xp * yp * zp * sp.Symbol("w", positive=True),
                                                      [sp.Eq(xp + yp + zp + sp.Symbol("w", positive=True), 4)]),
                                     "optimal", pts((1, 1, 1), names=(xp, yp, zp)), 1, {lam: 1}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_textbook(name):
    """Each case with the default budget (tests/test_load.py runs them again beside busy
    processes: the answers must be the same)."""
    check_case(CASES[name], CASES[name].problem.solve())


def check_case(case, sol):
    """``sol`` has the case's status, value, every optimizer and the multipliers, exactly."""
    assert sol.status == case.status, (sol.status, sol.message)
    if case.value is not None:
        assert same(sol.value, case.value), sol.value
    if case.optimizers:
        assert len(sol.optimum) == len(case.optimizers)
        for want in case.optimizers:
            assert any(all(same(p.x[v], want[v]) for v in want) for p in sol.optimum), want
        first = next(p for p in sol.optimum if all(same(p.x[v], case.optimizers[0][v]) for v in case.optimizers[0]))
        for m, want in case.multipliers.items():
            assert same(first.multipliers[m], want), (m, first.multipliers[m])
        assert all(p.exact for p in sol.optimum)
    if case.status in ("unbounded", "not_attained", "infeasible"):
        assert sol.optimum == []
    assert sol.evidence or case.status == "infeasible"


def test_we_have_at_least_thirty_textbook_problems():
    assert len(CASES) >= 30


def test_cobb_douglas_is_a_parametric_closed_form():
    a = sp.Symbol("a", positive=True)
    px, py, I = sp.symbols("p_x p_y I", positive=True)
    # the point is a candidate only for a < 1 (y > 0); for a > 1, f -> oo as y -> 0+: say it
    sol = lagropt.maximize(xp ** a * yp ** (1 - a), [sp.Eq(px * xp + py * yp, I)],
                           params=[a, px, py, I], assume=[a < 1]).solve(timeout=10)
    assert sol.status == "optimal"
    (p,) = sol.optimum
    assert same(p.x[xp], a * I / px) and same(p.x[yp], (1 - a) * I / py)


def test_parametric_box_in_a_sphere():
    r = sp.Symbol("r", positive=True)
    sol = lagropt.maximize(8 * xp * yp * zp, [sp.Eq(xp ** 2 + yp ** 2 + zp ** 2, r ** 2)],
                           params=[r]).solve(timeout=10)
    (p,) = sol.optimum
    assert all(same(p.x[v], r / s3) for v in (xp, yp, zp))
    assert same(sol.value, 8 * r ** 3 / (3 * s3))


def test_heron_equilateral_triangle():
    s = sp.Symbol("s", positive=True)
    a, b, c = sp.symbols("a b c", positive=True)
    sol = lagropt.maximize(s * (s - a) * (s - b) * (s - c), [sp.Eq(a + b + c, 2 * s)],
                           params=[s]).solve(timeout=10)
    (p,) = sol.optimum
    assert all(same(p.x[v], 2 * s / 3) for v in (a, b, c))
    assert same(sol.value, s ** 4 / 27)


def test_x2y_plus_x_on_the_circle_is_an_exact_algebraic_number():
    """sympy.solve hangs here; the maximum is a root of a sextic, given exactly as CRootOf."""
    sol = lagropt.maximize(x ** 2 * y + x, [sp.Eq(x ** 2 + y ** 2, 1)]).solve(timeout=10)
    assert sol.status == "optimal"
    assert sol.value.is_algebraic and isinstance(sol.value, sp.CRootOf)
    # independent check: maximize cos^2 t sin t + cos t over t with mpmath at 30 digits
    mpmath.mp.dps = 30
    g = lambda t: mpmath.cos(t) ** 2 * mpmath.sin(t) + mpmath.cos(t)  # noqa: E731
    t_star = mpmath.findroot(lambda t: mpmath.diff(g, t), 0.4)
    assert abs(sp.N(sol.value, 30) - g(t_star)) < 1e-25
    (p,) = sol.optimum
    assert abs(sp.N(p.x[x], 30) - mpmath.cos(t_star)) < 1e-25
    assert p.kind == "maximum"


def test_irregular_point_is_flagged():
    sol = CASES["cusp"].problem.solve()
    (p,) = sol.optimum
    assert p.regular is False and p.multipliers == {}
    assert p.kind == "minimum"


def test_irregular_cusp_is_a_minimum_not_a_saddle():
    """Probes with x slightly below 1 round to 'feasible' in floats ((x - 1)^3 expanded); the
    numeric comparison must not count them (it called this point a saddle)."""
    sol = CASES["shifted-cusp"].problem.solve()
    (p,) = sol.optimum
    assert p.regular is False
    assert p.kind == "minimum", p.reason


def test_degenerate_and_no_extremum_second_order():
    (p,) = CASES["quartic-degenerate"].problem.solve().points
    assert p.kind == "minimum" and "order 4" in p.reason
    (q,) = CASES["cubic-no-extremum"].problem.solve().points
    assert q.kind == "saddle" and "odd" in q.reason


def test_unbounded_evidence_is_an_exact_limit():
    sol = CASES["hyperbola-unbounded"].problem.solve()
    assert any("1/y" in e or "1/x" in e for e in sol.evidence)
    kinds = sorted(p.kind for p in sol.points)
    assert kinds == ["maximum", "minimum"]                  # the Lagrange points are only local


def test_nw_12_8_local_minimum_is_listed():
    sol = CASES["nw-12.8"].problem.solve()
    local = [p for p in sol.points if p.kind == "minimum"]
    assert [(p.x[x1], p.x[x2]) for p in local] == [(1, 0)]
    assert local[0].multipliers[mu1] == R(3, 10)


def test_constant_objective_on_the_constraint_set_is_reported_as_such():
    sol = CASES["constant-on-line"].problem.solve()
    (p,) = sol.optimum
    assert p.free and "constant" in sol.evidence[0]


def test_kkt_active_sets_are_reported():
    sol = CASES["nw-12.3"].problem.solve()
    assert sol.optimum[0].active == (1, 2)
    sol = CASES["stewart-disk-min"].problem.solve()
    assert sol.optimum[0].active == ()


def test_triangle_corner_with_zero_multipliers_is_not_a_maximum():
    sol = lagropt.maximize(x * y, [x + y <= 2, x >= 0, y >= 0]).solve()
    assert sol.x == {x: 1, y: 1}
    corner = next(p for p in sol.points if p.x == {x: 0, y: 0})
    assert corner.kind != "maximum"


@pytest.mark.parametrize("I_", [sp.Symbol("N", integer=True, positive=True)])
def test_max_entropy_over_a_symbolic_number_of_states(I_):
    i = sp.Symbol("i", integer=True)
    p = sp.IndexedBase("p", positive=True)
    S = -sp.Sum(p[i] * sp.log(p[i]), (i, 1, I_))
    sol = lagropt.maximize(S, [sp.Eq(sp.Sum(p[i], (i, 1, I_)), 1)]).solve()
    assert sol.status == "optimal"
    assert sol.x == {p[i]: 1 / I_}
    assert same(sol.value, sp.log(I_))
    assert same(sol.multipliers[lam], sp.log(I_) - 1)
    assert sol.optimum[0].kind == "maximum"


def test_max_product_with_fixed_sum_over_n_variables():
    i = sp.Symbol("i", integer=True)
    N = sp.Symbol("N", integer=True, positive=True)
    S = sp.Symbol("S", positive=True)
    xs = sp.IndexedBase("x", positive=True)
    sol = lagropt.maximize(sp.Product(xs[i], (i, 1, N)), [sp.Eq(sp.Sum(xs[i], (i, 1, N)), S)],
                           params=[S]).solve()
    assert sol.status == "optimal"
    assert sol.x == {xs[i]: S / N}
    assert same(sol.value, (S / N) ** N)


# -- infeasibility decided exactly, with the conflicting constraints as evidence ---------------

def test_contradictory_linear_inequalities_name_the_conflict():
    sol = CASES["infeasible-inequalities"].problem.solve()
    assert sol.status == "infeasible" and sol.points == [] and sol.value is None
    (why,) = sol.evidence
    assert "x >= 1" in why and "x <= 0" in why and "y = 0" not in why   # y = 0 is not to blame


def test_strict_inequalities_that_only_touch_are_infeasible():
    sol = lagropt.minimize(x ** 2 + y ** 2, [x + y > 1, x + y < 1]).solve()
    assert sol.status == "infeasible"
    sol = lagropt.minimize(x ** 2 + y ** 2, [x + y >= 1, x + y <= 1]).solve()     # the line x + y = 1
    assert sol.status == "optimal" and sol.x == {x: R(1, 2), y: R(1, 2)}


def test_a_sign_assumption_takes_part_in_the_conflict():
    # x + y <= 0 with y >= 0 forces x <= 0, which a positive x cannot be
    sol = lagropt.minimize(xp + y, [xp + y <= 0, y >= 0]).solve()
    assert sol.status == "infeasible"
    assert "x > 0 (x is declared positive)" in sol.evidence[0]


def test_univariate_nonlinear_contradiction_is_infeasible():
    sol = lagropt.minimize(x ** 2 + y, [x ** 2 >= 4, x ** 2 <= 1]).solve()
    assert sol.status == "infeasible"
    assert "x**2 >= 4" in sol.evidence[0] and "x**2 <= 1" in sol.evidence[0]


def test_nonlinear_constraints_that_do_not_meet_are_infeasible_with_the_closest_point():
    sol = CASES["infeasible-disk-halfplane"].problem.solve()
    assert sol.status == "infeasible" and sol.points == []
    (why,) = sol.evidence
    # max t with 1 - x^2 - y^2 >= t and x - 2 >= t: x^2 + x - 3 = 0, t* = (sqrt(13) - 5)/2
    assert "x**2 + y**2 <= 1 and x >= 2" in why
    assert "margin by which a point meets all of them at once is -5/2 + sqrt(13)/2 < 0" in why
    assert "at x = -1/2 + sqrt(13)/2, y = 0" in why
    assert "proved global: the margin is concave" in why           # proved, not sampled
    # two unit disks 3 apart: at x = 3/2 both miss by 1 - 9/4 = -5/4
    apart = lagropt.maximize(x * y, [x ** 2 + y ** 2 <= 1, (x - 3) ** 2 + y ** 2 <= 1]).solve()
    assert apart.status == "infeasible" and "is -5/4 < 0, at x = 3/2, y = 0" in apart.evidence[0]


def test_nonconvex_infeasibility_is_proved_by_a_bounding_constraint():
    # xy >= 1 is not concave, but x^2 + y^2 <= 1 keeps x, y bounded whatever the margin:
    # the margin's maximum is at a critical point, x = y = -sqrt(6)/3 (1 - 2a^2 = a^2 - 1)
    sol = lagropt.minimize(x + y, [x ** 2 + y ** 2 <= 1, x * y >= 1]).solve()
    assert sol.status == "infeasible"
    (why,) = sol.evidence
    assert "at once is -1/3 < 0, at x = -sqrt(6)/3, y = -sqrt(6)/3" in why
    assert "x**2 + y**2 <= 1 keeps x, y bounded" in why
    # a quartic ball: max xy on x^4 + y^4 <= 1 is 1/sqrt(2) < 1
    quartic = lagropt.maximize(x - y, [x ** 4 + y ** 4 <= 1, x * y >= 1]).solve()
    assert quartic.status == "infeasible"
    assert "is -5/4 + sqrt(17)/4 < 0" in quartic.evidence[0]
    # the same shapes when they do meet: feasible, solved as usual
    meet = lagropt.minimize(x + y, [x ** 2 + y ** 2 <= 4, x * y >= 1]).solve()
    assert meet.status == "optimal" and same(meet.value, -2 * sqrt(2))
    assert meet.x == {x: -sqrt(2), y: -sqrt(2)}


def test_nonlinear_constraints_that_touch_are_feasible():
    # radius 2 at the origin and radius 1 at (3, 0) touch at (2, 0) only: t* = 0, feasible
    sol = lagropt.minimize(x + y, [x ** 2 + y ** 2 <= 4, (x - 3) ** 2 + y ** 2 <= 1]).solve()
    assert sol.status == "optimal" and sol.x == {x: 2, y: 0}


def test_feasible_inequalities_are_not_called_infeasible():
    # x >= 1 and x <= 2 meet; max x + y with y = 0 is 2 at (2, 0)
    sol = lagropt.maximize(x + y, [x >= 1, x <= 2, sp.Eq(y, 0)]).solve()
    assert sol.status == "optimal" and sol.x == {x: 2, y: 0}


# -- open feasible sets: through the closure; no bound that is not proven -----------------------

def test_open_disk_supremum_is_approached_on_the_excluded_boundary():
    sol = CASES["open-disk-sup"].problem.solve()
    assert sol.points == []
    (at,) = sol.approached_at
    assert same(at[x], sqrt(2) / 2) and same(at[y], sqrt(2) / 2)
    assert "closure" in sol.evidence[0] and "not attained" in sol.evidence[-1]
    assert "x**2 + y**2 < 1 fails" in sol.evidence[-1]


def test_closure_confirms_an_interior_optimum():
    sol = CASES["open-triangle"].problem.solve()
    assert "closure" in sol.evidence[0] and "polytope" in sol.evidence[0]
    assert sol.approached_at == []


def test_a_limit_along_a_line_is_not_reported_as_the_infimum():
    """x^2 + (xy - 1)^2 -> 1 as y -> -oo with x = 0, but the infimum is 0 (x -> 0, y = 1/x):
    a limit along one line is a bound, not the infimum, and must not be reported as one."""
    sol = lagropt.minimize(x ** 2 + (x * y - 1) ** 2).solve()
    assert sol.status == "not_attained" and sol.optimum == []
    assert sol.value is None
    assert "at most 1" in sol.evidence[0] and "not determined" in sol.evidence[0]


def test_complete_limits_on_a_curve_prove_the_infimum():
    # one parameter (x = 1 - y, 0 < y < 1) and both ends examined: the infimum 0 is proven
    sol = CASES["not-attained"].problem.solve()
    assert sol.value == 0 and "union of curves with one parameter" in sol.evidence[0]


def test_exp_infimum_evidence_speaks_of_the_exponent():
    sol = CASES["exp-infimum"].problem.solve()
    assert not any("f -> -oo" in e for e in sol.evidence)      # f = e^x never goes to -oo
    assert "u -> -oo as x -> -oo" in sol.evidence
    assert any("f = exp(u) -> 0" in e and "not attained" in e for e in sol.evidence)
    assert lagropt.maximize(sp.exp(x)).solve().value == sp.oo


def test_algebraic_numbers_print_with_a_15_digit_float():
    """str(solution) shows CRootOf values exactly and, beside them, the float to 15 digits."""
    sol = lagropt.maximize(x ** 2 * y + x, [sp.Eq(x ** 2 + y ** 2, 1)]).solve(timeout=10)
    line = next(s for s in str(sol).splitlines() if s.startswith("value:"))
    exact, approx = line[len("value: "):].split(" ≈ ")
    assert exact.startswith("CRootOf(729*x**6 - 1269*x**4 + 200*x**2 - 9")
    assert approx == "1.25344439200642"                 # 15 significant digits
    # independent: max of cos^2 t sin t + cos t at 30 digits, rounded to 15
    mpmath.mp.dps = 30
    g = lambda t: mpmath.cos(t) ** 2 * mpmath.sin(t) + mpmath.cos(t)  # noqa: E731
    t_star = mpmath.findroot(lambda t: mpmath.diff(g, t), 0.4)
    assert approx == mpmath.nstr(g(t_star), 15)
    assert "x**2 + y**2 - 1 = 0 bounds x, y" in str(sol)     # the evidence reads as a sentence
