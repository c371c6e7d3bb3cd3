"""The lecture's derivation for a symbolic number of states I (deck 000)."""

import numpy as np
import pytest
import sympy as sp

from conftest import same
from lagropt.errors import StatMechError
from lagropt.softmax import softmax
from lagropt.statmech import boltzmann

I = sp.Symbol("I", integer=True, positive=True)


@pytest.fixture(scope="module")
def derived():
    return boltzmann(I)


@pytest.fixture(scope="module")
def flat():
    return boltzmann(I, mean_energy=False)


def equations(derivation, kind):
    return [e for step in derivation.find(kind) for e in step.equations]


def test_flat_distribution(flat):
    assert flat.p == 1 / I
    assert flat.Z == I
    assert flat.beta is None
    assert same(flat.entropy, sp.log(I))
    assert same(flat.lambda_1, sp.log(I) - 1)            # e^{-(1 + lambda)} = 1/I
    (hessian,) = equations(flat.derivation, "classification")
    j, k = sp.symbols("j k", integer=True)
    p = sp.IndexedBase("p", positive=True)
    assert same(hessian.rhs, -sp.KroneckerDelta(j, k) / p[j])


def test_boltzmann_distribution_and_partition_function(derived):
    i = derived.i
    eps = derived.energies
    beta = derived.beta
    Z = sp.Sum(sp.exp(-beta * eps[i]), (i, 1, I))
    assert derived.Z == Z
    assert same(derived.p, sp.exp(-beta * eps[i]) / Z)
    assert same(derived.lambda_1, sp.log(Z) - 1)
    # p_i = e^{-(1 + lambda_1)} e^{-lambda_2 eps_i}, as the lecture's stationarity gives
    lam1, lam2 = sp.symbols("lambda_1 lambda_2", real=True)
    (isolated,) = equations(derived.derivation, "isolate")
    assert same(isolated.rhs, sp.exp(-(1 + lam1)) * sp.exp(-lam2 * eps[i]))
    stationarity = equations(derived.derivation, "equations")[0]
    p = sp.IndexedBase("p", positive=True)
    assert same(stationarity.lhs - stationarity.rhs, -sp.log(p[i]) - 1 - lam1 - lam2 * eps[i])


def test_beta_is_lambda_2_and_z_is_named(derived):
    lam2 = sp.Symbol("lambda_2", real=True)
    identification = equations(derived.derivation, "identification")
    assert sp.Eq(derived.beta, lam2) in identification
    k, T = sp.Symbol("k", positive=True), sp.Symbol("T", positive=True)
    assert sp.Eq(derived.beta, 1 / (k * T)) in identification
    named = equations(derived.derivation, "partition_function")
    assert named[0].lhs == sp.Symbol("Z")
    assert same(named[0].rhs, derived.Z.xreplace({derived.beta: lam2}))


def test_hessian_is_minus_one_over_p_and_a_maximum(derived):
    (step,) = derived.derivation.find("classification")
    assert step.data["verdict"] == "maximum"
    j, k = sp.symbols("j k", integer=True)
    p = sp.IndexedBase("p", positive=True)
    assert same(step.equations[0].rhs, -sp.KroneckerDelta(j, k) / p[j])
    assert derived.solution.optimum[0].kind == "maximum"


def test_concrete_states_match_softmax_and_the_mean_energy(derived):
    i, eps, beta = derived.i, derived.energies, derived.beta
    levels = [0, sp.Rational(1, 2), 2]
    values = {I: 3, beta: sp.Rational(7, 10)}
    table = {eps[n + 1]: e for n, e in enumerate(levels)}
    numeric = [float(derived.p.subs(i, n).subs(values).doit().xreplace(table))
               for n in (1, 2, 3)]
    np.testing.assert_allclose(numeric, softmax(-0.7 * np.array(levels, dtype=float)),
                               rtol=1e-14)
    # the remaining equation is -d ln Z / d beta = E
    lhs = derived.mean_energy.lhs
    minus_dlnZ = -sp.diff(sp.log(derived.Z), beta)
    concrete = {I: 3}
    assert same((lhs - minus_dlnZ).subs(concrete).doit().xreplace(table), 0)
    assert same(derived.entropy, sp.log(derived.Z) + beta * derived.E)


