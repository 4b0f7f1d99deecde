"""TEMPORARY: keep the ``-W`` build green while some docstrings are plain text rather than reST.

The docstrings below use ``|x|`` for norms, ``x*`` for minimisers, ``*args`` outside literals and
field lists that reST does not parse. docutils reads ``|...|`` as a substitution and ``*`` as emphasis,
so they make errors, which ``-W`` turns into a failed build. Until those docstrings are rewritten in
numpydoc form, this extension rewrites them *at render time only*, for exactly the names listed:

``"escape"``
    ``|`` and ``*`` outside ````literals```` and ``:role:`...``` are escaped (shown as typed);
``"literal"``
    everything after the summary line is shown as a literal block, as typed.

A workaround is applied only while it is needed: only if docutils, reading the docstring as written,
reports one of the problems above. A fixed docstring is therefore rendered as written, and the build
logs (``-v``) that its entry can go; delete it then, and this extension from conf.py once the table is
empty.
"""

from __future__ import annotations

import io
import re

from docutils import nodes
from docutils.core import publish_doctree

from sphinx.util import logging

logger = logging.getLogger(__name__)

# TEMPORARY: name -> mode. Remove an entry once its docstring is valid reST/numpydoc.
WORKAROUNDS = {
    "zeroopt.ad": "escape",                           # *args in an indented, non-literal block
    "zeroopt.value_and_grad": "escape",               # *args outside a literal
    "zeroopt.minimize": "escape",                     # |G|^2 in the step description, |f(x0)|
    "zeroopt.Estimate": "literal",                    # a field list with continuation lines
    "zeroopt.RandomCoordinate": "escape",             # |x_i|
    "zeroopt.linesearch": "escape",                   # |x - x*|, phi'(0) < 0
    "zeroopt.linesearch.brent": "escape",             # |x|
    "zeroopt.linesearch.dichotomy": "escape",         # |c - x*|
    "zeroopt.linesearch.wolfe": "escape",             # |phi'(alpha)|
}
#: the docutils messages these workarounds exist for
PROBLEMS = ("Undefined substitution referenced", "start-string without end-string", "Unexpected indentation",
            "Block quote ends without a blank line")

_PROTECTED = re.compile(r"(``.+?``|:[\w:.-]+:`[^`]+`)")


_ROLE = re.compile(r":[\w:.-]+:`([^`]+)`")
_DIRECTIVE = re.compile(r"^(\s*)\.\. [\w:-]+::.*$")


def needed(lines):
    """Whether docutils, reading ``lines`` as written, reports one of PROBLEMS.

    Sphinx's roles and directives need a build environment, which this standalone parse has not: for
    the check, a role becomes a literal and a directive a comment (neither can cause the PROBLEMS)."""
    text = "\n".join(_DIRECTIVE.sub(r"\1..", _ROLE.sub(r"``\1``", line)) for line in lines)
    doctree = publish_doctree(text, settings_overrides={
        "report_level": 2, "halt_level": 5, "warning_stream": io.StringIO()})
    # parse-time messages are in the tree; the transforms' (undefined substitutions) are kept apart
    messages = list(doctree.findall(nodes.system_message)) + list(doctree.transform_messages)
    return any(msg["level"] >= 2 and any(p in msg.astext() for p in PROBLEMS) for msg in messages)


def _escape(line):
    parts = _PROTECTED.split(line)
    for i in range(0, len(parts), 2):              # even parts lie outside literals and roles
        parts[i] = re.sub(r"(?<!\\)([|*])", r"\\\1", parts[i])
    return "".join(parts)


def _process(app, what, name, obj, options, lines):
    mode = WORKAROUNDS.get(name)
    if mode is None or not lines:
        return
    if not needed(lines):
        logger.info(f"docstring_workarounds: {name}'s docstring is valid reST now: rendered as written "
                    f"(remove its entry from docs/_ext/docstring_workarounds.py)")
        return
    if mode == "escape":
        lines[:] = [_escape(line) for line in lines]
    else:
        body = lines[1:]
        while body and not body[0].strip():
            body.pop(0)
        lines[:] = [lines[0], "", "::", ""] + ["    " + line if line.strip() else "" for line in body]


def setup(app):
    # before numpydoc (priority 500), so that numpydoc parses the escaped text
    app.connect("autodoc-process-docstring", _process, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
