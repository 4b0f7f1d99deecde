"""What a method declares about itself: a :class:`Method` spec per entry of the method table, and its own
options as :class:`Option` entries (a default and the check of a given value).

:func:`zeroopt.minimize` reads everything it needs about a method from its spec: whether it takes an
oracle and which one by default, whether it takes ``step``, whether it has a jitted path, its options.
So a new method is a function and a spec, added to the table, with no edit of ``minimize``.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
from typing import Any, Callable, Mapping

from .. import _checks


@dataclasses.dataclass(frozen=True)
class Option:
    """One option of a method: its default and the check of a value a user gives.

    Parameters
    ----------
    default : object
        The value the method gets when the option is not given.
    check : callable
        ``check(value, name) -> value``: the value as the method reads it, or a TypeError/ValueError that
        names ``name`` (e.g. ``"options['order']"``) and says what was expected.
    doc : str
        One line for the error that lists a method's options.
    """

    default: Any
    check: Callable[[Any, str], Any]
    doc: str = ""

    def __post_init__(self):
        if not callable(self.check):
            raise TypeError(f"Option.check must be callable, got {self.check!r}")


def choice(*values):
    """An Option check: one of ``values``."""
    return lambda value, name: _checks.choice(value, name, values)


@dataclasses.dataclass(frozen=True)
class Method:
    """A method of :func:`zeroopt.minimize`: the function and what it declares about itself.

    ``minimize`` calls ``function(run, **kwargs)`` with ``run`` the :class:`~zeroopt.optimize._run.Run`,
    ``step`` if the method takes it, ``jit`` if it has a jitted path, and every option of the method (the
    given value, checked by the option, or its default). The function loops until the run stops it.

    Parameters
    ----------
    function : callable
        ``function(run, [step,] [jit,] **options)``.
    oracle : callable or None
        The default oracle's factory, called when ``minimize`` gets ``oracle=None`` (see
        :meth:`default_oracle`); None for a method that takes no oracle.
    takes_oracle : bool
        False: the method uses function values only, and an oracle given to it is a ValueError.
    takes_step : bool
        False: a ``step`` given to it is a ValueError.
    jitted : bool
        The method has a jitted path (``jit=True`` is refused for methods without one).
    options : mapping of str to Option
        The method's own options (``minimize(..., options={...})``) with their defaults and checks.
    writes_x0 : bool
        The method updates the array it is given as x0 in place: ``minimize`` then hands it the caller's
        array (when already float64, contiguous and writable) instead of a copy.
    oracle_sized : bool
        The factory takes the run's dimension and iteration budget, ``oracle(n=..., maxiter=...)`` (a
        default such as ZO-signSGD's smoothing radius 1/sqrt(n T) depends on them); False: called with
        no argument.
    summary : str
        One line: what the method does.
    """

    function: Callable
    oracle: Callable | None
    takes_oracle: bool
    takes_step: bool
    jitted: bool
    options: Mapping[str, Option] = dataclasses.field(default_factory=dict)
    writes_x0: bool = False
    summary: str = ""
    oracle_sized: bool = False

    def __post_init__(self):
        if not callable(self.function):
            raise TypeError(f"Method.function must be callable, got {self.function!r}")
        for flag in ("takes_oracle", "takes_step", "jitted", "writes_x0", "oracle_sized"):
            if not isinstance(getattr(self, flag), bool):
                raise TypeError(f"Method.{flag} must be True or False, got {getattr(self, flag)!r}")
        if self.takes_oracle != (self.oracle is not None) or (self.oracle is not None and not callable(self.oracle)):
            raise ValueError("Method.oracle must be the default oracle's factory exactly when takes_oracle is True")
        options = dict(self.options)
        for name, option in options.items():
            if not isinstance(name, str) or not isinstance(option, Option):
                raise TypeError(f"Method.options must map names to Option entries; got {name!r}: {option!r}")
        object.__setattr__(self, "options", types.MappingProxyType(options))
        params = inspect.signature(self.function).parameters
        wanted = ["step"] * self.takes_step + ["jit"] * self.jitted + list(options)
        missing = [w for w in wanted if w not in params]
        if missing:
            raise TypeError(f"{self.function.__name__} does not take {', '.join(missing)}, which its spec declares")

    def default_oracle(self, n, maxiter):
        """The method's default oracle for a run in dimension ``n`` with ``maxiter`` iterations."""
        return self.oracle(n=n, maxiter=maxiter) if self.oracle_sized else self.oracle()

    def keywords(self, step, jit, options):
        """The keyword arguments of ``function`` (after ``run``) for these checked arguments."""
        kwargs = dict(options)
        if self.takes_step:
            kwargs["step"] = step
        if self.jitted:
            kwargs["jit"] = jit
        return kwargs

    def checked_options(self, method, options, aliases=None):
        """The method's options: each given one checked where it is defined, the rest their defaults.

        ``aliases``: options given as arguments of ``minimize`` (``order=``); None means not given. An
        alias and an ``options`` entry for the same name must agree.

        Raises
        ------
        TypeError
            ``options`` is not a mapping, or a value fails its option's type check.
        ValueError
            An unknown option (named, with the method's options listed), an alias that disagrees with
            ``options``, or a value its option refuses.
        """
        if options is None:
            options = {}
        if not isinstance(options, Mapping):
            raise TypeError(f"options must be a dict of method={method!r}'s options, got {type(options).__name__}")
        given, names = dict(options), {k: f"options[{k!r}]" for k in options}
        for name, value in (aliases or {}).items():
            if value is None:
                continue
            if name in given and not _same(given[name], value):
                raise ValueError(f"{name}={value!r} and options[{name!r}]={given[name]!r} disagree: give one "
                                 f"({name}= is an alias of options={{{name!r}: ...}})")
            given[name], names[name] = value, name
        unknown = [k for k in given if k not in self.options]
        if unknown:
            raise ValueError(f"unknown option {unknown[0]!r} for method={method!r}; {self.describe_options(method)}")
        return {k: (o.check(given[k], names[k]) if k in given else o.default) for k, o in self.options.items()}

    def describe_options(self, method):
        """``"its options: order ('cyclic'; ...)"`` or ``"it has no options"``, for error messages."""
        if not self.options:
            return f"method={method!r} has no options"
        return "its options: " + ", ".join(f"{k} (default {o.default!r}{'; ' + o.doc if o.doc else ''})"
                                           for k, o in self.options.items())


def _same(a, b):
    try:
        return a is b or (type(a) is type(b) and bool(a == b))
    except (TypeError, ValueError):  # e.g. arrays: no single truth value
        return False
