"""``import lagropt`` loads its mathematics on first use: nothing heavy at import, every public
name still reachable as ``lagropt.X`` (and by ``from lagropt import X``), and solving a problem
loads neither scipy.optimize nor matplotlib, numba, dask or scikit-learn."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(script: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True,
                          text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_import_loads_nothing_heavy_and_every_name_resolves():
    out = _run("""
        import sys
        import lagropt
        heavy = ("sympy", "numpy", "scipy", "matplotlib", "sklearn", "numba", "dask")
        assert not [m for m in heavy if m in sys.modules], [m for m in heavy if m in sys.modules]
        for name in lagropt.__all__:
            assert getattr(lagropt, name) is not None, name
        assert set(lagropt.__all__) <= set(dir(lagropt))
        from lagropt import nn, solver, tour          # submodules, as before
        from lagropt import *                         # noqa: F403
        print("ok")
    """)
    assert out == "ok"


def test_solving_loads_only_what_it_uses():
    out = _run("""
        import sys
        import sympy as sp
        import lagropt
        x, y = sp.symbols("x y", real=True)
        sol = lagropt.maximize(-(x - 2)**2 - (y - 1)**2 + 10, subject_to=[sp.Eq(x, y)]).solve()
        assert sol.x == {x: sp.Rational(3, 2), y: sp.Rational(3, 2)}, sol.x
        assert "\\\\lambda" in lagropt.latex.latex(sol.derivation)   # rendering is registered
        print(sorted(m for m in ("scipy.optimize", "matplotlib", "sklearn", "numba", "dask")
                     if m in sys.modules))
    """)
    assert out == "[]"


def test_an_unknown_name_is_an_attribute_error():
    out = _run("""
        import lagropt
        try:
            lagropt.no_such_name
        except AttributeError as e:
            print(e)
    """)
    assert out == "module 'lagropt' has no attribute 'no_such_name'"


def test_a_deep_import_finds_the_solver_and_the_renderers():
    """``from lagropt.problem import maximize`` never touches the package's lazy names: the
    registries ask the package to load the solver, shadow prices and LaTeX on first use."""
    out = _run("""
        import sympy as sp
        from lagropt.problem import maximize
        x, y = sp.symbols("x y", real=True)
        sol = maximize(x * y, subject_to=[sp.Eq(x + y, 2)]).solve()
        assert sol.x == {x: 1, y: 1}, sol.x
        assert "align" in sol.derivation.latex()
        # V*(c) = c^2/4 for x + y = c, so dV*/dc = c/2 = 1 at c = 2: the multiplier
        (price,) = sol.shadow_prices().prices
        assert sp.simplify(price.rate - 1) == 0
        print("ok")
    """)
    assert out == "ok"
