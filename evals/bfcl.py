"""BFCL (Berkeley Function Calling Leaderboard, Apache-2.0): its data and its official checker.

The data is read from the ``bfcl-eval`` wheel on PyPI (pinned below), downloaded on first use into
``~/.cache/toolloom/bfcl`` (or ``TOOLLOOM_CACHE``); nothing of it is copied into this repository.

Cases are scored by BFCL's own checker, run from that wheel (``evals.bfcl_official``): its
``ast_checker`` for the categories with a ground truth, its ``is_empty_output`` for irrelevance,
called as BFCL's eval runner calls them. There is no other checker: when the official one cannot be
loaded, scoring stops with an error that says why, so every BFCL number reported is the
leaderboard's own verdict.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from evals import bfcl_official

BFCL_VERSION = "2026.3.23"
CATEGORIES = (
    "simple_python",
    "multiple",
    "parallel",
    "parallel_multiple",
    "irrelevance",
    "live_simple",
    "live_multiple",
    "live_irrelevance",
)
IRRELEVANCE = ("irrelevance", "live_irrelevance")
_TYPES = {"dict": "object", "float": "number", "tuple": "array", "integer": "integer"}


def cache_dir() -> Path:
    root = os.environ.get("TOOLLOOM_CACHE") or Path.home() / ".cache" / "toolloom"
    return Path(root) / "bfcl"


def wheel_path() -> Path:
    """The pinned bfcl-eval wheel, downloaded (without its dependencies) on first use."""
    folder = cache_dir()
    found = sorted(folder.glob(f"bfcl_eval-{BFCL_VERSION}-*.whl"))
    if found:
        return found[0]
    folder.mkdir(parents=True, exist_ok=True)
    args = ["download", "--no-deps", "--quiet", f"bfcl-eval=={BFCL_VERSION}", "-d", str(folder)]
    error: Exception | None = None
    for python in (sys.executable, "python3"):  # the environment's pip, else the system's
        try:
            subprocess.run(  # noqa: S603
                [python, "-m", "pip", *args], check=True, capture_output=True, timeout=300
            )
            error = None
            break
        except (OSError, subprocess.SubprocessError) as exc:
            error = exc
    if error is not None:
        said = getattr(error, "stderr", None) or b""
        last = said.decode("utf-8", "replace").strip().splitlines()[-1:] if said else []
        why = f"{type(error).__name__}{': ' + last[0][:200] if last else ''}"
        raise RuntimeError(
            f"could not download bfcl-eval=={BFCL_VERSION} ({why}); put the wheel "
            f"in {folder} (pip download --no-deps bfcl-eval=={BFCL_VERSION} -d {folder})"
        ) from None
    found = sorted(folder.glob(f"bfcl_eval-{BFCL_VERSION}-*.whl"))
    if not found:
        raise RuntimeError(f"bfcl-eval=={BFCL_VERSION} was not downloaded into {folder}")
    return found[0]


def _jsonl(archive: zipfile.ZipFile, name: str) -> list[dict[str, Any]]:
    text = archive.read(name).decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def load_category(category: str, wheel: Path | None = None) -> list[dict[str, Any]]:
    """The category's cases, each with ``answers`` (BFCL's ground truth; [] for irrelevance)."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown BFCL category {category!r}; one of {', '.join(CATEGORIES)}")
    with zipfile.ZipFile(wheel or wheel_path()) as archive:
        cases = _jsonl(archive, f"bfcl_eval/data/BFCL_v4_{category}.json")
        answers: dict[str, Any] = {}
        if category not in IRRELEVANCE:
            for row in _jsonl(archive, f"bfcl_eval/data/possible_answer/BFCL_v4_{category}.json"):
                answers[row["id"]] = row["ground_truth"]
    for case in cases:
        case["answers"] = answers.get(case["id"], [])
        case["category"] = category
    return cases


# --- schemas and names --------------------------------------------------------------------------------


def to_json_schema(schema: Any) -> Any:
    """BFCL's parameter schema as JSON Schema: dict->object, float->number, tuple->array, any->{}."""
    if isinstance(schema, list):
        return [to_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "type" and isinstance(value, str):
            if value == "any":
                continue
            out["type"] = _TYPES.get(value, value)
        elif key in ("properties",) and isinstance(value, dict):
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = to_json_schema(value)
        else:
            out[key] = value
    return out


class Names:
    """A reversible rename of function names to what OpenAI-style APIs accept (no dots)."""

    def __init__(self, originals: list[str]) -> None:
        self.to_safe: dict[str, str] = {}
        self.to_original: dict[str, str] = {}
        for name in originals:
            safe = re.sub(r"[^A-Za-z0-9_-]", "_", name)[:60] or "f"
            candidate, n = safe, 1
            while candidate in self.to_original:
                n += 1
                candidate = f"{safe[:56]}_{n}"
            self.to_safe[name] = candidate
            self.to_original[candidate] = name

    def original(self, safe: str) -> str:
        return self.to_original.get(safe, safe)


def openai_tools(case: dict[str, Any]) -> tuple[list[dict[str, Any]], Names]:
    names = Names([f["name"] for f in case["function"]])
    tools = [
        {
            "type": "function",
            "function": {
                "name": names.to_safe[f["name"]],
                "description": f.get("description", ""),
                "parameters": to_json_schema(f.get("parameters") or {"type": "object"}),
            },
        }
        for f in case["function"]
    ]
    return tools, names


def messages(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The first turn's messages (single-turn categories have one)."""
    return [dict(m) for m in case["question"][0]]


# --- scoring: BFCL's official checker ------------------------------------------------------------

CHECKER = f"bfcl-eval {BFCL_VERSION} ast_checker"


@functools.cache
def official_checker() -> bfcl_official.OfficialChecker:
    """BFCL's own checker from the pinned wheel (downloaded if need be), loaded once. Raises
    RuntimeError, with what to do, when it cannot be had: BFCL is never scored by anything else."""
    wheel = wheel_path()
    try:
        return bfcl_official.load(wheel)
    except Exception as exc:
        raise RuntimeError(
            f"BFCL's official checker could not be loaded from {wheel} "
            f"({type(exc).__name__}: {exc}); delete the file to download it again"
        ) from None


def check_case(case: dict[str, Any], calls: list[dict[str, Any]]) -> bfcl_official.Verdict:
    """BFCL's verdict on one case's calls ``[{"name", "args"}]`` (names already mapped back)."""
    return official_checker().check(case, calls)
