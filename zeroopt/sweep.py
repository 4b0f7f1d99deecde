"""Parallel parameter sweeps: a grid of configs, run through joblib, kept on disk task by task.

* :func:`expand` turns a grid ``{name: [values]}`` into a list of configs (dicts of JSON values).
* Each task is ``fn(config, seed_sequence) -> list of rows`` (dicts), a deterministic function of its
  config: its ``numpy.random.SeedSequence`` is keyed by the config itself (:func:`task_seed`), so the
  results do not depend on the number of jobs, the backend or the order the tasks run in.
* Tasks share nothing mutable. With the ``threading`` backend several tasks run in one process at once,
  so a task builds every stateful object it uses itself - in particular its own
  :class:`zeroopt.Problem`, whose ``nfev`` counts the evaluations of one run. Read-only data (matrices,
  compiled code) may be shared. This is the contract that makes every backend give the same rows.
* :func:`run` executes the tasks that have no valid result yet through joblib - loky on the local
  cores by default, ``"threading"``, ``"multiprocessing"``, or a backend an existing engine registers
  with joblib (``"dask"`` from dask.distributed, ``"ray"``). A local backend's job count is capped at
  :data:`JOBS_PER_CORE` times the cores (:func:`cap_jobs`); ``jobs=-1`` takes all the cores, or a
  cluster's size. A task that raises is written as ``<id>.error.json`` with its traceback and run
  again next time; it does not stop the others.
* Inside a task BLAS and numba are held to one thread (threadpoolctl, numba.set_num_threads): no
  oversubscription when several tasks share the cores, and the same bits whatever the job count. With
  the threading backend the BLAS limit is held once around the whole run (it is process-wide).
* Task files. A finished task is written at once, atomically, as
  ``<out>/tasks/<id>.json`` with its config, id, row count, the digest of its rows and the package
  version that wrote it (provenance only). A file is valid when it parses, is complete, belongs to the
  task's config and its rows match the count and the digest; an experiment invalidates its old results
  by a ``version`` field in its configs (a new version is a new config, hence a new id). A file that
  fails is moved to ``<out>/tasks/damaged/`` with a one-line note and its task runs again; nothing
  damaged is ever returned by :func:`collect`. A second run with the same arguments runs nothing.
  Files are created with the user's umask, like any file the user writes.

Public: :func:`expand`, :func:`run`, :func:`collect` (and its :class:`Collected`), :func:`task_seed`,
:func:`cap_jobs` and :data:`JOBS_PER_CORE`. The rest of the module, and the task-file format, are
internal.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import sys
import time
import traceback
from typing import NamedTuple

import numpy as np

from . import _checks
from ._progress import advance as _advance
from ._progress import progress_bar as _progress_bar
from ._progress import watch_files as _watch_files
from .taskfiles import (FIELDS, FORMAT, DamagedFile, canonical, check_record, load, load_error, make_record,  # noqa: F401
                        paths, remove_stale_temporaries, rows_digest, task_id, write_atomic)
from .taskfiles import json_default as _json_default

__all__ = ["expand", "run", "collect", "Collected", "task_seed", "cap_jobs", "JOBS_PER_CORE"]

#: Local backends (loky, threading, multiprocessing) run at most this many jobs per core: more only
#: costs memory and switching.
#:
#: See Also
#: --------
#: cap_jobs : Applies the cap.
#:
#: Examples
#: --------
#: >>> import joblib
#: >>> from zeroopt import sweep
#: >>> jobs, note = sweep.cap_jobs(10_000, "loky")
#: >>> jobs == sweep.JOBS_PER_CORE * joblib.cpu_count()
#: True
JOBS_PER_CORE = 4
LOCAL_BACKENDS = ("loky", "threading", "multiprocessing", "sequential")
#: damaged files named one by one in the log before the rest are only counted
LOG_DAMAGED = 5


def task_seed(config, base_seed=0):
    """The task's random stream, keyed by its configuration: the same config always gets the same
    stream, whichever job runs it and whenever.

    :func:`run` passes it to every task as ``seed_sequence``; call it yourself to rerun one task of a
    sweep outside the sweep and get its rows bit for bit.

    Parameters
    ----------
    config : dict
        The task's configuration, JSON values only (numbers, strings, lists, dicts); the order of its
        keys does not matter.
    base_seed : int, default 0
        Mixed into the stream: another base seed gives every task another stream.

    Returns
    -------
    numpy.random.SeedSequence
        Spawn or seed generators from it: ``numpy.random.default_rng(seed_sequence)``.

    Raises
    ------
    TypeError
        If the config is not JSON-serialisable.

    See Also
    --------
    run : passes each task its ``task_seed(config, base_seed)``.

    Notes
    -----
    With ``c`` the config written as canonical JSON (sorted keys, no spaces) and ``w_1, ..., w_8`` the
    eight 32-bit little-endian words of SHA-256(``c``), the stream is
    ``numpy.random.SeedSequence([base_seed, w_1, ..., w_8])``. The id of the task's result file is the
    first 20 hex digits of the same digest.

    Examples
    --------
    >>> a = task_seed({"n": 10, "seed": 0}).generate_state(2)
    >>> bool((a == task_seed({"seed": 0, "n": 10}).generate_state(2)).all())
    True
    """
    digest = hashlib.sha256(canonical(config).encode()).digest()
    words = [int.from_bytes(digest[i:i + 4], "little") for i in range(0, 32, 4)]
    return np.random.SeedSequence([int(base_seed)] + words)


def expand(grid, skip=None):
    """All combinations of the grid's values, as dicts in a stable order.

    Parameters
    ----------
    grid : dict
        ``{name: list of values}``, values JSON-serialisable.
    skip : callable, optional
        ``skip(config) -> bool`` drops cells (e.g. q > n).

    Returns
    -------
    list of dict
        One config per combination, the last name varying fastest (``itertools.product`` order).

    Raises
    ------
    ValueError
        If the grid is empty or a value list is a string or not iterable.
    TypeError
        If a value is not JSON-serialisable.

    See Also
    --------
    run : runs a task on each config.

    Examples
    --------
    >>> expand({"n": [10, 20], "m": ["a"]})
    [{'n': 10, 'm': 'a'}, {'n': 20, 'm': 'a'}]
    """
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


def _log_damaged(damaged, log):
    for d in damaged[:LOG_DAMAGED]:
        log(f"sweep: damaged task file {d['reason']}; moved to {d['moved_to']}, the task runs again")
    hidden = len(damaged) - LOG_DAMAGED
    if hidden > 0:
        log(f"sweep: {hidden} more damaged task files moved to tasks/damaged/ (their tasks run again)")


def _stderr_line(text):
    print(text, file=sys.stderr, flush=True)


# --- running ----------------------------------------------------------------------------------------
@contextlib.contextmanager
def single_threaded(blas=True):
    """A context in which numba (this thread; numba's setting is thread-local) and, with ``blas``, BLAS
    (process-wide, threadpoolctl) use one thread: how every task runs."""
    import numba

    previous = numba.get_num_threads()
    try:
        numba.set_num_threads(1)   # thread-local in numba
        with (_blas_one_thread() if blas else contextlib.nullcontext()):
            yield
    finally:
        numba.set_num_threads(previous)


def _blas_one_thread():
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def run_task(fn, config, out, base_seed=0, blas=True):
    """Run one task and write its result (or its error, with the traceback) atomically.

    Returns (task id, ok, seconds). ``blas=False`` leaves BLAS alone (the threading backend holds it
    to one thread around the whole run: the limit is process-wide)."""
    tid, path, err_path = paths(out, config)
    t0 = time.perf_counter()
    try:
        with single_threaded(blas):
            rows = fn(config, task_seed(config, base_seed))
        record = make_record(config, rows, time.perf_counter() - t0)
        write_atomic(path, json.dumps(record, default=_json_default))
        with contextlib.suppress(FileNotFoundError):
            os.unlink(err_path)
        return tid, True, time.perf_counter() - t0
    except Exception as exc:  # recorded, not raised: one task does not sink the sweep
        write_atomic(err_path, json.dumps({"config": config, "id": tid, "error": f"{type(exc).__name__}: {exc}",
                                           "traceback": traceback.format_exc()}, default=_json_default))
        return tid, False, time.perf_counter() - t0


def finished(out, config):
    """True if the task has a valid result file (a damaged one is moved aside first)."""
    return load(out, config, []) is not None


def cap_jobs(jobs, backend):
    """The job count to use, and a note if it was capped.

    A local backend (loky, threading, multiprocessing) takes at most :data:`JOBS_PER_CORE` times the
    cores (``joblib.cpu_count()``, which respects CPU affinity and cgroup limits): more only costs memory,
    and tens of thousands of workers never start. -1 is kept: all the cores, or a cluster backend's size.

    Parameters
    ----------
    jobs : int
        >= 1, or -1.
    backend : str
        A joblib backend name.

    Returns
    -------
    jobs : int
    note : str or None
        Why the count was capped.

    Raises
    ------
    ValueError
        If jobs is 0 or below -1.
    TypeError
        If jobs is not an integer.

    See Also
    --------
    run : caps its ``jobs`` with this.

    Examples
    --------
    >>> cap_jobs(2, "loky")
    (2, None)
    """
    import joblib

    if isinstance(jobs, (int, np.integer)) and not isinstance(jobs, bool) and jobs == -1:
        return -1, None
    jobs = _checks.positive_int(jobs, "jobs")
    if backend in LOCAL_BACKENDS:
        cores = joblib.cpu_count()
        limit = JOBS_PER_CORE * cores
        if jobs > limit:
            return limit, (f"jobs = {jobs} is more than {JOBS_PER_CORE} x the {cores} cores: using {limit} "
                           f"{backend} jobs")
    return jobs, None


def run(fn, configs, out, jobs=1, backend="loky", base_seed=0, progress=None, cost=None, desc="tasks", log=None):
    """Run ``fn`` on every config without a valid result under ``out``.

    Parameters
    ----------
    fn : callable
        ``fn(config, seed_sequence) -> list of row dicts``, importable by the workers (a module-level
        function); it must build its own stateful objects (see the module notes on threads).
    configs : list of dict
    out : str
        The sweep directory; results go to ``<out>/tasks/``.
    jobs : int
        Parallel jobs (-1: all cores, or a cluster backend's size); capped by :func:`cap_jobs`.
    backend : str
        A joblib backend: "loky", "threading", "multiprocessing", or one an engine registers ("dask"
        needs a dask.distributed Client, "ray" needs ray.util.joblib.register_ray()).
    base_seed : int
        Mixed into every task's seed (:func:`task_seed`).
    progress : bool, optional
        A tqdm bar with the task count and an ETA (default: only when stderr is a terminal). Backends
        that return results only at the end (multiprocessing) advance it as the task files appear.
    cost : callable, optional
        ``cost(config)``, an estimate of a task's run time: the most expensive tasks start first.
    desc : str
        The bar's label.
    log : callable, optional
        ``log(line)`` receives the notes (damaged files, temporary files a killed writer left, a capped job
        count); default: stderr.

    Returns
    -------
    dict
        ``total``, ``done_before`` (valid results found), ``ran``, ``failed`` (task ids),
        ``damaged`` (files moved aside: ``{"file", "moved_to", "reason"}``), ``backend``, ``jobs``
        (the effective job count).

    Raises
    ------
    TypeError
        If ``fn`` is not callable or ``backend`` not a name.
    ValueError
        For a bad job count.

    See Also
    --------
    expand : the configs of a grid.
    collect : reads the results back.
    task_seed : the stream each task gets.

    Notes
    -----
    A task's result is written to ``<out>/tasks/<id>.json`` the moment it ends, so a killed sweep
    resumes where it stopped: run the same call again and only the tasks without a valid result run.
    Every backend gives the same rows, bit for bit, for any job count, provided the task builds its own
    stateful objects (see the module notes).

    Examples
    --------
    A task returns its rows; its random numbers come from the stream it is given:

    >>> import tempfile
    >>> import numpy as np
    >>> from zeroopt import sweep
    >>> def task(config, seed_sequence):
    ...     u = np.random.default_rng(seed_sequence).random()
    ...     return [{"a": config["a"], "u": round(u, 3)}]
    >>> out, configs = tempfile.mkdtemp(), sweep.expand({"a": [1, 2]})
    >>> status = sweep.run(task, configs, out)
    >>> status["ran"], status["failed"]
    (2, [])
    >>> sweep.run(task, configs, out)["ran"]          # nothing left to run
    0
    """
    import joblib

    if not callable(fn):
        raise TypeError("fn must be callable: fn(config, seed_sequence) -> rows")
    if not isinstance(backend, str) or not backend:
        raise TypeError(f"backend must be a joblib backend name, got {backend!r}")
    log = _stderr_line if log is None else log
    jobs, note = cap_jobs(jobs, backend)
    if note:
        log(f"sweep: {note}")
    os.makedirs(os.path.join(out, "tasks"), exist_ok=True)
    stale = sum(remove_stale_temporaries(d) for d in (out, os.path.join(out, "tasks")))
    if stale:
        log(f"sweep: removed {stale} temporary file{'s' * (stale != 1)} left by a killed writer")
    damaged = []
    todo = [c for c in configs if load(out, c, damaged) is None]
    _log_damaged(damaged, log)
    before = len(configs) - len(todo)
    if cost is not None:
        todo.sort(key=cost, reverse=True)
    for c in todo:   # a task run again starts without its old error record
        with contextlib.suppress(FileNotFoundError):
            os.unlink(paths(out, c)[2])
    show = sys.stderr.isatty() if progress is None else bool(progress)
    failed = []
    in_threads = backend == "threading"
    with joblib.parallel_config(backend=backend, n_jobs=jobs):
        effective = int(joblib.effective_n_jobs(jobs))
        if todo:
            bar, weights = _progress_bar(todo, cost, desc, show)
            calls = (joblib.delayed(run_task)(fn, c, out, base_seed, not in_threads) for c in todo)
            try:
                # the threading backend shares one process: hold BLAS to one thread around all its tasks
                with (_blas_one_thread() if in_threads else contextlib.nullcontext()):
                    try:
                        parallel = joblib.Parallel(return_as="generator_unordered")
                    except ValueError:   # a backend that returns only at the end: the bar follows the files
                        parallel = None
                    if parallel is not None:
                        for count, (tid, ok, _) in enumerate(parallel(calls), 1):
                            failed += [] if ok else [tid]
                            _advance(bar, weights, tid, count, desc)
                    else:
                        with _watch_files(out, todo, lambda tid, k: _advance(bar, weights, tid, k, desc)) as seen:
                            results = joblib.Parallel()(calls)
                        for tid, ok, _ in results:
                            failed += [] if ok else [tid]
                            if tid not in seen:
                                seen.add(tid)
                                _advance(bar, weights, tid, len(seen), desc)
            finally:
                bar.close()
    return {"total": len(configs), "done_before": before, "ran": len(todo), "failed": failed,
            "damaged": damaged, "backend": backend, "jobs": effective}


class Collected(NamedTuple):
    """What :func:`collect` found: the valid records in config order, the errors, the missing configs and the damaged files.

    A NamedTuple: its fields are also its constructor's parameters, in this order.

    Parameters
    ----------
    records : list of dict
        The valid task records, in the order of the configs: dicts with the task's ``config``, its ``id``,
        ``rows`` (what the task returned, as JSON values), ``n_rows``, the rows' ``digest``, the run time
        ``seconds``, the ``zeroopt`` version that wrote it and the file ``format``.
    errors : list of dict
        ``{"config", "error", "traceback"}`` of each task that raised (it runs again next time).
    missing : list of dict
        The configs without a valid record (not run yet, failed, or set aside as damaged).
    damaged : list of dict
        The damaged files moved to ``<out>/tasks/damaged/``: ``{"file", "moved_to", "reason"}``.

    See Also
    --------
    collect : Returns it.
    run : Writes the records.

    Examples
    --------
    >>> import tempfile
    >>> from zeroopt import sweep
    >>> def task(config, seed_sequence):
    ...     if config["a"] == 2:
    ...         raise ValueError("no rows for a = 2")
    ...     return [dict(config)]
    >>> out, configs = tempfile.mkdtemp(), sweep.expand({"a": [1, 2]})
    >>> _ = sweep.run(task, configs, out, log=lambda line: None)
    >>> found = sweep.collect(out, configs)
    >>> [r["rows"] for r in found.records], found.missing, found.damaged
    ([[{'a': 1}]], [{'a': 2}], [])
    >>> found.errors[0]["error"]
    'ValueError: no rows for a = 2'
    """

    #: The valid task records, in the order of the configs: dicts with the task's ``config``, its ``id``,
    #: ``rows`` (what the task returned, as JSON values), ``n_rows``, the rows' ``digest``, the run time
    #: ``seconds``, the ``zeroopt`` version that wrote it and the file ``format``.
    records: list
    #: ``{"config", "error", "traceback"}`` of each task that raised (it runs again next time).
    errors: list
    #: The configs without a valid record (not run yet, failed, or set aside as damaged).
    missing: list
    #: The damaged files moved to ``<out>/tasks/damaged/``: ``{"file", "moved_to", "reason"}``.
    damaged: list


def collect(out, configs, log=None):
    """Read a sweep's results back, validated.

    Parameters
    ----------
    out : str
        The sweep directory.
    configs : list of dict
    log : callable, optional
        ``log(line)`` for the one-line notes on damaged files (default: stderr).

    Returns
    -------
    Collected
        ``records`` (valid task records, in the order of ``configs``), ``errors`` (``{"config",
        "error", "traceback"}`` of failed tasks), ``missing`` (configs without a valid record) and
        ``damaged`` (files moved aside). A damaged file is never read into the records.

    See Also
    --------
    run : writes the records.

    Examples
    --------
    >>> import tempfile
    >>> from zeroopt import sweep
    >>> def task(config, seed_sequence):
    ...     return [{"a": config["a"], "a2": config["a"] ** 2}]
    >>> out, configs = tempfile.mkdtemp(), sweep.expand({"a": [1, 2]})
    >>> _ = sweep.run(task, configs, out)
    >>> found = sweep.collect(out, configs)
    >>> [r["rows"] for r in found.records], found.missing
    ([[{'a': 1, 'a2': 1}], [{'a': 2, 'a2': 4}]], [])
    """
    records, errors, missing, damaged = [], [], [], []
    for c in configs:
        rec = load(out, c, damaged)
        if rec is not None:
            records.append(rec)
            continue
        missing.append(c)
        err = load_error(out, c)
        if err is not None:
            errors.append(err)
    _log_damaged(damaged, _stderr_line if log is None else log)
    return Collected(records, errors, missing, damaged)
