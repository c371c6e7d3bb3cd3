import os

import sympy as sp

# a failure inside the exact solver must fail the tests, not fall back to numerics silently
os.environ.setdefault("LAGROPT_STRICT", "1")


def same(a, b) -> bool:
    """Exact equality of two SymPy expressions (the project's standard)."""
    return sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0


def compiled_mse():
    """The lecture's mean squared error (1/m) ||y - X beta||^2, compiled (shared by tests)."""
    import lagropt
    from lagropt import losses

    X, y, beta = losses.regression_symbols()
    return lagropt.compile(losses.mse(y, losses.linear(X, beta)), wrt=beta, data=[X, y])
