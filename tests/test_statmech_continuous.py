"""Maximum-entropy densities on an interval: exponential, Gaussian, truncated forms."""

import math
import re

import pytest
import sympy as sp
from scipy import stats
from scipy.integrate import quad
from scipy.optimize import brentq

from conftest import same
from lagropt.errors import StatMechError
from lagropt.statmech import maxent_continuous

x = sp.Symbol("x", real=True)
m = sp.Symbol("m", positive=True)
V = sp.Symbol("V", positive=True)


def moments_by_quadrature(result):
    """Normalisation, mean and variance of a numeric density, integrated independently."""
    f = sp.lambdify(x, result.density, "math")
    a, b = (float(e) for e in result.support)
    total = quad(f, a, b, epsabs=1e-14, epsrel=1e-12)[0]
    mean = quad(lambda t: t * f(t), a, b, epsabs=1e-14, epsrel=1e-12)[0]
    var = quad(lambda t: (t - mean) ** 2 * f(t), a, b, epsabs=1e-14, epsrel=1e-12)[0]
    return total, mean, var


def test_exponential_on_the_half_line():
    res = maxent_continuous((0, sp.oo), mean=m, x=x)
    assert res.status == "exact"
    assert same(res.beta, 1 / m)
    assert same(res.density, sp.exp(-x / m) / m)
    assert same(sp.integrate(res.density, (x, 0, sp.oo)), 1)
    assert same(sp.integrate(x * res.density, (x, 0, sp.oo)), m)
    assert same(res.entropy, 1 + sp.log(m))
    assert same(res.entropy, sp.integrate(-res.density * sp.log(res.density), (x, 0, sp.oo)))
    shifted = maxent_continuous((2, sp.oo), mean=5, x=x)
    assert shifted.beta == sp.Rational(1, 3)
    assert same(shifted.density, sp.exp(-(x - 2) / 3) / 3)
    reflected = maxent_continuous((-sp.oo, 1), mean=-3, x=x)
    assert reflected.beta == sp.Rational(-1, 4)
    assert same(reflected.density, sp.exp((x - 1) / 4) / 4)


def test_exponential_beats_another_density_with_the_same_mean():
    res = maxent_continuous((0, sp.oo), mean=2)
    assert float(res.entropy) == pytest.approx(stats.expon(scale=2).entropy(), rel=1e-12)
    assert float(res.entropy) > stats.gamma(2, scale=1).entropy()     # also mean 2


def test_gaussian_on_the_real_line():
    mu = sp.Symbol("mu", real=True)
    res = maxent_continuous((-sp.oo, sp.oo), mean=mu, variance=V, x=x)
    assert res.beta == 0 and same(res.gamma, 1 / (2 * V))
    normal = sp.exp(-(x - mu) ** 2 / (2 * V)) / sp.sqrt(2 * sp.pi * V)
    assert same(res.density, normal)
    assert same(res.entropy, sp.log(2 * sp.pi * sp.E * V) / 2)
    assert same(res.Z, sp.sqrt(2 * sp.pi * V))
    numeric = maxent_continuous((-sp.oo, sp.oo), mean=1, variance=4)
    assert float(numeric.entropy) == pytest.approx(stats.norm(1, 2).entropy(), rel=1e-12)
    assert float(numeric.entropy) > stats.laplace(1, math.sqrt(2)).entropy()   # variance 4


def test_bounded_interval_midpoint_is_uniform():
    res = maxent_continuous((0, 2), mean=1, x=x)
    assert res.beta == 0 and same(res.density, sp.Rational(1, 2))
    assert same(res.entropy, sp.log(2))
    flat = maxent_continuous((-1, 3), x=x)
    assert same(flat.density, sp.Rational(1, 4)) and flat.beta is None


