"""Sphinx extension: long dotted names break after a dot, never inside a word.

A name such as ``zeroopt.linesearch.LineSearchResult`` has no place where a browser may break it, so in
the narrow section navigation, a page title or a previous/next link it either overflows or, with
``overflow-wrap``, is cut anywhere ("LineSearchRe|sult"). The HTML writer here puts a ``<wbr>`` (a
break opportunity that is not copied with the text) after every dot of a text that is exactly a Python
name - titles, the navigation built from them, breadcrumbs and the page's table of contents -
so a line breaks at ``zeroopt.linesearch.`` / ``LineSearchResult`` (and between the words of a
snake_case name). Text and code elsewhere are left alone; the titles of the source pages of
``sphinx.ext.viewcode`` get the same treatment. The theme adds its own behaviour on top of this writer (pydata-sphinx-theme mixes its
translator into every registered one).
"""

from __future__ import annotations

import re

from sphinx.writers.html5 import HTML5Translator

#: a text that is a Python name and nothing else, dotted or snake_case, perhaps called: ``a.b.C``,
#: ``forward_gaussian_floor()`` (the page's table of contents names methods so)
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\(\))?$")
_BREAKABLE = re.compile(r"\.|[A-Za-z0-9]_[A-Za-z0-9]")


def break_after_dots(encoded):
    """The HTML of an encoded dotted name with a ``<wbr>`` after each dot, and after each underscore
    between two words of a snake_case name (``forward_gaussian_moments``; not in ``__call__``)."""
    return re.sub(r"(?<=[A-Za-z0-9])_(?=[A-Za-z0-9])", "_<wbr>", encoded.replace(".", ".<wbr>"))


_VIEWCODE_TITLE = re.compile(r"<h1>Source code for ([A-Za-z0-9_.]+)</h1>")


def _page_context(app, pagename, templatename, context, doctree):
    # the pages of sphinx.ext.viewcode are written as HTML, not through the translator
    if pagename.startswith("_modules/") and "body" in context:
        context["body"] = _VIEWCODE_TITLE.sub(lambda m: f"<h1>Source code for {break_after_dots(m[1])}</h1>",
                                              context["body"])


class Translator(HTML5Translator):
    def visit_Text(self, node):
        text = node.astext()
        if not (NAME.match(text) and _BREAKABLE.search(text)):
            return super().visit_Text(node)
        html = break_after_dots(self.encode(text))
        self.body.append(f'<span class="pre">{html}</span>' if self.protect_literal_text else html)


def setup(app):
    app.set_translator("html", Translator)
    app.connect("html-page-context", _page_context)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
