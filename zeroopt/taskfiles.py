"""A sweep's files on disk: task ids, atomic writes with the user's umask, and validated task records.

A finished task is ``<out>/tasks/<id>.json`` holding ``{"format", "config", "id", "n_rows", "digest",
"zeroopt", "seconds", "rows"}``: ``id`` is :func:`task_id` of the config, ``digest`` the SHA-256 of the
rows' canonical JSON (:func:`rows_digest`) and ``zeroopt`` the package version that wrote it (provenance
only: it does not invalidate a result). :func:`check_record` accepts a record only if it is complete and
intact and belongs to the config asked for; :func:`load` moves any other file to
``<out>/tasks/damaged/`` and reports it. A failed task is ``<id>.error.json`` with its traceback.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import shutil
import secrets
import socket
import threading

import numpy as np

FORMAT = 1
_TMP_PREFIX, _TMP_SUFFIX = ".tmp-", ".part"
_HOST = socket.gethostname().replace("-", "_") or "host"
FIELDS = ("format", "config", "id", "n_rows", "digest", "zeroopt", "seconds", "rows")


def canonical(config):
    """The config as canonical JSON (sorted keys, no spaces): the basis of its id and its seed.

    Parameters
    ----------
    config : dict
        JSON values only (numbers, strings, lists, dicts).

    Returns
    -------
    str

    Raises
    ------
    TypeError
        If the config holds something JSON cannot write.

    Examples
    --------
    >>> canonical({"n": 10, "method": "sphere"})
    '{"method":"sphere","n":10}'
    """
    try:
        return json.dumps(config, sort_keys=True, separators=(",", ":"))
    except TypeError as exc:
        raise TypeError(f"a sweep config must be JSON-serialisable (numbers, strings, lists, dicts): {exc}") from None


def task_id(config):
    """A short stable id of a config, the name of its result file: the first 20 hex digits of the
    SHA-256 of :func:`canonical` (config).

    Parameters
    ----------
    config : dict

    Returns
    -------
    str

    Raises
    ------
    TypeError
        As :func:`canonical`.

    Examples
    --------
    >>> task_id({"n": 10}) == task_id({"n": 10}) != task_id({"n": 11})
    True
    """
    return hashlib.sha256(canonical(config).encode()).hexdigest()[:20]


def write_atomic(path, text, skip_unchanged=False):
    """Write ``text`` to ``path`` so that readers see either the old file or the whole new one.

    The text goes to a new temporary file in the same directory, flushed to disk, then renamed over
    ``path``. The temporary file is created by ``os.open(..., 0o666)``, so the result gets the mode
    ``open()`` would give it (0666 less the umask), not mkstemp's 0600. Line ends are written as given.
    The temporary file is removed on any exception; one left by a killed process is named
    ``.tmp-<host>-<pid>-...part`` and removed by :func:`remove_stale_temporaries`.

    Parameters
    ----------
    path : str
        The file to write (its directory is created if needed).
    text : str or bytes
        Bytes are written as they are (a figure, say).
    skip_unchanged : bool
        Leave an existing file holding exactly ``text`` alone (its modification time too).

    Returns
    -------
    bool
        True if the file was written.

    Raises
    ------
    OSError
        From the file system; the old file is then left as it was.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "a.csv")
    >>> write_atomic(p, "x,y\\n"), write_atomic(p, "x,y\\n", skip_unchanged=True)
    (True, False)
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    binary = isinstance(text, (bytes, bytearray))
    if not binary and not isinstance(text, str):
        raise TypeError(f"text must be str or bytes, got {type(text).__name__}")
    if skip_unchanged:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            with open(path, "rb") if binary else open(path, newline="") as fh:
                if fh.read() == text:
                    return False
    while True:
        tmp = os.path.join(directory, f"{_TMP_PREFIX}{_HOST}-{os.getpid()}-{threading.get_ident()}-"
                                      f"{secrets.token_hex(4)}{_TMP_SUFFIX}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)   # the umask applies
            break
        except FileExistsError:  # pragma: no cover - 32 random bits per thread and process
            continue
    try:
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True


def remove_stale_temporaries(directory):
    """Remove the temporary files :func:`write_atomic` left behind in ``directory`` when its process was killed.

    Only files written on this host by a process that no longer runs are removed: a live writer's file,
    or one from another host sharing the directory, is left alone.

    Parameters
    ----------
    directory : str

    Returns
    -------
    int
        The number of files removed (0 if the directory does not exist).

    Examples
    --------
    >>> import tempfile
    >>> remove_stale_temporaries(tempfile.mkdtemp())
    0
    """
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    removed = 0
    for name in names:
        if not (name.startswith(_TMP_PREFIX) and name.endswith(_TMP_SUFFIX)):
            continue
        parts = name[len(_TMP_PREFIX):-len(_TMP_SUFFIX)].rsplit("-", 3)
        if len(parts) != 4 or parts[0] != _HOST or not parts[1].isdigit() or _alive(int(parts[1])):
            continue
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            os.unlink(os.path.join(directory, name))
            removed += 1
    return removed


def _alive(pid):
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):   # another user's process, or not a pid: keep the file
        return True
    return True


