"""SymPy -> NumPy: a loss written once in SymPy, with its exact gradient and Hessian.

``lagropt.compile(expr, wrt, data=())`` differentiates symbolically and generates NumPy code
in which data stay arrays: ``sum_j X[i, j] beta[j]`` becomes ``X @ beta``, its derivative
``X.T @ r``, an elementwise penalty ``numpy.abs(beta)``. Nothing is expanded into one symbol
per sample or per feature, so compiling takes milliseconds whatever the size of the data, and
the gradient runs as fast as hand-written NumPy.

Writing the expression
----------------------
* Arrays are ``sympy.IndexedBase`` (``X[i, j]``, ``y[i]``, ``beta[j]``) or ``MatrixSymbol``
  (``(y - X*beta).T*(y - X*beta)``, brought to index form by SymPy's element access). Their
  dimensions are integers or dimension symbols (m, n, ...), bound at call time from the data.
* Sums run over whole axes with 0-based indices: ``Sum(body, (i, 0, m - 1))``.
* :mod:`lagropt.losses` and :mod:`lagropt.penalties` build the lecture's losses this way.
* A :class:`~lagropt.Problem` compiles too: ``compile(problem, subs={...})`` returns a
  :class:`CompiledProblem` with the objective, the constraint vectors and their Jacobians.

The calling contract (what :mod:`lagropt.optim` relies on)
----------------------------------------------------------
``f = lagropt.compile(expr, wrt=[a, beta], data=[X, y, lam])`` gives

* ``f.value(params, X, y, lam) -> float``
* ``f.grad(params, X, y, lam) -> ndarray`` of shape (N,)
* ``f.value_and_grad(params, X, y, lam) -> (float, ndarray)``, sharing the common work
* ``f.hess(params, X, y, lam) -> ndarray`` of shape (N, N)

``params`` is one 1-D float array holding the parameters in the order of ``wrt``, each array
parameter flattened row-major (C order); ``f.shapes(*data)`` gives each parameter's shape for
given data and ``f.coordinates(params, *data)`` the name of each entry. The data follow in the order of
``data``: a scalar (a Python float) for a scalar symbol, an array for an array. Shapes are
checked on every call; a column vector may be passed as (m,) or (m, 1).

Mini-batches: the *sample axis* is axis 0 of every per-sample data array. ``f.per_sample``
says, for each data argument, whether it is per-sample; ``f.sample_dim`` is the dimension
symbol of that axis (by default the one dimension of data axis 0 that no parameter has, or the
one named ``m``; ``samples=`` chooses it, ``samples=False`` declares none). A mini-batch is a
row slice ``X[rows], y[rows]`` of every per-sample array, the others passed whole. The sample
dimension is bound to the number of rows actually passed, so a mean-type loss
(``reduction="mean"``: MSE, mean cross-entropy) divides by the batch size: the mini-batch
gradient is an unbiased estimate of the full-batch gradient, on the same scale. A sum-type loss
(SSE, chi^2) is not rescaled.

Errors: wrong data shapes (naming the array, axis and dimension), NaN or inf in parameters or
data, and NaN or inf in a result raise :class:`lagropt.errors.DataError` or
:class:`lagropt.errors.EvaluationError` (``check_finite=False`` turns off the result check). A
derivative that does not exist at the point (the Hessian of |beta_j| at beta_j = 0) raises
EvaluationError. Subgradient conventions at kinks: d|u|/du = sign(u) with sign(0) = 0 and
d max(0, u)/du = Heaviside(u) with Heaviside(0) = 0 (see docs/losses.md).
"""

from __future__ import annotations

from ..errors import CompileError
from .compiled import Compiled
from .gradcheck import GradCheck, check_grad
from .index import index_form
from .problem import CompiledProblem, VectorFunction, compile_problem, compile_vector

__all__ = ["compile", "Compiled", "compile_problem", "CompiledProblem", "VectorFunction",
           "compile_vector", "check_grad", "GradCheck"]


def compile(expr, wrt=None, data=(), *, hessian: bool = True, samples=None,  # noqa: A001
            check_finite: bool = True, subs: dict | None = None):
    """Compile ``expr`` into NumPy value/gradient/Hessian functions of the parameters ``wrt``.

    Parameters
    ----------
    expr : sympy.Expr, 1 x 1 matrix expression, or lagropt.Problem
        The scalar to compile (a Problem compiles with :func:`compile_problem`).
    wrt : Symbol, IndexedBase, MatrixSymbol or a sequence of them
        The parameters, in the order of the parameter vector.
    data : Symbol, IndexedBase, MatrixSymbol or a sequence of them
        The data, passed as arrays (scalars for scalar symbols) after the parameters.
    hessian : bool
        Also build the Hessian.
    samples : Symbol, False or None
        The dimension symbol of the sample axis (default: inferred, see the module doc).
    check_finite : bool
        Raise when a value or derivative is NaN or inf (default) rather than return it.
    subs : dict, optional
        For a Problem only: numbers for its parameters.

    Returns
    -------
    Compiled, or CompiledProblem for a Problem.
    """
    from ..problem import Problem

    if isinstance(expr, Problem):
        return compile_problem(expr, subs)
    if subs is not None:
        raise CompileError("subs= is for a Problem; substitute into an expression with .subs()")
    if wrt is None:
        raise CompileError("say which symbols are the parameters: compile(expr, wrt=[...])")
    return Compiled(expr, index_form(expr, wrt, data), hessian=hessian, samples=samples,
                    check_finite=check_finite)
