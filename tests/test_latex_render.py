"""lagropt.latex: the printer, the annotations, index notation and the rendering of any step."""

import pickle

import pytest
import sympy as sp

import lagropt
from lagropt import Derivation, Step
from lagropt.latex import Context, LatexError, tex
from lagropt.latex.index import Indexer
from lagropt.latex.text import annotation, escape

x, y = sp.symbols("x y", real=True)
lam = sp.Symbol("lambda", real=True)
ps = sp.symbols("p1:5", positive=True)
eps = sp.symbols("varepsilon1:5", real=True)
lam1, lam2 = sp.symbols("lambda_1 lambda_2", real=True)
XY = Context((x, y), (lam,), {x, y, lam})
STATES = Context(ps, (lam1, lam2), set(ps) | set(eps) | {lam1, lam2})


# -- symbols and expressions ----------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("lambda_2", r"\lambda_{2}"), ("varepsilon1", r"\varepsilon_{1}"), ("p_i", "p_{i}"),
    ("beta", r"\beta"), ("p10", "p_{10}"), ("E", "E"), ("mu_1", r"\mu_{1}"),
])
def test_symbols_print_as_the_user_named_them(name, expected):
    assert tex(sp.Symbol(name)) == expected


def test_indexed_and_symbolic_sums():
    p = sp.IndexedBase("p")
    i = sp.Symbol("i", integer=True)
    I = sp.Symbol("I", integer=True, positive=True)
    assert tex(p[i]) == "{p}_{i}"
    assert tex(-sp.Sum(p[i] * sp.log(p[i]), (i, 1, I))) == r"- \sum_{i=1}^{I} {p}_{i} \ln {p}_{i}"


def test_the_lagrangian_reads_f_minus_lambda_g():
    f, g = sp.Function("f")(x, y), sp.Function("g")(x, y)
    assert tex(f - lam * g, XY) == r"f(x, y) - \lambda g(x, y)"
    explicit = -lam * (x - y) - (x - 2) ** 2 - (y - 1) ** 2 + 10
    assert tex(explicit, XY) == (r"- \left(x - 2\right)^{2} - \left(y - 1\right)^{2} + 10 "
                                 r"- \lambda \left(x - y\right)")


def test_derivatives_of_symbolic_functions():
    f = sp.Function("f")(x, y)
    assert tex(sp.Derivative(f, x)) == r"\frac{\partial f(x, y)}{\partial x}"
    assert tex(sp.Derivative(f, x, 2)) == r"\frac{\partial^{2} f(x, y)}{\partial x^{2}}"


def test_exponentials_are_split_by_multiplier():
    assert tex(sp.exp(-lam - 1), XY) == r"e^{-(1 + \lambda)}"
    assert tex(sp.exp(-lam1 - lam2 * eps[0] - 1), STATES) == \
        r"e^{-(1 + \lambda_{1})} e^{- \lambda_{2} \varepsilon_{1}}"
    # e^{-1} e^{-lambda_1} (sum) is one exponential in front of the sum
    Z = sp.Add(*[sp.exp(-lam2 * e) for e in eps[:3]])
    assert tex(sp.exp(-1) * sp.exp(-lam1) * Z, STATES) == \
        r"e^{-(1 + \lambda_{1})} \sum_{i=1}^{3} e^{- \lambda_{2} \varepsilon_{i}}"
    assert tex(sp.exp(x + y), XY) == "e^{x + y}"      # no multiplier: left alone


def test_logarithms_and_numbers_last():
    assert tex(sp.log(2) - 1) == r"\ln 2 - 1"
    assert tex(sp.log(x + 1)) == r"\ln\left(x + 1\right)"
    assert tex(3 - x, XY) == "- x + 3"                # the lecture's y = -x + 3


