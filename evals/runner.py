"""Runs eval suites over toolloom and over the bare backend, side by side, and writes reports.

Two systems answer every case in the same run:

- ``bare``: the case's messages and tools sent straight to the backend's own tool calling (one
  chat completion, no graph): what a client of the model server gets today.
- ``toolloom``: the same request through toolloom's graph in tool-call mode (route and
  detect-intent; nothing is executed), in-process, or through a running server's ``/v1`` with
  ``--base-url``.

Results go to ``OUT/<suite>/``: ``cases.jsonl`` (one line per case and system; a rerun resumes
from it), ``summary.json``, ``report.md`` and ``chart.png``.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals import bfcl
from evals.own_set import load_own_set

# --- cases ------------------------------------------------------------------------------------------


@dataclass
class Case:
    id: str
    suite: str
    category: str
    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]]
    score: Callable[[list[dict[str, Any]]], dict[str, Any]]
    rename: Callable[[str], str] = str
    lang: str = "en"


def _order(case_id: str) -> str:
    """A fixed, well-mixed order, so ``--limit N`` takes a sample of every category."""
    return hashlib.sha256(case_id.encode()).hexdigest()


def _norm(value: Any) -> str:
    return " ".join(str(value).split()).lower() if isinstance(value, str) else json.dumps(value)


def arg_check(value: Any, check: dict[str, Any]) -> bool:
    """One own-set argument check (see evals/own_set.py)."""
    if "equals" in check:
        return _equal(value, check["equals"])
    if "any_of" in check:
        return any(_equal(value, option) for option in check["any_of"])
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.lower()
    if "contains" in check:
        return str(check["contains"]).lower() in text
    if "contains_all" in check:
        return all(str(part).lower() in text for part in check["contains_all"])
    if "endswith" in check:
        return text.strip().endswith(str(check["endswith"]).lower())
    raise ValueError(f"unknown check {check}")


def _equal(value: Any, expected: Any) -> bool:
    if isinstance(expected, str):
        return isinstance(value, str) and _norm(value) == _norm(expected)
    if isinstance(expected, bool):
        return value is expected
    if isinstance(expected, int | float):
        return isinstance(value, int | float) and not isinstance(value, bool) and value == expected
    if isinstance(expected, list):
        return (
            isinstance(value, list)
            and len(value) == len(expected)
            and all(_equal(v, e) for v, e in zip(value, expected, strict=True))
        )
    return bool(value == expected)


def score_own(expected: list[dict[str, Any]], calls: list[dict[str, Any]]) -> dict[str, Any]:
    """Right tools (as a multiset), then right arguments for each expected call."""
    names_ok = sorted(c["name"] for c in calls) == sorted(e["name"] for e in expected)
    if not names_ok:
        got = ", ".join(c["name"] for c in calls) or "no call"
        wanted = ", ".join(e["name"] for e in expected) or "no call"
        return {"passed": False, "selection_ok": False, "args_ok": False,
                "reason": f"called {got}; expected {wanted}"}  # fmt: skip
    left = list(calls)
    for want in expected:
        match = next(
            (c for c in left if c["name"] == want["name"] and all(
                name in c["args"] and arg_check(c["args"][name], check)
                for name, check in want["args"].items())),
            None,
        )  # fmt: skip
        if match is None:
            sent: dict[str, Any] = next((c["args"] for c in left if c["name"] == want["name"]), {})
            return {"passed": False, "selection_ok": True, "args_ok": False,
                    "reason": f"{want['name']} arguments {json.dumps(sent, ensure_ascii=False)[:200]}"}  # fmt: skip
        left.remove(match)
    return {"passed": True, "selection_ok": True, "args_ok": True, "reason": "match"}


def own_cases(tools: list[dict[str, Any]]) -> list[Case]:
    """The own set, offering ``tools`` (every configured tool, as ``GET /tools`` lists them); a
    case that expects a tool not among them (switched off by ``TOOLLOOM_TOOLS_DISABLED``) is left
    out, since no system could pass it."""
    offered = {tool["function"]["name"] for tool in tools}
    cases = []
    for row in load_own_set():
        expected = row["expected"]
        if any(call["name"] not in offered for call in expected):
            continue
        cases.append(
            Case(
                id=row["id"],
                suite="own",
                category=row["category"],
                messages=[{"role": "user", "content": row["prompt"]}],
                tools=tools,
                score=functools.partial(score_own, expected),
                lang=row.get("lang", "en"),
            )
        )
    return sorted(cases, key=lambda c: _order(c.id))


def bfcl_cases(category: str) -> list[Case]:
    """The category's cases, scored by BFCL's official checker (loaded here, before any case runs,
    so a missing checker stops the run at once). A row keeps the checker's verdict under
    ``check``: ``by``, ``valid``, and BFCL's ``error_type`` and ``error`` messages when it fails."""
    rows = bfcl.load_category(category)
    bfcl.official_checker()
    cases = []
    for row in rows:
        tools, names = bfcl.openai_tools(row)

        def score(calls: list[dict[str, Any]], row: dict[str, Any] = row) -> dict[str, Any]:
            verdict = bfcl.check_case(row, calls)
            want = sorted(next(iter(a)) for a in row["answers"])
            selection = sorted(c["name"] for c in calls) == want
            return {
                "passed": verdict.valid,
                "selection_ok": selection,
                "args_ok": verdict.valid,
                "reason": verdict.reason,
                "check": {"by": bfcl.CHECKER, **verdict.as_dict()},
            }

        cases.append(
            Case(
                id=row["id"],
                suite=f"bfcl:{category}",
                category=category,
                messages=bfcl.messages(row),
                tools=tools,
                score=score,
                rename=names.original,
            )
        )
    return sorted(cases, key=lambda c: _order(c.id))