@pytest.mark.parametrize("mean", [0.3, 0.05, 0.8])
def test_truncated_exponential_against_scipy(mean):
    res = maxent_continuous((0, 1), mean=mean, x=x)
    assert res.status == "numeric"
    beta = float(res.beta)
    if beta > 0:
        dist = stats.truncexpon(b=beta, scale=1 / beta)
    else:      # mirrored: e^{|beta| x} on [0, 1] is 1 - X with X truncated exponential
        dist = stats.truncexpon(b=-beta, scale=-1 / beta, loc=0)
        assert 1 - dist.mean() == pytest.approx(mean, rel=1e-10)
        return
    assert dist.mean() == pytest.approx(mean, rel=1e-10)
    total, mean_q, _ = moments_by_quadrature(res)
    assert total == pytest.approx(1, rel=1e-11) and mean_q == pytest.approx(mean, rel=1e-10)


def test_truncated_exponential_with_a_symbolic_mean_leaves_the_equation():
    c = sp.Symbol("c", real=True)
    res = maxent_continuous((0, 1), mean=c, x=x)
    assert res.status == "parametric"
    (eq,) = res.equations
    beta = res.beta
    # the moment equation at c = 0.3 has the numeric solver's root
    g = sp.lambdify(beta, (eq.lhs - eq.rhs).subs(c, 0.3))
    root = brentq(g, 0.1, 20, xtol=1e-14)
    assert root == pytest.approx(float(maxent_continuous((0, 1), mean=0.3).beta), rel=1e-9)
    assert sp.Gt(c, 0) in res.conditions and sp.Lt(c, 1) in res.conditions


@pytest.mark.parametrize("support, mean, var", [((0, 1), 0.3, 0.05), ((0, sp.oo), 2, 1),
                                                ((-1, 2), 0.5, 0.5)])
def test_truncated_gaussian_against_scipy(support, mean, var):
    res = maxent_continuous(support, mean=mean, variance=var, x=x)
    assert res.status == "numeric"
    beta, gamma = float(res.beta), float(res.gamma)
    sigma = math.sqrt(1 / (2 * gamma))
    centre = mean - beta / (2 * gamma)                  # -beta x - gamma (x - m)^2, completed
    a, b = (float(e) for e in support)
    dist = stats.truncnorm((a - centre) / sigma, (b - centre) / sigma, loc=centre, scale=sigma)
    assert dist.mean() == pytest.approx(mean, rel=1e-9)
    assert dist.var() == pytest.approx(var, rel=1e-9)
    total, mean_q, var_q = moments_by_quadrature(res)
    assert (total, mean_q, var_q) == pytest.approx((1, mean, var), rel=1e-9)
    f = sp.lambdify(x, res.density, "math")
    h = quad(lambda t: -f(t) * math.log(f(t)) if f(t) > 0 else 0.0, a, b, epsrel=1e-12)[0]
    assert float(res.entropy) == pytest.approx(h, rel=1e-9)


def test_more_spread_than_uniform_gives_a_u_shaped_density():
    res = maxent_continuous((-1, 2), mean=0.5, variance=0.9, x=x)    # uniform's is 0.75
    assert float(res.gamma) < 0
    total, mean_q, var_q = moments_by_quadrature(res)
    assert (total, mean_q, var_q) == pytest.approx((1, 0.5, 0.9), rel=1e-9)


def test_half_line_with_variance_of_the_exponential():
    res = maxent_continuous((0, sp.oo), mean=2, variance=4, x=x)
    assert res.status == "exact" and res.gamma == 0 and res.beta == sp.Rational(1, 2)


def test_derivation_follows_the_lecture():
    res = maxent_continuous((0, sp.oo), mean=m, x=x)
    kinds = res.derivation.kinds
    for kind in ("problem", "lagrangian", "equations", "isolate", "normalisation",
                 "partition_function", "moments", "solution", "classification", "value"):
        assert kind in kinds
    (z,) = res.derivation.find("partition_function")[0].equations
    assert same(z.rhs, 1 / sp.Symbol("beta", real=True))
    for step in res.derivation:
        assert all(isinstance(e, sp.Basic) for e in step.equations)


