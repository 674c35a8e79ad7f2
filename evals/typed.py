"""The typed set (``evals/typed/``, issue 29): tool choice on how people really type, 13 languages.

Written by an author who never saw the phrasebooks or the other sets; ``open.jsonl`` is for
development, ``sealed.jsonl.gz`` is only ever scored, to report (this module is the only code
that reads it, and it prints no case of it). ``evals/typed_b/sealed.jsonl.gz`` (part
``sealed_b``) is a third author's set of 312 requests, sealed whole, scored the same way;
``evals/typed_c/sealed.jsonl.gz`` (part ``sealed_c``) a fourth author's, sealed whole at the start
of round 5 and scored once at its end.

Each request goes through the part of the graph that decides without the model: route's decision
(:func:`nodes.decision.decide_turn`: the shipped intent model and the argument readers), and, where
that is unsure, detect-intent's clear-request stage (:func:`intent.clear.clear_calls`). Where
neither decides, the embedded default asks the user which tool they mean (no call); a capable
backend would ask the model. Reported per language, open and sealed apart:

- right tool set, or rightly none; every call right (tool and the arguments the set checks);
- confident calls of a wrong tool, and of those, the ones that change something (``file_write``,
  ``database_execute``, a writing ``api_request``) or read something private (``environment``,
  ``file_read``, ``process_list``);
- no call where none is wanted (the no-tool part);
- calculator and statistics answers right, where the tool was right (the tool is run);
- two-tool requests with every call right;
- side-effect grounding (:func:`intent.grounding.ground`): harmless requests (no tool, or only
  read-only tools) that ground an effect, and asked-for effects that are grounded.

``python -m evals.typed`` prints the table and writes ``evals/typed/report.json``;
``--errors N`` prints N wrong open cases (never sealed ones).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from intent.clear import clear_calls
from intent.grounding import asked_kinds
from intent.model import IntentModel, shipped
from nodes.decision import decide_turn
from tools.calculator import evaluate
from tools.data import describe
from tools.registry import build_tools
from tools.specs import ToolSpec

TYPED = Path(__file__).with_name("typed")
PARTS = {
    "open": TYPED / "open.jsonl",
    "sealed": TYPED / "sealed.jsonl.gz",
    # a third author's set, sealed whole (evals/typed_b/README.md)
    "sealed_b": TYPED.with_name("typed_b") / "sealed.jsonl.gz",
    # a fourth author's, sealed whole (evals/typed_c/README.md)
    "sealed_c": TYPED.with_name("typed_c") / "sealed.jsonl.gz",
    # two more authors' written batches, never trained on (intent/training/written/README.md):
    # the fourth, written after round 5 and read while developing round 6; the fifth, written at
    # the start of round 6 and only scored (at its start and at its end)
    "written_4": TYPED.parent.parent / "intent" / "training" / "written" / "fourth",
    "written_5": TYPED.parent.parent / "intent" / "training" / "written" / "fifth",
}
DEFAULT_OUT = TYPED / "report.json"
LANGS = ("en", "de", "fr", "es", "pt", "ko", "ja", "zh", "it", "ru", "nl", "tr", "pl")
CHANGES = frozenset({"file_write", "database_execute"})
PRIVATE = frozenset({"environment", "file_read", "process_list"})
EFFECT_KIND = {"file_write": "file", "database_execute": "database", "api_request": "network"}
TARGETS = {
    "right": 0.95,
    "per_language": 0.90,
    "wrong_calls": 0.01,
    "harmful_wrong_calls": 0,
    "grounding_false_positives": 0.005,
    "effects_grounded": 0.95,
    "no_call": 0.97,
    "answers_right": 0.95,
    "multi_all_right": 0.70,
}

Call = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """One request of the set and what it expects."""

    id: str
    lang: str
    category: str
    prompt: str
    expected: tuple[dict[str, Any], ...]
    answer: float | None = None
    traits: tuple[str, ...] = ()


def load(part: str) -> list[Case]:
    """The cases of one part (a file, or a folder of one file per language)."""
    path = PARTS[part]
    if path.is_dir():
        return [case for file in sorted(path.glob("*.jsonl")) for case in read_cases(file)]
    return read_cases(path)


def read_cases(path: Path) -> list[Case]:
    """The cases of a file in this set's format (JSON Lines, gzip-compressed if ``.gz``)."""
    raw = (
        gzip.decompress(path.read_bytes()).decode("utf-8")
        if path.suffix == ".gz"
        else path.read_text(encoding="utf-8")
    )
    cases = []
    for line in raw.splitlines():
        if line.strip():
            row = json.loads(line)
            cases.append(
                Case(
                    row["id"],
                    row["lang"],
                    row["category"],
                    row["prompt"],
                    tuple(row["expected"]),
                    row.get("answer"),
                    tuple(row.get("traits", ())),
                )
            )
    return cases


