"""The objective may name its sense ('max x*y', 'minimize: f'), as the --file format does; the
flags --max/--min then may go, and a contradiction is a one-line error."""

import json

import pytest

from conftest import one_line_error, run_here
from lagropt.cli import _split_sense

# max x*y on x + y = 1: y = 1 - x, f = x - x^2, f' = 1 - 2x = 0 at x = 1/2, f'' = -2 < 0, so
# the maximum is x = y = 1/2 with value 1/4.
# min x^2 + y^2 on x + y = 1: f = x^2 + (1 - x)^2, f' = 4x - 2 = 0 at x = 1/2, f'' = 4 > 0,
# so the minimum is x = y = 1/2 with value 1/2.
PRODUCT, SQUARES = "x*y", "x^2 + y^2"


def solved(capsys, *args) -> dict:
    code, out, err = run_here(capsys, "solve", *args, "-s", "x + y = 1", "--json")
    assert code == 0, err
    return json.loads(out)


def _optimum(data) -> tuple:
    (best,) = [p for p in data["points"] if p["optimum"]]
    return best["kind"], best["x"]["x"]["exact"], best["x"]["y"]["exact"], data["value"]["exact"]


@pytest.mark.parametrize("objective, flag, expected", [
    (f"max {PRODUCT}", None, ("maximum", "1/2", "1/2", "1/4")),
    (f"maximize: {PRODUCT}", None, ("maximum", "1/2", "1/2", "1/4")),
    (f"MAX:{PRODUCT}", "--max", ("maximum", "1/2", "1/2", "1/4")),       # agrees with the flag
    (f"min: {SQUARES}", None, ("minimum", "1/2", "1/2", "1/2")),
    (f"minimize {SQUARES}", "--min", ("minimum", "1/2", "1/2", "1/2")),
])
def test_the_objective_names_its_sense(capsys, objective, flag, expected):
    data = solved(capsys, objective, *([flag] if flag else []))
    assert _optimum(data) == expected
    # the same answer as the flag gives on the bare objective
    bare, sense = _split_sense(objective)[1], "--max" if expected[0] == "maximum" else "--min"
    assert _optimum(solved(capsys, bare, sense)) == expected


@pytest.mark.parametrize("args, says", [
    (["solve", f"max {PRODUCT}", "--min"], "the objective says max but --min was given"),
    (["solve", f"minimize: {SQUARES}", "--max"], "the objective says min but --max was given"),
    (["solve", PRODUCT], "begin the objective with the sense ('max x*y'"),
    (["solve", "max (x, y)"], "is the function max(...) of its arguments: write 'max: ...'"),
    (["descend", "min: (x-1)^2", "--x0", "0", "--max"], "the objective says min but --max"),
])
def test_a_missing_or_contradicted_sense_is_a_one_line_error(capsys, args, says):
    code, out, err = run_here(capsys, *args, "-s", "x + y = 1") if args[0] == "solve" else \
        run_here(capsys, *args)
    assert code == 2 and out == ""
    assert says in one_line_error(err)


@pytest.mark.parametrize("text, split", [
    ("max x*y", ("max", "x*y")),
    ("  maximize:x*y ", ("max", "x*y")),
    ("Min: -x", ("min", "-x")),
    ("minimize (x - 1)^2", ("min", "(x - 1)^2")),       # no function of that name: a prefix
    ("max: (x - 1)^2", ("max", "(x - 1)^2")),           # the colon says it is the sense
    ("max(x, y)", (None, "max(x, y)")),                 # the functions Max and Min, as in Python
    ("max (x, y)", (None, "max (x, y)")),
    ("min ((x, y)[0], 1)", (None, "min ((x, y)[0], 1)")),  # the comma at depth 1 is the call's
    ("min (x - 1)^2 + (y - b)^2", ("min", "(x - 1)^2 + (y - b)^2")),  # one argument: the sense
    ("max (x*(y, 1)[0])", ("max", "(x*(y, 1)[0])")),
    ("min(x, 1) + y", (None, "min(x, 1) + y")),
    ("maxx + y", (None, "maxx + y")),                   # a symbol that begins with max
    ("max", (None, "max")),                             # nothing after the word
    ("x*y", (None, "x*y")),
])
def test_split_sense(text, split):
    assert _split_sense(text) == split


def test_max_and_min_stay_functions(capsys):
    # max(x, y) on x + y = 1, x, y >= 0 is smallest where x = y = 1/2 (max(x, 1 - x) >= 1/2)
    code, out, err = run_here(capsys, "solve", "max(x, y)", "--min", "-s", "x + y = 1",
                              "-s", "x >= 0", "-s", "y >= 0")
    assert code == 0, err
    assert "minimize Max(x, y)" in out


def test_problem_file_accepts_the_long_words(tmp_path, capsys):
    path = tmp_path / "p.txt"
    path.write_text(f"maximize: {PRODUCT}\nx + y = 1\n")
    code, out, err = run_here(capsys, "solve", "--file", str(path), "--json")
    assert code == 0, err
    assert _optimum(json.loads(out)) == ("maximum", "1/2", "1/2", "1/4")


def test_descend_maximizes_when_the_objective_says_max(capsys):
    # -(x - 1)^2 has its maximum 0 at x = 1
    runs = {}
    for args in (["max -(x-1)^2"], ["-(x-1)^2", "--max"], ["max: -(x-1)^2", "--max"]):
        code, out, err = run_here(capsys, "descend", *args, "--x0", "0", "--lr", "0.1", "--json")
        assert code == 0, err
        runs[args[0]] = json.loads(out)["gd"]
    first = runs["max -(x-1)^2"]
    assert abs(first["x"]["x"] - 1) < 1e-7 and -1e-14 <= first["f"] <= 0
    assert all(r == first for r in runs.values())          # the same run, whichever way said
    code, out, err = run_here(capsys, "descend", "min: (x-1)^2", "--x0", "0", "--lr", "0.1",
                              "--json")
    assert code == 0 and abs(json.loads(out)["gd"]["x"]["x"] - 1) < 1e-7
