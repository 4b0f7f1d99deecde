"""The progress bar of :func:`zeroopt.sweep.run`: task count and ETA on every joblib backend."""

from __future__ import annotations

import contextlib
import os
import sys
import threading

from .taskfiles import paths, task_id


def progress_bar(todo, cost, desc, show):
    """A tqdm bar counting tasks. With a cost model the bar measures estimated work (the costliest tasks
    start first, so a count-based ETA would be far too long at first), the count is in its label and the
    percentage says that it is of the work ("rates: 1/17 tasks, 17% of the estimated work"), so that it is
    not read as a share of the tasks."""
    from tqdm.auto import tqdm

    if cost is None:
        return tqdm(total=len(todo), desc=desc, disable=not show, unit="task", file=sys.stderr), None
    weights = {task_id(c): max(float(cost(c)), 0.0) for c in todo}
    bar = tqdm(total=sum(weights.values()) or 1.0, desc=f"{desc}: 0/{len(todo)} tasks", disable=not show,
               file=sys.stderr,
               bar_format="{desc}, {percentage:3.0f}% of the estimated work |{bar}| [{elapsed}<{remaining}]")
    return bar, weights


def advance(bar, weights, tid, count, desc):
    if weights is None:
        bar.update(1)
        return
    bar.set_description_str(f"{desc}: {count}/{len(weights)} tasks", refresh=False)
    bar.update(weights.get(tid, 0.0))


@contextlib.contextmanager
def watch_files(out, todo, advance, every=0.5):
    """Call ``advance(task id, count)`` as the tasks' result or error files appear, from a background
    thread; yields the set of the ids seen."""
    stop, seen = threading.Event(), set()
    pending = [paths(out, c) for c in todo]

    def watch():
        while not stop.wait(every):
            for tid, result, error in pending:
                if tid not in seen and (os.path.exists(result) or os.path.exists(error)):
                    seen.add(tid)
                    advance(tid, len(seen))

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join()
