"""The house stays readable (docs/architecture.md): no module over 600 lines, no class over 25
methods, no two modules with the same name in different places. Tests and data files aside. The
import rules themselves are import-linter's (``lint-imports``, run by scripts/test.sh)."""

from __future__ import annotations

import ast
import subprocess
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 600
MAX_METHODS = 25


def project_modules() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [
        ROOT / name
        for name in listed
        if not name.startswith(("tests/", "scripts/")) and (ROOT / name).exists()
    ]


def test_no_module_over_600_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): count
        for path in project_modules()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_class_over_25_methods() -> None:
    big = {}
    for path in project_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                methods = [
                    b for b in node.body if isinstance(b, ast.FunctionDef | ast.AsyncFunctionDef)
                ]
                if len(methods) > MAX_METHODS:
                    big[f"{path.relative_to(ROOT)}:{node.name}"] = len(methods)
    assert big == {}


def test_no_two_modules_share_a_name() -> None:
    places: dict[str, list[str]] = defaultdict(list)
    for path in project_modules():
        if path.name.startswith("__"):  # __init__, __main__
            continue
        places[path.stem].append(str(path.relative_to(ROOT)))
    shared = {name: where for name, where in places.items() if len(where) > 1}
    assert shared == {}


def test_the_checker_sees_the_whole_project() -> None:
    """The tests above read the real tree: the road's modules are among what they check."""
    names = {str(path.relative_to(ROOT)) for path in project_modules()}
    assert {"server/road/request.py", "server/road/run.py", "nodes/route.py"} <= names
