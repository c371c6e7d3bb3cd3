"""The rendering registry (lagropt.rendering): the data classes reach lagropt.latex through it."""

import sympy as sp
import pytest

import lagropt
from lagropt import rendering
from lagropt.errors import LatexError


class Unregistered:
    """A type no rendering module knows."""


def test_nothing_registered_is_a_clear_error(tmp_path):
    with pytest.raises(LatexError, match="no LaTeX renderer is registered for a Unregistered"):
        rendering.latex(Unregistered())
    with pytest.raises(LatexError, match="import lagropt.latex"):
        rendering.to_tex(Unregistered(), tmp_path / "x.tex")
    assert not (tmp_path / "x.tex").exists()


def test_jupyter_falls_back_to_text_when_nothing_is_registered():
    assert rendering.repr_latex(Unregistered()) is None


def test_a_registered_renderer_is_what_the_method_reaches():
    class Note:
        def latex(self):
            return rendering.latex(self)

    rendering.latex.register(Note, lambda note, fold=True: r"\text{note}")
    assert Note().latex() == r"\text{note}"
    assert rendering.repr_latex(Note()) == r"\text{note}"


def test_importing_lagropt_registers_the_three_data_classes():
    x, y = sp.symbols("x y", real=True)
    problem = lagropt.maximize(-(x - 2)**2 - (y - 1)**2 + 10, subject_to=[sp.Eq(x, y)])
    solution = problem.solve()
    assert problem.latex() == lagropt.latex.problem_latex(problem)
    assert solution.latex(fold=False) == lagropt.latex.solution_latex(solution, False)
    assert solution.derivation.latex() == lagropt.latex.derivation_latex(solution.derivation)
    assert solution._repr_latex_() == lagropt.latex.solution_summary_latex(solution)