# --- checking one call -------------------------------------------------------------------------


def _fold(value: Any) -> Any:
    return re.sub(r"\s+", " ", value).strip().casefold() if isinstance(value, str) else value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return _fold(a) == _fold(b)


def _text(value: Any) -> str:
    return _fold(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def check(value: Any, spec: dict[str, Any]) -> bool:
    """Whether an argument's value passes the set's check (``equals``, ``any_of``, ``contains``,
    ``contains_all``, ``endswith``; strings case-folded, whitespace folded)."""
    if value is None:
        return False
    if "equals" in spec:
        return _same(value, spec["equals"])
    if "any_of" in spec:
        return any(_same(value, option) for option in spec["any_of"])
    if "contains" in spec:
        wanted = spec["contains"]
        if isinstance(value, list) and not isinstance(wanted, list):
            return any(_same(item, wanted) for item in value)
        return _text(wanted) in _text(value)
    if "contains_all" in spec:
        text = _text(value)
        return all(_text(part) in text for part in spec["contains_all"])
    if "endswith" in spec:
        return _text(value).endswith(_text(spec["endswith"]))
    raise ValueError(f"unknown check {spec!r}")


def call_right(call: Call, expected: dict[str, Any]) -> bool:
    """A call of the expected tool whose arguments pass every check."""
    name, args = call
    return name == expected["name"] and all(
        check(args.get(param), spec) for param, spec in expected["args"].items()
    )


def all_calls_right(calls: Sequence[Call], expected: Sequence[dict[str, Any]]) -> bool:
    """Every expected call made, rightly, and nothing else."""
    if len(calls) != len(expected):
        return False
    left = list(calls)
    for want in expected:
        match = next((c for c in left if call_right(c, want)), None)
        if match is None:
            return False
        left.remove(match)
    return True


def writes(call: Call) -> bool:
    """Whether a call changes something."""
    name, args = call
    if name == "api_request":
        return str(args.get("method", "GET")).upper() not in ("GET", "HEAD")
    return name in CHANGES


def _numbers(value: Any) -> Iterable[float]:
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield float(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)


def answer_right(call: Call, answer: float) -> bool:
    """Whether running the call (calculator or statistics) gives the set's answer."""
    name, args = call
    try:
        if name == "calculator":
            results: list[float] = list(_numbers(evaluate(str(args["expression"]))))
        else:
            results = list(_numbers(describe(args["values"], args.get("operations"))))
    except Exception:
        return False
    return any(math.isclose(r, answer, rel_tol=1e-4, abs_tol=0.006) for r in results)


# --- deciding ----------------------------------------------------------------------------------


@cache
def _specs() -> tuple[ToolSpec, ...]:
    return tuple(ToolSpec.from_tool(tool) for tool in build_tools())


@dataclass(frozen=True)
class Outcome:
    """What the deterministic road decided for one request."""

    calls: tuple[Call, ...]
    stage: str
    """``intent`` (the intent model's calls), ``pattern`` (a clear request), ``ask`` (chosen
    tools with an argument missing: the model is asked for it), ``chat`` or ``unsure``."""
    missing: tuple[str, ...] = ()


def decide(model: IntentModel, text: str) -> Outcome:
    """The calls made without the model: route's decision, else a clear request."""
    specs = _specs()
    decision = decide_turn(model, specs, specs, False, text)
    assert decision is not None
    calls = tuple((c["name"], dict(c["args"])) for c in decision["calls"])
    if decision["kind"] == "call":
        return Outcome(calls, "intent")
    if decision["kind"] == "fill":
        return Outcome(calls, "ask", tuple(decision["missing"]))
    if decision["kind"] == "chat":
        return Outcome((), "chat")
    clear = tuple(clear_calls(text, {spec.name for spec in specs}))
    return Outcome(clear, "pattern") if clear else Outcome((), "unsure")


# --- scoring -----------------------------------------------------------------------------------


@dataclass
class Tally:
    """Counts for one group of cases (a part, a language)."""

    n: int = 0
    right: int = 0
    all_right: int = 0
    wrong_call_cases: int = 0
    harmful_wrong: int = 0
    no_tool: int = 0
    no_call: int = 0
    multi: int = 0
    multi_all_right: int = 0
    answers: int = 0
    answers_right: int = 0
    harmless: int = 0
    grounded_harmless: int = 0
    asked_effects: int = 0
    effects_grounded: int = 0
    unsure: int = 0

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self) -> dict[str, Any]:
        def rate(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None

        return {
            "n": self.n,
            "right": rate(self.right, self.n),
            "all_calls_right": rate(self.all_right, self.n),
            "wrong_calls": rate(self.wrong_call_cases, self.n),
            "wrong_call_cases": self.wrong_call_cases,
            "harmful_wrong_calls": self.harmful_wrong,
            "no_call": rate(self.no_call, self.no_tool),
            "no_tool_n": self.no_tool,
            "multi_all_right": rate(self.multi_all_right, self.multi),
            "multi_n": self.multi,
            "answers_right": rate(self.answers_right, self.answers),
            "answers_n": self.answers,
            "grounding_false_positives": rate(self.grounded_harmless, self.harmless),
            "harmless_n": self.harmless,
            "effects_grounded": rate(self.effects_grounded, self.asked_effects),
            "asked_effects_n": self.asked_effects,
            "unsure": rate(self.unsure, self.n),
        }


@dataclass
class Scored:
    """One case's outcome and its tally."""

    case: Case
    outcome: Outcome
    tally: Tally = field(default_factory=Tally)


def expected_write(check: dict[str, Any]) -> bool:
    """Whether a request's expected HTTP method writes: the method its check fixes, whether the
    author wrote it as ``{"equals": "POST"}`` or as ``{"any_of": ["POST", "post"]}`` (before
    round 5 only the first was read, and a POST checked the second way counted as a harmless
    request: its grounding as a false positive, not as an effect grounded)."""
    methods = {str(check["equals"]).upper()} if "equals" in check else set()
    methods |= {str(m).upper() for m in check.get("any_of", [])}
    return bool(methods) and not methods & {"GET", "HEAD"}


def score_case(model: IntentModel, case: Case) -> Scored:
    """Decide one request and count what was right."""
    outcome = decide(model, case.prompt)
    t = Tally(n=1)
    calls = list(outcome.calls) + [(name, {}) for name in outcome.missing]
    made = {name for name, _ in calls}
    wanted = {e["name"] for e in case.expected}
    t.right = int(made == wanted)
    t.all_right = int(not outcome.missing and all_calls_right(outcome.calls, case.expected))
    wrong = [c for c in calls if c[0] not in wanted]
    t.wrong_call_cases = int(bool(wrong))
    t.harmful_wrong = sum(1 for c in wrong if writes(c) or c[0] in PRIVATE)
    t.unsure = int(outcome.stage == "unsure")
    if not case.expected:
        t.no_tool = 1
        t.no_call = int(not calls)
    if len(case.expected) > 1:
        t.multi = 1
        t.multi_all_right = t.all_right
    if case.answer is not None:
        for want in case.expected:
            if want["name"] in ("calculator", "statistics") and want["name"] in made:
                t.answers = 1
                t.answers_right = int(
                    any(
                        answer_right(c, float(case.answer))
                        for c in outcome.calls
                        if c[0] == want["name"]
                    )
                )
    expected_effects = {
        EFFECT_KIND[e["name"]]
        for e in case.expected
        if e["name"] in CHANGES
        or (e["name"] == "api_request" and expected_write(e["args"].get("method", {})))
    }
    kinds = asked_kinds(case.prompt)
    if expected_effects:
        t.asked_effects = 1
        t.effects_grounded = int(expected_effects <= kinds)
    else:
        t.harmless = 1
        t.grounded_harmless = int(bool(kinds))
    return Scored(case, outcome, t)


def score(
    model: IntentModel, cases: Sequence[Case]
) -> tuple[Tally, dict[str, Tally], list[Scored]]:
    """Every case scored: the whole, per language, and each case."""
    total = Tally()
    by_lang: defaultdict[str, Tally] = defaultdict(Tally)
    scored = [score_case(model, case) for case in cases]
    for s in scored:
        total.add(s.tally)
        by_lang[s.case.lang].add(s.tally)
    return total, dict(by_lang), scored


def _pct(x: float | None) -> str:
    return "    -" if x is None else f"{100 * x:5.1f}"


ROWS = (
    ("right tool set, or none", "right"),
    ("every call right", "all_calls_right"),
    ("wrong calls (cases)", "wrong_calls"),
    ("no call when none fits", "no_call"),
    ("answers right", "answers_right"),
    ("two-tool all right", "multi_all_right"),
    ("grounding false pos.", "grounding_false_positives"),
    ("effects grounded", "effects_grounded"),
    ("unsure (asks)", "unsure"),
)


def table(results: dict[str, dict[str, Any]]) -> str:
    """Per part: one row per measure, one column per language and the whole."""
    lines = []
    for part, result in results.items():
        langs = [lang for lang in LANGS if lang in result["per_language"]]
        lines.append(f"{part} ({result['all']['n']} cases)")
        lines.append(f"{'':26}{'all':>6}" + "".join(f"{lang:>6}" for lang in langs))
        for label, key in ROWS:
            cells = (
                _pct(result["all"][key])
                + " "
                + " ".join(_pct(result["per_language"][lang][key]) for lang in langs)
            )
            lines.append(f"{label:26}{cells}")
        lines.append(
            f"{'harmful wrong calls':26}{result['all']['harmful_wrong_calls']:>5}  "
            f"(wrong-call cases {result['all']['wrong_call_cases']})"
        )
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m evals.typed``: score the parts, print the table, write the report."""
    parser = argparse.ArgumentParser(prog="python -m evals.typed", description=__doc__)
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"a comma-separated list of {', '.join(PARTS)}; or all (the default)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--errors", type=int, default=0, help="print this many wrong open cases")
    args = parser.parse_args(argv)
    model = shipped()
    results: dict[str, dict[str, Any]] = {}
    parts = list(PARTS) if args.parts in ("all", "both") else args.parts.split(",")
    if unknown := [p for p in parts if p not in PARTS]:
        parser.error(f"unknown part {', '.join(unknown)}: choose from {', '.join(PARTS)}")
    for part in parts:
        total, by_lang, scored = score(model, load(part))
        results[part] = {
            "all": total.summary(),
            "per_language": {lang: t.summary() for lang, t in sorted(by_lang.items())},
        }
        if part == "open" and args.errors:
            wrong = [s for s in scored if not s.tally.all_right or s.tally.grounded_harmless]
            for s in wrong[: args.errors]:
                row = {
                    "id": s.case.id,
                    "prompt": s.case.prompt,
                    "want": [e["name"] for e in s.case.expected],
                    "got": [list(c) for c in s.outcome.calls],
                    "stage": s.outcome.stage,
                    "missing": list(s.outcome.missing),
                }
                print(json.dumps(row, ensure_ascii=False), file=sys.stderr)
    print(table(results))
    report = {"model": model.meta, "targets": TARGETS, "results": results}
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
