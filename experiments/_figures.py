"""Figure helpers shared by the experiment scripts and the paper figures: the Agg backend, one fixed
style, legends placed outside the data, and :func:`save_figure` (PNG + PDF, and the caption as text)."""

from __future__ import annotations

import contextlib
import io
import os

from zeroopt.taskfiles import write_atomic

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


def save_figure(fig, figs, name, dpi=130, caption=None):
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
    if caption is not None:
        write_atomic(os.path.join(figs, f"{name}.txt"), " ".join(str(caption).split()) + "\n")
    return paths
