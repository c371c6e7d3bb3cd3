"""Deck 000: maximum entropy over I states (flat) and with a mean energy (Boltzmann)."""

import sympy as sp

import lagropt

for I in range(2, 11):
    ps = sp.symbols(f"p1:{I + 1}", positive=True)
    S = -sp.Add(*[p * sp.log(p) for p in ps])
    sol = lagropt.maximize(S, subject_to=[sp.Eq(sp.Add(*ps), 1)]).solve()
    assert all(sol.x[p] == sp.Rational(1, I) for p in ps)
    assert sp.simplify(sol.value - sp.log(I)) == 0
print("checked: p_i = 1/I and S = ln I for I = 2..10 (the flat distribution)")

ps = sp.symbols("p1:4", positive=True)
eps = sp.symbols("varepsilon1:4", real=True)
E = sp.Symbol("E", real=True)
S = -sp.Add(*[p * sp.log(p) for p in ps])
problem = lagropt.maximize(S, subject_to=[sp.Eq(sp.Add(*ps), 1),
                                          sp.Eq(sp.Add(*[p * e for p, e in zip(ps, eps)]), E)],
                           params=[*eps, E])
sol = problem.solve()
print(sol.derivation)
lam1, lam2 = problem.multipliers
Z = sp.Add(*[sp.exp(-lam2 * e) for e in eps])
assert sol.status == "parametric" and sol.unknowns == (lam2,)
for p, e in zip(ps, eps):
    assert sp.simplify(sol.optimum[0].x[p] - sp.exp(-lam2 * e) / Z) == 0
print("checked: p_i = exp(-lambda_2 eps_i) / Z with Z = sum_j exp(-lambda_2 eps_j)")
