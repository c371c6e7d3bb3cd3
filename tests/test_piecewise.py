"""Piecewise answers: one optimum per region of the parameters (issue 17, item 2)."""

import numpy as np
import pytest
import sympy as sp

from lagropt import maximize
from lagropt.assumptions import Assumptions, assuming
from lagropt.solver.piecewise import covers, readable

a, c, k = sp.symbols("a c k", real=True)
x = sp.Symbol("x", positive=True)
y = sp.Symbol("y", real=True)
p, q, m = sp.symbols("p q m", positive=True)


def _holds(condition, values) -> bool:
    return bool(condition.xreplace(values))


def _quasilinear(assume=None):
    return maximize(sp.log(x) + y, [sp.Eq(p * x + q * y, m), y >= 0], variables=[x, y],
                    params=[p, q, m], assume=assume)


# Quasi-linear utility log x + y, budget p x + q y = m, y >= 0 (Varian, Intermediate
# Microeconomics, ch. 6). L = log x + y - lambda (p x + q y - m) - mu (-y):
#   1/x = lambda p,  1 + mu = lambda q.
# Interior (mu = 0): lambda = 1/q, x = q/p, y = (m - q)/q, admissible iff y >= 0 iff m >= q;
#   f = log(q/p) + m/q - 1.
# Corner (y = 0): x = m/p, lambda = 1/m, mu = q/m - 1 >= 0 iff m <= q; f = log(m/p).
# At m = q both give x = q/p, y = 0, f = log(q/p): the regions meet where the answers agree.
INTERIOR = {x: q / p, y: (m - q) / q}
CORNER = {x: m / p, y: 0}


def test_quasilinear_is_piecewise_in_income():
    sol = _quasilinear().solve(timeout=60)
    assert sol.status == "piecewise", sol.message
    assert len(sol.cases) == 2
    rich = {p: 2, q: 1, m: 3}             # m > q: interior
    poor = {p: 2, q: 3, m: 1}             # m < q: corner
    (inner,) = [case for case in sol.cases if _holds(case.condition, rich)]
    (outer,) = [case for case in sol.cases if _holds(case.condition, poor)]
    assert not _holds(inner.condition, poor) and not _holds(outer.condition, rich)
    edge = {p: 2, q: 1, m: 1}              # m = q: both
    assert _holds(inner.condition, edge) and _holds(outer.condition, edge)
    for case, point, value, lam in ((inner, INTERIOR, sp.log(q / p) + m / q - 1, 1 / q),
                                    (outer, CORNER, sp.log(m / p), 1 / m)):
        (pt,) = case.optimum
        for v in (x, y):
            assert sp.simplify(pt.x[v] - point[v]) == 0
        assert sp.simplify(case.value - value) == 0
        lams = [val for mult, val in pt.multipliers.items() if mult.name == "lambda"]
        assert sp.simplify(lams[0] - lam) == 0


def test_quasilinear_piecewise_value_and_point():
    sol = _quasilinear().solve(timeout=60)
    for sample, want in (({p: 2, q: 1, m: 3}, sp.log(sp.Rational(1, 2)) + 2),
                         ({p: 2, q: 3, m: 1}, sp.log(sp.Rational(1, 2)))):
        assert sp.simplify(sol.value.xreplace(sample) - want) == 0
    assert sp.simplify(sol.x[y].xreplace({p: 2, q: 1, m: 3}) - 2) == 0
    assert sol.x[y].xreplace({p: 2, q: 3, m: 1}) == 0
    text = str(sol)
    assert "where m >= q" in text and "status: piecewise" in text


@pytest.mark.parametrize("facts, point", [([m > q], INTERIOR), ([m < q], CORNER)])
def test_quasilinear_with_an_assumption_is_one_case(facts, point):
    sol = _quasilinear(facts).solve(timeout=60)
    assert sol.status == "optimal"
    for v in (x, y):
        assert sp.simplify(sol.x[v] - point[v]) == 0


def test_capacity_binding_or_not():
    # max -(x - c)^2 s.t. x <= k; L = -(x - c)^2 - mu (x - k): -2 (x - c) = mu.
    # x = c (mu = 0) is feasible iff c <= k; x = k needs mu = 2 (c - k) >= 0 iff c >= k.
    sol = maximize(-(y - c) ** 2, [y <= k], variables=[y], params=[c, k]).solve(timeout=60)
    assert sol.status == "piecewise"
    slack = {c: 1, k: 2}
    binding = {c: 3, k: 2}
    assert sol.x[y].xreplace(slack) == 1 and sol.value.xreplace(slack) == 0
    assert sol.x[y].xreplace(binding) == 2 and sol.value.xreplace(binding) == -1
    (mu,) = sol.multipliers.values()
    assert mu.xreplace(slack) == 0 and mu.xreplace(binding) == 2
    assert r"\begin{cases}" in sol.latex()


