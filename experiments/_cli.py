"""The command-line options the experiment, paper-figure and benchmark scripts share, validated in argparse.

A script declares what it takes and gets its options checked and defaulted in one place::

    from experiments import _cli

    ap = _cli.parser(__doc__, __spec__.name)   # usage: python -m experiments.rates ...
    _cli.add_common(ap, jobs=True, backend=True, out="results/rates", figs=True, seeds=(5, 3), quick=True)
    ap.add_argument("--dims", type=_cli.int_list(2, 5000), help="...")
    a = _cli.parse(ap, argv)          # parse_args, then finish(): defaults, cross-checks, the job cap

Every bad value ends in argparse's usage line and a message naming the option, exit status 2: types,
choices and ranges in the ``type=`` functions below; what depends on several options in :func:`finish`.
Only the options a script declares exist, so no script accepts an option and ignores it. Figures
are drawn through ``experiments._figures`` (matplotlib's Agg backend, ``save_figure``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

LOCAL_BACKENDS = ("loky", "threading", "multiprocessing")
CLUSTER_BACKENDS = ("dask", "ray")
BACKENDS = LOCAL_BACKENDS + CLUSTER_BACKENDS
DEFAULT_JOBS = 2
MAX_SEEDS = 10_000


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Fits the description and epilog to the terminal: paragraphs are re-wrapped, indented lines (commands,
    tables) kept as written and, where too long, continued on the next line with a deeper indent."""

    def _fill_text(self, text, width, indent):
        import textwrap

        import re

        out, paragraph, entries = [], [], []
        wrap = dict(break_long_words=False, break_on_hyphens=False)

        def flush():
            if paragraph:
                out.extend(textwrap.wrap(" ".join(paragraph), width, initial_indent=indent, subsequent_indent=indent,
                                         **wrap))
                paragraph.clear()
            for first, rest in entries:  # an indented entry: "term   description" continued under the description
                lead = first[:len(first) - len(first.lstrip())]
                term = re.match(r"\s*\S+(?: \S+)*?(?: {2,}|\t)", first)
                hang = " " * (len(term.group(0)) if term and len(term.group(0)) < width // 2 else len(lead) + 4)
                text_ = " ".join([first.strip()] + [r.strip() for r in rest])
                out.extend(textwrap.wrap(text_, width, initial_indent=indent + lead, subsequent_indent=indent + hang,
                                         **wrap) or [""])
            entries.clear()

        for line in text.splitlines():
            if not line.strip():
                flush()
                out.append("")
            elif line[0].isspace():
                if paragraph:
                    flush()
                depth = len(line) - len(line.lstrip())
                if entries and depth > len(entries[-1][0]) - len(entries[-1][0].lstrip()):
                    entries[-1][1].append(line)       # a continuation line of the entry above
                else:
                    entries.append((line, []))
            else:
                if entries:
                    flush()
                paragraph.append(line.strip())
        flush()
        return "\n".join(out)


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def is_committed_figs(path):
    """True if ``path`` is the repository's paper_figs/, whose figures are those of the full runs."""
    return os.path.realpath(path) == os.path.realpath(os.path.join(ROOT, "paper_figs"))


def parser(doc, module=None):
    """An ArgumentParser whose description is the docstring's first paragraph and whose epilog is the rest,
    both fitted to the terminal's width (reST markup such as :func:`x` and ``x`` shown as plain x).

    ``module`` is the script's dotted name (``__spec__.name``, the same whether it is imported or run with
    ``python -m``): the usage line then reads ``python -m <module>``, the way every script is run (from
    the repository root)."""
    import re

    text = re.sub(r":[\w:.-]+:`~?([^`]+)`", r"\1", (doc or "").strip())
    text = re.sub(r"``([^`]+)``", r"\1", text)
    first, _, rest = text.partition("\n\n")
    return argparse.ArgumentParser(prog=None if module is None else f"python -m {module}",
                                   description=" ".join(first.split()), epilog=rest.strip("\n") or None,
                                   formatter_class=_Formatter)


# --- types: each raises ArgumentTypeError, which argparse reports as "argument --x: ..." and exit 2 ---
def _int(text):
    try:
        return int(text.strip())
    except (ValueError, AttributeError):
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def int_range(low=None, high=None):
    """A ``type=`` for an integer in [low, high].

    Parameters
    ----------
    low, high : int or None
        The inclusive bounds (None: unbounded).

    Returns
    -------
    callable
        ``convert(text) -> int``, raising ``argparse.ArgumentTypeError`` (argparse: exit 2 naming the option).

    Examples
    --------
    >>> int_range(1, 9)(" 3 ")
    3
    """
    def convert(text):
        v = _int(text)
        if (low is not None and v < low) or (high is not None and v > high):
            raise argparse.ArgumentTypeError(f"expected an integer {_range_text(low, high)}, got {v}")
        return v
    convert.__name__ = "integer"
    return convert


def _range_text(low, high):
    if low is not None and high is not None:
        return f"from {low} to {high}"
    return f">= {low}" if low is not None else f"<= {high}"


def int_list(low=None, high=None):
    """A ``type=`` for a comma-separated list of integers in [low, high]: at least one, none empty
    (``--dims ,`` is an error), none repeated.

    Parameters
    ----------
    low, high : int or None

    Returns
    -------
    callable
        ``convert(text) -> list of int``, raising ``argparse.ArgumentTypeError``.

    Examples
    --------
    >>> int_list(2, 5000)("10, 20")
    [10, 20]
    """
    one = int_range(low, high)

    def convert(text):
        return [one(t) for t in _items(text, "integers such as 10,20")]
    convert.__name__ = "list of integers"
    return convert


def choice_list(choices):
    """A ``type=`` for a comma-separated list of names from ``choices``: at least one, none repeated.

    Parameters
    ----------
    choices : list of str

    Returns
    -------
    callable
        ``convert(text) -> list of str``, raising ``argparse.ArgumentTypeError``.

    Examples
    --------
    >>> choice_list(["gd", "sphere"])("sphere,gd")
    ['sphere', 'gd']
    """
    def convert(text):
        parts = _items(text, f"names from {', '.join(choices)}")
        bad = [t for t in parts if t not in choices]
        if bad:
            raise argparse.ArgumentTypeError(f"unknown {', '.join(map(repr, bad))}; choose from {', '.join(choices)}")
        return parts
    convert.__name__ = "list of names"
    return convert


def _items(text, what):
    """The stripped items of a comma-separated list: none empty, none repeated."""
    parts = [t.strip() for t in text.split(",")]
    if not text.strip() or any(not t for t in parts):
        raise argparse.ArgumentTypeError(f"expected comma-separated {what}, got {text!r}")
    if len(set(parts)) != len(parts):
        raise argparse.ArgumentTypeError(f"an item is repeated in {text!r}")
    return parts


def _jobs(text):
    v = _int(text)
    if v == 0 or v < -1:
        raise argparse.ArgumentTypeError(f"expected a number of jobs >= 1, or -1 for all cores, got {v}")
    return v


# --- the common options --------------------------------------------------------------------------
def add_common(parser, *, jobs=False, backend=False, out=None, figs=False, seeds=None, quick=False):
    """Add the shared options a script takes.

    jobs: ``--jobs N`` (default 2; -1: all cores). backend: ``--backend`` (loky, threading,
    multiprocessing, dask, ray) and ``--scheduler ADDRESS`` (a dask scheduler or ray cluster; without
    it dask starts a local cluster of --jobs workers). out: the default results directory, e.g.
    "results/rates" (``--out``). figs: ``--figs DIR`` (default paper_figs/, or <out>/figs with --quick,
    so that quick runs never overwrite the committed figures) or ``--no-figs`` (``args.figs`` is None).
    seeds: (default, default with --quick) for ``--seeds N``. quick: ``--quick``. ``jobs`` and ``quick``
    may be strings: the option's help text, for a script whose use of it is its own.
    """
    if quick:
        parser.add_argument("--quick", action="store_true",
                            help=quick if isinstance(quick, str) else "the small configuration")
    if seeds is not None:
        full, fast = seeds if isinstance(seeds, tuple) else (seeds, seeds)
        default = f"default {full}" + (f"; --quick {fast}" if quick and fast != full else "")
        parser.add_argument("--seeds", type=int_range(1, MAX_SEEDS), default=None, help=f"number of seeds ({default})")
        parser.set_defaults(_seeds_defaults=(full, fast))
    if jobs:
        parser.add_argument("--jobs", type=_jobs, default=None,
                            help=jobs if isinstance(jobs, str) else
                            f"parallel jobs (default {DEFAULT_JOBS}; -1: all cores; local backends are capped "
                            "at 4 x the cores; a cluster backend with --scheduler takes the cluster's size)")
    if backend:
        parser.add_argument("--backend", choices=BACKENDS, default="loky", metavar="NAME",
                            help="joblib backend (default loky): loky, threading, multiprocessing, dask "
                                 "(a local cluster of --jobs workers, or --scheduler), ray")
        parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                            help="the dask scheduler (or ray cluster) address, with --backend dask or ray")
    if out is not None:
        parser.add_argument("--out", default=out, metavar="DIR", help=f"results directory (default {out})")
    if figs:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--figs", default=None, metavar="DIR",
                           help="figure directory (default paper_figs/; with --quick, <out>/figs, so that the "
                                "committed paper figures stay those of the full run)")
        group.add_argument("--no-figs", action="store_true", help="draw no figures (results only)")
    return parser


