import sympy as sp


def same(a, b) -> bool:
    """Exact equality of two SymPy expressions (the project's standard)."""
    return sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0
