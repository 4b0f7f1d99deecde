"""pytest's view of docs/: the pages' examples are doctests (``--doctest-glob='*.md'``); the Python
files here (Sphinx configuration, extensions, site checks) are tools, not tests."""

collect_ignore_glob = ["*.py", "_ext/*", "_build/*"]