def finish(parser, args):
    """Apply the defaults that depend on other options and check what involves several; errors go
    through ``parser.error`` (usage line, exit 2). Returns ``args``.

    Sets ``args.seeds`` (by --quick), ``args.figs`` (by --quick and --out), ``args.jobs`` (capped for
    local backends with a note on stderr; -1 for a cluster backend with --scheduler: the cluster's size)
    and ``args.jobs_note`` (the note, or None).
    """
    quick = getattr(args, "quick", False)
    if hasattr(args, "_seeds_defaults"):
        full, fast = args._seeds_defaults
        del args._seeds_defaults
        if args.seeds is None:
            args.seeds = fast if quick else full
    for name in ("out", "figs"):
        path = getattr(args, name, None)
        if path is not None:
            problem = directory_problem(path)
            if problem:
                parser.error(f"argument --{name}: {problem}")
    if quick and getattr(args, "figs", None) is not None and is_committed_figs(args.figs):
        parser.error("argument --figs: --quick never draws into paper_figs/ (the committed figures are those of "
                     "the full run); leave --figs out or point it elsewhere")
    if getattr(args, "no_figs", False):
        args.figs = None
    elif hasattr(args, "figs") and args.figs is None:
        args.figs = os.path.join(args.out, "figs") if quick and hasattr(args, "out") else os.path.join(ROOT, "paper_figs")
        args.figs_default = True  # (a script may choose another default for a partial configuration)
    backend = getattr(args, "backend", "loky")
    if hasattr(args, "backend"):
        _check_backend(parser, args)
    if hasattr(args, "jobs"):
        args.jobs_note = None
        if backend in CLUSTER_BACKENDS and args.scheduler:
            if args.jobs is not None:
                parser.error(f"argument --jobs: the {backend} cluster at {args.scheduler} sets the number of "
                             "jobs (its size); leave --jobs out")
            args.jobs = -1
        else:
            from zeroopt.sweep import cap_jobs

            jobs = DEFAULT_JOBS if args.jobs is None else args.jobs
            args.jobs, note = cap_jobs(jobs, "loky" if backend in CLUSTER_BACKENDS else backend)
            if args.jobs == -1:
                import joblib

                args.jobs = joblib.cpu_count()
            if note:
                args.jobs_note = f"note: --jobs {jobs} capped: {note}"
                print(f"{parser.prog}: {args.jobs_note}", file=sys.stderr)
    return args


