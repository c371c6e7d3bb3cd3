"""lagropt: constrained optimization from the blackboard to a verified number.

State a problem with SymPy symbols, solve it exactly (every critical point, classified, with
the derivation recorded), and check it against scipy.optimize::

    >>> import sympy as sp, lagropt
    >>> x, y = sp.symbols("x y", real=True)
    >>> sol = lagropt.maximize(-(x - 2)**2 - (y - 1)**2 + 10, subject_to=[sp.Eq(x, y)]).solve()
    >>> sol.x, sol.value
    ({x: 3/2, y: 3/2}, 19/2)
"""

import importlib
import importlib.util

from .errors import (CompileError, DataError, EvaluationError, LagroptError, OptimizerError,
                     ProblemError, SolveError, StatMechError)

# Loaded on first use (``lagropt.maximize``, ``lagropt.optim``, ...), so that ``import lagropt``
# and ``lagropt --help`` do not pay for SymPy, scipy.optimize, scipy.special, matplotlib, numba,
# dask and scikit-learn before they are needed: {name: (module, attribute or None for the
# module itself)}.
_LAZY = {
    **{name: ("compiler", name) for name in ("GradCheck", "check_grad", "compile",
                                             "compile_problem")},
    "Derivation": ("derivation", "Derivation"), "Step": ("derivation", "Step"),
    **{name: ("problem", name) for name in ("Constraint", "Problem", "maximize", "minimize")},
    **{name: ("solver", name) for name in ("Point", "Solution", "get_default_timeout",
                                           "set_default_timeout", "solve")},
    "verify": ("verification", "verify"), "Report": ("verification", "Report"),
    "DescentReport": ("verification", "DescentReport"),
    "verify_descent": ("verification", "verify_descent"),
    "shadow_prices": ("sensitivity", "shadow_prices"),
    "ShadowPrices": ("sensitivity", "ShadowPrices"), "Sensitivity": ("sensitivity", "Sensitivity"),
    "Dual": ("duality", "Dual"), "dual": ("duality", "dual"),
    **{module: (module, None) for module in ("functions", "latex", "losses", "optim",
                                             "penalties", "plot", "regression", "softmax",
                                             "statmech")},
}


# the modules that register methods on Problem, Solution and Derivation when imported (the
# solver, shadow prices and sensitivity, the dual, LaTeX rendering): loaded when a registry is
# first found empty (Problem.solve, .dual, .latex(), ...; lagropt.rendering.complete_registration)
_REGISTRANTS = ("solver", "sensitivity", "duality", "latex")


def __getattr__(name: str):
    """``lagropt.X`` for the names in _LAZY and for every submodule (``lagropt.solver``,
    ``lagropt.nn``, ...): the module imported now, the name cached."""
    if name.startswith("_") or (name not in _LAZY and importlib.util.find_spec(
            f"{__name__}.{name}") is None):
        raise AttributeError(f"module 'lagropt' has no attribute {name!r}")
    if name not in _LAZY:                  # a submodule (also `from . import x` inside lagropt)
        return importlib.import_module(f".{name}", __name__)
    module, attribute = _LAZY[name]
    value = importlib.import_module(f".{module}", __name__)
    if attribute is not None:
        value = getattr(value, attribute)
    globals()[name] = value
    return value


_registered = False


def _load_registrants() -> bool:
    """Import the modules of _REGISTRANTS once (re-entrant calls during that import return);
    True when it imported them now. Called by lagropt.rendering.complete_registration."""
    global _registered
    if _registered:
        return False
    _registered = True
    for registrant in _REGISTRANTS:
        importlib.import_module(f".{registrant}", __name__)
    return True


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__version__ = "0.1.0"

__all__ = ["Problem", "Constraint", "maximize", "minimize", "solve", "Solution", "Point",
           "Derivation", "Step", "verify", "Report", "compile", "compile_problem",
           "check_grad", "GradCheck", "LagroptError", "ProblemError", "SolveError",
           "CompileError", "DataError", "EvaluationError", "set_default_timeout",
           "get_default_timeout", "losses", "penalties", "functions", "regression", "plot",
           "__version__", "optim", "verify_descent", "DescentReport", "OptimizerError",
           "statmech", "softmax", "StatMechError", "latex", "shadow_prices",
           "ShadowPrices", "Sensitivity", "Dual", "dual"]