def load_suite(suite: str, tools: list[dict[str, Any]]) -> list[Case]:
    """The cases of ``suite``; the own set offers ``tools`` (BFCL cases bring their own)."""
    if suite == "own":
        return own_cases(tools)
    if suite.startswith("bfcl:"):
        return bfcl_cases(suite.split(":", 1)[1])
    raise ValueError(f"unknown suite {suite!r}: use 'own' or 'bfcl:CATEGORY'")


# --- systems ----------------------------------------------------------------------------------------

# A system answers one case with (calls as [{"name", "args"}], the stage of each call).
System = Callable[[Case], Awaitable[tuple[list[dict[str, Any]], list[str]]]]


def _calls_from(message: Any) -> list[dict[str, Any]]:
    return [{"name": c["name"], "args": c["args"], "id": c.get("id")} for c in message.tool_calls]


def to_langchain(messages: list[dict[str, Any]]) -> list[Any]:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    out: list[Any] = []
    for m in messages:
        content = str(m.get("content") or "")
        if m["role"] in ("system", "developer"):
            out.append(SystemMessage(content=content))
        elif m["role"] == "assistant":
            out.append(AIMessage(content=content))
        else:
            out.append(HumanMessage(content=content))
    return out


def bare_system(llm: Any) -> System:
    """The backend's native tool calling, no graph."""

    async def run(case: Case) -> tuple[list[dict[str, Any]], list[str]]:
        reply = await llm.bind_tools(case.tools).ainvoke(to_langchain(case.messages))
        calls = _calls_from(reply)
        return calls, ["native"] * len(calls)

    return run


def graph_system(graph: Any, defaults: Any) -> System:
    """toolloom's graph in tool-call mode, in-process."""
    from dataclasses import replace

    async def run(case: Case) -> tuple[list[dict[str, Any]], list[str]]:
        context = replace(defaults, client_tools=case.tools, tool_choice="auto")
        state = await graph.ainvoke({"messages": to_langchain(case.messages)}, context=context)
        final = state["messages"][-1]
        calls = _calls_from(final) if getattr(final, "tool_calls", None) else []
        stages = state.get("call_stages") or {}
        return calls, [stages.get(c["id"] or "", "native") for c in calls]

    return run


def http_system(base_url: str, api_key: str | None) -> System:
    """toolloom behind a running server's OpenAI-compatible /v1."""
    import openai

    client = openai.AsyncOpenAI(
        base_url=base_url, api_key=api_key or "none", max_retries=0, timeout=600
    )

    async def run(case: Case) -> tuple[list[dict[str, Any]], list[str]]:
        response = await client.chat.completions.create(
            model="toolloom",
            messages=case.messages,  # type: ignore[arg-type]
            tools=case.tools,  # type: ignore[arg-type]
        )
        message = response.choices[0].message
        extra = (response.model_extra or {}).get("toolloom") or {}
        stages = extra.get("call_stages") or {}
        calls = [
            {"name": c.function.name, "args": json.loads(c.function.arguments or "{}"), "id": c.id}  # type: ignore[union-attr]
            for c in message.tool_calls or []
        ]
        return calls, [stages.get(c["id"], "native") for c in calls]

    return run


# --- running ----------------------------------------------------------------------------------------


