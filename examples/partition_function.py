"""Deck 000: the Boltzmann distribution for I states, its partition function, the T -> oo limit
and the softmax link, derived exactly for a symbolic I; then Jaynes' dice numerically."""

import numpy as np
import sympy as sp

from lagropt.softmax import softmax
from lagropt.statmech import boltzmann, maxent

I = sp.Symbol("I", integer=True, positive=True)
b = boltzmann(I)
print(b.derivation)
i, eps, beta = b.i, b.energies, b.beta
assert b.Z == sp.Sum(sp.exp(-beta * eps[i]), (i, 1, I))
assert sp.simplify(b.p - sp.exp(-beta * eps[i]) / b.Z) == 0
assert sp.Eq(beta, sp.Symbol("lambda_2", real=True)) in b.derivation.find("identification")[0].equations
assert b.limits["beta -> 0"] == {"Z": I, "p": 1 / I}
print("checked: p_i = exp(-beta eps_i)/Z, Z = sum_i exp(-beta eps_i), beta = lambda_2, "
      "and for T -> oo Z -> I, p_i -> 1/I")

levels = np.array([0.0, 1.0, 2.5])
p3 = [float(b.p.subs(i, n).subs({I: 3, beta: 0.8}).doit().subs(
    {eps[k + 1]: levels[k] for k in range(3)})) for n in (1, 2, 3)]
assert np.allclose(p3, softmax(-0.8 * levels), rtol=1e-14)
print("checked: the Boltzmann form is softmax(-beta eps)")

dice = maxent([1, 2, 3, 4, 5, 6], mean=4.5)
print(dice.summary())
assert abs(dice.beta + 0.37105) < 5e-6
print("checked: Jaynes' Brandeis dice, beta = -0.37105")
