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