@dataclass
class Progress:
    total: int
    done: int = 0
    passed: Counter[str] = field(default_factory=Counter)
    seen: Counter[str] = field(default_factory=Counter)
    stream: Any = sys.stderr

    def update(self, system: str, passed: bool) -> None:
        self.done += 1
        self.seen[system] += 1
        self.passed[system] += passed
        width = 30
        filled = int(width * self.done / max(1, self.total))
        rates = "  ".join(
            f"{name} {self.passed[name] / self.seen[name]:.0%}" for name in sorted(self.seen)
        )
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}  {rates}   "
        )
        self.stream.flush()
        if self.done == self.total:
            self.stream.write("\n")


def read_done(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    done: dict[tuple[str, str], dict[str, Any]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by an interruption: that case runs again
            done[(row["system"], row["id"])] = row
    return done


async def run_suite(
    cases: list[Case],
    systems: dict[str, System],
    out: Path,
    *,
    concurrency: int = 1,
    progress: bool = True,
) -> list[dict[str, Any]]:
    """Run every case on every system (skipping what ``out/cases.jsonl`` already holds)."""
    out.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, before the run
    path = out / "cases.jsonl"
    done = read_done(path)
    todo = [(name, case) for case in cases for name in systems if (name, case.id) not in done]
    if progress:
        print(
            f"{len(cases) * len(systems) - len(todo)} already done, {len(todo)} to run",
            file=sys.stderr,
        )
    bar = Progress(total=len(todo)) if progress and todo else None
    lock = asyncio.Lock()
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(name: str, case: Case) -> None:
        async with gate:
            started = time.perf_counter()
            error = None
            try:
                calls, stages = await systems[name](case)
            except Exception as exc:  # a failed case is a result, not the end of the run
                calls, stages, error = [], [], f"{type(exc).__name__}: {str(exc)[:200]}"
            latency = (time.perf_counter() - started) * 1000
            named = [{"name": case.rename(c["name"]), "args": c["args"]} for c in calls]
            score = case.score(named) if error is None else {
                "passed": False, "selection_ok": False, "args_ok": False, "reason": error}  # fmt: skip
            row = {"suite": case.suite, "id": case.id, "category": case.category,
                   "lang": case.lang, "system": name,
                   "calls": named, "stages": stages, "latency_ms": round(latency, 1),
                   "error": error, **score}  # fmt: skip
            async with lock:
                with path.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                done[(name, case.id)] = row
                if bar:
                    bar.update(name, bool(row["passed"]))

    await asyncio.gather(*(one(name, case) for name, case in todo))
    wanted = {case.id for case in cases}
    return [row for (name, cid), row in done.items() if cid in wanted and name in systems]


# --- reports ----------------------------------------------------------------------------------------


def _rate(rows: list[dict[str, Any]], key: str = "passed") -> float | None:
    return round(sum(bool(r[key]) for r in rows) / len(rows), 4) if rows else None


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 1)


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Metrics per system: accuracy, tool selection, arguments, no-tool, multi-step, latency, stages."""
    summary: dict[str, Any] = {}
    for system in sorted({r["system"] for r in rows}):
        mine = [r for r in rows if r["system"] == system]
        wants_call = [r for r in mine if r["category"] not in ("no_tool", *bfcl.IRRELEVANCE)]
        no_tool = [r for r in mine if r["category"] in ("no_tool", *bfcl.IRRELEVANCE)]
        multi = [r for r in mine if r["category"] in ("multi", "parallel", "parallel_multiple")]
        selected = [r for r in wants_call if r["selection_ok"]]
        latencies = sorted(r["latency_ms"] for r in mine)
        summary[system] = {
            "cases": len(mine),
            "accuracy": _rate(mine),
            "tool_selection": _rate(wants_call, "selection_ok"),
            "arguments": _rate(selected, "args_ok"),
            "no_tool": _rate(no_tool),
            "multi_step": _rate(multi),
            "errors": sum(1 for r in mine if r["error"]),
            "latency_p50_ms": _pct(latencies, 50),
            "latency_p95_ms": _pct(latencies, 95),
            "stages": dict(Counter(s for r in mine for s in r["stages"])),
            "checkers": dict(Counter(r["check"]["by"] for r in mine if r.get("check"))),
            "check_errors": dict(
                Counter(
                    r["check"]["error_type"] for r in mine if r.get("check") and not r["passed"]
                )
            ),
            "by_category": {
                c: _rate([r for r in mine if r["category"] == c])
                for c in sorted({r["category"] for r in mine})
            },
            # per language: all correct (tool and arguments, or rightly none) and right tool(s)
            # or rightly none (the "right tool, or correctly none")
            "by_lang": {
                lang: _rate([r for r in mine if r.get("lang", "en") == lang])
                for lang in sorted({r.get("lang", "en") for r in mine})
            },
            "tool_or_none_by_lang": {
                lang: _rate(
                    [r for r in mine if r.get("lang", "en") == lang],
                    "selection_ok",
                )
                for lang in sorted({r.get("lang", "en") for r in mine})
            },
        }
    return summary


METRICS = [
    ("accuracy", "all correct (tool, arguments, or rightly no tool)"),
    ("tool_selection", "right tool(s), when one fits"),
    ("arguments", "right arguments, when the tool was right"),
    ("no_tool", "no call, when none fits"),
    ("multi_step", "every call of a multi-call task"),
]


def markdown(suite: str, summary: dict[str, Any], note: str = "") -> str:
    systems = [s for s in ("bare", "toolloom") if s in summary] + [
        s for s in summary if s not in ("bare", "toolloom")
    ]
    head = "| metric | " + " | ".join(systems) + (" | lift |" if len(systems) == 2 else " |")
    lines = [f"### {suite}", "", head, "|---" * (len(systems) + 1 + (len(systems) == 2)) + "|"]

    def fmt(v: Any) -> str:
        return "–" if v is None else f"{v:.1%}"

    for key, label in METRICS:
        values = [summary[s][key] for s in systems]
        if all(v is None for v in values):
            continue
        cells = [fmt(v) for v in values]
        if len(systems) == 2:
            a, b = values
            cells.append("–" if a is None or b is None else f"{(b - a) * 100:+.1f} pts")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for key, label in [("latency_p50_ms", "latency p50"), ("latency_p95_ms", "latency p95")]:
        cells = [
            f"{summary[s][key] / 1000:.2f} s" if summary[s][key] is not None else "–"
            for s in systems
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + (" | |" if len(systems) == 2 else " |"))
    langs = sorted({lang for s in systems for lang in summary[s].get("by_lang", {})})
    if len(langs) > 1:
        for lang in langs:
            values = [summary[s]["tool_or_none_by_lang"].get(lang) for s in systems]
            cells = [fmt(v) for v in values]
            if len(systems) == 2:
                a, b = values
                cells.append("–" if a is None or b is None else f"{(b - a) * 100:+.1f} pts")
            lines.append(f"| right tool or rightly none, {lang} | " + " | ".join(cells) + " |")
    cases = [str(summary[s]["cases"]) for s in systems]
    lines.append("| cases | " + " | ".join(cases) + (" | |" if len(systems) == 2 else " |"))
    if "toolloom" in summary and summary["toolloom"]["stages"]:
        stages = ", ".join(f"{k} {v}" for k, v in sorted(summary["toolloom"]["stages"].items()))
        lines += ["", f"toolloom's calls by detect-intent stage: {stages}."]
    checkers = sorted({c for s in systems for c in summary[s].get("checkers", {})})
    if checkers:
        lines += ["", "Scored by " + "; ".join(checkers) + "."]
    for s in systems:
        errors = summary[s].get("check_errors") or {}
        if errors:
            counts = ", ".join(f"{k} {v}" for k, v in sorted(errors.items(), key=lambda e: -e[1]))
            lines += ["", f"Why {s}'s cases failed (the checker's error types): {counts}."]
    if note:
        lines += ["", note]
    return "\n".join(lines) + "\n"


def chart(summary: dict[str, Any], rows: list[dict[str, Any]], path: Path, title: str) -> bool:
    """Accuracy per category and latency per system as a PNG (needs matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    systems = list(summary)
    categories = sorted({c for s in systems for c in summary[s]["by_category"]})
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    width = 0.8 / max(1, len(systems))
    for i, system in enumerate(systems):
        values = [(summary[system]["by_category"].get(c) or 0) * 100 for c in categories]
        left.bar([x + i * width for x in range(len(categories))], values, width, label=system)
    left.set_xticks([x + width * (len(systems) - 1) / 2 for x in range(len(categories))])
    left.set_xticklabels(categories, rotation=20, ha="right")
    left.set_ylabel("accuracy (%)")
    left.set_ylim(0, 100)
    left.set_title("accuracy per category")
    left.legend()
    data = [[r["latency_ms"] / 1000 for r in rows if r["system"] == s] for s in systems]
    right.boxplot(data, tick_labels=systems)
    right.set_ylabel("seconds per case")
    right.set_title("latency")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def write_reports(
    suite: str, rows: list[dict[str, Any]], out: Path, note: str = ""
) -> dict[str, Any]:
    summary = summarise(rows)
    (out / "summary.json").write_text(json.dumps({"suite": suite, "systems": summary}, indent=2))
    (out / "report.md").write_text(markdown(suite, summary, note))
    chart(summary, rows, out / "chart.png", suite)
    return summary
