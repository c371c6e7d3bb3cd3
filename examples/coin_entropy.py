"""Decks 000/001: the entropy of a coin, -p1 ln p1 - p2 ln p2, freely and with p1 + p2 = 1."""

import sympy as sp

import lagropt

p1, p2 = sp.symbols("p1 p2", positive=True)
S = -p1 * sp.log(p1) - p2 * sp.log(p2)

free = lagropt.maximize(S).solve()
assert sp.simplify(free.x[p1] - sp.exp(-1)) == 0 and sp.simplify(free.value - 2 / sp.E) == 0
print(f"absolute maximum: p1 = p2 = 1/e, S = 2/e ~ {float(free.value):.4f} (and p1 + p2 = 2/e > 1)")

coin = lagropt.maximize(S, subject_to=[sp.Eq(p1 + p2, 1)]).solve()
print(coin.derivation)
lam = coin.problem.multipliers[0]
assert coin.x == {p1: sp.Rational(1, 2), p2: sp.Rational(1, 2)}
assert sp.simplify(coin.value - sp.log(2)) == 0
assert sp.simplify(coin.multipliers[lam] - (sp.log(2) - 1)) == 0
print(lagropt.verify(coin.problem, coin))
print("checked: p1 = p2 = 1/2, S = ln 2, lambda = ln 2 - 1")
