"""The AD package's own structure: no import cycle between its modules (imports inside functions
included), no module over about 400 lines, and no rule module importing the user API."""

import ast
import pathlib

import zeroopt.ad

PACKAGE = pathlib.Path(zeroopt.ad.__file__).parent
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py"))


def imports_of(name):
    """The sibling modules that module ``name`` imports, anywhere in its body."""
    tree = ast.parse((PACKAGE / f"{name}.py").read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                out.add(node.module.split(".")[0])
            else:
                out.update(alias.name for alias in node.names)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            names = [module] if module else [a.name for a in node.names]
            out.update(n.split(".")[2] for n in names if n and n.startswith("zeroopt.ad."))
    return out & set(MODULES)


def test_no_import_cycle_in_the_ad_package():
    graph = {m: imports_of(m) for m in MODULES}
    state = {}

    def visit(m, path):
        if state.get(m) == "open":
            raise AssertionError("import cycle: " + " -> ".join(path + [m]))
        if state.get(m) == "done":
            return
        state[m] = "open"
        for n in sorted(graph[m]):
            visit(n, path + [m])
        state[m] = "done"

    for m in MODULES:
        visit(m, [])
    assert "rules" in graph["__init__"] and "tracer" in graph["core"]
    assert graph["tracer"] <= {"numpy_names", "errors"}  # the traced array knows no rule
    assert graph["numpy_names"] == set() and graph["errors"] == {"numpy_names"}


def test_rules_never_import_the_user_api_and_modules_stay_small():
    for m in MODULES:
        if m not in ("__init__", "api", "check", "graph", "checkpoint"):
            assert "api" not in imports_of(m), m
        lines = (PACKAGE / f"{m}.py").read_text().count("\n")
        assert lines <= 420, f"zeroopt/ad/{m}.py has {lines} lines"
