"""TEMPORARY: keep the ``-W`` build green while some docstrings are plain text rather than reST.

The docstrings below use ``|x|`` for norms, ``x*`` for minimisers, ``*args`` outside literals and
field lists that reST does not parse. docutils reads ``|...|`` as a substitution and ``*`` as emphasis,
so they make errors, which ``-W`` turns into a failed build. Until those docstrings are rewritten in
numpydoc form, this extension rewrites them *at render time only*, for exactly the names listed:

``"escape"``
    ``|`` and ``*`` outside ````literals```` and ``:role:`...``` are escaped (shown as typed);
``"literal"``
    everything after the summary line is shown as a literal block, as typed.

It warns when an ``"escape"`` docstring no longer needs its workaround, so the table shrinks as the
docstrings are fixed; delete an entry (and, once empty, this extension from conf.py) then. A
``"literal"`` entry is removed by hand once its docstring is numpydoc.
"""

from __future__ import annotations

import re

from sphinx.util import logging

logger = logging.getLogger(__name__)

# TEMPORARY: name -> mode. Remove an entry once its docstring is valid reST/numpydoc.
WORKAROUNDS = {
    "zeroopt.ad": "escape",                           # *args in an indented, non-literal block
    "zeroopt.value_and_grad": "escape",               # *args outside a literal
    "zeroopt.minimize": "escape",                     # |G|^2 in the step description
    "zeroopt.Estimate": "literal",                    # a field list with continuation lines
    "zeroopt.RandomCoordinate": "escape",             # |x_i|
    "zeroopt.linesearch": "escape",                   # |x - x*|, phi'(0) < 0
    "zeroopt.linesearch.brent": "escape",             # |x|
    "zeroopt.linesearch.dichotomy": "escape",         # |c - x*|
    "zeroopt.linesearch.wolfe": "escape",             # |phi'(alpha)|
}

_PROTECTED = re.compile(r"(``.+?``|:[\w:.-]+:`[^`]+`)")
_used = set()
_read = set()


def _escape(line):
    parts = _PROTECTED.split(line)
    for i in range(0, len(parts), 2):              # even parts lie outside literals and roles
        parts[i] = re.sub(r"(?<!\\)([|*])", r"\\\1", parts[i])
    return "".join(parts)


def _process(app, what, name, obj, options, lines):
    mode = WORKAROUNDS.get(name)
    if mode is None or not lines:
        return
    before = list(lines)
    if mode == "escape":
        lines[:] = [_escape(line) for line in lines]
    else:
        body = lines[1:]
        while body and not body[0].strip():
            body.pop(0)
        lines[:] = [lines[0], "", "::", ""] + ["    " + line if line.strip() else "" for line in body]
    if lines != before:
        _used.add(name)


def _before_read(app, env, docnames):
    _read.update(docnames)


def _check(app, env):
    # only names whose page was read in this run (an incremental build reads only changed pages)
    for name in sorted(n for n in set(WORKAROUNDS) - _used if f"api/generated/{n}" in _read):
        logger.warning(f"docstring_workarounds: {name}'s docstring needs no workaround any more: "
                       f"remove it from WORKAROUNDS in docs/_ext/docstring_workarounds.py")


def setup(app):
    # before numpydoc (priority 500), so that numpydoc parses the escaped text
    app.connect("autodoc-process-docstring", _process, priority=400)
    app.connect("env-before-read-docs", _before_read)
    app.connect("env-check-consistency", _check)
    return {"version": "1", "parallel_read_safe": False, "parallel_write_safe": True}