def test_sums_over_states_fold_into_sigma_but_two_terms_do_not():
    assert tex(sp.Add(*ps[:3]) - 1, STATES) == r"\sum_{i=1}^{3} p_{i} - 1"
    assert tex(ps[0] + ps[1] - 1, STATES) == "p_{1} + p_{2} - 1"
    assert tex(-sp.Add(*[p * sp.log(p) for p in ps]), STATES) == r"- \sum_{i=1}^{4} p_{i} \ln p_{i}"
    assert tex(sp.Add(*[p * e for p, e in zip(ps, eps)]) - sp.Symbol("E"), STATES) == \
        r"\sum_{i=1}^{4} p_{i} \varepsilon_{i} - E"
    # multipliers are never indexed; non-contiguous numbers are not a sum
    assert tex(lam1 + lam2, STATES) == r"\lambda_{1} + \lambda_{2}"
    assert tex(ps[0] + ps[1] + ps[3], STATES) == "p_{1} + p_{2} + p_{4}"
    assert "sum" not in tex(sp.Add(*ps), Context(ps, (), set(ps), fold=False))


def test_long_argument_lists_are_shortened():
    p10 = sp.symbols("p1:11", positive=True)
    ctx = Context(p10, (lam,), set(p10) | {lam})
    assert tex(sp.Function("L")(*p10, lam), ctx) == r"L(p_{1}, p_{2}, \dots, p_{10}, \lambda)"
    assert tex(sp.Function("f")(*[sp.Rational(1, 10)] * 10)) == \
        r"f\left(\frac{1}{10}, \frac{1}{10}, \dots, \frac{1}{10}\right)"


def test_algebraic_numbers_use_a_neutral_variable():
    assert tex(sp.CRootOf(x ** 5 - x - 1, 0)) == r"\operatorname{CRootOf}\left(t^{5} - t - 1, 0\right)"


def test_floats_show_six_significant_digits():
    assert tex(sp.Float("0.123456789012345", 15)) == "0.123457"


# -- index notation ---------------------------------------------------------------------------

def test_index_folding_of_lines():
    ix = Indexer(list(ps) + list(eps), [s.name for s in ps + eps])
    lines = [sp.Eq(-sp.log(p) - 1, lam1 + lam2 * e) for p, e in zip(ps, eps)] + [sp.Eq(x, 1)]
    folded = ix.fold_sequence(lines)
    assert len(folded) == 2 and folded[1] == lines[-1]
    fold = folded[0]
    p_i, e_i = sp.Symbol("p_i", positive=True), sp.Symbol("varepsilon_i", real=True)
    assert fold.pattern == sp.Eq(-sp.log(p_i) - 1, lam1 + lam2 * e_i)
    assert fold.numbers == (1, 2, 3, 4) and fold.index == sp.Symbol("i", integer=True)
    # every member is the pattern with the index replaced: nothing is lost by folding
    for n, member in zip(fold.numbers, fold.members):
        back = {p_i: ps[n - 1], e_i: eps[n - 1]}
        assert fold.pattern.xreplace(back) == member


def test_index_name_avoids_symbols_in_use():
    lines = [sp.Eq(p, 1) for p in ps]
    (fold,) = Indexer(ps, [s.name for s in ps] + ["i"]).fold_sequence(lines)
    assert fold.index.name == "j" and fold.pattern == sp.Eq(sp.Symbol("p_j", positive=True), 1)
    taken = ["p_i", "p_j", "p_k", "p_n", "p_m", "p_l"]
    assert Indexer(ps, taken).fold_sequence(lines) == lines      # no free index: written out


# -- densities: functions of x, functionals of p ---------------------------------------------

px = sp.Function("p")(x)
mu, beta, gamma = sp.symbols("mu beta gamma", real=True)
V_ = sp.Symbol("V", positive=True)
DENSITY = Context((px,), (lam1, beta, gamma), {x, mu, V_, lam1, beta, gamma})


def test_functionals_take_square_brackets_and_functional_derivatives_delta():
    h, g = sp.Function("h")(px), sp.Function("g_1")(px)
    assert tex(h) == "h[p]"
    assert tex(sp.Function("L")(px, lam1, beta)) == r"L[p, \lambda_{1}, \beta]"
    assert tex(sp.Derivative(g, px)) == r"\frac{\delta g_{1}[p]}{\delta p(x)}"
    assert tex(sp.log(px)) == r"\ln p(x)"


