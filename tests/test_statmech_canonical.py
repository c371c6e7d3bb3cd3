"""The canonical ensemble: exact thermodynamics from Z, checked against independent forms."""

import math

import numpy as np
import pytest
import sympy as sp
from scipy.optimize import brentq, minimize_scalar

from conftest import same
from lagropt.errors import StatMechError
from lagropt.statmech import Canonical, softmax

beta = sp.Symbol("beta", positive=True)
b_real = sp.Symbol("beta", real=True)
Delta = sp.Symbol("Delta", positive=True)
hw = sp.Symbol("hbar_omega", positive=True)
n = sp.Symbol("n", integer=True, nonnegative=True)
J = sp.Symbol("J", integer=True, nonnegative=True)
B = sp.Symbol("B", positive=True)
OSCILLATOR = Canonical((hw * (n + sp.Rational(1, 2)), (n, 0, sp.oo)))


# -- two-level system --------------------------------------------------------------------------

def test_two_level_system_exact():
    two = Canonical([0, Delta])
    assert same(two.Z(b_real), 1 + sp.exp(-b_real * Delta))
    assert same(two.U(b_real), Delta / (sp.exp(b_real * Delta) + 1))
    x = b_real * Delta
    assert same(two.C(b_real), x**2 * sp.exp(x) / (sp.exp(x) + 1) ** 2)
    assert same(sp.Add(*two.p(b_real)), 1)
    # infinite temperature: Z -> number of states, p_i -> 1/I
    assert sp.limit(two.Z(b_real), b_real, 0) == 2
    assert sp.limit(two.p(b_real)[1], b_real, 0) == sp.Rational(1, 2)


def test_schottky_peak_where_y_tanh_y_is_one():
    two = Canonical([0, 1])                         # Delta = 1, k = 1
    peak = minimize_scalar(lambda T: -two.C(1 / T), bounds=(0.05, 2.0), method="bounded",
                           options={"xatol": 1e-12})
    y_star = brentq(lambda y: y * math.tanh(y) - 1, 0.5, 2.0, xtol=1e-15)
    assert y_star == pytest.approx(1.19967864, abs=1e-8)
    assert 1 / (2 * peak.x) == pytest.approx(y_star, rel=1e-6)
    # the peak value C = y^2 / cosh(y)^2 at y*
    assert two.C(1 / peak.x) == pytest.approx(y_star**2 / math.cosh(y_star) ** 2, rel=1e-10)
    assert two.C(1 / peak.x) == pytest.approx(0.4392, abs=1e-4)


# -- identities ----------------------------------------------------------------------------------

LEVELS, G = [0, 1, 3, sp.Rational(7, 2)], [1, 2, 1, 3]


def test_entropy_from_the_probabilities_is_ln_z_plus_beta_u():
    system = Canonical(LEVELS, G)
    p = system.p(b_real)
    direct = -sp.Add(*[pi * sp.log(pi / g) for pi, g in zip(p, G)])
    assert same(system.S(b_real) - direct, 0)
    for b in (-2.0, 0.3, 4.0):
        pn = system.p(b)
        assert system.S(b) == pytest.approx(-float(np.sum(pn * np.log(pn / np.array(G)))),
                                            rel=1e-13)


def test_heat_capacity_is_beta_squared_variance_and_dU_dT():
    system = Canonical(LEVELS, G)
    eps = np.array([float(e) for e in LEVELS])
    for b in (0.2, 1.0, 3.0):
        p = system.p(b)
        var = float(p @ eps**2 - (p @ eps) ** 2)
        assert system.C(b) == pytest.approx(b**2 * var, rel=1e-12)
        T, h = 1 / b, 1e-5 / b
        dU_dT = (system.U(1 / (T + h)) - system.U(1 / (T - h))) / (2 * h)
        assert system.C(b) == pytest.approx(dU_dT, rel=1e-7)
        dlnZ = (system.log_Z(b + 1e-6) - system.log_Z(b - 1e-6)) / 2e-6
        assert system.U(b) == pytest.approx(-dlnZ, rel=1e-8)
        assert system.F(b) == pytest.approx(system.U(b) - system.S(b) / b, rel=1e-12)
    assert same(system.C(b_real), b_real**2 * system.variance(b_real))


