"""The smaller experiment scripts run end to end and write their data and figures."""

import csv
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.parametrize("script, data, figure", [
    ("linesearch.py", "linesearch.csv", "linesearch"),
    ("jacobian_modes.py", "jacobian_modes.csv", "jacobian_modes"),
])
def test_experiment_script(script, data, figure, tmp_path):
    out, figs = tmp_path / "out", tmp_path / "figs"
    done = subprocess.run([sys.executable, os.path.join(ROOT, "experiments", script), "--quick", "--seeds", "1",
                           "--out", str(out), "--figs", str(figs)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = list(csv.reader(open(out / data)))
    assert len(rows) > 5
    for ext in ("png", "pdf"):
        assert (figs / f"{figure}.{ext}").stat().st_size > 1000


def test_jacobian_modes_crossover(tmp_path):
    """Forward mode's cost does not grow with m, reverse mode's does: reverse wins at m = 10."""
    sys.path.insert(0, os.path.join(ROOT, "experiments"))
    import jacobian_modes

    rows = jacobian_modes.measure([10, 1000], repeats=3)
    (m1, f1, r1), (m2, f2, r2) = rows
    assert r1 < f1 and r2 > r1 * 20