def test_integrals_keep_their_limits_beside_the_sign():
    assert tex(-sp.Integral(px * sp.log(px), (x, 0, sp.oo))) == \
        r"- \int_{0}^{\infty} p(x) \ln p(x)\, dx"


def test_a_density_orders_terms_by_its_function_and_argument():
    mean = sp.Integral(x * px, (x, -sp.oo, sp.oo))
    assert tex(mean - mu, DENSITY) == r"\int_{-\infty}^{\infty} x p(x)\, dx - \mu"
    assert tex(-mu + x, DENSITY) == r"x - \mu"
    L = -sp.Integral(px * sp.log(px), (x, 0, 1)) - beta * (mean - mu) \
        - lam1 * (sp.Integral(px, (x, 0, 1)) - 1)
    assert tex(L, DENSITY).startswith(r"- \int_{0}^{1} p(x) \ln p(x)\, dx - \lambda_{1}")
    assert tex(lam1 + beta * x + gamma * (x - mu) ** 2, DENSITY) == \
        r"\lambda_{1} + \beta x + \gamma \left(x - \mu\right)^{2}"
    assert tex(sp.exp(-lam1 - 1 - beta * x), DENSITY) == r"e^{-(1 + \lambda_{1})} e^{- \beta x}"


def test_even_powers_of_a_difference_lead_with_the_variable():
    assert tex((mu - x) ** 2, DENSITY) == r"\left(x - \mu\right)^{2}"
    assert tex((mu - x) ** 3, DENSITY) == r"\left(- x + \mu\right)^{3}"     # odd: as it is


def test_products_of_square_roots_are_one_root():
    gaussian = sp.exp(-(x - mu) ** 2 / (2 * V_)) / sp.sqrt(2 * sp.pi * V_)
    assert tex(gaussian, DENSITY) == \
        r"\frac{1}{\sqrt{2 \pi V}} e^{- \frac{\left(x - \mu\right)^{2}}{2 V}}"
    assert tex(sp.sqrt(2 * sp.pi * V_)) == r"\sqrt{2 \pi V}"
    g = sp.Symbol("gamma", positive=True)
    assert tex(sp.sqrt(sp.pi / g) * sp.exp(beta)) == r"\sqrt{\frac{\pi}{\gamma}} e^{\beta}"
    assert tex(sp.sqrt(3) / 3) == r"\frac{\sqrt{3}}{3}"                    # one root: as it is
    assert tex(sp.Integral(x * px, (x, 0, 1)) / sp.Symbol("Z")) == \
        r"\frac{1}{Z} \int_{0}^{1} x p(x)\, dx"


# -- long rows --------------------------------------------------------------------------------

@pytest.mark.parametrize("row, points", [       # widths pdflatex gives in an 11pt display
    (r"\lambda_{1}", 11.1), (r"a - b", 23.9), (r"a = b", 25.1),
    (r"\int_{-\infty}^{\infty} p(x) \ln p(x)\, dx", 90.6), (r"\sum_{i=1}^{3}", 15.8),
    (r"L(p_{1}, p_{2}, p_{3}, \lambda_{1}, \lambda_{2})", 88.5),
    (r"\frac{e^{- \beta x}}{Z}", 24.6),
    (r"= - \int_{-1}^{2} p(x) \ln p(x)\, dx - \lambda_{1} \left(\int_{-1}^{2} p(x)\, dx - 1\right)",
     223.0),
])
def test_row_widths_are_estimated_within_a_few_percent(row, points):
    from lagropt.latex.width import estimate

    assert estimate(row) == pytest.approx(points, rel=0.08)