def test_boltzmann_constant_in_the_users_units():
    k = sp.Symbol("k_B", positive=True)
    T = sp.Symbol("T", positive=True)
    system = Canonical([0, Delta], k=k)
    b = 1 / (k * T)
    assert same(system.F(b), -k * T * sp.log(1 + sp.exp(-Delta / (k * T))))
    assert same(system.S(b), k * (system.log_Z(b) + system.U(b) / (k * T)))
    assert same(system.temperature(b), T)


def test_independent_subsystems_multiply_z():
    a = Canonical([0, 1, 2], [1, 2, 1])
    c = Canonical([0, sp.Rational(1, 2)], [3, 1])
    levels = [ea + ec for ea in (0, 1, 2) for ec in (0, sp.Rational(1, 2))]
    gs = [ga * gc for ga in (1, 2, 1) for gc in (3, 1)]
    enumerated = Canonical(levels, gs)
    both = a * c
    assert same(both.Z(b_real), enumerated.Z(b_real))
    assert same(both.Z(b_real), a.Z(b_real) * c.Z(b_real))
    for b in (-1.0, 0.7, 5.0):
        for q in ("log_Z", "U", "S", "C", "F"):
            assert getattr(both, q)(b) == pytest.approx(getattr(enumerated, q)(b), rel=1e-12)
        assert both.U(b) == pytest.approx(a.U(b) + c.U(b), rel=1e-13)


def test_numeric_arrays_of_beta():
    system = Canonical(LEVELS, G)
    betas = np.array([[0.1, 1.0], [2.0, 3.0]])
    out = system.U(betas)
    assert out.shape == (2, 2)
    assert out[1, 0] == pytest.approx(system.U(2.0))


def test_extreme_beta_does_not_overflow():
    system = Canonical([0, 1000, 5000])
    assert system.U(10.0) == 0.0 and system.log_Z(10.0) == pytest.approx(0.0)
    assert system.U(-10.0) == pytest.approx(5000.0)
    assert system.log_Z(-10.0) == pytest.approx(50000.0)
    assert math.isinf(system.Z(-1.0))           # e^5000: the float overflows, ln Z does not


# -- ladders -----------------------------------------------------------------------------------

def test_harmonic_oscillator_closed_form():
    Z = OSCILLATOR.Z(beta)
    assert not Z.has(sp.Sum)
    assert same(Z, sp.exp(-beta * hw / 2) / (1 - sp.exp(-beta * hw)))
    U = OSCILLATOR.U(beta)
    assert same(U, hw * (sp.Rational(1, 2) + 1 / (sp.exp(beta * hw) - 1)))
    x = beta * hw
    assert same(OSCILLATOR.C(beta), x**2 * sp.exp(x) / (sp.exp(x) - 1) ** 2)
    numeric = OSCILLATOR.subs({hw: 1})
    partial = sum(math.exp(-2.0 * (m + 0.5)) for m in range(200))
    assert numeric.Z(2.0) == pytest.approx(partial, rel=1e-14)
    assert numeric.U(2.0) == pytest.approx(0.5 + 1 / math.expm1(2.0), rel=1e-14)
    # high temperature: equipartition U -> kT
    assert numeric.U(1e-6) == pytest.approx(1e6, rel=1e-10)


def test_geometric_ladders_sympy_leaves_unevaluated():
    a = sp.Symbol("a", positive=True)
    assert isinstance(sp.Sum(sp.exp(-a * n), (n, 0, sp.oo)).doit(), sp.Sum)
    ladder = Canonical((a * n, (n, 0, sp.oo)))
    assert same(ladder.Z(beta), 1 / (1 - sp.exp(-beta * a)))
    from_one = Canonical((a * n, (n, 1, sp.oo)))
    assert same(from_one.Z(beta), sp.exp(-beta * a) / (1 - sp.exp(-beta * a)))
    # 3D oscillator: degeneracy (n + 1)(n + 2)/2, Z = Z_1^3
    three_d = Canonical((hw * (n + sp.Rational(3, 2)), (n, 0, sp.oo)),
                        degeneracy=(n + 1) * (n + 2) / 2)
    assert same(three_d.Z(beta), OSCILLATOR.Z(beta) ** 3)