def test_linear_objective_on_an_interval_has_value_abs_a():
    # max a x s.t. x^2 <= 1: x = 1 (mu = a/2 >= 0) for a >= 0, x = -1 (mu = -a/2) for a <= 0
    sol = maximize(a * y, [y ** 2 <= 1], variables=[y], params=[a]).solve(timeout=60)
    assert sol.status == "piecewise"
    for value in (-3, 0, sp.Rational(5, 2)):
        assert sol.value.xreplace({a: value}) == abs(value)


def test_user_symbols_come_back_in_the_cases():
    # symbols declared without real=True: the solver works on real copies, the answer is in
    # the user's symbols
    cu, ku, xu = sp.symbols("c k x")
    sol = maximize(-(xu - cu) ** 2, [xu <= ku], variables=[xu], params=[cu, ku]).solve(timeout=60)
    assert sol.status == "piecewise"
    assert set(sol.x) == {xu}
    for case in sol.cases:
        assert case.condition.free_symbols <= {cu, ku}
        assert set(case.optimum[0].x) == {xu}


# -- the coverage proof and the readable conditions --------------------------------------------

@pytest.mark.parametrize("regions, want", [
    ([[a >= 0], [a <= 0]], True),
    ([[a > 0], [a < 0]], False),                   # a = 0 is in neither
    ([[a >= 0], [a >= 1]], False),                 # a < 0 is in neither
    ([[a >= 1], [a <= 1]], True),
    ([[a >= 0, a <= 1], [a >= 1], [a <= 0]], True),  # three regions of one parameter
    ([[c - k <= 0], [2 * c - 2 * k >= 0]], True),  # product -2 (c - k)^2 <= 0
    ([[c - k <= 0], [c - 2 * k >= 0]], False),     # k < c < 2k (k > 0) is in neither
])
def test_covers(regions, want):
    assert covers(regions, sorted(set().union(*[r.free_symbols for g in regions for r in g]),
                                  key=str)) is want


u, v, w = sp.symbols("u v w", real=True)


@pytest.mark.parametrize("regions, want", [
    # the quadrants around the origin, three regions of two parameters: every (u, v) is in one
    ([[u >= 0, v >= 0], [u <= 0], [v <= 0]], True),
    ([[u >= 0, v >= 0], [u < 0], [v < 0]], True),
    ([[u > 0, v > 0], [u < 0], [v < 0]], False),                # (0, 1) is in none
    ([[u + v >= 1], [u + v <= 0]], False),                       # 0 < u + v < 1 is in none
    ([[u + v >= 1], [u + v <= 1, u - v >= 0], [u - v <= 0]], True),
    # three parameters: the octant corner and the three half-spaces beside it
    ([[u >= w, v >= w], [u <= w], [v <= w]], True),
    ([[u >= w, v >= w], [u <= w], [v <= w - 1]], False),        # v = w - 1/2, u > w: in none
])
def test_covers_regions_affine_in_several_parameters(regions, want):
    assert covers(regions, [u, v, w]) is want


def test_covers_within_positive_parameters():
    # q <= 2p or q >= p: for p > 0 every q is in one (p < 2p); for p < 0 the values
    # 2p < q < p are in neither, so for real u, v the regions do not cover: (-1, -3/2)
    assert covers([[q <= 2 * p], [q >= p]], [p, q])
    assert not covers([[v <= 2 * u], [v >= u]], [u, v])


def test_a_coverage_proof_that_needs_too_many_programs_is_no_proof(monkeypatch):
    from lagropt.solver import piecewise

    monkeypatch.setattr(piecewise, "MAX_COVER_PROGRAMS", 1)
    assert not covers([[u >= 0, v >= 0], [u <= 0], [v <= 0]], [u, v])


X3, Y3, Z3 = sp.symbols("x y z", real=True)
A3, B3, C3 = sp.symbols("a b c", positive=True)