def test_a_row_too_wide_for_the_page_breaks_between_terms():
    from lagropt.latex.render import ROW_WIDTH
    from lagropt.latex.width import estimate

    L = sp.Function("L")(px, lam1, beta, gamma)
    spread = sp.Integral((x - mu) ** 2 * px, (x, -sp.oo, sp.oo)) - V_
    rhs = -sp.Integral(px * sp.log(px), (x, -sp.oo, sp.oo)) \
        - lam1 * (sp.Integral(px, (x, -sp.oo, sp.oo)) - 1) \
        - beta * (sp.Integral(x * px, (x, -sp.oo, sp.oo)) - mu) - gamma * spread
    d = Derivation([Step("problem", "", (sp.Eq(sp.Function("h")(px), rhs.args[0]),),
                         data={"variables": (px,)}),
                    Step("lagrangian", "The Lagrangian:", (sp.Eq(L, rhs, evaluate=False),)),
                    Step("chained", "Then:", (sp.Eq(L, 0, evaluate=False),
                                              sp.Eq(L, rhs, evaluate=False)), chain=True)])
    out = d.latex()
    block = out.split("The Lagrangian:")[1].split(r"\end{align*}")[0]
    rows = block.split("\n")[2:-1]
    assert rows == [
        r"  L[p, \lambda_{1}, \beta, \gamma] &= - \int_{-\infty}^{\infty} p(x) \ln p(x)\, dx "
        r"- \lambda_{1} \left(\int_{-\infty}^{\infty} p(x)\, dx - 1\right) \\",
        r"  &\quad - \beta \left(\int_{-\infty}^{\infty} x p(x)\, dx - \mu\right) \\",
        r"  &\quad - \gamma \left(\int_{-\infty}^{\infty} \left(x - \mu\right)^{2} p(x)\, dx "
        r"- V\right)"]
    assert all(estimate(r) < ROW_WIDTH for r in rows)
    # in a chain the further lines keep the arrow's column empty
    assert r"  && &\quad - \gamma \left(" in out.split("Then:")[1]
    # a row that fits stays whole
    assert r"L[p, \lambda_{1}, \beta, \gamma] &= 0" in out


# -- annotations ------------------------------------------------------------------------------

NAMES = {"x": "x", "y": "y", "z": "z", "lambda": r"\lambda", "g": "g", "f": "f", "L": "L",
         "h_1": "h_{1}", "lambda_2": r"\lambda_{2}"}


@pytest.mark.parametrize("text, expected", [
    ("Insert into the constraint g = 0 and solve for lambda:",
     r"Insert into the constraint $g = 0$ and solve for $\lambda$:"),
    ("Case -lambda + y**2*z**2 = 0; z = 0:", r"Case $-\lambda + y^{2} z^{2} = 0$; $z = 0$:"),
    ("with every mu_j >= 0:", r"with every $\mu_{j} \geq 0$:"),
    ("(e.g. x**2 + y**2 = -1 for real x, y)", r"(e.g. $x^{2} + y^{2} = -1$ for real $x$, $y$)"),
    ("grad g (N + K = 2 + 1 equations)",
     r"$\operatorname{grad} g$ ($N + K = 2 + 1$ equations)"),
    # the lecture's notation in prose: accents, optimal values, derivatives, abbreviations
    ("its gradient X^T (yhat - y)", r"its gradient $X^{T} (\hat{y} - y)$"),
    ("the error yhat_i - y_i", r"the error $\hat{y}_{i} - y_{i}$"),
    ("that is what we chat about", "that is what we chat about"),
    ("grad f and grad g are parallel",
     r"$\operatorname{grad} f$ and $\operatorname{grad} g$ are parallel"),
    ("x(t+1) = x(t) - eps dy/dx, the rate eps0/(1 + kappa t)",
     r"$x(t+1) = x(t) - \varepsilon dy/dx$, the rate $\varepsilon_{0}/(1 + \kappa t)$"),
    ("the optimal value V*(c); dV*/dc = dL/dc", r"the optimal value $V^{*}(c)$; "
     r"$dV^{*}/dc = dL/dc$"),
    ("how x* moves: dx*/dtheta", r"how $x^{*}$ moves: $dx^{*}/d\theta$"),
    ("mu_1*(x + y - 4) = 0", r"$\mu_{1} (x + y - 4) = 0$"),
    ("the multipliers are >= 0, so", r"the multipliers are $\geq 0$, so"),
    ("With yhat = softmax(z)", r"With $\hat{y} = \operatorname{softmax}\left(z\right)$"),
    ("the next module's delta", r"the next module's $\delta$"),
    ("each multiplier is f'(u*) > 0 times", r"each multiplier is $f'(u^{*}) > 0$ times"),
    ("a family of solutions, free in z", r"a family of solutions, free in $z$"),
    ("the second-order test, 0.3 s", "the second-order test, 0.3 s"),
    ("x = sqrt(1 - z**2)", r"$x = \sqrt{1 - z^{2}}$"),
    ("lambda_2 is fixed", r"$\lambda_{2}$ is fixed"),
    ("and Z -> I as T -> oo.", r"and $Z \to I$ as $T \to \infty$."),
    ("minus the derivative of ln Z by", r"minus the derivative of $\ln Z$ by"),
])
def test_annotations_typeset_their_math(text, expected):
    assert annotation(text, NAMES) == expected