def make_dirs(parser, args):
    """Create ``args.out`` and ``args.figs`` (where not None); one that cannot be created ends in the usage
    line and a message naming the option (exit status 2)."""
    for name in ("out", "figs"):
        path = getattr(args, name, None)
        try:
            if path is not None:
                os.makedirs(path, exist_ok=True)
        except OSError as exc:
            parser.error(f"argument --{name}: cannot create {path!r}: {exc.strerror or exc}")


def directory_problem(path):
    """Why ``path`` cannot be a directory to write results into, or None if it can (it exists as a
    directory, or can be created: its nearest existing ancestor is a writable directory)."""
    if not str(path).strip():
        return "expected a directory, got ''"
    if os.path.exists(path) and not os.path.isdir(path):
        return f"{path!r} is an existing file, not a directory"
    probe = os.path.abspath(path)
    while not os.path.exists(probe):
        probe = os.path.dirname(probe)
    if not os.path.isdir(probe):
        return f"{path!r} cannot be created: {probe!r} is a file"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"{path!r} cannot be written: {probe!r} is not writable"
    return None


def _check_backend(parser, args):
    if args.scheduler is not None and args.backend not in CLUSTER_BACKENDS:
        parser.error(f"argument --scheduler: only with --backend dask or ray (got --backend {args.backend})")
    if args.scheduler is not None and not args.scheduler.strip():
        parser.error("argument --scheduler: expected an address such as tcp://host:8786, got ''")
    need = {"dask": ("distributed", 'pip install "dask[distributed]"'), "ray": ("ray", "pip install ray")}.get(args.backend)
    if need is not None:
        import importlib.util

        if importlib.util.find_spec(need[0]) is None:
            parser.error(f"argument --backend: {args.backend} needs the {need[0]} package ({need[1]})")


