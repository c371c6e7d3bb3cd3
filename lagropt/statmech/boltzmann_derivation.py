"""The lecture's derivation of the Boltzmann distribution, for a symbolic number of states I.

Maximize S = -sum_{i=1}^{I} p_i ln p_i subject to g_1 = sum_i p_i - 1 = 0 and (optionally)
g_2 = sum_i p_i eps_i - E = 0. The exact solver (:mod:`lagropt.solver`) does the structural
elimination on the generic element p_i: stationarity -ln p_i - 1 = lambda_1 + lambda_2 eps_i,
p_i = e^{-(1 + lambda_1)} e^{-lambda_2 eps_i}, and the normalisation fixes lambda_1. This module
adds the statistical mechanics to the solver's record, as steps of the same derivation:

- the partition function Z = sum_i e^{-lambda_2 eps_i} is named, p_i = e^{-lambda_2 eps_i} / Z;
- the identification beta = lambda_2 (= 1/kT), p_i = e^{-beta eps_i} / Z;
- the Hessian of L, d^2 L / dp_i dp_j = -delta_ij / p_i: negative definite, a maximum (and the
  global one: S is concave, the constraints linear);
- the limits: beta -> 0 gives Z -> I and p_i -> 1/I (the lecture's T -> oo); beta -> +oo puts
  all probability on the ground state;
- the softmax form p_i = softmax(-beta eps)_i.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..errors import SolveError, StatMechError
from ..problem import maximize

__all__ = ["BoltzmannDerivation", "boltzmann"]


@dataclass
class BoltzmannDerivation:
    """The maximum-entropy distribution over I states, derived exactly.

    Attributes
    ----------
    I : sympy.Symbol
        The number of states.
    i : sympy.Symbol
        The state index (p_i is ``p[i]``).
    energies : sympy.IndexedBase
        varepsilon, the energies eps_i (None for the flat case).
    E : sympy.Symbol
        The mean energy (None for the flat case).
    p : sympy.Expr
        The expression for p_i: e^{-beta eps_i} / Z, or 1/I.
    Z : sympy.Expr
        The partition function: Sum(e^{-beta eps_i}, (i, 1, I)), or I.
    beta : sympy.Symbol or None
        beta, identified with the multiplier lambda_2 of the energy constraint.
    lambda_1 : sympy.Expr
        The normalisation multiplier, ln Z - 1.
    entropy : sympy.Expr
        S at the maximum: ln Z + beta E, or ln I.
    mean_energy : sympy.Equality or None
        The equation that fixes beta: sum_i eps_i e^{-beta eps_i} / Z = E.
    limits : dict
        ``{"beta -> 0": {...}, "beta -> oo": {...}}``: p_i and Z in the two limits.
    solution : lagropt.Solution
        The exact solver's answer the derivation is built on.
    derivation : lagropt.Derivation
        Every step, as data.
    """

    I: sp.Symbol
    i: sp.Symbol
    energies: sp.IndexedBase | None
    E: sp.Symbol | None
    p: sp.Expr
    Z: sp.Expr
    beta: sp.Symbol | None
    lambda_1: sp.Expr
    entropy: sp.Expr
    mean_energy: sp.Equality | None
    limits: dict
    solution: object
    derivation: object


def boltzmann(I, mean_energy: bool = True, timeout: float = 60.0) -> BoltzmannDerivation:
    """Maximize S = -sum_i p_i ln p_i over I states, exactly, following the lecture.

    Parameters
    ----------
    I : sympy.Symbol
        The number of states (an integer symbol; a plain symbol is taken as a positive integer).
    mean_energy : bool
        With the energy constraint sum_i p_i eps_i = E (the Boltzmann distribution); without
        it, normalisation only (the flat distribution p_i = 1/I).
    timeout : float
        Seconds allowed for the exact solve.

    Returns
    -------
    BoltzmannDerivation
    """
    if not isinstance(I, sp.Symbol):
        raise StatMechError(f"I must be a SymPy symbol (the number of states), got {I!r}")
    if I.is_integer is False or I.is_positive is False:
        raise StatMechError(f"I = {I} must be a positive integer symbol")
    if not (I.is_integer and I.is_positive):
        I = sp.Symbol(I.name, integer=True, positive=True)
    i = sp.Symbol("i", integer=True)
    p = sp.IndexedBase("p", positive=True)
    S = -sp.Sum(p[i] * sp.log(p[i]), (i, 1, I))
    constraints = [sp.Eq(sp.Sum(p[i], (i, 1, I)), 1)]
    eps = E = None
    params = []
    if mean_energy:
        eps = sp.IndexedBase("varepsilon", real=True)
        E = sp.Symbol("E", real=True)
        constraints.append(sp.Eq(sp.Sum(p[i] * eps[i], (i, 1, I)), E))
        params = [eps, E]
    problem = maximize(S, subject_to=constraints, variables=[p], params=params)
    solution = problem.solve(timeout=timeout)
    expected = "parametric" if mean_energy else "optimal"
    if solution.status != expected or not solution.optimum:
        raise SolveError(f"the solver returned {solution.status!r} for the maximum-entropy "
                         f"problem over I states ({solution.message})")
    point = solution.optimum[0]
    d = solution.derivation
    hessian = _hessian_step(problem, p, i, d)
    if not mean_energy:
        return _flat(I, i, point, problem, solution, hessian)
    return _boltzmann(I, i, p, eps, E, point, problem, solution, hessian)


def _hessian_step(problem, p, i, d):
    """The solver's classification must show d^2 L / dp_j dp_k = -delta_jk / p_j (negative
    definite for p > 0): the critical point is the maximum."""
    (step,) = d.find("classification")
    if step.data.get("verdict") != "maximum" or not step.equations:
        raise SolveError(f"the maximum-entropy point was not shown to be a maximum: {step.text}")
    second = step.equations[0].rhs
    j = step.equations[0].lhs.variables[0].indices[0]
    k = step.equations[0].lhs.variables[1].indices[0]
    if sp.simplify(second + sp.KroneckerDelta(j, k) / p[j]) != 0:
        raise SolveError(f"unexpected Hessian of the Lagrangian: {second}")
    return second


def _flat(I, i, point, problem, solution, hessian) -> BoltzmannDerivation:
    d = solution.derivation
    p_i = next(iter(point.x.values()))
    lam = problem.multipliers[0]
    Z = sp.exp(1 + point.multipliers[lam])
    d.add("partition_function", "The normalisation multiplier gives the partition function "
          "Z = e^(1 + lambda):", (sp.Eq(sp.Symbol("Z"), sp.simplify(Z)),))
    return BoltzmannDerivation(I, i, None, None, p_i, sp.simplify(Z), None,
                               point.multipliers[lam], solution.value, None, {}, solution, d)


def _boltzmann(I, i, p, eps, E, point, problem, solution, hessian) -> BoltzmannDerivation:
    d = solution.derivation
    lam1, lam2 = problem.multipliers
    p_lambda = point.x[p[i]]
    Z_lambda = sp.Sum(sp.exp(-lam2 * eps[i]), (i, 1, I))
    if sp.simplify(p_lambda - sp.exp(-lam2 * eps[i]) / Z_lambda) != 0:
        raise SolveError(f"the solver's p_i = {p_lambda} is not of the Boltzmann form")
    Zs = sp.Symbol("Z")
    d.add("partition_function", "The sum in the denominator is the partition function Z; "
          "p_i is the Boltzmann distribution:",
          (sp.Eq(Zs, Z_lambda), sp.Eq(p[i], sp.exp(-lam2 * eps[i]) / Zs, evaluate=False)))
    beta, k, T = sp.Symbol("beta", real=True), sp.Symbol("k", positive=True), \
        sp.Symbol("T", positive=True)
    Z = Z_lambda.xreplace({lam2: beta})
    p_i = sp.exp(-beta * eps[i]) / Z
    d.add("identification", "The multiplier of the energy constraint is the inverse temperature "
          "beta:", (sp.Eq(beta, lam2), sp.Eq(beta, 1 / (k * T))), chain=True)
    d.add("partition_function", "In terms of beta:",
          (sp.Eq(Zs, Z), sp.Eq(p[i], sp.exp(-beta * eps[i]) / Zs, evaluate=False)))
    (remaining,) = solution.remaining
    mean_eq = sp.Eq(remaining.lhs.xreplace({lam2: beta}), remaining.rhs.xreplace({lam2: beta}))
    d.add("mean_energy", "beta is fixed by the mean energy:",
          (sp.Eq(-sp.Derivative(sp.log(Zs), beta), E, evaluate=False), mean_eq), chain=True)
    lambda_1 = point.multipliers[lam1].xreplace({lam2: beta})
    entropy = sp.log(Z) + beta * E
    d.add("value", "The entropy at the maximum:", (sp.Eq(sp.Symbol("S"), entropy),))
    limits = _limits(I, i, p, eps, beta, p_i, Z, d)
    z = sp.IndexedBase("z", real=True)
    d.add("softmax", "In terms of z_i this is the softmax function, the output layer of a "
          "classifier:", (sp.Eq(z[i], -beta * eps[i]),
                            sp.Eq(p[i], sp.exp(z[i]) / sp.Sum(sp.exp(z[i]), (i, 1, I)),
                                  evaluate=False)))
    return BoltzmannDerivation(I, i, eps, E, p_i, Z, beta, lambda_1, entropy, mean_eq, limits,
                               solution, d)


def _limits(I, i, p, eps, beta, p_i, Z, d) -> dict:
    """beta -> 0 (T -> oo): Z -> I, p_i -> 1/I. beta -> +oo: the ground state takes it all."""
    # a finite sum of continuous terms: the limit is the value at beta = 0
    Z0 = Z.xreplace({beta: 0}).doit()
    p0 = sp.simplify(p_i.xreplace({beta: 0}).doit())
    d.add("limit", "At high temperature, beta tending to 0, every state becomes equally "
          "accessible:",
          (sp.Eq(sp.Limit(sp.Symbol("Z"), beta, 0), Z0), sp.Eq(sp.Limit(p_i, beta, 0), p0)))
    # beta -> +oo: p_i = 1 / sum_j e^{-beta (eps_j - eps_i)}; a term with eps_j < eps_i grows
    # without bound, one with eps_j = eps_i stays 1, the others vanish
    j = sp.Symbol("j", integer=True)
    ratio = 1 / sp.Sum(sp.exp(-beta * (eps[j] - eps[i])), (j, 1, I))
    eps_min, g0 = sp.Symbol("varepsilon_min", real=True), sp.Symbol("g_0", positive=True,
                                                                      integer=True)
    ground = sp.Piecewise((1 / g0, sp.Eq(eps[i], eps_min)), (0, True))
    d.add("limit", "At low temperature, beta growing without bound, the distribution "
          "concentrates on the ground state, of energy varepsilon_min and shared by g_0 states:",
          (sp.Eq(p[i], ratio, evaluate=False), sp.Eq(sp.Limit(p_i, beta, sp.oo),
                                                                  ground, evaluate=False)),
          chain=True)
    return {"beta -> 0": {"Z": Z0, "p": p0},
            "beta -> oo": {"p": ground, "ground_energy": eps_min, "ground_degeneracy": g0}}