def test_text_is_escaped_for_latex():
    assert escape("50% & #1 ~ {a} x_1 ^ < ≈ ∑") == \
        r"50\% \& \#1 \textasciitilde{} \{a\} x\_1 \textasciicircum{} $<$ $\approx$ [U+2211]"


# -- any step ---------------------------------------------------------------------------------

def test_an_unknown_step_kind_renders_generically():
    p = sp.IndexedBase("p")
    i, j = sp.symbols("i j", integer=True)
    N = sp.Symbol("N", integer=True, positive=True)
    d = Derivation([
        Step("hessian", "The bordered Hessian at x = 3/2 (100% & done):",
             (sp.Matrix([[0, 1], [1, -2]]), sp.Le(x, 2), x ** 2 + 1, sp.true, "in words")),
        Step("symbolic", "Differentiate sum_i p_i ln p_i by p_j:",
             (sp.Eq(sp.Derivative(sp.Sum(p[i] * sp.log(p[i]), (i, 1, N)), p[j]),
                    sp.log(p[j]) + 1, evaluate=False),), chain=True),
        Step("chain", "Then:", (sp.Eq(x, 1), sp.Eq(y, 2 * x), sp.Eq(y, 2)), chain=True),
    ])
    out = d.latex()
    assert out.count(r"\begin{align*}") == 2 and out.count(r"\begin{alignat*}{2}") == 1
    assert r"at $x = 3/2$ (100\% \& done):" in out
    assert r"\left[\begin{matrix}0 & 1\\1 & -2\end{matrix}\right]" in out
    assert r"x &\leq 2" in out and r"&\text{true}" in out and r"&\text{in words}" in out
    assert r"\frac{\partial \sum_{i=1}^{N} {p}_{i} \ln {p}_{i}}{\partial {p}_{j}}" in out
    assert r"\Rightarrow\quad && y &= 2 x" in out
    assert "\n\n" not in out.split(r"\begin{align*}")[1].split(r"\end{align*}")[0]


def test_symbolic_sums_over_states_name_the_partition_function():
    p, eps_ = sp.IndexedBase("p", positive=True), sp.IndexedBase("varepsilon", real=True)
    i = sp.Symbol("i", integer=True)
    I = sp.Symbol("I", integer=True, positive=True)
    Z = sp.Sum(sp.exp(-lam2 * eps_[i]), (i, 1, I))
    d = Derivation([Step("solution", "The critical point, in terms of lambda_2:",
                         (sp.Eq(p[i], sp.exp(-lam2 * eps_[i]) / Z),)),
                    Step("remaining", "lambda_2 is fixed by:",
                         (sp.Eq(sp.Sum(eps_[i] * sp.exp(-lam2 * eps_[i]), (i, 1, I)) / Z,
                                sp.Symbol("E")),))])
    out = d.latex()
    assert r"{p}_{i} &= \frac{e^{- \lambda_{2} {\varepsilon}_{i}}}{Z}" in out
    assert r"Z &= \sum_{i=1}^{I} e^{- \lambda_{2} {\varepsilon}_{i}} \quad \text{(the partition function)}" in out
    assert r"\frac{1}{Z} \sum_{i=1}^{I} {\varepsilon}_{i} e^{- \lambda_{2} {\varepsilon}_{i}} &= E" in out


