"""The command line, run as a user runs it: exit statuses, one-line errors, nothing executed."""

import json
import subprocess
import sys

import pytest

from conftest import one_line_error, run_here


def run(*args, cwd=None):
    done = subprocess.run([sys.executable, "-m", "lagropt", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd)
    return done.returncode, done.stdout, done.stderr


def test_solve_the_lecture_paraboloid():
    code, out, err = run("solve", "-(x-2)^2 - (y-1)^2 + 10", "--max", "-s", "x = y", "--verify")
    assert code == 0, err
    assert "x = 3/2, y = 3/2" in out and "lambda = 1" in out and "19/2" in out
    assert "verify: OK" in out


def test_solve_json():
    code, out, _ = run("solve", "p1*log(p1) + p2*log(p2)", "--min", "-s", "p1 + p2 = 1",
                       "--positive", "p1,p2", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["status"] == "optimal"
    (best,) = [p for p in data["points"] if p["optimum"]]
    assert best["x"]["p1"] == {"exact": "1/2", "float": 0.5}
    assert best["kind"] == "minimum"
    assert abs(best["multipliers"]["lambda"]["float"] - (1 - 0.6931471805599453)) < 1e-12
    assert data["derivation"]["steps"][0]["kind"] == "problem"


def test_no_optimum_exits_with_1():
    code, out, _ = run("solve", "x + y", "--max", "-s", "x*y = 1")
    assert code == 1 and "unbounded" in out
    code, out, _ = run("solve", "x + y", "--max", "-s", "x^2 + y^2 = -1")
    assert code == 1 and "infeasible" in out


def test_problem_from_a_file(tmp_path):
    path = tmp_path / "coin.txt"
    path.write_text("# the coin\nmax: -p1*ln(p1) - p2*ln(p2)\np1 + p2 = 1\npositive: p1, p2\n")
    code, out, err = run("solve", "--file", str(path), "--steps")
    assert code == 0, err
    assert "p1 = 1/2" in out and "log(2)" in out and "Lagrangian" in out


@pytest.mark.parametrize("args, says", [
    (["solve", "x+", "--max"], "cannot read"),                                   # unparseable
    (["solve", "x.real", "--max"], "attribute access"),                          # forbidden
    (["solve", "x*y", "--max", "--vars", "x,z"], "does not appear"),             # unknown variable
    (["solve", "x", "--max", "--timeout", "abc"], "not a number"),              # bad number
    (["solve", "--file", "/no/such/problem.txt"], "cannot read"),               # missing file
    (["solve", "x*y", "--max", "-s", "x + y = 1", "--latex", "/no/such/dir/a.tex"],
     "does not exist"),                                                          # unwritable output
    (["solve", "x*y", "-s", "x + y = 1"], "--max or --min"),
    (["solve", "x*y", "--max", "--min"], "not allowed with"),
    (["solve", "x*y", "--max", "-s", "x < y < z"], "chained"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_input_exits_with_2_and_one_line(args, says):
    code, out, err = run(*args)
    assert code == 2
    assert says in one_line_error(err)


def test_pdf_without_latex_is_a_clear_error(tmp_path, monkeypatch):
    env_path = tmp_path / "bin"
    env_path.mkdir()
    done = subprocess.run([sys.executable, "-m", "lagropt", "solve", "x*y", "--max", "-s",
                           "x + y = 1", "--latex", str(tmp_path / "a.tex"), "--pdf"],
                          capture_output=True, text=True, timeout=120,
                          env={"PATH": str(env_path), "HOME": str(tmp_path)})
    assert done.returncode == 2
    assert "pdflatex" in one_line_error(done.stderr)


def test_latex_and_pdf(tmp_path, latex_required):
    tex = tmp_path / "paraboloid.tex"
    code, out, err = run("solve", "-(x-2)^2 - (y-1)^2 + 10", "--max", "-s", "x = y",
                         "--latex", str(tex), "--pdf")
    assert code == 0, err
    assert tex.exists() and tex.with_suffix(".pdf").exists()
    assert "\\lambda" in tex.read_text()


def test_plot(tmp_path):
    png = tmp_path / "lagrange.png"
    code, out, err = run("solve", "x*y", "--max", "-s", "x^2 + y^2 = 2", "--plot", str(png))
    assert code == 0, err
    assert png.exists() and png.stat().st_size > 10_000
    code, _, err = run("solve", "x*y*z", "--max", "-s", "x + y + z = 1", "--plot", str(png))
    assert code == 2 and "two variables" in one_line_error(err)


def test_nothing_from_the_input_is_executed(tmp_path):
    marker = tmp_path / "ran"
    for text in [f"__import__('os').system('touch {marker}')",
                 f"exp(__import__('os').system('touch {marker}'))",
                 f"x + eval('open(\"{marker}\", \"w\")')"]:
        code, _, err = run("solve", text, "--max")
        assert code == 2 and "Traceback" not in err
        code, _, err = run("solve", "x", "--max", "-s", text)
        assert code == 2
    assert not marker.exists()


def test_descend_adam_on_rosenbrock():
    code, out, err = run("descend", "(1-x)^2 + 100*(y-x^2)^2", "--x0", "-1.2,1", "--method",
                         "adam", "--lr", "0.02", "--steps", "5000", "--json")
    assert code == 0, err
    result = json.loads(out)["adam"]                # Rosenbrock's minimum is (1, 1)
    assert abs(result["x"]["x"] - 1) < 1e-6 and abs(result["x"]["y"] - 1) < 1e-6
    # the default --tol 1e-8 stopped it before the step limit, and only then is it a success
    assert result["nit"] < 5000 and result["success"] and "converged" in result["message"]


def test_descend_compare_draws_the_lecture_picture(tmp_path):
    png = tmp_path / "paths.png"
    code, out, err = run("descend", "(1-x)^2 + 100*(y-x^2)^2", "--x0", "-1.2,1", "--compare",
                         "--steps", "500", "--plot", str(png))
    # 500 steps are too few for max |gradient| <= 1e-8 on Rosenbrock: exit 1, each run says so
    assert code == 1 and "Traceback" not in err, err
    assert out.count("not converged after 500 steps") == 5
    for name in ("gd", "momentum", "adagrad", "rmsprop", "adam"):
        assert name in out
    assert png.exists() and png.stat().st_size > 10_000


def test_descend_divergence_exits_1_with_the_cause():
    code, out, _ = run("descend", "x^2", "--x0", "1", "--lr", "5", "--steps", "100")
    assert code == 1
    assert "learning rate is likely too large" in out


@pytest.mark.parametrize("args, says", [
    (["descend", "x^2+y", "--x0", "1"], "1 numbers for 2 variables"),
    (["descend", "x^2", "--x0", "a"], "not a number"),
    (["descend", "x^2", "--x0", "1", "--method", "newton"], "invalid choice"),
    (["descend", "x^2", "--x0", "1", "--lr", "-1"], "must be positive"),
    (["descend", "x^2", "--x0", "1", "--method", "adam", "--momentum", "0.9"], "--momentum"),
    (["descend", "__import__('os')", "--x0", "1"], "the function '__import__'"),
])
def test_descend_bad_input(args, says):
    code, _, err = run(*args)
    assert code == 2
    assert says in one_line_error(err)


def test_help_for_every_subcommand():
    for sub in ("solve", "descend", "tour"):
        code, out, _ = run(sub, "--help")
        assert code == 0 and "usage" in out


def test_exponent_towers_are_refused_not_computed():
    """SymPy computed 10^(10^10) for these: neither command ever returned."""
    for args in (["solve", "10^10^10", "--max"], ["descend", "10^10^10", "--x0", "1"]):
        code, _, err = run(*args)
        assert code == 2
        assert "digits" in one_line_error(err)


@pytest.mark.parametrize("args, says", [
    (["solve", "x*9^9^9", "--min", "-s", "x >= 0"], "digits"),
    (["solve", "x", "--max", "-s", "x <= 2**(2**40)"], "digits"),
    (["descend", "x^2 + exp(10^10)", "--x0", "1"], "digits"),
    (["solve", "1e400*x", "--max"], "infinite"),
    (["solve", "x/0 + y", "--max"], "division by zero"),
])
def test_numbers_too_large_or_infinite_are_refused(capsys, args, says):
    """These never returned (SymPy computed huge powers) or solved nonsense (oo, zoo)."""
    code, _, err = run_here(capsys, *args)
    assert code == 2
    assert says in one_line_error(err)


def test_objectives_and_constraints_may_start_with_a_minus():
    code, out, err = run("solve", "-x^2-y^2", "--max", "-s", "x+y=1")
    assert code == 0, err
    assert "x = 1/2, y = 1/2" in out and "-1/2" in out
    code, out, err = run("solve", "-sum(p[i]*log(p[i]), i, 1, 3)", "--max",
                         "-s", "sum(p[i], i, 1, 3) = 1")
    assert code == 0, err
    assert "p[i] = 1/3" in out and "log(3)" in out
    code, out, err = run("solve", "x + y", "--max", "-s", "-x^2-y^2>=-2", "-sx>=0")
    assert code == 0, err
    assert "x = 1, y = 1" in out
    code, out, err = run("descend", "-x", "--x0", "1", "--lr", "0.5", "--steps", "3", "--json")
    assert code == 1 and "Traceback" not in err, err           # -x has no minimum: no success
    assert json.loads(out)["gd"]["x"] == {"x": 2.5} and not json.loads(out)["gd"]["success"]


def test_negative_option_values_still_work():
    code, out, err = run("descend", "x^2 + y^2", "--x0", "-1e-1,-2", "--steps", "0", "--json")
    assert code == 1 and "Traceback" not in err, err           # no steps: not converged
    assert json.loads(out)["gd"]["x"] == {"x": -0.1, "y": -2.0}
    code, _, err = run("descend", "x^2", "--x0", "1", "--lr", "-1e-3")
    assert "must be positive" in one_line_error(err)
    code, out, err = run("maxent", "--values", "-1,0,1", "--mean", "-1/3", "--json")
    assert code == 0, err
    assert json.loads(out)["mean"] == pytest.approx(-1 / 3)


def test_descend_over_elements_of_an_indexed_family(tmp_path):
    code, out, err = run("descend", "p[1]^2 + (p[2] - 3)^2", "--x0", "1,2", "--lr", "0.1",
                         "--steps", "300", "--json")
    assert code == 0, err
    x = json.loads(out)["gd"]["x"]
    assert list(x) == ["p[1]", "p[2]"]
    # stopped by the default tol: |grad| = |(2 p1, 2 (p2 - 3))| <= 1e-8, so both within 5e-9
    assert abs(x["p[1]"]) <= 5e-9 and abs(x["p[2]"] - 3) <= 5e-9
    png = tmp_path / "paths.png"
    code, out, err = run("descend", "p[1]^2 + (p[2] - 3)^2", "--x0", "2,1", "--vars", "p[2],p[1]",
                         "--steps", "5", "--json", "--plot", str(png))
    assert code == 1 and "Traceback" not in err, err           # 5 steps: not converged
    assert list(json.loads(out)["gd"]["x"]) == ["p[2]", "p[1]"] and png.is_file()
    code, out, err = run("descend", "sum(p[i]^2, i, 1, 3)", "--x0", "1,2,3", "--steps", "1", "--json")
    assert code == 1 and "Traceback" not in err, err
    assert list(json.loads(out)["gd"]["x"]) == ["p[1]", "p[2]", "p[3]"]
    code, _, err = run("descend", "sum(p[i]^2, i, 1, N)", "--x0", "1,2,3")
    assert code == 2 and "numbers as indices" in one_line_error(err)


def test_solve_over_elements_of_an_indexed_family():
    code, out, err = run("solve", "p[1]*p[2]", "--max", "-s", "p[1] + p[2] = 2")
    assert code == 0, err
    assert "p[1] = 1, p[2] = 1" in out


def test_unwritable_outputs_are_one_line_errors_before_any_work(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "folder"
    folder.mkdir()
    existing = tmp_path / "file"
    existing.write_text("keep me")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("max: x*y  # caf\xe9\nx + y = 1\n".encode("latin-1"))
    solve = ["solve", "x*y", "--max", "-s", "x + y = 1"]
    monkeypatch.chdir(tmp_path)
    for args, says in [
        ([*solve, "--latex", "/proc/a.tex"], "cannot write /proc/a.tex"),
        ([*solve, "--plot", "/proc/a.png"], "cannot write /proc/a.png"),
        (["descend", "x^2 + y^2", "--x0", "1,1", "--plot", "/proc/a.png"], "cannot write /proc/a.png"),
        ([*solve, "--plot", str(tmp_path / "out.txt")], "cannot write .txt"),
        (["descend", "x^2", "--x0", "1", "--plot", str(tmp_path / "out.txt")], "cannot write .txt"),
        ([*solve, "--plot", str(folder)], "it is a folder"),
        ([*solve, "--latex", str(folder)], "it is a folder"),
        ([*solve, "--plot", str(tmp_path / "no-extension")], "add an extension"),
        (["tour", "--out", "/proc/x"], "cannot write to the folder /proc/x"),
        (["tour", "--out", str(existing)], "is a file, not a folder"),
        (["solve", "--file", str(latin1)], "not UTF-8"),
    ]:
        code, out, err = run_here(capsys, *args)
        assert code == 2, (args, err)
        assert says in one_line_error(err), args
        assert out == "", args                       # refused before solving or descending
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "folder", "latin1.txt"]
    assert list(folder.iterdir()) == [] and existing.read_text() == "keep me"


def test_plot_formats_matplotlib_writes(tmp_path):
    for name in ("lagrange.svg", "lagrange.PDF"):
        code, out, err = run("solve", "x*y", "--max", "-s", "x + y = 1", "--plot", str(tmp_path / name))
        assert code == 0, err
        assert (tmp_path / name).stat().st_size > 1000
    assert (tmp_path / "lagrange.svg").read_text().lstrip().startswith("<?xml")
    assert (tmp_path / "lagrange.PDF").read_bytes().startswith(b"%PDF")


def test_unknown_options_and_a_closed_pipe():
    code, _, err = run("solve", "x*y", "--max", "-q")
    assert code == 2 and "unrecognized arguments: -q " in one_line_error(err)
    # like `lagropt solve ... | head -1`: the reader is gone before lagropt writes
    proc = subprocess.Popen([sys.executable, "-m", "lagropt", "solve", "x*y", "--max", "-s",
                             "x + y = 1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141 and err == ""          # quietly, no traceback


def test_version_and_defaults_in_help():
    from lagropt import __version__
    code, out, _ = run("--version")
    assert code == 0 and out.strip() == f"lagropt {__version__}"
    code, out, _ = run("descend", "--help")
    text = " ".join(out.split())                      # argparse wraps lines
    assert code == 0 and "(default: 1000)" in text and "(default: gd)" in text
    assert "default 1e-8" in text and "(default: None)" not in text and "(default: False)" not in text


def test_implicit_multiplication_is_refused_in_one_line():
    code, _, err = run("solve", "2y + x", "--max", "-s", "x + y = 1")
    assert code == 2 and "Traceback" not in err
    assert "write 2*y" in one_line_error(err)


def test_decimals_are_printed_as_written():
    code, out, err = run("solve", "x^2 + 0.1", "--min", "-s", "x >= 2.5")
    assert code == 0, err
    assert "x**2 + 0.1" in out and "subject to x >= 2.5\n" in out
    assert "2.50000" not in out and "0.10000" not in out
    code, out, err = run("solve", "x^2 + y^2", "--min", "-s", "x + y = 2.5", "--steps")
    assert code == 0, err                   # the derivation's steps print decimals as written
    assert "lambda = 2.5\n" in out and "2.50000" not in out


def test_help_does_not_load_the_mathematics():
    """`lagropt --help` imports neither SymPy nor NumPy nor SciPy (a fast start, whatever the
    machine's load: checked by what is imported, not by a clock)."""
    script = ("import sys, contextlib, io\n"
              "from lagropt.cli import build_parser\n"
              "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
              "    build_parser().parse_args(['--help'])\n"
              "print(sorted(m for m in ('sympy', 'numpy', 'scipy', 'matplotlib', 'sklearn')"
              " if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
