"""A status reads as its name wherever it is printed, and stays the integer it is."""

import numpy as np

import zeroopt as zo
from zeroopt import Status


def test_a_status_prints_and_formats_as_its_name():
    for s in Status:
        assert str(s) == f"{s}" == s.name
        assert f"{s:>20}" == s.name.rjust(20)
        assert f"{s:d}" == str(int(s)) and f"{s:03d}" == f"{int(s):03d}"
        assert s == int(s) and Status(int(s)) is s


def test_a_printed_result_names_its_status():
    r = zo.minimize(zo.problems.quadratic(3, seed=0), np.ones(3), zo.ExactAD(), maxiter=2)
    assert r.status is Status.MAXITER
    lines = [line.strip() for line in repr(r).splitlines()]
    assert "status: MAXITER" in lines, repr(r)
