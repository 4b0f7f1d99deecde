"""The one registry of what ``python -m paper_figs.make_all`` draws: the lecture figures and the experiments.

Two kinds of entries, each registered by the module that owns it:

* a **lecture figure** is a function ``fn(quick=False) -> (fig, caption[, extras])`` in a module of
  ``paper_figs/``, registered with the decorator :func:`figure`; make_all calls it in its own process;
* an **experiment** is a script module (``experiments/<name>.py``, run as ``python -m experiments.<name>``)
  registered with :func:`experiment`, which lists the figures it draws; make_all runs it with
  ``--out``, ``--figs`` (and ``--quick``, and ``--jobs`` if it takes it).

make_all finds them with :func:`discover`, which imports every public module of the packages
``paper_figs`` and ``experiments``: adding a figure or an experiment is adding one module with its
registration, nothing in make_all. A script that needs an optional extra names it in ``requires`` (and
imports it inside its functions, so that discovery works without it): make_all then skips it with a note
when the extra is missing.

Examples
--------
>>> reg = Registry()
>>> @reg.figure("demo_sine", "000", "-", "a sine")
... def demo(quick=False):
...     return None, "Lecture 000: a sine."
>>> exp = reg.experiment("demo", "experiments.demo", [("demo_curve", "000", "-", "a curve")], jobs=True)
>>> sorted(reg.figures), sorted(reg.experiments), reg.owner("demo_curve").name
(['demo_sine'], ['demo'], 'demo')
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from typing import Callable, NamedTuple


class Figure(NamedTuple):
    """A lecture figure: file name, lecture (seed file number), lecture figure numbers, title, function."""

    name: str
    lecture: str
    numbers: str
    title: str
    fn: Callable


class Drawn(NamedTuple):
    """A figure an experiment script draws: file name, lecture, lecture figure numbers, what it shows."""

    name: str
    lecture: str
    numbers: str
    title: str


class Experiment(NamedTuple):
    """An experiment script as make_all runs it.

    Attributes: ``name`` (make_all's ``--only`` name, the results folder ``results/[quick/]<name>``),
    ``module`` (run as ``python -m <module>``), ``figures`` (:class:`Drawn`), ``jobs`` (it takes
    ``--jobs``), ``redraw`` (it takes ``--redraw``: draw also the figures whose data and code have not
    changed), ``runs_cache`` (the subfolder of ``--out`` holding one file per finished run, so that a
    rerun computes only the missing ones; None if every run recomputes) and ``requires`` ((importable
    module, pip extra) pairs beyond the core install).
    """

    name: str
    module: str
    figures: tuple
    jobs: bool = False
    redraw: bool = False
    runs_cache: str | None = None
    requires: tuple = ()

    def missing(self):
        """The extras this experiment needs that are not installed, e.g. ``["coco"]``."""
        return [extra for mod, extra in self.requires if importlib.util.find_spec(mod) is None]


class Registry:
    """Lecture figures (``figures``: name -> :class:`Figure`) and experiments (``experiments``: name ->
    :class:`Experiment`), in registration order. Names are unique across every figure file name."""

    def __init__(self):
        self.figures: dict = {}
        self.experiments: dict = {}

    def _claim(self, name, fn=None):
        """Refuse a figure name already taken, except by the same function defined again (a module run as
        ``python -m`` and also imported under its package name executes its registrations twice)."""
        old = self.figures.get(name)
        if old is not None and fn is not None and _same_function(old.fn, fn):
            return
        if old is not None or any(name == d.name for e in self.experiments.values() for d in e.figures):
            raise ValueError(f"figure {name!r} registered twice")

    def figure(self, name, lecture, numbers, title):
        """Register ``fn(quick=False) -> (fig, caption[, extras])`` as figure ``name`` of lecture ``lecture``.

        ``quick`` is False (the full figure), True (make_all --quick) or "tiny" (the tests); ``extras``
        maps file names to text files written next to the figure (tables). ``numbers`` is the lecture's
        figure number(s) as text ("14", "2-11", "-" for a figure the lecture describes without a number).
        """
        def register(fn):
            self._claim(name, fn)
            self.figures[name] = Figure(name, lecture, numbers, title, fn)
            return fn
        return register

    def experiment(self, name, module, figures, *, jobs=False, redraw=False, runs_cache=None, requires=()):
        """Register the script ``module`` (its ``__spec__.name``: run as ``python -m <module>``) as experiment
        ``name``, drawing ``figures`` (tuples (file name, lecture, figure numbers, what it shows)); the
        keywords are :class:`Experiment`'s fields. Returns the :class:`Experiment`."""
        figures = tuple(Drawn(*f) for f in figures)
        old = self.experiments.get(name)
        if old is not None and old.module != module:
            raise ValueError(f"experiment {name!r} registered twice ({old.module} and {module})")
        if old is None:  # (the same module again: run with python -m and imported, see _claim)
            for f in figures:
                self._claim(f.name)
        exp = Experiment(name, module, figures, bool(jobs), bool(redraw), runs_cache, tuple(requires))
        self.experiments[name] = exp
        return exp

    def of_module(self, module):
        """The lecture figures registered by the functions of ``module`` (its ``__name__``)."""
        return [f for f in self.figures.values() if f.fn.__module__ == module]

    def owner(self, name):
        """The experiment that draws figure ``name``, or None."""
        for e in self.experiments.values():
            if any(f.name == name for f in e.figures):
                return e
        return None


def _same_function(a, b):
    return a.__qualname__ == b.__qualname__ and a.__code__.co_filename == b.__code__.co_filename


#: the registry every module registers into (make_all and the modules' own command lines read it)
REGISTRY = Registry()
figure = REGISTRY.figure
experiment = REGISTRY.experiment

#: the packages whose public modules register figures and experiments
PACKAGES = ("paper_figs", "experiments")


def discover(packages=PACKAGES):
    """Import every public module of ``packages`` (names not starting with "_"; not make_all), so that
    their registrations run; returns the registry."""
    for package in packages:
        pkg = importlib.import_module(package)
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            if not info.name.startswith("_") and info.name != "make_all":
                importlib.import_module(f"{package}.{info.name}")
    return REGISTRY
