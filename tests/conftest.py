import os

import sympy as sp

# a failure inside the exact solver must fail the tests, not fall back to numerics silently
os.environ.setdefault("LAGROPT_STRICT", "1")


def same(a, b) -> bool:
    """Exact equality of two SymPy expressions (the project's standard)."""
    return sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0
