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
* Task files. A finished task is written at once, atomically (a temporary file renamed into place),
  as ``<out>/tasks/<id>.json``: ``{"format", "config", "id", "n_rows", "digest", "zeroopt",
  "seconds", "rows"}``, where ``digest`` is the SHA-256 of the rows' canonical JSON and ``zeroopt`` the
  package version that wrote it (provenance only: it does not invalidate a result). A file is valid
  when it parses, has every field, its config equals the task's config and its id the config's id,
  and its rows match ``n_rows`` and the digest. An experiment invalidates its old results by a
  ``version`` field in its configs: a new version is a new config, hence a new id. A file that fails
  validation is moved to ``<out>/tasks/damaged/`` with a one-line note and its task runs again;
  nothing damaged is ever returned by :func:`collect`. A second run with the same arguments finds
  every task valid and runs nothing.
* Files are created with the user's umask, like any file the user writes (not mkstemp's 0600).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import secrets
import sys
import threading
import time
import traceback
from typing import NamedTuple

import numpy as np

from . import _checks

FORMAT = 1
FIELDS = ("format", "config", "id", "n_rows", "digest", "zeroopt", "seconds", "rows")
#: local backends run at most this many jobs per core (more only costs memory and switching)
JOBS_PER_CORE = 4
LOCAL_BACKENDS = ("loky", "threading", "multiprocessing", "sequential")
#: damaged files named one by one in the log before the rest are only counted
LOG_DAMAGED = 5


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


def write_atomic(path, text, skip_unchanged=False):
    """Write ``text`` to ``path`` so that readers see either the old file or the whole new one.

    The file gets the mode ``open()`` would give it (0666 less the umask). With ``skip_unchanged`` an
    existing file with the same text is left alone (its modification time too). Returns True if written.
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    if skip_unchanged:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            with open(path, newline="") as fh:
                if fh.read() == text:
                    return False
    while True:
        tmp = os.path.join(directory, f".tmp-{os.getpid()}-{threading.get_ident()}-{secrets.token_hex(4)}.part")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)   # the umask applies
            break
        except FileExistsError:  # pragma: no cover - 32 random bits per thread and process
            continue
    try:
        with os.fdopen(fd, "w", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True


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


# --- task files: write, validate, set aside ---------------------------------------------------------
class DamagedFile(ValueError):
    """A task file that fails validation; the message says why."""


def rows_digest(rows):
    """``"sha256:<hex>"`` of the rows' canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(rows, sort_keys=True, separators=(",", ":"), default=_json_default)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def make_record(config, rows, seconds):
    """The task file's content for ``rows`` (made plain JSON values first, so the digest is of what is read back)."""
    import zeroopt

    rows = json.loads(json.dumps(list(rows), default=_json_default))
    return {"format": FORMAT, "config": config, "id": task_id(config), "n_rows": len(rows),
            "digest": rows_digest(rows), "zeroopt": zeroopt.__version__, "seconds": seconds, "rows": rows}


def check_record(record, config):
    """Raise :class:`DamagedFile` unless ``record`` is a complete, intact result of ``config``."""
    if not isinstance(record, dict):
        raise DamagedFile(f"holds a JSON {type(record).__name__}, not an object")
    missing = [f for f in FIELDS if f not in record]
    if missing:
        raise DamagedFile(f"has no {', '.join(missing)}")
    if record["format"] != FORMAT:
        raise DamagedFile(f"has format {record['format']!r}, expected {FORMAT}")
    if not isinstance(record["config"], dict) or canonical(record["config"]) != canonical(config):
        raise DamagedFile(f"holds config {record['config']!r}, not {config!r}")
    if record["id"] != task_id(config):
        raise DamagedFile(f"has id {record['id']!r}, expected {task_id(config)!r}")
    rows = record["rows"]
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise DamagedFile("has rows that are not a list of objects")
    if len(rows) != record["n_rows"]:
        raise DamagedFile(f"has {len(rows)} rows, its n_rows says {record['n_rows']!r}")
    if rows_digest(rows) != record["digest"]:
        raise DamagedFile("has rows whose digest does not match")


def _move_aside(out, path, reason):
    """Move a damaged file to ``<out>/tasks/damaged/`` (never overwriting); returns its record of it."""
    folder = os.path.join(out, "tasks", "damaged")
    os.makedirs(folder, exist_ok=True)
    name = os.path.basename(path)
    dest = os.path.join(folder, name)
    for k in itertools.count(1):
        if not os.path.exists(dest):
            break
        dest = os.path.join(folder, f"{name}.{k}")
    os.replace(path, dest)
    return {"file": os.path.relpath(path, out), "moved_to": os.path.relpath(dest, out), "reason": reason}


def _load(out, config, damaged):
    """The task's valid record, or None. A damaged file is moved aside and described in ``damaged``."""
    _, path, _ = _paths(out, config)
    try:
        with open(path) as fh:
            text = fh.read()
    except FileNotFoundError:
        return None
    try:
        try:
            record = json.loads(text)
        except ValueError as exc:
            raise DamagedFile(f"is not valid JSON ({exc})") from None
        check_record(record, config)
        return record
    except DamagedFile as exc:
        damaged.append(_move_aside(out, path, f"{os.path.basename(path)} {exc}"))
        return None


