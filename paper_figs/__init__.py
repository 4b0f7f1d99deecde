"""The paper figures: one module per lecture, and ``python -m paper_figs.make_all``, which regenerates every
figure (run from the repository root)."""
