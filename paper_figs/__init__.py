"""The paper figures: one module per lecture, and ``make_all.py`` which regenerates every figure."""
