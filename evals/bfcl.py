"""BFCL (Berkeley Function Calling Leaderboard, Apache-2.0) data and an AST checker of our own.

The data is read from the ``bfcl-eval`` wheel on PyPI (pinned below), downloaded on first use into
``~/.cache/toolloom/bfcl`` (or ``TOOLLOOM_CACHE``); nothing of it is copied into this repository.

The checker follows BFCL's published AST rules: an int is accepted for a float and nothing else is
coerced; a missing required or an unexpected parameter fails; an optional parameter may be left
out only where ``""`` is among the accepted values; strings are compared lowercased with spaces
and ``,./-_*^`` removed; exactly the expected number of calls; parallel calls match in any order;
an irrelevance case passes only when no call is made.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

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
        raise RuntimeError(
            f"could not download bfcl-eval=={BFCL_VERSION} ({type(error).__name__}); put the wheel "
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


# --- the AST checker --------------------------------------------------------------------------------


def standardize(text: str) -> str:
    return re.sub(r"[ ,./\-_*^]", "", text).lower().replace("'", '"')


def _type_ok(value: Any, kind: str | None) -> bool:
    if kind in (None, "any"):
        return True
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("float", "number"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("array", "tuple"):
        return isinstance(value, list)
    if kind in ("dict", "object"):
        return isinstance(value, dict)
    return True


def _same(value: Any, accepted: Any) -> bool:
    if isinstance(accepted, str):
        return isinstance(value, str) and standardize(value) == standardize(accepted)
    if isinstance(accepted, bool) or isinstance(value, bool):
        return value is accepted
    if isinstance(accepted, int | float):
        return isinstance(value, int | float) and float(value) == float(accepted)
    if isinstance(accepted, list):
        return (
            isinstance(value, list)
            and len(value) == len(accepted)
            and all(_same(v, a) for v, a in zip(value, accepted, strict=True))
        )
    if isinstance(accepted, dict):
        return isinstance(value, dict) and _dict_ok(value, accepted)
    return bool(value == accepted)


def _dict_ok(value: dict[str, Any], accepted: dict[str, Any]) -> bool:
    """A nested dict against BFCL's {key: [accepted values]} (``""`` among them: optional)."""
    for key in value:
        if key not in accepted:
            return False
    for key, options in accepted.items():
        options = options if isinstance(options, list) else [options]
        if key not in value:
            if "" not in options:
                return False
            continue
        if not any(_same(value[key], option) for option in options if option != ""):
            return False
    return True


def check_call(
    name: str, args: dict[str, Any], expected: dict[str, Any], function: dict[str, Any]
) -> str | None:
    """None when ``name(args)`` matches one expected call ``{name: {param: [accepted]}}``, else why not."""
    ((want_name, want_args),) = expected.items()
    if name != want_name:
        return f"called {name}, expected {want_name}"
    params = (function.get("parameters") or {}).get("properties") or {}
    required = set((function.get("parameters") or {}).get("required") or [])
    for key in args:
        if key not in params:
            return f"unexpected parameter {key}"
    for key in required:
        if key not in args:
            return f"missing required parameter {key}"
    for key, accepted in want_args.items():
        options = accepted if isinstance(accepted, list) else [accepted]
        if key not in args:
            if "" not in options:
                return f"parameter {key} left out"
            continue
        value = args[key]
        if not _type_ok(value, (params.get(key) or {}).get("type")):
            return f"parameter {key}: wrong type {type(value).__name__}"
        if not any(_same(value, option) for option in options if option != ""):
            return f"parameter {key}: {value!r} is not accepted"
    return None


def check_case(case: dict[str, Any], calls: list[dict[str, Any]]) -> tuple[bool, str]:
    """Score one case's calls ``[{"name", "args"}]`` (names already mapped back)."""
    answers = case["answers"]
    if not answers:  # irrelevance
        return (not calls, "no call" if not calls else f"made {len(calls)} call(s)")
    if len(calls) != len(answers):
        return False, f"{len(calls)} call(s), expected {len(answers)}"
    functions = {f["name"]: f for f in case["function"]}
    # fits[i]: the calls that could be expected call i. Then a perfect matching, tried by
    # backtracking (at most a handful of calls), so the order of the calls never matters.
    fits: list[list[int]] = []
    first_reason = ""
    for expected in answers:
        (want_name,) = expected.keys()
        function = functions.get(want_name, {})
        fitting = []
        for index, call in enumerate(calls):
            reason = check_call(call["name"], call["args"], expected, function)
            if reason is None:
                fitting.append(index)
            elif not first_reason:
                first_reason = reason
        if not fitting:
            return False, first_reason or f"no call for {want_name}"
        fits.append(fitting)

    def assign(i: int, used: set[int]) -> bool:
        if i == len(fits):
            return True
        return any(j not in used and assign(i + 1, used | {j}) for j in fits[i])

    if assign(0, set()):
        return True, "match"
    return False, "the calls do not pair up one to one with the expected calls"
