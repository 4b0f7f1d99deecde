"""Figure helpers shared by the experiment scripts and the paper figures."""

from __future__ import annotations

import os


def pyplot():
    """matplotlib.pyplot on the non-interactive Agg backend (scripts draw into files, also without a screen)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, figs, name, dpi=130):
    """Write ``fig`` as ``<figs>/<name>.png`` and ``.pdf`` (creating ``figs``), close it; returns the paths."""
    plt = pyplot()
    os.makedirs(figs, exist_ok=True)
    fig.tight_layout()
    paths = []
    for ext in ("png", "pdf"):
        paths.append(os.path.join(figs, f"{name}.{ext}"))
        fig.savefig(paths[-1], dpi=dpi)
    plt.close(fig)
    return paths
