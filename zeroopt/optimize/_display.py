"""``minimize(..., disp=...)``: a line of progress on long runs - iterations, f and evaluations - written
between iterations (the jitted loop: between its chunks of ~0.25 s), never an evaluation of its own."""

from __future__ import annotations

import math
import sys
import time

#: disp=True writes a line every this many seconds, the first one once the run has taken that long
DISP_SECONDS = 2.0


class Display:
    """Writes ``minimize <method>: nit ..., f ..., nfev ..., <seconds> s`` to ``stream`` (default stderr)
    every ``every`` seconds of a run, and a last line with the run's end if it wrote any.

    f is the lowest value of f the method has paid for (a line search's, a forward difference's f(x)),
    else the history's last measurement, else ``n/a``: showing it costs no evaluation."""

    def __init__(self, method, every=DISP_SECONDS, stream=None):
        self.method, self.every, self.stream = method, every, stream
        self.start = self.last = time.perf_counter()
        self.lines = 0

    def update(self, run):
        now = time.perf_counter()
        if now - self.last >= self.every:
            self.last = now
            self.write(run, now)

    def write(self, run, now, end=""):
        f = run.best_f
        if not math.isfinite(f):
            rows = run.hist.rows
            f = rows[-1][2] if rows and "f" in run.hist.measure else math.nan
        shown = f"{f:.6g}" if math.isfinite(f) else "n/a"
        print(f"minimize {self.method}: nit {run.k}, f {shown}, nfev {run.spent}, {now - self.start:.1f} s{end}",
              file=self.stream if self.stream is not None else sys.stderr, flush=True)
        self.lines += 1

    def finish(self, run, message):
        if self.lines:
            self.write(run, time.perf_counter(), end=f": {message}")


def make(disp, method):
    """The Display for ``disp`` (False/None: none; True: every DISP_SECONDS; a number: every that many
    seconds; 0 writes a line after every iteration or chunk)."""
    if disp is None or disp is False:
        return None
    if disp is True:
        return Display(method)
    if isinstance(disp, bool) or not isinstance(disp, (int, float)) or not math.isfinite(disp) or disp < 0:
        raise (TypeError if not isinstance(disp, (int, float)) else ValueError)(
            f"disp must be True, False or a number of seconds >= 0 between progress lines; got {disp!r}")
    return Display(method, every=float(disp))
