"""Sweep tasks for the tests (a module, so that loky and dask workers can import them)."""

import os

import numpy as np


def draw(config, seed_sequence):
    """Rows that depend on the config and its seed only."""
    rng = np.random.default_rng(seed_sequence)
    return [{"a": config["a"], "b": config["b"], "value": float(rng.standard_normal()), "pid": os.getpid()}]


def two_rows(config, seed_sequence):
    """Two rows per task, with a float that JSON must carry exactly."""
    rng = np.random.default_rng(seed_sequence)
    return [{"b": config["b"], "i": i, "value": float(rng.standard_normal()) / 3.0} for i in range(2)]


def sleeps_b_tenths(config, seed_sequence):
    import time

    time.sleep(config["b"] / 10)
    return [{"b": config["b"]}]


def fails_on_b2(config, seed_sequence):
    if config["b"] == 2:
        raise RuntimeError("task b=2 breaks")
    return draw(config, seed_sequence)


def optimize(config, seed_sequence):
    """A real task: a short zero-order run (numba, BLAS) whose result must not depend on the job count."""
    import zeroopt as zo

    p = zo.problems.quadratic(config["n"], seed=0)
    r = zo.minimize(p, np.zeros(config["n"]), zo.TwoPoint(seed=seed_sequence), maxiter=200, record="none")
    return [{"n": config["n"], "seed": config["seed"], "x": r.x.tolist(), "nfev": r.nfev}]
