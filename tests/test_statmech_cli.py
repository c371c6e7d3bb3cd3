"""`lagropt maxent` on the command line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lagropt.cli import main
from lagropt.statmech import maxent

ROOT = Path(__file__).resolve().parents[1]


def test_dice_text_and_json(capsys):
    assert main(["maxent", "--values", "1,2,3,4,5,6", "--mean", "4.5"]) == 0
    text = capsys.readouterr().out
    assert "-0.37104893808" in text and "entropy S" in text
    assert "3*w**5 + w**4 - w**3 - 3*w**2 - 5*w - 7 = 0" in text
    assert main(["maxent", "--values", "1,2,3,4,5,6", "--mean", "9/2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    ref = maxent([1, 2, 3, 4, 5, 6], mean=4.5)
    np.testing.assert_allclose(out["p"], ref.p, rtol=1e-14)
    assert out["beta"] == pytest.approx(ref.beta, rel=1e-14)
    assert out["entropy"] == pytest.approx(ref.entropy, rel=1e-14)
    assert out["multipliers"]["lambda_1"] == pytest.approx(ref.log_Z - 1, rel=1e-14)
    assert out["success"] is True and out["exact"]["root"].startswith("CRootOf")


def test_variance_degeneracy_and_negative_values(capsys):
    assert main(["maxent", "--values=-1,0,1", "--mean", "1/3", "--degeneracy", "1,2,1",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    np.testing.assert_allclose(out["p"], [1 / 9, 4 / 9, 4 / 9], rtol=1e-13)  # w = 2 exactly
    assert out["exact"]["beta"] == "-log(2)"
    assert main(["maxent", "--values", "1,2,3", "--mean", "2", "--variance", "0.5",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    np.testing.assert_allclose(out["p"], [0.25, 0.5, 0.25], rtol=1e-12)
    assert out["gamma"] == pytest.approx(np.log(2), rel=1e-12)


@pytest.mark.parametrize("argv, words", [
    (["--values", "1,2,3,4,5,6", "--mean", "7"], "outside [1, 6]"),
    (["--values", "1,2,3,4,5,6", "--mean", "6"], "degenerate"),
    (["--values", "1,2,3", "--mean", "2", "--variance", "1"], "largest possible"),
    (["--values", "1,x,3", "--mean", "2"], "'x' is not a number"),
    (["--values", "1,2", "--mean", "__import__('os')"], "is not a number"),
    (["--values", "1,2", "--mean", "1.5", "--degeneracy", "1,-1"], "positive"),
    (["--values", "1,2", "--mean", "inf"], "is not a number"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, words):
    assert main(["maxent", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lagropt: error: ") and err.count("\n") == 1
    assert words in err


def test_as_a_process():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "lagropt", "maxent", "--values", "1,2,3",
                           "--mean", "3"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("lagropt: error: mean 3 is the largest value")
