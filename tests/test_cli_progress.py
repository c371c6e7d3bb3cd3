"""Progress where work is long: tqdm bars on a terminal (a pseudo-terminal here), nothing in a
pipe, --quiet silences them; the tour prints each section's line as soon as it is done."""

import fcntl
import io
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from conftest import run_here

ROOT = Path(__file__).resolve().parents[1]
DESCEND = ["descend", "(x-1)^2 + 3*(y+2)^2", "--x0", "0,0", "--lr", "0.1"]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"}


def on_a_terminal(*args) -> tuple:
    """``python -m lagropt ARGS`` with stdin, stdout and stderr on a pseudo-terminal: its exit
    status and everything it wrote to the terminal."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # 120 columns
    proc = subprocess.Popen([sys.executable, "-m", "lagropt", *args], stdin=follower,
                            stdout=follower, stderr=follower, env=_env(), close_fds=True)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:                      # EIO: the process closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.wait(timeout=300), b"".join(chunks).decode("utf-8", "replace")


def in_a_pipe(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lagropt", *args], capture_output=True,
                          text=True, timeout=300, env=_env())


def test_descend_draws_tqdm_on_a_terminal():
    code, screen = on_a_terminal(*DESCEND)
    assert code == 0, screen
    # tqdm's bar: its label, percentage, bar, count and rate, with the loss in the postfix
    assert "gd:" in screen and "|" in screen and "it/s" in screen and "loss=" in screen
    assert "gd        x = " in screen                 # the result, on stdout
    code, quiet = on_a_terminal(*DESCEND, "--quiet")
    assert code == 0 and "gd        x = " in quiet
    assert "gd:" not in quiet and "it/s" not in quiet
    assert "\r" not in quiet.replace("\r\n", "\n")     # the terminal ends lines with CR LF


def test_descend_writes_no_bar_into_a_pipe():
    done = in_a_pipe(*DESCEND, "--compare")
    assert done.returncode in (0, 1), done.stderr        # a run may use up its steps
    assert done.stderr == ""                             # no bar, no carriage returns
    assert done.stdout.count(" x = ") == 5               # the five results


def test_the_tour_streams_its_section_lines(tmp_path):
    """The first section's line arrives while the tour is still running (the second section
    and the notes are still to come), before the table."""
    proc = subprocess.Popen([sys.executable, "-m", "lagropt", "tour", "--sections",
                             "maxent,lagrange", "--out", str(tmp_path / "t")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_env())
    try:
        first = proc.stdout.readline()
        running = proc.poll() is None
        rest, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert first.startswith("maxent: ") and "checks agree" in first, first
    assert running                        # read before the process ended
    lines = rest.splitlines()
    assert lines[0].startswith("lagrange: ") and "checks agree" in lines[0]
    assert lines[1].split() == ["section", "example", "quantity", "exact", "descent", "scipy",
                                "max", "error", "tol", "ok"]     # then the table
    assert err == ""                      # no bar into a pipe


@pytest.fixture
def tiny_sections(monkeypatch):
    """Two quick sections of one row each, and no PDF: the tour's printing, quickly."""
    import matplotlib
    matplotlib.use("Agg")

    from lagropt.tour import sections

    def one(name, value):
        def section(tour):
            tour.section(name.title(), "x = y on one line.")
            tour.row(name, "one", "x", exact=1.0, descent=value, scipy=1.0)
        return section

    monkeypatch.setitem(sections.SECTIONS, "alpha", one("alpha", 1.0))
    monkeypatch.setitem(sections.SECTIONS, "beta", one("beta", 1.5))     # disagrees
    monkeypatch.setattr("lagropt.latex.latex_available", lambda: False)


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_tour_lines_and_bar(tmp_path, capsys, monkeypatch, tiny_sections):
    monkeypatch.setattr(sys, "stderr", Terminal())
    from lagropt.cli import main

    code = main(["tour", "--sections", "alpha,beta", "--out", str(tmp_path / "t")])
    out, err = capsys.readouterr().out, sys.stderr.getvalue()
    assert code == 1                                          # beta's row disagrees
    lines = out.splitlines()
    assert lines[0].startswith("alpha: 1 of 1 checks agree (")
    assert lines[1].startswith("beta: 0 of 1 checks agree (") and \
        lines[1].endswith("; disagree: one x")
    assert lines[2].startswith("section ")                    # the table after them
    assert "tour: beta" in err and "2/2" in err and "section" in err     # tqdm's bar


def test_tour_quiet(tmp_path, capsys, monkeypatch, tiny_sections):
    monkeypatch.setattr(sys, "stderr", Terminal())
    code, out, _ = run_here(capsys, "tour", "--sections", "alpha", "--out",
                            str(tmp_path / "t"), "--quiet")
    assert code == 0 and sys.stderr.getvalue() == ""          # no bar, even on a terminal
    assert out.startswith("section ")                         # the table, no section line
    assert "1 of 1 checks agree" in out                       # the results are still printed


def test_tour_json_keeps_stdout_for_the_json(tmp_path, capsys, tiny_sections):
    import json

    code, out, err = run_here(capsys, "tour", "--sections", "alpha", "--out",
                              str(tmp_path / "t"), "--json")
    assert code == 0
    assert [row["section"] for row in json.loads(out)] == ["alpha"]
    assert err.startswith("alpha: 1 of 1 checks agree (")     # the section line, on stderr


def test_tqdm_loads_only_when_a_bar_is_made():
    """--help and a descent without a bar leave tqdm unloaded (lagropt --help stays quick)."""
    script = """
import sys
from lagropt.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
import sympy as sp
from lagropt import optim
x = sp.Symbol("x")
optim.minimize(x ** 2, [1.0], optim.GD(0.1), steps=5)
print("tqdm" in sys.modules, end=" ")
optim.minimize(x ** 2, [1.0], optim.GD(0.1), steps=5, progress=True)
print("tqdm" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, env=_env())
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "False True"