@pytest.mark.parametrize("constraints, regions", [
    ([X3 + Y3 + Z3 <= 1, X3 >= 0, Y3 - Z3 <= 2], 6),
    ([X3 + Y3 + Z3 <= 1, X3 >= 0, Y3 >= 0, Z3 >= 0, Y3 - Z3 <= 2], 10),
], ids=["three-inequalities", "five-inequalities"])
def test_projection_onto_a_polyhedron_is_piecewise_in_the_point(constraints, regions):
    # the projection of (a, b, c) onto a polyhedron: a strictly convex problem, so exactly
    # one region's point is the projection for each (a, b, c); the reference is scipy's SLSQP
    # on the same problem at random points, independently
    from scipy.optimize import minimize as scipy_minimize

    from lagropt import minimize

    sol = minimize((X3 - A3)**2 + (Y3 - B3)**2 + (Z3 - C3)**2, constraints,
                   params=[A3, B3, C3]).solve()
    assert sol.status == "piecewise", sol.message
    assert len(sol.cases) == regions
    # the regions read as one step each, its conditions and the optimum there
    steps = sol.derivation.find("cases")
    assert [step.data["region"] for step in steps] == list(range(1, regions + 1))
    assert all(step.text.startswith(f"Region {k} of {regions}, where ") for k, step in
               enumerate(steps, start=1))
    point = [sol.x[s] for s in (X3, Y3, Z3)]
    functions = [sp.lambdify([(X3, Y3, Z3)], h.lhs - h.rhs if h.rel_op in (">=", ">")
                             else h.rhs - h.lhs) for h in constraints]
    cons = [{"type": "ineq", "fun": f} for f in functions]
    rng = np.random.default_rng(17)
    for target in rng.uniform(0.05, 4, size=(40, 3)):
        at = dict(zip((A3, B3, C3), map(sp.Float, target)))
        assert any(bool(case.condition.xreplace(at)) for case in sol.cases), target
        ours = np.array([float(e.xreplace(at)) for e in point])
        ref = scipy_minimize(lambda r: np.sum((r - target) ** 2), np.zeros(3), method="SLSQP",
                             constraints=cons, options={"ftol": 1e-14, "maxiter": 500}).x
        assert np.abs(ours - ref).max() <= 1e-6, (target, ours, ref)


def test_covers_within_the_assumed_interval():
    # 0 < a < 1: [a <= 1/2] and [a >= 1/2] cover it; [a <= 1/2] and [a >= 2] do not
    with assuming(Assumptions.of([0 < a, a < 1], [a])):
        assert covers([[a <= sp.Rational(1, 2)], [a >= sp.Rational(1, 2)]], [a])
        assert not covers([[a <= sp.Rational(1, 2)], [a >= 2]], [a])


def test_readable_drops_factors_of_known_sign():
    assert readable(-(m - q) / q <= 0) == sp.Ge(m, q)
    assert readable(2 * c - 2 * k >= 0) == sp.Ge(c, k)


def test_a_conditional_candidate_is_never_picked_by_its_number():
    # max -x^2 s.t. a x >= a. For a < 0 the constraint is x <= 1 and x = 0 is optimal; for
    # a = 0 there is no constraint (x = 0); for a > 0 it is x >= 1: x = 1, f = -1, with
    # -2x + a mu = 0, mu = 2/a >= 0. The numerically larger value 0 holds only for a <= 0.
    sol = maximize(-y ** 2, [a * y >= a], variables=[y], params=[a]).solve(timeout=60)
    assert sol.status == "piecewise"
    for value, x_want, f_want in ((-2, 0, 0), (0, 0, 0), (3, 1, -1)):
        assert sol.x[y].xreplace({a: value}) == x_want
        assert sol.value.xreplace({a: value}) == f_want
    assert [str(c.conditions) for c in sol.cases] == ["(a <= 0,)", "(0 < a,)"]


def test_a_piece_is_called_empty_only_on_an_exact_proof():
    # the rows are theta >= 0 / > 0 and their negations; the thin strip 0 < theta < 1e-12 is
    # a point set that floating-point tolerances (1e-9) would call empty: the exact check in
    # rationals keeps it
    from lagropt.solver.piecewise import _empty

    one, tiny = np.array([sp.Integer(1)], dtype=object), sp.Rational(1, 10**12)
    assert _empty([(one, 0, False), (-one, 0, True)], [10]) is True          # 0 <= t < 0
    assert _empty([(one, 0, False), (-one, 0, False)], [10]) is False        # t = 0
    assert _empty([(one, 0, True), (-one, tiny, True)], [10]) is False       # the strip
    assert _empty([(one, 0, True), (-one, -tiny, False)], [10]) is True      # t > 0, t <= -1e-12
    assert _empty([(one, 0, True)], [0]) is None                            # no budget left
