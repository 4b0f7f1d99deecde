"""Figure helpers shared by the experiment scripts and the paper figures: the Agg backend, one fixed
style, legends placed outside the data, :func:`save_figure` (PNG + PDF, and the caption as text), and
redrawing only what changed (:func:`up_to_date`).

Redrawing only what changed: a figure drawn with ``save_figure(..., inputs=digest)`` keeps, beside it in
``<figs>/.drawn/<name>.json``, the digest of everything it was drawn from (its data, the code that draws
it, matplotlib's version and the style: :func:`digest`, :func:`code_digest`) and a hash of each file
written. :func:`up_to_date` is True when the digest is the same and the files on disk are still the ones
written, so a rerun whose data did not change skips the drawing (which is most of a rerun's time).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os

import numpy as np

from zeroopt.taskfiles import write_atomic

#: where the digests of drawn figures are kept, inside a figure directory
DRAWN = ".drawn"

#: The paper figures' style: sized for a README column (a 7-inch figure is ~900 px at 130 dpi), light
#: grid, no top/right spines, constrained layout (so legends placed outside the axes get their room).
STYLE = {
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "lines.linewidth": 1.5,
    "lines.markersize": 5,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "figure.constrained_layout.use": True,
    "image.cmap": "viridis",
}


def pyplot():
    """matplotlib.pyplot on the non-interactive Agg backend (scripts draw into files, also without a screen)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


@contextlib.contextmanager
def style():
    """Draw with the paper figures' fixed style.

    Yields
    ------
    module
        matplotlib.pyplot (Agg backend), with :data:`STYLE` in force until the block ends; a figure
        created inside keeps STYLE's constrained layout when saved later.

    Examples
    --------
    >>> with style() as plt:
    ...     fig, ax = plt.subplots()
    """
    plt = pyplot()
    with plt.rc_context(STYLE):
        yield plt


def legend_outside(fig_or_ax, where="right", ncol=1, **kw):
    """A legend outside the data.

    Parameters
    ----------
    fig_or_ax : matplotlib Figure, SubFigure or Axes
        ``where="below"``: a figure (made under :func:`style`, whose constrained layout makes room); its
        axes' entries are collected, one per label. ``where="right"``: an axes.
    where : {"below", "right"}
        Below the whole figure, or to the right of the axes.
    ncol : int
        Columns of entries.
    **kw
        Passed to ``legend``.

    Returns
    -------
    matplotlib.legend.Legend

    Raises
    ------
    ValueError
        If ``where`` is neither "below" nor "right".

    Examples
    --------
    >>> with style() as plt:
    ...     fig, ax = plt.subplots()
    ...     _ = ax.plot([0, 1], label="data")
    ...     leg = legend_outside(fig, "below")
    """
    if where == "below":
        handles, labels = {}, []
        for ax in fig_or_ax.axes:  # one entry per label, from whichever axes has it first
            for h, lab in zip(*ax.get_legend_handles_labels()):
                if lab not in handles:
                    handles[lab] = h
                    labels.append(lab)
        return fig_or_ax.legend([handles[lab] for lab in labels], labels, loc="outside lower center", ncol=ncol, **kw)
    if where == "right":
        return fig_or_ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, ncol=ncol, **kw)
    raise ValueError(f"where must be 'right' or 'below', got {where!r}")


def save_figure(fig, figs, name, dpi=130, caption=None, inputs=None, extra_files=()):
    """Write ``fig`` as ``<figs>/<name>.png`` and ``.pdf`` (creating ``figs``) and close it.

    Parameters
    ----------
    fig : matplotlib Figure
        A figure without a layout engine gets ``tight_layout`` first.
    figs : str
        The directory (created if missing).
    name : str
        The file name without extension.
    dpi : int
        Resolution of the PNG.
    caption : str, optional
        One line on what the reader sees, written next to the figure as ``<name>.txt`` (whitespace
        collapsed to single spaces).
    inputs : str, optional
        The digest of what the figure is drawn from (:func:`digest`); recorded in ``<figs>/.drawn/`` with
        the files' hashes, so that :func:`up_to_date` can tell a rerun that nothing changed.
    extra_files : sequence of str
        Other files written with the figure (tables), whose hashes are recorded too.

    Returns
    -------
    list of str
        The PNG and PDF paths.

    Examples
    --------
    >>> import tempfile
    >>> fig = pyplot().figure()
    >>> save_figure(fig, tempfile.mkdtemp(), "demo", caption="An empty figure.")[0].endswith("demo.png")
    True
    """
    plt = pyplot()
    os.makedirs(figs, exist_ok=True)
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    paths = []
    for ext in ("png", "pdf"):   # rendered in memory, then written whole: an interrupt leaves the old file
        paths.append(os.path.join(figs, f"{name}.{ext}"))
        buffer = io.BytesIO()
        fig.savefig(buffer, format=ext, dpi=dpi, metadata={"CreationDate": None} if ext == "pdf" else None)
        write_atomic(paths[-1], buffer.getvalue())
    plt.close(fig)
    written = list(paths)
    if caption is not None:
        written.append(os.path.join(figs, f"{name}.txt"))
        write_atomic(written[-1], " ".join(str(caption).split()) + "\n")
    if inputs is not None:
        record_drawn(figs, name, inputs, written + list(extra_files))
    return paths