def test_steps_keep_their_relations_through_pickling():
    """The solver's worker pickles the derivation: Eq(1, 0) must not come back as False."""
    step = Step("equations", "", (sp.Eq(sp.Integer(1), 0, evaluate=False),
                                  sp.Eq(lam, lam, evaluate=False), sp.Le(x, 2)))
    back = pickle.loads(pickle.dumps(step))
    assert [type(e) for e in back.equations] == [sp.Equality, sp.Equality, sp.LessThan]
    assert back.equations[0].lhs == 1 and back.equations[1].rhs == lam
    assert back.xreplace({x: y}).equations[1] == sp.Eq(lam, lam, evaluate=False)


def test_unbounded_without_critical_point_shows_the_equation_that_fails():
    sol = lagropt.maximize(x + y).solve()
    assert sol.status == "unbounded" and sol.points == []
    assert "1 &= 0" in sol.latex()


def test_plain_text_derivatives_read_as_the_lecture():
    sol = lagropt.maximize(-(x - 2) ** 2 - (y - 1) ** 2 + 10, subject_to=[sp.Eq(x, y)]).solve()
    assert "∂f(x, y)/∂x = lambda*∂g(x, y)/∂x" in str(sol.derivation)


# -- everywhere a user looks --------------------------------------------------------------------

def test_jupyter_reprs():
    problem = lagropt.maximize(-(x - 2) ** 2 - (y - 1) ** 2 + 10, subject_to=[sp.Eq(x, y)])
    sol = problem.solve()
    assert problem._repr_latex_() == (
        "\\begin{align*}\n"
        r"  &\operatorname*{argmax}_{x,\, y} \left\{ - \left(x - 2\right)^{2} - "
        r"\left(y - 1\right)^{2} + 10 \right\} \\" "\n"
        r"  &\text{subject to } x = y" "\n"
        "\\end{align*}\n")
    assert sol.derivation._repr_latex_() == sol.derivation.latex() == sol.latex()
    summary = sol._repr_latex_()
    assert summary.startswith("Optimal.")
    assert r"x &= \frac{3}{2}, \quad y = \frac{3}{2}, \quad \lambda = 1" in summary
    assert r"f &= \frac{19}{2} \quad \text{(maximum)}" in summary


def test_single_variable_problem_states_its_argmin():
    t = sp.Symbol("t", positive=True)
    assert r"\hat{t} = \operatorname*{argmin}_{t}" in lagropt.minimize((t - 1) ** 2).latex()


def test_rendering_something_else_is_a_clear_error():
    with pytest.raises(LatexError, match="cannot render a int"):
        lagropt.latex.latex(3)


def test_an_approximate_relation_stays_inside_one_formula():
    # a rejected case reads "mu_1 ≈ -5.782 < 0": one formula, not three pieces around a text ≈
    from lagropt.latex.text import annotation
    text = annotation("Rejected: mu_1 ≈ -5.782 < 0: not a minimum.", {"mu_1": r"\mu_{1}"})
    assert text == r"Rejected: $\mu_{1} \approx -5.782 < 0$: not a minimum."
    assert annotation("x ≤ 2 holds", {}) == r"$x \leq 2$ holds"


def test_a_parameter_named_a_leaves_the_article_alone():
    # with a symbol a in the derivation, "a convex set" keeps its article as a word, while a
    # relation in a stays math
    names = {"a": "a", "c": "c", "f": "f"}
    text = annotation("f is concave on a convex set: every critical point is a global maximum "
                      "where a >= 2*c", names)
    assert "$a$" not in text and "on a convex set" in text and "is a global" in text
    assert r"$a \geq 2 c$" in text
