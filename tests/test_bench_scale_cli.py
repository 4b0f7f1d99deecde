"""benchmarks/scale.py and benchmarks/estimators.py's new options: a bad command line ends in a usage line
and a message naming the option, with exit status 2, before any work starts; --help fits 80 columns."""

import importlib

import pytest


def benchmark(name, monkeypatch):
    """benchmarks/<name>.py's main: the module benchmarks.<name> (run as python -m from the root)."""
    return importlib.import_module(f"benchmarks.{name}").main


SCALE = [
    (["--sizes", "abc"], ["--sizes", "comma-separated sizes"]), (["--sizes", "10"], ["--sizes", "from 1e3 to 2e8"]),
    (["--sizes", "1e9"], ["--sizes", "from 1e3 to 2e8"]), (["--sizes", "1e6,,1e7"], ["--sizes", "comma-separated"]),
    (["--sections", "xyz"], ["--sections", "letters a-e"]), (["--sections", ""], ["--sections", "letters a-e"]),
    (["--repeats", "2"], ["--repeats", "from 3 to 1000"]), (["--quick=1"], ["--quick", "ignored explicit argument"]),
    (["--bogus"], ["unrecognized arguments: --bogus"]), (["extra"], ["unrecognized arguments: extra"]),
]
ESTIMATORS = [
    (["--before", "no-such-revision-zz"], ["--before", "not a git revision"]),
    (["--clock", "gpu"], ["--clock", "invalid choice"]), (["--only", "z"], ["--only", "invalid choice"]),
    (["--before"], ["--before", "expected one argument"]),
]
TABLE = [("scale", a, w) for a, w in SCALE] + [("estimators", a, w) for a, w in ESTIMATORS]


@pytest.mark.parametrize("script, argv, words", TABLE, ids=[f"{s}:{' '.join(a)}" for s, a, _ in TABLE])
def test_bad_options_exit_2_with_a_usage_line_naming_the_option(script, argv, words, monkeypatch, capsys):
    main = benchmark(script, monkeypatch)
    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.startswith("usage: ") and "error: " in err, err
    message = err.split("error: ", 1)[1]
    for word in words:
        assert word in message, message


@pytest.mark.parametrize("script", ["scale", "estimators"])
def test_help_fits_an_80_column_terminal(script, monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit) as stop:
        benchmark(script, monkeypatch)(["--help"])
    out = capsys.readouterr().out
    assert stop.value.code == 0 and out.startswith("usage: ") and "options:" in out
    assert max(len(line) for line in out.splitlines()) <= 80