def test_symbolic_mean_and_variance_leave_both_moment_equations():
    c, W = sp.symbols("c W", positive=True)
    res = maxent_continuous((0, 1), mean=c, variance=W, x=x)
    assert res.status == "parametric" and res.gamma is not None
    assert sp.Lt(W, c * (1 - c)) in res.conditions
    # the equations hold at the multipliers the numeric solver finds for c = 0.3, W = 0.05
    numeric = maxent_continuous((0, 1), mean=0.3, variance=0.05, x=x)
    at = {c: sp.Rational(3, 10), W: sp.Rational(1, 20), res.beta: numeric.beta,
          res.gamma: numeric.gamma}
    assert len(res.equations) == 2
    for eq in res.equations:
        assert abs(sp.N((eq.lhs - eq.rhs).xreplace(at))) < 1e-12
    density = res.density.xreplace(at).subs(x, sp.Rational(2, 5))
    assert float(density) == pytest.approx(float(numeric.density.subs(x, 0.4)), rel=1e-12)


# -- the derivation as the lecture writes it --------------------------------------------------

p = sp.Function("p")(x)
h = sp.Function("h")(p)
lam1 = sp.Symbol("lambda_1", real=True)
mu = sp.Symbol("mu", real=True)

# name: (arguments, the constraints g_k[p] = int f_k p dx - target_k as (f_k, target_k))
LECTURE = {
    "exponential": (dict(support=(0, sp.oo), mean=m), [(1, 1), (x, m)]),
    "gaussian": (dict(support=(-sp.oo, sp.oo), mean=mu, variance=V),
                 [(1, 1), (x, mu), ((x - mu) ** 2, V)]),
    "uniform": (dict(support=(-1, 3)), [(1, 1)]),
}


@pytest.mark.parametrize("name", LECTURE)
def test_lagrangian_is_h_minus_the_multipliers_times_the_constraints(name):
    kwargs, constraints = LECTURE[name]
    res = maxent_continuous(x=x, **kwargs)
    a, b = res.support
    (lagrangian,) = res.derivation.find("lagrangian")
    multipliers = (lam1, *lagrangian.equations[0].lhs.args[2:])     # beta, gamma as solved
    gs = [sp.Integral(f * p, (x, a, b)) - target for f, target in constraints]
    names = [sp.Function(f"g_{k}")(p) for k in range(1, len(gs) + 1)]
    L = sp.Function("L")(p, *multipliers)
    assert lagrangian.equations == (
        sp.Eq(L, h - sp.Add(*[k * g for k, g in zip(multipliers, names)]), evaluate=False),
        sp.Eq(L, -sp.Integral(p * sp.log(p), (x, a, b))
              - sp.Add(*[k * g for k, g in zip(multipliers, gs)]), evaluate=False))
    assert [s.name for s in multipliers] == ["lambda_1", "beta", "gamma"][:len(gs)]


@pytest.mark.parametrize("name", LECTURE)
def test_stationarity_reads_grad_h_equals_the_multipliers_times_grad_g(name):
    kwargs, constraints = LECTURE[name]
    res = maxent_continuous(x=x, **kwargs)
    (step,) = res.derivation.find("equations")
    multipliers = res.derivation.find("lagrangian")[0].equations[0].lhs.args[1:]
    names = [sp.Function(f"g_{k}")(p) for k in range(1, len(constraints) + 1)]
    assert step.chain
    assert step.equations == (
        sp.Eq(sp.Derivative(h, p),
              sp.Add(*[k * sp.Derivative(g, p) for k, g in zip(multipliers, names)]),
              evaluate=False),
        sp.Eq(-sp.log(p) - 1, sp.Add(*[k * f for k, (f, _) in zip(multipliers, constraints)]),
              evaluate=False))


