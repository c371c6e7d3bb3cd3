"""lagropt: constrained optimization from the blackboard to a verified number.

State a problem with SymPy symbols, solve it exactly (every critical point, classified, with
the derivation recorded), and check it against scipy.optimize::

    >>> import sympy as sp, lagropt
    >>> x, y = sp.symbols("x y", real=True)
    >>> sol = lagropt.maximize(-(x - 2)**2 - (y - 1)**2 + 10, subject_to=[sp.Eq(x, y)]).solve()
    >>> sol.x, sol.value
    ({x: 3/2, y: 3/2}, 19/2)
"""

from .compiler import GradCheck, check_grad, compile, compile_problem
from .derivation import Derivation, Step
from .errors import (CompileError, DataError, EvaluationError, LagroptError, OptimizerError,
                     ProblemError, SolveError, StatMechError)
from .problem import Constraint, Problem, maximize, minimize
from .solver import (Point, Solution, get_default_timeout, set_default_timeout, solve)
from .verification import DescentReport, Report, verify, verify_descent
from .sensitivity import ShadowPrices, Sensitivity, shadow_prices
from .duality import Dual, dual
from . import functions, latex, losses, optim, penalties, plot, regression, softmax, statmech

__version__ = "0.1.0"

__all__ = ["Problem", "Constraint", "maximize", "minimize", "solve", "Solution", "Point",
           "Derivation", "Step", "verify", "Report", "compile", "compile_problem",
           "check_grad", "GradCheck", "LagroptError", "ProblemError", "SolveError",
           "CompileError", "DataError", "EvaluationError", "set_default_timeout",
           "get_default_timeout", "losses", "penalties", "functions", "regression", "plot",
           "__version__", "optim", "verify_descent", "DescentReport", "OptimizerError",
           "statmech", "softmax", "StatMechError", "latex", "shadow_prices",
           "ShadowPrices", "Sensitivity", "Dual", "dual"]
