"""What the built distributions hold (CI's package step): the wheel only the zeroopt package and its
metadata (the license included), no tests, experiments, benchmarks or figures; the sdist the package,
pyproject.toml, README.md, LICENSE and CITATION.cff, and no tests or figures.

    python .ci/check_dist.py dist/zeroopt-*.whl dist/zeroopt-*.tar.gz
"""

import sys
import tarfile
import zipfile

FIGURES = (".png", ".pdf", ".svg", ".csv")
ELSEWHERE = ("tests/", "experiments/", "benchmarks/", "paper_figs/", "docs/", "results/")


def check_wheel(path):
    names = zipfile.ZipFile(path).namelist()
    info = [n for n in names if ".dist-info/" in n]
    code = [n for n in names if n not in info]
    problems = [f"not of the package: {n}" for n in code if not n.startswith("zeroopt/")]
    problems += [f"a figure or data file: {n}" for n in names if n.endswith(FIGURES)]
    if not any(n.endswith(".dist-info/licenses/LICENSE") for n in info):
        problems.append("no LICENSE in the metadata")
    for need in ("zeroopt/__init__.py", "zeroopt/ad/__init__.py", "zeroopt/linesearch/__init__.py"):
        if need not in names:
            problems.append(f"missing {need}")
    print(f"{path}: {len(code)} files under zeroopt/, {len(info)} metadata files")
    return problems


def check_sdist(path):
    with tarfile.open(path) as tar:
        names = [n.split("/", 1)[1] for n in tar.getnames() if "/" in n]
    problems = [f"missing {need}" for need in ("LICENSE", "README.md", "CITATION.cff", "pyproject.toml",
                                               "zeroopt/__init__.py", "PKG-INFO") if need not in names]
    problems += [f"should stay in the repository: {n}" for n in names if n.startswith(ELSEWHERE)]
    problems += [f"a figure or data file: {n}" for n in names if n.endswith(FIGURES)]
    print(f"{path}: {len(names)} entries ({len([n for n in names if n.startswith('zeroopt/')])} under zeroopt/)")
    return problems


def main(paths):
    kinds = {p: check_wheel if p.endswith(".whl") else check_sdist for p in paths}
    if sorted(k.__name__ for k in kinds.values()) != ["check_sdist", "check_wheel"]:
        print(f"expected one wheel and one sdist, got {paths}")
        return 1
    problems = [f"{p}: {msg}" for p, check in kinds.items() for msg in check(p)]
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
