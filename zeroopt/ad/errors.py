"""The messages of zeroopt.ad's refusals: what the user's code called, and what to do about it.

When a traced value meets something without a derivative inside a library function the user's code
called (``scipy.special.logsumexp`` reaching ``numpy.result_type``), the message names that call and the
user's line rather than the library's internals, and says what to do: write it in numpy operations, or
give the function a rule with :func:`zeroopt.ad.defvjp`.
"""

from __future__ import annotations

import functools
import operator
import linecache
import os
import site
import sys
import sysconfig

from .numpy_names import np


def how_to_add(name):
    """What to do about ``name`` (a function that met a traced value it cannot differentiate)."""
    then = (f"after which {name} itself differentiates" if name.startswith("numpy") else
            f"and call the function it returns where you called {name}")
    return (f"Write that computation with numpy operations that have a rule (the user guide lists them), or give "
            f"{name} a rule of your own: zeroopt.ad.defvjp({name}, vjp), vjp(g, ans, *args) returning the "
            f"cotangent of its first argument, {then}; zeroopt.ad.check_grads tests the rule.")


@functools.lru_cache(maxsize=None)
def _library_file(filename):
    """True for a file of the standard library or of an installed package (numpy, scipy, ...)."""
    paths = sysconfig.get_paths()
    dirs = {paths.get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")} | set(site.getsitepackages())
    dirs = tuple(os.path.join(os.path.realpath(d), "") for d in dirs if d)
    return os.path.realpath(filename).startswith(dirs)


def _library(frame):
    name = frame.f_globals.get("__name__") or ""
    return not (name == "zeroopt" or name.startswith("zeroopt.")) and _library_file(frame.f_code.co_filename)


def library_call():
    """``(name, where)`` of the library function (scipy.special.logsumexp, ...) that the user's code
    called and inside which zeroopt.ad is now refusing something, or None when the user's code met it
    directly: the outermost of the innermost run of library frames, and the user's line that called it."""
    frame = sys._getframe(1)
    while frame is not None and (frame.f_globals.get("__name__") or "").startswith("zeroopt.ad"):
        frame = frame.f_back
    called = None
    while frame is not None and _library(frame):
        called, frame = frame, frame.f_back
    if called is None:
        return None
    code, module = called.f_code, called.f_globals.get("__name__") or ""
    public = ".".join(module.split(".")[:next((i for i, p in enumerate(module.split(".")) if p.startswith("_")), None)])
    if public.startswith("numpy") and hasattr(np, code.co_name):
        public = "numpy"
    name = f"{public or module}.{getattr(code, 'co_qualname', code.co_name)}"
    if frame is None or (frame.f_globals.get("__name__") or "").startswith("zeroopt.ad"):
        return name, ""                     # the differentiated function is the library's itself
    line = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
    return name, f" ({os.path.basename(frame.f_code.co_filename)}, line {frame.f_lineno}" + (f": {line})" if line else ")")


def refusal(what, problem):
    """The message of a refusal: ``what`` (e.g. "numpy.result_type") ``problem`` (e.g. "has no derivative
    rule"), named by the user's call that reached it when that is a library's function."""
    call = library_call()
    if call is None:
        return f"zeroopt.ad: {what} {problem}. " + how_to_add(what)
    name, where = call
    return (f"zeroopt.ad cannot differentiate your call of {name}{where}: inside it, {what} {problem}. "
            + how_to_add(name))


def _name(func):
    module = getattr(func, "__module__", None) or ""
    if func is operator.getitem:
        return "indexing x[...]"
    return ("numpy.linalg." if "linalg" in module else "numpy.") + getattr(func, "__name__", repr(func))


def no_rule_error(what):
    return TypeError(refusal(what, "has no derivative rule, so it cannot be applied to a traced value (the "
                                   "gradient would be wrong or missing)"))


_SUGGEST = ("Build arrays from traced values with functional numpy instead: np.where(mask, a, b), "
            "np.concatenate / np.stack([...]), arithmetic on whole arrays.")
_LISTS = ("a traced value cannot become a plain numpy array: its derivative would be lost. numpy asks for one "
          "(1) when it converts a list or tuple holding traced values, np.array([x[0], 2 * x[1]]) or "
          "np.mean([a, b]): write np.stack([...]), or mark the differentiated function with "
          "@zeroopt.ad.accept_lists (a function imported by name before, from numpy import mean, and a ufunc "
          "given a list, np.exp([a, b]), refuse even then: write np.exp(np.stack([a, b]))); (2) when a traced "
          "value is written into an array, out[i] = x[i] * 2. ")


class TracerConversionError(TypeError):
    """A traced value was converted to a plain number or array (its derivative would be lost).

    A subclass of TypeError because numpy replaces a plain TypeError raised while it writes a value into
    an array (``out[i] = x``) by its own, less helpful, ValueError.
    """


class ArrayConversionError(TracerConversionError):
    """numpy asked a traced value for a plain array (``__array__``): in ``out[i] = x``, or when it converts
    a list holding traced values (which the differentiating API then handles, see zeroopt.ad.arraylike)."""
