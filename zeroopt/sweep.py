"""Parallel parameter sweeps: a grid of configs, run through joblib, kept on disk task by task.

* :func:`expand` turns a grid ``{name: [values]}`` into a list of configs (dicts of JSON values).
* Each task is ``fn(config, seed_sequence) -> list of rows`` (dicts), a deterministic function of its
  config: its ``numpy.random.SeedSequence`` is keyed by the config itself (:func:`task_seed`), so the
  results do not depend on the number of jobs, the backend or the order the tasks run in.
* :func:`run` executes the tasks that have no result yet through joblib - loky on the local cores by
  default, or any backend an existing engine registers with joblib (``"dask"`` from
  dask.distributed, ``"ray"``) by name. Each finished task is written at once, atomically (a temporary
  file renamed into place), as ``<out>/tasks/<id>.json``; a rerun skips them, so a killed sweep resumes
  losing nothing, and a partly written file is never read. A task that raises is written as
  ``<id>.error.json`` with its traceback and rerun next time; it does not stop the others.
* Inside a task BLAS and numba are held to one thread (threadpoolctl, numba.set_num_threads): no
  oversubscription when several tasks share the cores, and the same bits whatever the job count.
  Workers are reused across tasks (loky), so each pays numba's compilation once.
* :func:`collect` reads every finished task's rows back, in task order.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import sys
import tempfile
import time
import traceback

import numpy as np

from . import _checks


def canonical(config):
    """The config as canonical JSON (sorted keys): the basis of its id and its seed."""
    try:
        return json.dumps(config, sort_keys=True, separators=(",", ":"))
    except TypeError as exc:
        raise TypeError(f"a sweep config must be JSON-serialisable (numbers, strings, lists, dicts): {exc}") from None


def task_id(config):
    """A short stable id of a config (the file name of its result)."""
    return hashlib.sha256(canonical(config).encode()).hexdigest()[:20]


def task_seed(config, base_seed=0):
    """``numpy.random.SeedSequence`` keyed by the config (and a base seed): the same config always gets
    the same stream, whichever job runs it and whenever."""
    digest = hashlib.sha256(canonical(config).encode()).digest()
    words = [int.from_bytes(digest[i:i + 4], "little") for i in range(0, 32, 4)]
    return np.random.SeedSequence([int(base_seed)] + words)


def expand(grid, skip=None):
    """All combinations of the grid's values, as dicts in a stable order; ``skip(config) -> bool`` drops
    cells (e.g. q > n)."""
    if not isinstance(grid, dict) or not grid:
        raise ValueError("grid must be a non-empty dict {name: list of values}")
    names = list(grid)
    for name in names:
        if isinstance(grid[name], (str, bytes)) or not hasattr(grid[name], "__iter__"):
            raise ValueError(f"grid[{name!r}] must be a list of values, got {grid[name]!r}")
    configs = [dict(zip(names, values)) for values in itertools.product(*(list(grid[n]) for n in names))]
    if skip is not None:
        configs = [c for c in configs if not skip(c)]
    for c in configs:
        canonical(c)
    return configs


def write_atomic(path, text):
    """Write ``text`` to ``path`` so that readers see either the old file or the whole new one."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _paths(out, config):
    tid = task_id(config)
    base = os.path.join(out, "tasks", tid)
    return tid, base + ".json", base + ".error.json"


def _json_default(o):
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"cannot write {type(o).__name__} to JSON")


@contextlib.contextmanager
def single_threaded():
    """BLAS and numba limited to one thread inside a task."""
    import numba

    previous = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # pragma: no cover - threadpoolctl is a dependency
            yield
        else:
            with threadpool_limits(limits=1):
                yield
    finally:
        numba.set_num_threads(previous)


def run_task(fn, config, out, base_seed=0):
    """Run one task and write its result (or its error) atomically. Returns (task id, ok, seconds)."""
    tid, path, err_path = _paths(out, config)
    t0 = time.perf_counter()
    try:
        with single_threaded():
            rows = fn(config, task_seed(config, base_seed))
        record = {"config": config, "id": tid, "seconds": time.perf_counter() - t0, "rows": list(rows)}
        write_atomic(path, json.dumps(record, default=_json_default))
        with contextlib.suppress(FileNotFoundError):
            os.unlink(err_path)
        return tid, True, time.perf_counter() - t0
    except Exception as exc:  # recorded, not raised: one task does not sink the sweep
        write_atomic(err_path, json.dumps({"config": config, "id": tid, "error": f"{type(exc).__name__}: {exc}",
                                           "traceback": traceback.format_exc()}, default=_json_default))
        return tid, False, time.perf_counter() - t0


def finished(out, config):
    """True if the task's result file exists and is complete JSON."""
    _, path, _ = _paths(out, config)
    try:
        with open(path) as fh:
            json.load(fh)
        return True
    except (OSError, ValueError):
        return False


def run(fn, configs, out, jobs=1, backend="loky", base_seed=0, progress=None, cost=None, desc="tasks"):
    """Run ``fn`` on every config without a finished result under ``out``; returns a summary dict with
    the numbers of tasks done before, run now, failed, and the ids of the failures.

    ``jobs``: parallel jobs (-1: all cores); ``backend``: a joblib backend name ("loky", "threading",
    "multiprocessing", or one an engine registers: "dask" needs a dask.distributed Client, "ray" needs
    ray.util.joblib.register_ray()); ``cost(config)``: optional estimate of a task's run time - the
    most expensive tasks start first, which balances the jobs; ``progress``: a tqdm bar with an ETA
    (default: only when stderr is a terminal).
    """
    import joblib

    if not callable(fn):
        raise TypeError("fn must be callable: fn(config, seed_sequence) -> rows")
    if jobs != -1:
        jobs = _checks.positive_int(jobs, "jobs")
    os.makedirs(os.path.join(out, "tasks"), exist_ok=True)
    todo = [c for c in configs if not finished(out, c)]
    before = len(configs) - len(todo)
    if cost is not None:
        todo.sort(key=cost, reverse=True)
    show = sys.stderr.isatty() if progress is None else bool(progress)
    failed = []
    if todo:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc=desc, disable=not show, unit="task")
        try:
            with joblib.parallel_config(backend=backend, n_jobs=jobs):
                parallel = joblib.Parallel(return_as="generator_unordered")
                for tid, ok, _ in parallel(joblib.delayed(run_task)(fn, c, out, base_seed) for c in todo):
                    if not ok:
                        failed.append(tid)
                    bar.update(1)
        finally:
            bar.close()
    return {"total": len(configs), "done_before": before, "ran": len(todo), "failed": failed}


def collect(out, configs):
    """The finished tasks' records ({"config", "id", "seconds", "rows"}), in the order of ``configs``,
    and the recorded errors (list of {"config", "error", "traceback"})."""
    records, errors = [], []
    for c in configs:
        _, path, err_path = _paths(out, c)
        try:
            with open(path) as fh:
                records.append(json.load(fh))
            continue
        except (OSError, ValueError):
            pass
        try:
            with open(err_path) as fh:
                errors.append(json.load(fh))
        except (OSError, ValueError):
            pass
    return records, errors