# --- redrawing only what changed ---------------------------------------------------------------------
def _update(h, part):
    """Feed ``part`` to the hash ``h`` in a form that tells types and nesting apart."""
    if isinstance(part, np.ndarray):
        a = np.ascontiguousarray(part)
        h.update(f"nd{a.dtype.str}{a.shape}".encode())
        h.update(a.tobytes() if a.dtype != object else repr(a.tolist()).encode())
    elif isinstance(part, dict):
        h.update(b"{")
        for k in sorted(part, key=repr):
            _update(h, k)
            _update(h, part[k])
        h.update(b"}")
    elif isinstance(part, (list, tuple)):
        h.update(b"[")
        for p in part:
            _update(h, p)
        h.update(b"]")
    elif isinstance(part, (float, np.floating)):
        h.update(b"f" + float(part).hex().encode())
    else:
        h.update(f"{type(part).__name__}:{part!r};".encode())


def digest(*parts):
    """A hex digest of ``parts`` (arrays, numbers, strings, and dicts, lists and tuples of them), of
    matplotlib's version and of :data:`STYLE`: what a figure is drawn from, besides its code
    (:func:`code_digest`).

    Examples
    --------
    >>> digest(np.arange(3), {"n": 10}) == digest(np.arange(3), {"n": 10}) != digest(np.arange(4), {"n": 10})
    True
    """
    import matplotlib

    h = hashlib.sha256()
    _update(h, [matplotlib.__version__, STYLE, list(parts)])
    return h.hexdigest()


def code_digest(*paths):
    """A hex digest of the source of ``paths``: files, and every ``.py`` file under a directory.

    Examples
    --------
    >>> len(code_digest(__file__))
    64
    """
    files = []
    for p in paths:
        if os.path.isdir(p):
            files += [os.path.join(d, f) for d, _, fs in os.walk(p) for f in fs if f.endswith(".py")]
        else:
            files.append(p)
    h = hashlib.sha256()
    for f in sorted(set(files)):
        with open(f, "rb") as fh:
            h.update(os.path.basename(f).encode() + b"\0" + hashlib.sha256(fh.read()).digest())
    return h.hexdigest()


def file_hash(path):
    """The sha256 hex digest of a file's bytes."""
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def _record_path(figs, name):
    return os.path.join(figs, DRAWN, f"{name}.json")


def record_drawn(figs, name, inputs, files, **extra):
    """Record that figure ``name`` was drawn from ``inputs`` (a digest) into ``files``; ``extra`` is kept
    with it (read back by :func:`drawn_record`)."""
    os.makedirs(os.path.join(figs, DRAWN), exist_ok=True)
    record = {"inputs": inputs, "files": {os.path.basename(f): file_hash(f) for f in files}, **extra}
    write_atomic(_record_path(figs, name), json.dumps(record, indent=1, sort_keys=True))


def drawn_record(figs, name):
    """What :func:`record_drawn` kept for figure ``name`` in ``figs``, or None."""
    try:
        with open(_record_path(figs, name)) as fh:
            record = json.load(fh)
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("files"), dict) else None


def up_to_date(figs, name, inputs):
    """True if figure ``name`` in ``figs`` was drawn from ``inputs`` and its files (PNG, PDF, caption and
    any table) are still those written then: a rerun need not draw it again.

    Examples
    --------
    >>> import tempfile
    >>> figs = tempfile.mkdtemp()
    >>> _ = save_figure(pyplot().figure(), figs, "demo", caption="An empty figure.", inputs=digest(1))
    >>> up_to_date(figs, "demo", digest(1)), up_to_date(figs, "demo", digest(2))
    (True, False)
    """
    record = drawn_record(figs, name)
    if record is None or record.get("inputs") != inputs or not record["files"]:
        return False
    for fname, sha in record["files"].items():
        path = os.path.join(figs, fname)
        if not os.path.exists(path) or file_hash(path) != sha:
            return False
    return True
