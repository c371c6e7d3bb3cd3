"""Hostile and oversized inputs (issue 14): each gets a one-line error and exit status 2 in
bounded time and memory, and none of it refuses an honest real problem.

The command-line cases run in a subprocess with a generous wall limit (they take about a
second; the limit only proves that they end) and an address-space cap of 1.5 GiB (a normal
`lagropt solve` runs under 400 MiB, checked below), so that a refusal cannot be a crash
from running out of memory and an input that expands without bound cannot take the machine.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from lagropt import maximize, minimize, optim
from lagropt.errors import OptimizerError, ProblemError
from lagropt.guards import MAX_EXPONENT, MAX_TERMS, expanded_terms, non_real_part
from lagropt.parse import MAX_DEPTH, ParseError, parse_constraint, parse_expr, parse_symbols

ROOT = Path(__file__).resolve().parents[1]
MEMORY_CAP = 3 * 2 ** 29        # 1.5 GiB of address space
WALL_LIMIT = 60                 # seconds; each case takes about one

x, y = sp.symbols("x y", real=True)


def _cap_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_cli(*args, memory_cap=MEMORY_CAP):
    """``python -m lagropt ARGS`` under the wall limit and the memory cap."""
    return subprocess.run([sys.executable, "-m", "lagropt", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=WALL_LIMIT,
                          preexec_fn=_cap_memory if memory_cap else None,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def assert_refused(result, says):
    """Exit status 2, one line on stderr that names the problem, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[-2000:]
    assert lines[0].startswith("lagropt: error: ")
    assert says in lines[0], lines[0]
    assert "Traceback" not in result.stderr


