"""The lecture's worked examples, solved exactly and checked against scipy.optimize.

``lagropt tour`` runs them and prints a table; each example is also available as data
(:func:`lecture_examples`) for tests, docs and notes.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

import sympy as sp

from .problem import Problem, maximize
from .verify import verify

__all__ = ["Example", "lecture_examples", "run_tour", "format_table", "write_notes"]


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


def _short(v, digits=6) -> str:
    if v is None:
        return "-"
    if isinstance(v, sp.Basic) and v.free_symbols:
        s = sp.sstr(v)
        return s if len(s) <= 28 else s[:25] + "..."
    try:
        f = float(sp.N(v, 20))
    except (TypeError, ValueError):
        return sp.sstr(v)
    exact = sp.sstr(v)
    return exact if len(exact) <= 12 else f"{f:.{digits}g}"


def run_tour(stream=sys.stdout, solved: list | None = None) -> list[dict]:
    """Solve and verify every lecture example; print the table; return its rows.

    ``solved``, when given, receives an ``(example, solution)`` pair per example.
    """
    rows = []
    for ex in lecture_examples():
        started = time.perf_counter()
        sol = ex.problem.solve()
        elapsed = time.perf_counter() - started
        if solved is not None:
            solved.append((ex, sol))
        report = verify(ex.problem, sol, subs=ex.subs)
        point = sol.optimum[0] if sol.optimum else None
        f_row = next((r for r in report.rows if r.quantity == "f"), None)
        rows.append({
            "example": ex.name, "title": ex.title, "status": sol.status,
            "optimum": ", ".join(f"{k}={_short(v)}" for k, v in point.x.items()) if point else "-",
            "multipliers": ", ".join(f"{k}={_short(v)}" for k, v in point.multipliers.items())
            if point else "-",
            "value": _short(sol.value), "scipy": f"{f_row.numeric:.10g}" if f_row else "-",
            "max_error": report.max_error, "ok": report.ok, "seconds": elapsed,
        })
    print(format_table(rows), file=stream)
    return rows


def format_table(rows) -> str:
    cols = [("example", "example"), ("status", "status"), ("optimum", "exact optimum"),
            ("multipliers", "multipliers"), ("value", "exact f"), ("scipy", "scipy f"),
            ("max_error", "max err"), ("ok", "ok")]
    cells = [[h for _, h in cols]]
    for r in rows:
        cells.append([f"{r[k]:.1e}" if k == "max_error" else ("yes" if r[k] else "NO") if k == "ok"
                      else str(r[k]) for k, _ in cols])
    widths = [min(40, max(len(row[i]) for row in cells)) for i in range(len(cols))]
    lines = []
    for j, row in enumerate(cells):
        lines.append("  ".join(c[:w].ljust(w) for c, w in zip(row, widths)).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_notes(solved, out_dir) -> tuple:
    """The lecture examples' derivations as one notes document in ``out_dir``.

    Parameters
    ----------
    solved : list of (Example, Solution)
    out_dir : str or Path

    Returns
    -------
    (Path, Path or None)
        The .tex file, and its PDF when pdflatex is installed (None otherwise).
    """
    from pathlib import Path

    from .latex import Notes, compile, latex_available
    from .latex.text import annotation

    notes = Notes("Lagrange multipliers: the lecture's examples, derived by lagropt")
    for ex, sol in solved:
        notes.section(annotation(ex.title, {}))
        notes.text(f"Lecture deck {annotation(ex.source, {})}.")
        notes.add(ex.problem)
        notes.add(sol)
    tex = notes.to_tex(Path(out_dir) / "lagropt-tour.tex")
    return tex, (compile(tex) if latex_available() else None)
