"""OptiProfiler's entry points of the local problem library ``more_wild`` (the Moré–Wild set): each
forwards to ``experiments._profiles_problems``, where the library is written and documented."""

from experiments import _profiles_problems as _lib


def more_wild_get_default_options():
    return _lib.get_default_options()


def more_wild_validate_options(options):
    return _lib.validate_options(options)


def more_wild_select(problem_options, library_options):
    return _lib.select(problem_options, library_options)


def more_wild_load(problem_name, library_options=None):
    return _lib.load(problem_name, library_options)
