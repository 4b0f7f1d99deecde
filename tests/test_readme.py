"""The README's promises: its usage example runs, and it opens with the two commands."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_usage_example_runs(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks, "README has no python example"
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {})
    assert capsys.readouterr().out.strip()


def test_readme_opens_with_the_two_commands():
    head = README.split("## ")[0]
    for marker in ("<!-- main-command -->", "<!-- test-command -->"):
        assert marker in head
        cmd = head.split(marker)[1].split("```")[1].strip()
        assert cmd.startswith("python3 -m venv .venv") and "pip install" in cmd
    assert "pytest" in head.split("<!-- test-command -->")[1]


def test_the_quick_runs_time_is_the_same_in_the_readme_the_docstring_and_help(capsys):
    """--help and the README say the same about the main command's time (rates.QUICK_TIME)."""
    import pytest

    from experiments import rates

    head = README.split("<!-- main-command -->")[0]
    assert rates.QUICK_TIME in " ".join(head.split()) and rates.QUICK_TIME in rates.__doc__
    with pytest.raises(SystemExit):
        rates.main(["--help"])
    assert rates.QUICK_TIME in " ".join(capsys.readouterr().out.split())


def test_every_command_runs_a_module_from_the_repository_root():
    """No ``python <folder>/<script>.py`` left in the README: scripts run as ``python -m``."""
    assert not re.search(r"python3? (experiments|paper_figs|benchmarks)/\w+\.py", README)
    head = README.split("## ")[0]
    assert "python -m experiments.rates --quick" in head


def test_license_and_citation_match_the_package():
    """LICENSE is the MIT text pyproject.toml declares; CITATION.cff names the package's version and license."""
    import zeroopt

    license_text = (ROOT / "LICENSE").read_text()
    assert license_text.startswith("MIT License") and "Copyright (c) 2026 the zeroopt developers" in license_text
    assert "THE SOFTWARE IS PROVIDED \"AS IS\"" in license_text
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'license = "MIT"' in pyproject and 'license-files = ["LICENSE"]' in pyproject
    cff = (ROOT / "CITATION.cff").read_text()
    fields = dict(re.findall(r"^([a-z-]+): *(.+)$", cff, flags=re.M))
    assert fields["cff-version"] == "1.2.0" and fields["license"] == "MIT" and fields["type"] == "software"
    assert fields["version"] == zeroopt.__version__ and f'version = "{zeroopt.__version__}"' in pyproject
    assert "name: \"the zeroopt developers\"" in cff and fields["title"].strip('"') and "abstract" in fields