def test_the_memory_cap_leaves_room_for_an_ordinary_solve():
    """The cap is not what refuses the hostile inputs: a normal problem solves under it
    (minimum of x^2 + y^2 on x + y = 1 is 1/2, at x = y = 1/2)."""
    result = run_cli("solve", "x^2 + y^2", "--min", "-s", "x + y = 1", "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    assert '"exact": "1/2"' in result.stdout


# -- the cases of issue 14, each on the command line --------------------------------------------

@pytest.mark.parametrize("args, says", [
    (["descend", "prod(2, i, 1, 10**10) + x^2", "--x0", "1"], "1e+10 terms"),
    (["descend", "sum(p[i]^2, i, 1, 10**7)", "--x0", "1"], "10000000 terms"),
    (["solve", "sum(p[i]^2, i, 1, 10**7)", "--min"], "10000000 terms"),
    (["solve", "exp(prod(i, i, 1, 10**7)) + x", "--min"], "10000000 terms"),
    (["solve", "-(i, 1, N) + x", "--min"], "tuple"),
    (["solve", "x**(10**100)", "--max", "-s", "x^2 + y^2 = 1"], f"limit for powers of variables "
                                                                  f"is {MAX_EXPONENT}"),
    (["solve", "x + 1e999999999", "--min", "-s", "x^2 = 1"], "infinite"),
    (["solve", "x*1e100000", "--min", "-s", "x^2 = 1"], "infinite"),
    (["solve", "--file", "/dev/zero"], "not a regular file"),
    (["maxent", "--values", "1,2,3", "--mean", "1e999999999"], "beyond the range"),
    (["maxent", "--values", "1,2,3", "--mean", "1e100000"], "beyond the range"),
    (["maxent", "--values", "1,2,3", "--mean", "1e400"], "beyond the range"),
    (["maxent", "--values", "1,2,1e400", "--mean", "2"], "beyond the range"),
])
def test_hostile_inputs_of_issue_14_are_refused_in_one_line(args, says):
    assert_refused(run_cli(*args), says)


def test_a_problem_file_too_large_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("min: x^2\n" + "# padding\n" * 20_000)
    assert_refused(run_cli("solve", "--file", str(path)), "larger than")


def test_a_pipe_or_a_folder_as_problem_file_is_refused(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)             # nobody writes to it: opening must not wait for a writer
    assert_refused(run_cli("solve", "--file", str(fifo)), "not a regular file")
    assert_refused(run_cli("solve", "--file", str(tmp_path)), "not a regular file")


def test_a_small_problem_file_still_works(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("min: x^2 + y^2\nx + y = 1\n")
    result = run_cli("solve", "--file", str(path), "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    assert '"exact": "1/2"' in result.stdout


# -- sums and products are counted before they are expanded ------------------------------------

def test_terms_are_counted_without_expanding():
    i, j = sp.symbols("i j", integer=True)
    p, N = sp.IndexedBase("p"), sp.Symbol("N", integer=True)
    assert expanded_terms(sp.Sum(p[i], (i, 1, 10 ** 100))) == 10 ** 100
    assert expanded_terms(sp.Sum(sp.Sum(p[i] * p[j], (i, 1, 30)), (j, 1, 40))) == 1200
    assert expanded_terms(sp.Sum(p[i], (i, 1, 3)) + sp.Product(p[i], (i, 0, 4))) == 8
    assert expanded_terms(sp.Sum(p[i], (i, 1, N))) == 1          # symbolic: not written out
    assert expanded_terms(sp.Sum(sp.exp(-i), (i, 0, sp.oo))) == 1
    assert expanded_terms(sp.Sum(p[i], (i, 5, 1))) == 0          # an empty range
    # a range that depends on an enclosing index counts at its longest: 100 * 100, not 100
    assert expanded_terms(sp.Sum(sp.Sum(p[j], (j, 1, i)), (i, 1, 100))) == 100 * 100


@pytest.mark.parametrize("text", [
    f"sum(p[i], i, 1, {MAX_TERMS + 1})", "sum(sum(p[i]*q[j], i, 1, 100), j, 1, 100)",
    "sum(p[i], i, 1, 3000) + sum(q[i], i, 1, 3000)", "prod(2, i, 1, 10**10) + x^2",
    "exp(prod(i, i, 1, 10**7)) + x", "Sum(p[i], (i, -10**9, 10**9))",
])
def test_too_many_terms_are_refused_by_the_parser(text):
    with pytest.raises(ParseError, match=f"limit is {MAX_TERMS}"):
        parse_expr(text)


@pytest.mark.parametrize("text", ["prod(10**3999, i, 1, 100)", "prod(i, i, 1, 4000)",
                                  "x + prod(2^(i^2), i, 1, 100)", "sum(2^(2^i), i, 1, 100)",
                                  "sum(exp(exp(i)) * x, i, 1, 10)"])
def test_sums_and_products_of_numbers_too_large_to_compute_are_refused(text):
    """Writing these out would compute 2**(2**100) and the like: refused before."""
    with pytest.raises(ParseError, match="digits"):
        parse_expr(text)


@pytest.mark.parametrize("text", ["sum(x^(2^i), i, 1, 20)", "prod(x, i, 1, 2000)",
                                  "prod(x^i, i, 1, 100) + y"])
def test_sums_and_products_whose_terms_are_powers_too_high_are_refused(text):
    with pytest.raises(ParseError, match=f"limit for powers of variables is {MAX_EXPONENT}"):
        parse_expr(text)


def test_a_nested_sum_whose_inner_range_grows_is_counted_at_its_longest():
    with pytest.raises(ParseError, match=f"1000000 terms written out; the limit is {MAX_TERMS}"):
        parse_expr("sum(sum(p[j], j, 1, i), i, 1, 1000)")


def test_sums_within_the_limit_still_work():
    i, N = sp.Symbol("i", integer=True), sp.Symbol("N", real=True)
    p = sp.IndexedBase("p", real=True)
    assert parse_expr(f"sum(i, i, 1, {MAX_TERMS})").doit() == MAX_TERMS * (MAX_TERMS + 1) // 2
    assert parse_expr("prod(2, i, 1, 1000)").doit() == 2 ** 1000
    assert parse_expr("sum(p[i]*log(p[i]), i, 1, N)") == sp.Sum(p[i] * sp.log(p[i]), (i, 1, N))


def test_the_api_refuses_sums_too_long_and_powers_too_high():
    i = sp.Symbol("i", integer=True)
    p = sp.IndexedBase("p", real=True)
    with pytest.raises(ProblemError, match=f"limit is {MAX_TERMS}"):
        minimize(sp.Sum(p[i] ** 2, (i, 1, 10 ** 7)))
    with pytest.raises(ProblemError, match=f"limit for powers of variables is {MAX_EXPONENT}"):
        maximize(x ** (10 ** 100), subject_to=[sp.Eq(x ** 2 + y ** 2, 1)])


@pytest.mark.parametrize("text", ["-(i, 1, N) + x", "(1, 2) * x", "sin((x, y))",
                                  "p[(1, 2), 3] + (x, 1)"])
def test_tuples_outside_the_limits_of_a_sum_are_refused(text):
    with pytest.raises(ParseError, match="tuple"):
        parse_expr(text)


# -- nesting is depth, not width ----------------------------------------------------------------

def test_a_flat_sum_of_500_terms_parses():
    """Python reads a + b + c ... as a left-leaning tree 500 deep; it is one flat sum."""
    text = " + ".join(["x", "y"] * 250)
    assert parse_expr(text) == 250 * x + 250 * y
    assert parse_expr("-".join(["x"] * 500)) == -498 * x
    assert parse_expr("*".join(["x", "y"] * 250)) == x ** 250 * y ** 250
    assert parse_expr("/".join(["x"] * 3 + ["y"] * 300)) == 1 / (x * y ** 300)
    rel = parse_constraint(text.replace(" ", "") + " <= 1")
    assert sp.simplify(rel.lhs - (250 * x + 250 * y)) == 0


@pytest.mark.parametrize("text", ["-" * 100 + "x", "sin(" * 100 + "x" + ")" * 100,
                                  "x" + "**x" * 100, "x*(" * 100 + "x" + ")" * 100])
def test_genuine_nesting_is_still_refused(text):
    with pytest.raises(ParseError, match=f"nesting deeper than {MAX_DEPTH}"):
        parse_expr(text)


def test_a_10000_deep_nesting_is_refused():
    with pytest.raises(ParseError):
        parse_expr("(" * 10_000 + "x" + ")" * 10_000)
    with pytest.raises(ParseError):
        parse_expr("-" * 10_000 + "x")


# -- names that print alike -----------------------------------------------------------------------

def test_a_cyrillic_letter_is_refused_naming_it():
    cyrillic_u = "\u0443"
    with pytest.raises(ParseError, match="U\\+0443 CYRILLIC SMALL LETTER U; use ASCII letters"):
        parse_expr(f"{cyrillic_u} + y")
    with pytest.raises(ParseError, match="CYRILLIC"):
        parse_constraint(f"x + {cyrillic_u} = 1")
    with pytest.raises(ParseError, match="CYRILLIC"):
        parse_expr(f"{cyrillic_u}[1] + y")
    with pytest.raises(ParseError, match="CYRILLIC"):
        parse_symbols(f"x, {cyrillic_u}")


def test_cyrillic_homoglyph_on_the_command_line():
    assert_refused(run_cli("solve", "\u0443^2 + y^2", "--min", "-s", "\u0443 + y = 1"),
                   "U+0443 CYRILLIC SMALL LETTER U")


@pytest.mark.parametrize("letter", ["\u0391", "\u039f", "\u03bf", "\u0410", "\u0435"])
def test_greek_and_cyrillic_lookalikes_of_latin_letters_are_refused(letter):
    """Capital Alpha, capital and small omicron, Cyrillic A and ie."""
    with pytest.raises(ParseError, match=f"U\\+{ord(letter):04X}"):
        parse_expr(f"x + {letter}")


def test_greek_letters_and_compatibility_forms_are_read():
    alpha, beta, rho = sp.symbols("α β ρ", real=True)
    assert parse_expr("α*β + ρ") == alpha * beta + rho
    assert [s.name for s in parse_symbols("λ, x1")] == ["λ", "x1"]
    assert parse_expr("\uff58 + x") == 2 * x          # fullwidth x is x (NFKC, as Python reads)


# -- real means real ------------------------------------------------------------------------------

@pytest.mark.parametrize("objective, part", [
    (sp.sqrt(-1) * x, "I"), (sp.I * x ** 2 + x, "I"), (sp.log(-2) * x ** 2, "log(2) + I*pi"),
    (sp.Integer(-8) ** sp.Rational(1, 3) * x ** 2, "(-1)**(1/3)"),
    (x ** 2 + sp.asin(3) * x, "asin(3)"),
])
def test_non_real_objectives_are_refused_naming_the_part(objective, part):
    with pytest.raises(ProblemError, match="not real-valued") as info:
        minimize(objective, subject_to=[sp.Eq(x ** 2 + y ** 2, 1)])
    assert part in str(info.value)
    assert "\n" not in str(info.value)


def test_a_non_real_constraint_is_refused():
    """With real x and y SymPy itself decides Eq(x + y, I) is False (an infeasible problem,
    which is true); left unevaluated, lagropt refuses it."""
    with pytest.raises(ProblemError, match=r"constraint 1 .* is not real-valued: -I"):
        minimize(x ** 2 + y ** 2, subject_to=[sp.Eq(x + y, sp.sqrt(-1), evaluate=False)])
    assert minimize(x ** 2 + y ** 2, subject_to=[sp.Eq(x + y, sp.I)]).solve().status == "infeasible"
    with pytest.raises(ProblemError, match="constraint 2"):
        maximize(x * y, subject_to=[x + y <= 1, sp.Ge(x - sp.log(-1), 0, evaluate=False)])


def test_descent_refuses_a_non_real_expression():
    with pytest.raises(OptimizerError, match="not real-valued"):
        optim.minimize(x ** 2 + sp.I * x, [1.0], optim.GD(0.1), wrt=[x])


@pytest.mark.parametrize("args, says", [
    (["solve", "sqrt(-1)*x", "--min", "-s", "x^2 = 1"], "I in the term I*x"),
    (["solve", "log(-2)*x^2", "--min"], "log(2) + I*pi"),
    (["solve", "(-8)**(1/3)*x^2", "--min"], "(-1)**(1/3)"),
    (["solve", "x^2 + y^2", "--min", "-s", "x + y = sqrt(-1)"], "constraint 1"),
    (["solve", "x^2", "--min", "-s", "x >= sqrt(-1)"], "constraint 1 (x >= I)"),
    (["descend", "x^2 + sqrt(-1)*x", "--x0", "1"], "I in the term I*x"),
])
def test_non_real_problems_on_the_command_line(args, says):
    result = run_cli(*args)
    assert_refused(result, says)
    assert "not real-valued" in result.stderr


@pytest.mark.parametrize("expr", [
    sp.log(x), sp.sqrt(x), x ** sp.Rational(1, 3), sp.sqrt(1 - x ** 2), sp.acos(x),
    (1 + sp.I) * (1 - sp.I) * x,                 # the constant is 2
    sp.exp(sp.I * x) + sp.exp(-sp.I * x),         # 2 cos(x): the imaginary parts cancel
    sp.log(2) * x + sp.pi, sp.Integer(8) ** sp.Rational(1, 3) * x,
])
def test_real_valued_expressions_are_not_refused(expr):
    assert non_real_part(expr) is None
    minimize(expr + y ** 2)                         # constructs


def test_a_real_problem_with_logs_and_roots_still_solves():
    """minimize x - log(x) over x > 0: f'(x) = 1 - 1/x = 0 at x = 1, f(1) = 1, f'' = 1 > 0."""
    p = sp.Symbol("p", positive=True)
    sol = minimize(p - sp.log(p)).solve()
    assert sol.status == "optimal"
    assert sp.simplify(sol.value - 1) == 0