def paths(out, config):
    """(task id, result path, error path) of a config under the sweep directory ``out``."""
    tid = task_id(config)
    base = os.path.join(out, "tasks", tid)
    return tid, base + ".json", base + ".error.json"


def json_default(o):
    """JSON for numpy scalars and arrays (``json.dumps(..., default=json_default)``)."""
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"cannot write {type(o).__name__} to JSON")


class DamagedFile(ValueError):
    """A task file that fails validation; the message says why."""


def rows_digest(rows):
    """The digest a task file carries: SHA-256 of the rows' canonical JSON (sorted keys, no spaces).

    Parameters
    ----------
    rows : list of dict

    Returns
    -------
    str
        ``"sha256:<64 hex digits>"``.

    Examples
    --------
    >>> rows_digest([{"a": 1, "b": 2.5}]) == rows_digest([{"b": 2.5, "a": 1}])
    True
    """
    text = json.dumps(rows, sort_keys=True, separators=(",", ":"), default=json_default)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def make_record(config, rows, seconds):
    """The content of a task file. The rows are made plain JSON values first (numpy scalars become
    Python numbers), so the digest is that of what a reader gets back.

    Parameters
    ----------
    config : dict
    rows : iterable of dict
    seconds : float
        The task's run time.

    Returns
    -------
    dict
        With the keys :data:`FIELDS`.

    Raises
    ------
    TypeError
        If a row holds something JSON cannot write.

    Examples
    --------
    >>> rec = make_record({"n": 3}, [{"v": 1.5}], 0.1)
    >>> rec["n_rows"], rec["id"] == task_id({"n": 3}), check_record(rec, {"n": 3})
    (1, True, None)
    """
    import zeroopt

    rows = json.loads(json.dumps(list(rows), default=json_default))
    return {"format": FORMAT, "config": config, "id": task_id(config), "n_rows": len(rows),
            "digest": rows_digest(rows), "zeroopt": zeroopt.__version__, "seconds": seconds, "rows": rows}


def check_record(record, config):
    """Check that ``record`` is a complete, intact result of ``config``.

    Valid: a JSON object with every field of :data:`FIELDS`, format :data:`FORMAT`, the same config (an
    experiment's ``version`` field in its configs thus invalidates older results), the config's id,
    and a list of row objects whose count is ``n_rows`` and whose :func:`rows_digest` is ``digest``. The
    package version is not checked.

    Parameters
    ----------
    record : object
        What the file held (parsed JSON).
    config : dict
        The task it should be the result of.

    Returns
    -------
    None

    Raises
    ------
    DamagedFile
        Saying what is wrong.

    Examples
    --------
    >>> check_record({}, {"n": 3})
    Traceback (most recent call last):
    ...
    zeroopt.taskfiles.DamagedFile: has no format, config, id, n_rows, digest, zeroopt, seconds, rows
    """
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
    seconds = record["seconds"]
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds >= 0:
        raise DamagedFile(f"has seconds {seconds!r}, not a number >= 0")
    if rows_digest(rows) != record["digest"]:
        raise DamagedFile("has rows whose digest does not match")


def _move_aside(out, path, reason):
    """Move a damaged file to ``<out>/tasks/damaged/`` (never overwriting); returns the note on it."""
    folder = os.path.join(out, "tasks", "damaged")
    os.makedirs(folder, exist_ok=True)
    name = os.path.basename(path)
    dest = os.path.join(folder, name)
    for k in itertools.count(1):
        if not os.path.exists(dest):
            break
        dest = os.path.join(folder, f"{name}.{k}")
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.move(path, dest)
    else:
        os.replace(path, dest)
    return {"file": os.path.relpath(path, out), "moved_to": os.path.relpath(dest, out), "reason": reason}


def load(out, config, damaged):
    """The task's valid record, or None if it has none. A file that fails :func:`check_record` (or is
    not JSON) is moved to ``<out>/tasks/damaged/`` and a note ``{"file", "moved_to", "reason"}``
    (paths relative to ``out``) is appended to the list ``damaged``."""
    _, path, _ = paths(out, config)
    if not os.path.lexists(path):
        return None
    try:
        try:
            if os.path.isdir(path):
                raise DamagedFile("is a directory")
            with open(path, encoding="utf-8") as fh:
                record = json.loads(fh.read())
        except (ValueError, RecursionError, OSError) as exc:  # not UTF-8, not JSON, nested too deep, unreadable
            raise DamagedFile(f"is not valid JSON ({type(exc).__name__}: {str(exc)[:200]})") from None
        check_record(record, config)
        return record
    except DamagedFile as exc:
        damaged.append(_move_aside(out, path, f"{os.path.basename(path)} {exc}"))
        return None


def load_error(out, config):
    """The task's recorded failure ``{"config", "error", "traceback"}``, or None if it has none."""
    _, _, err_path = paths(out, config)
    try:
        with open(err_path) as fh:
            err = json.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        err = None
    if isinstance(err, dict) and "error" in err:
        return {"config": config, "error": err["error"], "traceback": err.get("traceback", "")}
    return {"config": config, "error": "an unreadable error file", "traceback": ""}