def test_the_gaussian_derivation_reads_like_the_lecture():
    res = maxent_continuous((-sp.oo, sp.oo), mean=mu, variance=V, x=x)
    lines = res.derivation.latex().splitlines()
    integral = r"\int_{-\infty}^{\infty}"
    for line in [
        rf"  g_{{2}}[p] &= {integral} x p(x)\, dx - \mu = 0 \\",
        rf"  g_{{3}}[p] &= {integral} \left(x - \mu\right)^{{2}} p(x)\, dx - V = 0",
        r"  L[p, \lambda_{1}, \beta, \gamma] &= h[p] - \lambda_{1} g_{1}[p] - \beta g_{2}[p] "
        r"- \gamma g_{3}[p] \\",
        rf"  &= - {integral} p(x) \ln p(x)\, dx - \lambda_{{1}} \left({integral} p(x)\, dx "
        r"- 1\right) \\",
        rf"  &\quad - \beta \left({integral} x p(x)\, dx - \mu\right) \\",
        rf"  &\quad - \gamma \left({integral} \left(x - \mu\right)^{{2}} p(x)\, dx - V\right)",
        r"  \Rightarrow\quad && - \ln p(x) - 1 &= \lambda_{1} + \beta x "
        r"+ \gamma \left(x - \mu\right)^{2}",
        r"  p(x) &= e^{-(1 + \lambda_{1})} e^{- \beta x} e^{- \gamma \left(x - \mu\right)^{2}}",
        r"  p(x) &= \frac{1}{\sqrt{2 \pi V}} e^{- \frac{\left(x - \mu\right)^{2}}{2 V}}, "
        r"\quad Z = \sqrt{2 \pi V}",
    ]:
        assert line in lines, line


def _every_case():
    c, W = sp.symbols("c W", positive=True)
    return {
        "exponential": dict(support=(0, sp.oo), mean=m),
        "exponential-reflected": dict(support=(-sp.oo, 1), mean=-3),
        "gaussian": dict(support=(-sp.oo, sp.oo), mean=mu, variance=V),
        "gaussian-numbers": dict(support=(-sp.oo, sp.oo), mean=1, variance=4),
        "uniform": dict(support=(-1, 3)),
        "midpoint": dict(support=(0, 2), mean=1),
        "truncated-exponential": dict(support=(0, 1), mean=0.3),
        "truncated-exponential-symbolic": dict(support=(0, 1), mean=c),
        "truncated-gaussian": dict(support=(0, sp.oo), mean=1, variance=0.5),
        "truncated-gaussian-symbolic": dict(support=(0, 1), mean=c, variance=W),
        "u-shaped": dict(support=(-1, 2), mean=0.5, variance=0.9),
        "exponential-variance": dict(support=(0, sp.oo), mean=2, variance=4),
    }


@pytest.mark.parametrize("name", _every_case())
def test_every_case_compiles_within_the_page(name, tmp_path, latex_required):
    import lagropt.latex as L

    res = maxent_continuous(x=x, **_every_case()[name])
    path = res.derivation.to_tex(tmp_path / f"{name}.tex", title=name)
    assert L.compile(path, clean=False).is_file()
    log = path.with_suffix(".log").read_text(errors="replace")
    assert "Overfull" not in log, re.findall(r"Overfull.*", log)


@pytest.mark.parametrize("kwargs, words", [
    (dict(support=(-sp.oo, sp.oo), mean=0), "give the variance too"),
    (dict(support=(0, sp.oo)), "diverges"),
    (dict(support=(0, sp.oo), mean=-1), "not above"),
    (dict(support=(0, 1), mean=1), "not below"),
    (dict(support=(0, sp.oo), mean=1, variance=2), "no maximum"),
    (dict(support=(0, 1), mean=0.5, variance=0.25), "largest"),
    (dict(support=(0, 1), mean=0.5, variance=0), "positive"),
    (dict(support=(0, 1), variance=0.1), "needs the mean"),
    (dict(support=(1, 0), mean=0.5), "empty"),
    (dict(support=(0, 1), mean="0.5"), "string"),
])
def test_failures(kwargs, words):
    with pytest.raises(StatMechError, match=words):
        maxent_continuous(**kwargs)