def test_limits(derived):
    i, eps, beta = derived.i, derived.energies, derived.beta
    assert derived.limits["beta -> 0"] == {"Z": I, "p": 1 / I}
    # check them on four states, the ground level twice degenerate
    levels = {eps[1]: 0, eps[2]: 0, eps[3]: 1, eps[4]: 3}
    Z4 = derived.Z.subs(I, 4).doit().xreplace(levels)
    assert sp.limit(Z4, beta, 0) == 4
    p4 = [derived.p.subs(i, n).subs(I, 4).doit().xreplace(levels) for n in (1, 2, 3, 4)]
    assert [sp.limit(q, beta, sp.oo) for q in p4] == [sp.Rational(1, 2)] * 2 + [0, 0]
    assert [sp.limit(q, beta, 0) for q in p4] == [sp.Rational(1, 4)] * 4
    ground = derived.limits["beta -> oo"]["p"]
    g0, e_min = (derived.limits["beta -> oo"][k] for k in ("ground_degeneracy", "ground_energy"))
    assert ground.subs({g0: 2, e_min: 0}).xreplace({eps[i]: 0}) == sp.Rational(1, 2)
    assert ground.subs({g0: 2, e_min: 0}).xreplace({eps[i]: 1}) == 0


def test_softmax_step(derived):
    z_def, p_form = equations(derived.derivation, "softmax")
    assert same(z_def.rhs, -derived.beta * derived.energies[derived.i])
    z = sp.IndexedBase("z", real=True)
    substituted = p_form.rhs.replace(lambda e: isinstance(e, sp.Indexed) and e.base == z,
                                     lambda e: -derived.beta * derived.energies[e.indices[0]])
    assert same(substituted, derived.p)


def test_steps_hold_sympy_objects_only(derived):
    for step in derived.derivation:
        assert all(isinstance(e, sp.Basic) for e in step.equations)
        assert "\\" not in step.text                       # no LaTeX in the record


@pytest.mark.parametrize("bad", [3, "I", sp.Symbol("I", negative=True)])
def test_bad_number_of_states(bad):
    with pytest.raises(StatMechError):
        boltzmann(bad)



def test_the_lecture_chains_for_symbolic_I(flat, derived):
    lam = sp.Symbol("lambda", real=True)
    chain = flat.derivation.find("substitute")[0].equations
    # I e^{-(1+lambda)} = 1  =>  e^{-(1+lambda)} = 1/I  =>  lambda = ln I - 1
    expected = [(I * sp.exp(-(1 + lam)), 1), (sp.exp(-(1 + lam)), 1 / I), (lam, sp.log(I) - 1)]
    assert len(chain) == len(expected)
    for eq, (lhs, rhs) in zip(chain, expected):
        assert same(eq.lhs, lhs) and same(eq.rhs, rhs), eq
    # S at the maximum: ln Z + lambda_2 <eps>, and ln Z + lambda_2 E with the energy equation
    lam2 = sp.Symbol("lambda_2", real=True)
    eps, i = derived.energies, derived.i
    Z = sp.Sum(sp.exp(-lam2 * eps[i]), (i, 1, I))
    mean = sp.Sum(eps[i] * sp.exp(-lam2 * eps[i]), (i, 1, I)) / Z
    value = derived.derivation.find("value")[0]
    E = derived.E
    expected = [sp.log(Z) + lam2 * mean, sp.log(Z) + lam2 * E]
    assert len(value.equations) == 2
    for eq, rhs in zip(value.equations, expected):
        assert same(eq.rhs, rhs), eq


def test_symbolic_derivations_compile_without_overfull_lines(flat, derived, tmp_path,
                                                             latex_required):
    from lagropt.latex import compile as compile_tex

    for name, d in (("flat", flat.derivation), ("boltzmann", derived.derivation)):
        tex = d.to_tex(tmp_path / f"{name}.tex")
        assert r"\sum_{i=1}^{I}" in tex.read_text()
        pdf = compile_tex(tex, clean=False)
        assert pdf.stat().st_size > 1000
        assert "Overfull" not in (tmp_path / f"{name}.log").read_text(errors="replace")


def test_the_latex_names_Z_once_and_then_uses_it(derived):
    """After the step that names the partition function, the sum is written Z (as the lecture
    does): the entropy, the mean-energy equation; and beta = 1/(k T) in that order."""
    text = derived.derivation.latex()
    assert r"S &= \beta E + \ln Z" in text
    assert r"\frac{1}{Z} \sum_{i=1}^{I}" in text
    assert r"\beta &= \frac{1}{k T}" in text