def parse(parser, argv=None):
    """Parse the command line and apply :func:`finish`.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        Built with :func:`add_common`.
    argv : list of str, optional
        Default: ``sys.argv[1:]``.

    Returns
    -------
    argparse.Namespace

    Raises
    ------
    SystemExit
        Status 2 for a bad option (usage line and a message naming it on stderr).

    Examples
    --------
    >>> ap = add_common(parser("demo"), out="results/demo", seeds=(5, 3), quick=True)
    >>> a = parse(ap, ["--quick"])
    >>> a.seeds, a.out
    (3, 'results/demo')
    """
    return finish(parser, parser.parse_args(argv))


@contextlib.contextmanager
def backend_session(args):
    """Connect the cluster a cluster backend needs for the duration of a run: dask (``--scheduler``, or a
    local cluster of ``--jobs`` single-threaded workers) or ray (``ray.init(address)`` and joblib's ray
    backend). Local backends need nothing."""
    if args.backend == "dask":
        from distributed import Client, LocalCluster

        if args.scheduler:
            try:
                client = Client(args.scheduler, timeout="20s")
            except (OSError, TimeoutError) as exc:
                raise SystemExit(f"error: cannot reach the dask scheduler at {args.scheduler}: {exc}") from None
            with client:
                yield client
        else:
            with LocalCluster(n_workers=max(1, args.jobs), threads_per_worker=1, dashboard_address=None) as cluster, \
                    Client(cluster) as client:
                yield client
    elif args.backend == "ray":  # pragma: no cover - ray is not in the test extra
        import ray
        from ray.util.joblib import register_ray

        register_ray()
        ray.init(address=args.scheduler or None)
        try:
            yield None
        finally:
            ray.shutdown()
    else:
        yield None


def report_figures(written, kept):
    """Print the PNGs a script drew (``written``) and those it left as they were (``kept``: same data and
    code), each list only when it is not empty."""
    if written:
        print(f"figures: {', '.join(p for p in written if p.endswith('.png'))}")
    if kept:
        print(f"figures unchanged (same data and code; --redraw draws them again): "
              f"{', '.join(p for p in kept if p.endswith('.png'))}")
