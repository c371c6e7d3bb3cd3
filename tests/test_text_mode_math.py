"""No mathematics left in LaTeX's text mode: what the notes print outside $...$ and displays
reads as prose ("$\\hat{y} - y$", "$\\operatorname{grad} f$", "$dV^{*}/dc$", "deck 002"), not as
SymPy's strings ("yhat - y", "grad f", "dV*/dc", "mu\\_1", "x**2") or capitalised deck numbers.

:func:`text_mode_math` is the scan; the tour's own test runs it on the whole tour, and this file
on the derivations of each family (KKT, losses and regression, backpropagation, statistical
mechanics, shadow prices and the dual), which the tour prints too.
"""

import re

import pytest
import sympy as sp

_MATH = [
    re.compile(r"\\begin\{(align|alignat|equation|gather|multline)\*?\}.*?\\end\{\1\*?\}", re.S),
    re.compile(r"\\\[.*?\\\]", re.S),
    re.compile(r"\\\(.*?\\\)", re.S),
    re.compile(r"(?<!\\)\$[^$]*(?<!\\)\$", re.S),
]
# what SymPy's strings or the lecture's ASCII shorthand look like when they reach text mode
_SUSPECT = {
    "a name with an escaped subscript (mu\\_1)": r"[A-Za-z]\\_",
    "an escaped power (x\\textasciicircum{}2)": r"\\textasciicircum",
    "a power written ** or ^": r"\*\*|\^",
    "a Greek letter or operator spelled out": r"\b(yhat|xhat|ybar|xbar|grad|lambda|mu|beta|"
                                              r"gamma|sigma|eps|epsilon|kappa|theta|sqrt)\b",
    "a derivative written dy/dx": r"\bd[A-Za-z]\w*\*?/d[A-Za-z]",
    "an optimal value written x*": r"(?<![\\\w])[A-Za-z]\w*\*(?![}{])",
    "an arrow written ->": r"->",
    "a relation typeset piecewise ($<$=)": r"\$[<>]\$=?",
    "a capitalised deck number (Deck 002)": r"\bDecks? \d",
}


def text_mode_math(tex: str) -> list[str]:
    """Each piece of text-mode LaTeX in the document body ``tex`` that holds mathematics
    written as a string, with what it looks like (empty when the text reads as prose)."""
    body = tex.split("\\begin{document}", 1)[-1]
    for pattern in _MATH:
        body = pattern.sub(" ", body)
    found = []
    for line in body.splitlines():
        for what, pattern in _SUSPECT.items():
            m = re.search(pattern, line)
            if m:
                found.append(f"{what}: ...{line[max(0, m.start() - 40):m.end() + 40]}...")
    return found


@pytest.mark.parametrize("tex, clean", [
    (r"its gradient $X^{T} (\hat{y} - y)$, and the fit (deck 002).", True),
    (r"its gradient $X^{T}$ (yhat - y)", False),
    (r"Stationarity, grad $f$", False),
    (r"Deck 002: the cross-entropy", False),
    (r"Shadow prices (dV*/dc = $\lambda$)", False),
    (r"with every mu\_j $>$= 0", False),
    ("\\begin{align*}\n  x^{2} &= \\lambda \\mu\n\\end{align*}", True),
    (r"\section*{Marshallian demand: how $x^{*}$ moves}", True),
])
def test_the_scan_tells_prose_from_text_mode_math(tex, clean):
    assert (text_mode_math(tex) == []) is clean


def _kkt():
    import lagropt

    x, y = sp.symbols("x y", real=True)
    return [lagropt.maximize(x**3 - 12 * x, [x <= 1, x >= -3]).solve().derivation,
            lagropt.maximize(x * y, [x**2 + y**2 <= 1]).solve().derivation]


def _regression():
    from lagropt.regression import derive

    return [derive.least_squares(), derive.ridge(), derive.gaussian_prior(),
            derive.eigen_rescaling(), derive.soft_threshold(), derive.weight_decay()]


def _backpropagation():
    from lagropt import nn

    return [nn.messages(m) for m in (nn.Linear(2, 2), nn.ReLU(), nn.Sigmoid(), nn.Tanh(),
                                     nn.SoftmaxCrossEntropy(), nn.CrossEntropy(),
                                     nn.SquaredError())]


def _statmech():
    from lagropt import statmech

    I = sp.Symbol("I", integer=True, positive=True)
    return [statmech.boltzmann(I, mean_energy=False).derivation, statmech.boltzmann(I).derivation]


def _multipliers():
    from lagropt.duality import dual
    from lagropt.problem import maximize, minimize

    x, y, p, q, m, a = sp.symbols("x y p q m a", positive=True)
    sol = maximize(x**a * y**(1 - a), [sp.Eq(p * x + q * y, m)], variables=[x, y],
                   params=[p, q, m, a], assume=[a < 1]).solve(timeout=60)
    u, v = sp.symbols("u v", real=True)
    closest = minimize(u**2 + v**2, [sp.Eq(u + v, 2)])
    return [sol.shadow_prices().derivation, sol.sensitivity(p).derivation,
            dual(closest).derivation]


@pytest.mark.parametrize("family", [_kkt, _regression, _backpropagation, _statmech,
                                    _multipliers])
def test_derivations_print_no_math_in_text_mode(family):
    for item in family():
        tex = item.latex()
        assert text_mode_math(tex) == [], tex[:300]
