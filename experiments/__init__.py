"""The experiment scripts, run from the repository root as ``python -m experiments.<name>``, and their
shared helpers (``_cli`` the options, ``_figures`` the drawing, ``_registry`` what make_all runs)."""
