"""toolloom's own eval set, drawn from the **held-out** template families of the intent model's
phrasing generator (:mod:`intent.training.phrasings`): no case shares a template family, nor a slot value
pool, with anything the intent model was trained on, so the set measures phrasings nobody wrote a
pattern or a training example for. Written to ``evals/own.jsonl``.

Each case: ``id``, ``category`` (``tool``, ``no_tool``, ``multi``), ``lang``, ``family`` (the
held-out template family it comes from), ``prompt`` and ``expected``: the calls that must be made
(any order), each ``{"name", "args": {param: check}}``, or ``[]`` when no tool fits (small talk,
general knowledge, and requests that only *mention* a tool's subject: "what is a calculator?").
A check is one of ``{"equals": v}``, ``{"any_of": [v, ...]}``, ``{"contains": s}``,
``{"contains_all": [s, ...]}``, ``{"endswith": s}`` (strings compared case-insensitively, numbers
by value). Parameters the template does not know are not scored.

Regenerate with ``uv run python -m evals.own_set`` (deterministic).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

OWN_SET = Path(__file__).with_name("own.jsonl")

PER_TOOL = 2
"""Cases per built-in tool and language."""
PER_NONE = 8
"""No-tool cases per language (small talk, knowledge, mentions of a tool's subject)."""
PER_MULTI = 4
"""Two-tool cases per language."""

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def check(tool: str, name: str, value: Any) -> dict[str, Any]:
    """How a known argument is scored: what must be in it, not how it is spelled."""
    if tool == "calculator" and name == "expression":
        return {"contains_all": _NUMBER.findall(str(value))}  # "825 x 17" is "825 * 17"
    if name == "sql":
        return {"contains_all": [w.lower() for w in _WORD.findall(str(value))]}
    return {"equals": value}


def build() -> list[dict[str, Any]]:
    from intent.training.phrasings import generate

    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for example in generate(split="test"):
        if len(example.labels) > 1:
            kind = "multi"
        elif example.labels:
            kind = next(iter(example.labels))
        else:
            kind = "none"
        groups[(kind, example.lang)].append(example)
    rows: list[dict[str, Any]] = []
    counters: dict[str, int] = defaultdict(int)
    for (kind, lang), examples in sorted(groups.items()):
        want = PER_MULTI if kind == "multi" else PER_NONE if kind == "none" else PER_TOOL
        # One case per family first (the widest spread of phrasings), in a fixed order.
        by_family: dict[str, list[Any]] = defaultdict(list)
        for example in sorted(examples, key=lambda e: (e.family, e.text)):
            by_family[example.family].append(example)
        picked: list[Any] = []
        while len(picked) < want and any(by_family.values()):
            for family in sorted(by_family):
                if by_family[family] and len(picked) < want:
                    picked.append(by_family[family].pop(0))
        category = {"multi": "multi", "none": "no_tool"}.get(kind, "tool")
        for example in picked:
            expected = [
                {
                    "name": tool,
                    "args": {
                        name: check(tool, name, value)
                        for name, value in example.args.get(tool, {}).items()
                    },
                }
                for tool in sorted(example.labels)
            ]
            prefix = {"tool": "tool", "no_tool": "none", "multi": "multi"}[category]
            rows.append(
                {
                    "id": f"{prefix}-{counters[prefix]:03d}",
                    "category": category,
                    "lang": lang,
                    "family": example.family,
                    "prompt": example.text,
                    "expected": expected,
                }
            )
            counters[prefix] += 1
    return rows


def load_own_set(path: Path = OWN_SET) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def main() -> None:
    rows = build()
    with OWN_SET.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} cases to {OWN_SET}")


if __name__ == "__main__":
    main()
