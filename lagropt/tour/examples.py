"""The Lagrange examples of decks 000 and 001, as problems (used by the tour, tests and docs)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from ..problem import Problem, maximize

__all__ = ["Example", "lecture_examples"]


@dataclass
class Example:
    """One worked example of the lecture notes."""

    name: str
    title: str
    source: str
    problem: Problem
    subs: dict = field(default_factory=dict)    # numbers for parameters, for the numeric check


def _entropy(ps):
    return -sp.Add(*[p * sp.log(p) for p in ps])


def lecture_examples() -> list[Example]:
    """The Lagrange examples of decks 000 and 001, in the lecture's notation."""
    x, y = sp.symbols("x y", real=True)
    paraboloid = -(x - 2) ** 2 - (y - 1) ** 2 + 10
    p1, p2 = sp.symbols("p1 p2", positive=True)
    coin = _entropy([p1, p2])
    out = [
        Example("paraboloid", "paraboloid, unconstrained", "001: f = -(x-2)^2 - (y-1)^2 + 10",
                maximize(paraboloid)),
        Example("paraboloid-on-line", "paraboloid on x = y", "000/001: g = x - y = 0",
                maximize(paraboloid, subject_to=[sp.Eq(x, y)])),
        Example("coin", "coin entropy, unconstrained", "000/001: -p1 ln p1 - p2 ln p2",
                maximize(coin)),
        Example("coin-normalised", "coin entropy, p1 + p2 = 1", "000/001: g = p1 + p2 = 1",
                maximize(coin, subject_to=[sp.Eq(p1 + p2, 1)])),
    ]
    for I in (4, 10):
        ps = sp.symbols(f"p1:{I + 1}", positive=True)
        out.append(Example(f"flat-{I}", f"maximum entropy, {I} states", "000/001: sum p_i = 1",
                           maximize(_entropy(ps), subject_to=[sp.Eq(sp.Add(*ps), 1)])))
    I = 3
    ps = sp.symbols(f"p1:{I + 1}", positive=True)
    eps = sp.symbols(f"varepsilon1:{I + 1}", real=True)
    E = sp.Symbol("E", real=True)
    boltzmann = maximize(_entropy(ps), subject_to=[sp.Eq(sp.Add(*ps), 1),
                                                   sp.Eq(sp.Add(*[p * e for p, e in zip(ps, eps)]), E)],
                         params=[*eps, E])
    out.append(Example("boltzmann-3", "Boltzmann distribution, 3 states", "000: sum p_i = 1, "
                       "sum p_i eps_i = E", boltzmann,
                       subs={eps[0]: 0, eps[1]: 1, eps[2]: 2, E: sp.Rational(4, 5)}))
    return out