def _load_error(out, config):
    _, _, err_path = _paths(out, config)
    try:
        with open(err_path) as fh:
            err = json.load(fh)
        if isinstance(err, dict) and "error" in err:
            return {"config": config, "error": err["error"], "traceback": err.get("traceback", "")}
        return {"config": config, "error": "an unreadable error file", "traceback": ""}
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"config": config, "error": "an unreadable error file", "traceback": ""}


def _log_damaged(damaged, log, already=0):
    for i, d in enumerate(damaged):
        if already + i < LOG_DAMAGED:
            log(f"sweep: damaged task file {d['reason']}; moved to {d['moved_to']}, the task runs again")
    hidden = len(damaged) - max(0, LOG_DAMAGED - already)
    if hidden > 0:
        log(f"sweep: {hidden} more damaged task files moved to tasks/damaged/ (their tasks run again)")


def _stderr_line(text):
    print(text, file=sys.stderr, flush=True)


# --- running ----------------------------------------------------------------------------------------
@contextlib.contextmanager
def single_threaded(blas=True):
    """numba (this thread) and, with ``blas``, BLAS (the process) limited to one thread inside a task."""
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
    """Run one task and write its result (or its error) atomically. Returns (task id, ok, seconds)."""
    tid, path, err_path = _paths(out, config)
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
    return _load(out, config, []) is not None


def cap_jobs(jobs, backend):
    """The job count to use and a note if it was capped: a local backend takes at most
    :data:`JOBS_PER_CORE` times the cores (``joblib.cpu_count()``); -1 means all the cores, or for a
    cluster backend (dask, ray) the cluster's size. Raises ValueError for 0 or other negatives."""
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

    ``jobs``: parallel jobs (-1: all cores, or a cluster backend's size; capped by :func:`cap_jobs`);
    ``backend``: a joblib backend name ("loky", "threading", "multiprocessing", or one an engine
    registers: "dask" needs a dask.distributed Client, "ray" needs ray.util.joblib.register_ray());
    ``cost(config)``: optional estimate of a task's run time - the most expensive tasks start first,
    which balances the jobs; ``progress``: a tqdm bar with the task count and an ETA (default: only when
    stderr is a terminal); ``log(line)``: where notes go (default: stderr).

    Returns a dict: ``total``, ``done_before`` (valid results found), ``ran``, ``failed`` (ids),
    ``damaged`` (files moved aside: file, moved_to, reason), ``backend`` and ``jobs`` (the effective
    job count).
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
    damaged = []
    todo = [c for c in configs if _load(out, c, damaged) is None]
    _log_damaged(damaged, log)
    before = len(configs) - len(todo)
    if cost is not None:
        todo.sort(key=cost, reverse=True)
    for c in todo:   # a task run again starts without its old error record
        with contextlib.suppress(FileNotFoundError):
            os.unlink(_paths(out, c)[2])
    show = sys.stderr.isatty() if progress is None else bool(progress)
    failed = []
    in_threads = backend == "threading"
    with joblib.parallel_config(backend=backend, n_jobs=jobs):
        effective = int(joblib.effective_n_jobs())
        if todo:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(todo), desc=desc, disable=not show, unit="task", file=sys.stderr)
            calls = (joblib.delayed(run_task)(fn, c, out, base_seed, not in_threads) for c in todo)
            try:
                # the threading backend shares one process: hold BLAS to one thread around all its tasks
                with (_blas_one_thread() if in_threads else contextlib.nullcontext()):
                    try:
                        parallel = joblib.Parallel(return_as="generator_unordered")
                    except ValueError:   # a backend that returns only at the end: the bar follows the files
                        parallel = None
                    if parallel is not None:
                        for tid, ok, _ in parallel(calls):
                            failed += [] if ok else [tid]
                            bar.update(1)
                    else:
                        with _watch_files(bar, [_paths(out, c)[1:] for c in todo]):
                            failed += [tid for tid, ok, _ in joblib.Parallel()(calls) if not ok]
                        bar.update(len(todo) - bar.n)
            finally:
                bar.close()
    return {"total": len(configs), "done_before": before, "ran": len(todo), "failed": failed,
            "damaged": damaged, "backend": backend, "jobs": effective}


@contextlib.contextmanager
def _watch_files(bar, pairs, every=0.5):
    """Advance ``bar`` as the (result, error) file pairs appear, from a background thread."""
    stop = threading.Event()

    def watch():
        while not stop.wait(every):
            done = sum(os.path.exists(a) or os.path.exists(b) for a, b in pairs)
            if done > bar.n:
                bar.update(done - bar.n)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


class Collected(NamedTuple):
    """What :func:`collect` found: valid records in config order, recorded errors, the configs without a
    valid record, and the damaged files it moved aside."""
    records: list
    errors: list
    missing: list
    damaged: list


def collect(out, configs, log=None):
    """The valid task records (``{"config", "id", "seconds", "rows", ...}``) in the order of ``configs``,
    the recorded errors (``{"config", "error", "traceback"}``), the configs that have no valid record,
    and the damaged files moved aside (each noted in ``log``, default stderr). Damaged files are never
    read into the records."""
    records, errors, missing, damaged = [], [], [], []
    for c in configs:
        rec = _load(out, c, damaged)
        if rec is not None:
            records.append(rec)
            continue
        missing.append(c)
        err = _load_error(out, c)
        if err is not None:
            errors.append(err)
    _log_damaged(damaged, _stderr_line if log is None else log)
    return Collected(records, errors, missing, damaged)
