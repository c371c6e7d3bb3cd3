"""Decks 000/001: maximize f = -(x - 2)^2 - (y - 1)^2 + 10, first freely, then on x = y."""

import sympy as sp

import lagropt

x, y = sp.symbols("x y", real=True)
f = -(x - 2) ** 2 - (y - 1) ** 2 + 10

free = lagropt.maximize(f).solve()
print(free)
assert free.x == {x: 2, y: 1} and free.value == 10

on_line = lagropt.maximize(f, subject_to=[sp.Eq(x, y)]).solve()
print(on_line.derivation)
assert on_line.x == {x: sp.Rational(3, 2), y: sp.Rational(3, 2)}
assert on_line.value == sp.Rational(19, 2)
assert on_line.multipliers == {on_line.problem.multipliers[0]: 1}
print(lagropt.verify(on_line.problem, on_line))
print("checked: (2, 1) with f = 10 freely; (3/2, 3/2) with f = 19/2 and lambda = 1 on x = y")
