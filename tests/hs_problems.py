"""Reference problems from the Hock-Schittkowski collection (2 to 5 variables, smooth
elementary functions), each with its published optimum.

Source of every problem: W. Hock and K. Schittkowski, *Test Examples for Nonlinear Programming
Codes*, Lecture Notes in Economics and Mathematical Systems 187, Springer, 1981 (problem number
in ``name``). The formulations, f* and x* were transcribed from the public machine-readable
copy of the collection in CasADi's test suite, github.com/casadi/casadi,
``test/python/hock_schittkowski/hsNNN.py`` (converted there from the APMonitor files); where
that copy differs from the book the book is followed and ``note`` says so. x* is given exactly
where the book gives a closed form, else with the published digits (about 6), so f(x*) matches
f* only to that accuracy; ``tests/test_numeric_fallback.py`` checks every record that way.

Records are plain data for any solver's tests: ``variables`` (real SymPy symbols),
``objective`` (minimized), ``constraints`` (SymPy ``Eq``/``>=``/``<=`` relations, bounds
included), ``f_star`` (a SymPy number), ``x_star`` (a tuple in the order of ``variables``).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = ["HSProblem", "PROBLEMS", "by_name"]

BOOK = ("Hock & Schittkowski (1981), Test Examples for Nonlinear Programming Codes, LNEMS 187; "
        "transcribed from casadi/casadi test/python/hock_schittkowski/")


@dataclass(frozen=True)
class HSProblem:
    """One Hock-Schittkowski problem: minimize ``objective`` subject to ``constraints``."""

    name: str
    variables: tuple
    objective: sp.Expr
    constraints: tuple
    f_star: sp.Expr
    x_star: tuple
    source: str
    note: str = ""

    def problem(self):
        """The problem as a :class:`lagropt.Problem` (minimization)."""
        import lagropt
        return lagropt.minimize(self.objective, list(self.constraints), self.variables)


def _x(n: int) -> tuple:
    return sp.symbols(f"x1:{n + 1}", real=True)


def _box(xs, lo, hi) -> tuple:
    """lo_i <= x_i <= hi_i as 2n inequalities."""
    return tuple(c for x, a, b in zip(xs, lo, hi) for c in (x >= a, x <= b))


def _record(number: int, xs, objective, constraints, f_star, x_star, note: str = "") -> HSProblem:
    return HSProblem(f"HS{number}", tuple(xs), objective, tuple(constraints), sp.sympify(f_star),
                     tuple(sp.sympify(v) for v in x_star), BOOK + f"hs{number:03d}.py", note)


S = sp.Rational
r2, r3, r7 = sp.sqrt(2), sp.sqrt(3), sp.sqrt(7)


def _problems() -> list:
    out = []
    x1, x2 = _x(2)
    out.append(_record(6, (x1, x2), (1 - x1) ** 2, [sp.Eq(10 * (x2 - x1 ** 2), 0)], 0, (1, 1)))
    out.append(_record(7, (x1, x2), sp.log(1 + x1 ** 2) - x2,
                       [sp.Eq((1 + x1 ** 2) ** 2 + x2 ** 2, 4)], -r3, (0, r3)))
    out.append(_record(9, (x1, x2), sp.sin(sp.pi * x1 / 12) * sp.cos(sp.pi * x2 / 16),
                       [sp.Eq(4 * x1 - 3 * x2, 0)], -S(1, 2), (-3, -4),
                       "infinitely many minimizers (12k - 3, 16k - 4)"))
    out.append(_record(14, (x1, x2), (x1 - 2) ** 2 + (x2 - 1) ** 2,
                       [sp.Eq(x1 - 2 * x2, -1), x1 ** 2 / 4 + x2 ** 2 <= 1],
                       9 - S(23, 8) * r7, ((r7 - 1) / 2, (r7 + 1) / 4),
                       "the book's form: no bounds (the CasADi copy adds x >= 0, inactive)"))
    x1, x2, x3 = _x(3)
    out.append(_record(26, (x1, x2, x3), (x1 - x2) ** 2 + (x2 - x3) ** 4,
                       [sp.Eq((1 + x2 ** 2) * x1 + x3 ** 4, 3)], 0, (1, 1, 1)))
    out.append(_record(27, (x1, x2, x3), (x1 - 1) ** 2 / 100 + (x2 - x1 ** 2) ** 2,
                       [sp.Eq(x1 + x3 ** 2, -1)], S(1, 25), (-1, 1, 0)))
    out.append(_record(28, (x1, x2, x3), (x1 + x2) ** 2 + (x2 + x3) ** 2,
                       [sp.Eq(x1 + 2 * x2 + 3 * x3, 1)], 0, (S(1, 2), -S(1, 2), S(1, 2))))
    out.append(_record(60, (x1, x2, x3), (x1 - 1) ** 2 + (x1 - x2) ** 2 + (x2 - x3) ** 4,
                       [sp.Eq(x1 * (1 + x2 ** 2) + x3 ** 4, 4 + 3 * r2),
                        *_box((x1, x2, x3), (-10,) * 3, (10,) * 3)],
                       sp.Float("0.03256820025"), (sp.Float("1.10486"), sp.Float("1.19667"),
                                                   sp.Float("1.53526"))))
    out.append(_record(61, (x1, x2, x3),
                       4 * x1 ** 2 + 2 * x2 ** 2 + 2 * x3 ** 2 - 33 * x1 + 16 * x2 - 24 * x3,
                       [sp.Eq(3 * x1 - 2 * x2 ** 2, 7), sp.Eq(4 * x1 - x3 ** 2, 11)],
                       sp.Float("-143.6461422"), (sp.Float("5.32677"), sp.Float("-2.119"),
                                                  sp.Float("3.21046"))))
    out.append(_record(63, (x1, x2, x3),
                       1000 - x1 ** 2 - 2 * x2 ** 2 - x3 ** 2 - x1 * x2 - x1 * x3,
                       [sp.Eq(8 * x1 + 14 * x2 + 7 * x3, 56), sp.Eq(x1 ** 2 + x2 ** 2 + x3 ** 2, 25),
                        x1 >= 0, x2 >= 0, x3 >= 0],
                       sp.Float("961.7151721"), (sp.Float("3.51212"), sp.Float("0.216988"),
                                                 sp.Float("3.55217"))))
    out.append(_record(65, (x1, x2, x3),
                       (x1 - x2) ** 2 + (x1 + x2 - 10) ** 2 / 9 + (x3 - 5) ** 2,
                       [x1 ** 2 + x2 ** 2 + x3 ** 2 <= 48,
                        *_box((x1, x2, x3), (-S(9, 2), -S(9, 2), -5), (S(9, 2), S(9, 2), 5))],
                       sp.Float("0.9535288567"), (sp.Float("3.65046"), sp.Float("3.65046"),
                                                  sp.Float("4.62042"))))
    x1, x2, x3, x4 = _x(4)
    out.append(_record(39, (x1, x2, x3, x4), -x1,
                       [sp.Eq(x2 - x1 ** 3 - x3 ** 2, 0), sp.Eq(x1 ** 2 - x2 - x4 ** 2, 0)],
                       -1, (1, 1, 0, 0)))
    out.append(_record(40, (x1, x2, x3, x4), -x1 * x2 * x3 * x4,
                       [sp.Eq(x1 ** 3 + x2 ** 2, 1), sp.Eq(x1 ** 2 * x4 - x3, 0),
                        sp.Eq(x4 ** 2 - x2, 0)], -S(1, 4),
                       (2 ** -S(1, 3), 2 ** -S(1, 2), 2 ** -S(11, 12), 2 ** -S(1, 4)),
                       "x* as in the book (the CasADi copy misprints x2 as 2^(1/2))"))
    out.append(_record(42, (x1, x2, x3, x4),
                       (x1 - 1) ** 2 + (x2 - 2) ** 2 + (x3 - 3) ** 2 + (x4 - 4) ** 2,
                       [sp.Eq(x1, 2), sp.Eq(x3 ** 2 + x4 ** 2, 2)], 28 - 10 * r2,
                       (2, 2, S(3, 5) * r2, S(4, 5) * r2),
                       "the book's form: x1 = 2 an equality (the CasADi copy fixes it by bounds)"))
    out.append(_record(43, (x1, x2, x3, x4),
                       x1 ** 2 + x2 ** 2 + 2 * x3 ** 2 + x4 ** 2 - 5 * x1 - 5 * x2 - 21 * x3 + 7 * x4,
                       [x1 ** 2 + x2 ** 2 + x3 ** 2 + x4 ** 2 + x1 - x2 + x3 - x4 <= 8,
                        x1 ** 2 + 2 * x2 ** 2 + x3 ** 2 + 2 * x4 ** 2 - x1 - x4 <= 10,
                        2 * x1 ** 2 + x2 ** 2 + x3 ** 2 + 2 * x1 - x2 - x4 <= 5],
                       -44, (0, 1, 2, -1)))
    out.append(_record(71, (x1, x2, x3, x4), x1 * x4 * (x1 + x2 + x3) + x3,
                       [x1 * x2 * x3 * x4 >= 25, sp.Eq(x1 ** 2 + x2 ** 2 + x3 ** 2 + x4 ** 2, 40),
                        *_box((x1, x2, x3, x4), (1,) * 4, (5,) * 4)],
                       sp.Float("17.0140173"), (1, sp.Float("4.743"), sp.Float("3.82115"),
                                                sp.Float("1.37941"))))
    x1, x2, x3, x4, x5 = xs = _x(5)
    out.append(_record(46, xs, (x1 - x2) ** 2 + (x3 - 1) ** 2 + (x4 - 1) ** 4 + (x5 - 1) ** 6,
                       [sp.Eq(x1 ** 2 * x4 + sp.sin(x4 - x5), 1),
                        sp.Eq(x2 + x3 ** 4 * x4 ** 2, 2)], 0, (1,) * 5))
    out.append(_record(48, xs, (x1 - 1) ** 2 + (x2 - x3) ** 2 + (x4 - x5) ** 2,
                       [sp.Eq(x1 + x2 + x3 + x4 + x5, 5), sp.Eq(x3 - 2 * (x4 + x5), -3)],
                       0, (1,) * 5))
    out.append(_record(49, xs, (x1 - x2) ** 2 + (x3 - 1) ** 2 + (x4 - 1) ** 4 + (x5 - 1) ** 6,
                       [sp.Eq(x1 + x2 + x3 + 4 * x4, 7), sp.Eq(x3 + 5 * x5, 6)], 0, (1,) * 5))
    out.append(_record(50, xs, (x1 - x2) ** 2 + (x2 - x3) ** 2 + (x3 - x4) ** 4 + (x4 - x5) ** 2,
                       [sp.Eq(x1 + 2 * x2 + 3 * x3, 6), sp.Eq(x2 + 2 * x3 + 3 * x4, 6),
                        sp.Eq(x3 + 2 * x4 + 3 * x5, 6)], 0, (1,) * 5))
    out.append(_record(51, xs, (x1 - x2) ** 2 + (x2 + x3 - 2) ** 2 + (x4 - 1) ** 2 + (x5 - 1) ** 2,
                       [sp.Eq(x1 + 3 * x2, 4), sp.Eq(x3 + x4 - 2 * x5, 0), sp.Eq(x2 - x5, 0)],
                       0, (1,) * 5))
    out.append(_record(52, xs, (4 * x1 - x2) ** 2 + (x2 + x3 - 2) ** 2 + (x4 - 1) ** 2
                       + (x5 - 1) ** 2,
                       [sp.Eq(x1 + 3 * x2, 0), sp.Eq(x3 + x4 - 2 * x5, 0), sp.Eq(x2 - x5, 0)],
                       S(1859, 349), (-S(33, 349), S(11, 349), S(180, 349), -S(158, 349),
                                      S(11, 349))))
    out.append(_record(53, xs, (x1 - x2) ** 2 + (x2 + x3 - 2) ** 2 + (x4 - 1) ** 2 + (x5 - 1) ** 2,
                       [sp.Eq(x1 + 3 * x2, 0), sp.Eq(x3 + x4 - 2 * x5, 0), sp.Eq(x2 - x5, 0),
                        *_box(xs, (-10,) * 5, (10,) * 5)],
                       S(176, 43), (-S(33, 43), S(11, 43), S(27, 43), -S(5, 43), S(11, 43))))
    out.append(_record(77, xs, (x1 - 1) ** 2 + (x1 - x2) ** 2 + (x3 - 1) ** 2 + (x4 - 1) ** 4
                       + (x5 - 1) ** 6,
                       [sp.Eq(x1 ** 2 * x4 + sp.sin(x4 - x5), 2 * r2),
                        sp.Eq(x2 + x3 ** 4 * x4 ** 2, 8 + r2)],
                       sp.Float("0.24150513"), tuple(sp.Float(v) for v in (
                           "1.16617", "1.18211", "1.38026", "1.50604", "0.61092"))))
    sphere = [sp.Eq(x1 ** 2 + x2 ** 2 + x3 ** 2 + x4 ** 2 + x5 ** 2, 10),
              sp.Eq(x2 * x3 - 5 * x4 * x5, 0), sp.Eq(x1 ** 3 + x2 ** 3, -1)]
    x78 = tuple(sp.Float(v) for v in ("-1.71714", "1.59571", "1.82725", "-0.763643", "-0.763643"))
    out.append(_record(78, xs, x1 * x2 * x3 * x4 * x5, sphere, sp.Float("-2.91970041"), x78))
    out.append(_record(79, xs, (x1 - 1) ** 2 + (x1 - x2) ** 2 + (x2 - x3) ** 2 + (x3 - x4) ** 4
                       + (x4 - x5) ** 4,
                       [sp.Eq(x1 + x2 ** 2 + x3 ** 3, 2 + 3 * r2),
                        sp.Eq(x2 - x3 ** 2 + x4, -2 + 2 * r2), sp.Eq(x1 * x5, 2)],
                       sp.Float("0.0787768209"), tuple(sp.Float(v) for v in (
                           "1.19113", "1.3626", "1.47282", "1.63502", "1.67908"))))
    box80 = _box(xs, (-S(23, 10), -S(23, 10), -S(16, 5), -S(16, 5), -S(16, 5)),
                 (S(23, 10), S(23, 10), S(16, 5), S(16, 5), S(16, 5)))
    out.append(_record(80, xs, sp.exp(x1 * x2 * x3 * x4 * x5), [*sphere, *box80],
                       sp.Float("0.0539498478"), x78))
    out.append(_record(81, xs, sp.exp(x1 * x2 * x3 * x4 * x5)
                       - (x1 ** 3 + x2 ** 3 + 1) ** 2 / 2, [*sphere, *box80],
                       sp.Float("0.0539498478"), x78))
    return out


PROBLEMS = _problems()


def by_name(name: str) -> HSProblem:
    """The record called ``name`` ("HS78")."""
    return next(p for p in PROBLEMS if p.name == name)