def test_einstein_solid_of_N_oscillators():
    N = sp.Symbol("N", positive=True, integer=True)
    solid = OSCILLATOR ** (3 * N)
    x = beta * hw
    assert same(solid.C(beta), 3 * N * x**2 * sp.exp(x) / (sp.exp(x) - 1) ** 2)
    assert same(solid.Z(beta), OSCILLATOR.Z(beta) ** (3 * N))
    three = (OSCILLATOR ** 3).subs({hw: 1})
    assert three.C(0.5) == pytest.approx(3 * OSCILLATOR.subs({hw: 1}).C(0.5), rel=1e-14)


def test_rigid_rotor_summed_numerically_to_tolerance():
    rotor = Canonical((B * J * (J + 1), (J, 0, sp.oo)), degeneracy=2 * J + 1)
    assert isinstance(rotor.Z(beta), sp.Sum)
    numeric = rotor.subs({B: 1})
    x = 0.01                         # high temperature: Z = 1/x + 1/3 + x/15 + 4x^2/315 + ...
    assert numeric.Z(x) == pytest.approx(1 / x + 1 / 3 + x / 15 + 4 * x**2 / 315, rel=1e-9)
    x = 5.0                          # low temperature: the first terms
    direct = 1 + 3 * math.exp(-2 * x) + 5 * math.exp(-6 * x) + 7 * math.exp(-12 * x)
    assert numeric.Z(x) == pytest.approx(direct, rel=1e-15)
    assert numeric.U(x) == pytest.approx((6 * math.exp(-2 * x) + 30 * math.exp(-6 * x)
                                          + 84 * math.exp(-12 * x)) / direct, rel=1e-12)
    # the high-temperature heat capacity approaches k (two rotational degrees of freedom)
    assert numeric.C(1e-3) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("bad_beta", [sp.Symbol("b"), sp.Symbol("b", negative=True), 0, -1.0,
                                      sp.Integer(0)])
def test_ladder_needs_positive_beta(bad_beta):
    with pytest.raises(StatMechError, match="beta"):
        OSCILLATOR.subs({hw: 1}).Z(bad_beta)


@pytest.mark.parametrize("levels, words", [
    ((-1 / n**2, (n, 1, sp.oo)), "do not grow"),
    ((-n, (n, 0, sp.oo)), "do not grow"),
    ((sp.Symbol("c") * n, (n, 0, sp.oo)), "declare the parameters positive"),
    ("0, 1", "levels must be"),
    ([0, "x"], "string"),
])
def test_divergent_or_bad_levels(levels, words):
    with pytest.raises(StatMechError, match=words):
        Canonical(levels)


def test_symbols_need_numbers_for_a_float():
    with pytest.raises(StatMechError, match="Delta"):
        Canonical([0, Delta]).U(1.0)
    assert Canonical([0, Delta]).subs({Delta: 2}).U(0.0) == pytest.approx(1.0)


# -- the inverse problem ------------------------------------------------------------------------

def test_beta_for_the_mean_energy():
    U = sp.Symbol("U", positive=True)
    assert same(Canonical([0, Delta]).beta_for(U), sp.log((Delta - U) / U) / Delta)
    assert same(OSCILLATOR.beta_for(U), sp.log(1 + hw / (U - hw / 2)) / hw)
    systems = [Canonical(LEVELS, G), OSCILLATOR.subs({hw: 1}),
               Canonical((J * (J + 1), (J, 0, sp.oo)), degeneracy=2 * J + 1),
               Canonical([0, 1]) * Canonical([0, 2, 5])]
    for system in systems:
        for b in (0.3, 2.0):
            assert system.beta_for(system.U(b)) == pytest.approx(b, rel=1e-10)


def test_beta_for_out_of_range():
    with pytest.raises(StatMechError, match="outside"):
        Canonical(LEVELS, G).beta_for(10)
    with pytest.raises(StatMechError, match="ground"):
        OSCILLATOR.subs({hw: 1}).beta_for(0.4)
    with pytest.raises(StatMechError, match="highest"):
        (Canonical([0, 1]) * Canonical([0, 1])).beta_for(2.5)


def test_probabilities_are_softmax():
    system = Canonical(LEVELS, G)
    eps = np.array([float(e) for e in LEVELS])
    np.testing.assert_allclose(system.p(1.3), softmax(-1.3 * eps, b=G), rtol=1e-14)
