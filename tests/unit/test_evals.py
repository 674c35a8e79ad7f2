"""The eval suite's parts: the own set, the BFCL checker and schema mapping, the runner, reports."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from evals import bfcl
from evals.own_set import build, load_own_set
from evals.runner import Case, arg_check, run_suite, score_own, summarise, write_reports
from nodes.validation import ToolSpec
from tools.registry import build_tools

# --- the own set ------------------------------------------------------------------------------------


def test_own_set_file_matches_its_generator() -> None:
    assert load_own_set() == build()  # regenerate: uv run python -m evals.own_set


def test_own_set_covers_every_tool_language_and_kind() -> None:
    rows = load_own_set()
    assert len(rows) >= 300
    assert len({r["id"] for r in rows}) == len(rows)
    kinds = Counter(r["category"] for r in rows)
    assert kinds["no_tool"] >= 50 and kinds["multi"] >= 25 and kinds["tool"] >= 200
    langs = Counter(r["lang"] for r in rows)
    assert set(langs) == {"en", "ko", "ja", "zh", "es", "fr", "de", "pt"}
    assert min(langs.values()) >= 40
    specs = {s.name: s for s in (ToolSpec.from_tool(t) for t in build_tools())}
    called = Counter(call["name"] for r in rows for call in r["expected"])
    assert set(called) == set(specs)  # all 16 tools
    assert min(called.values()) >= 5
    for row in rows:
        assert (row["category"] == "no_tool") == (row["expected"] == [])
        assert row["category"] != "multi" or len(row["expected"]) >= 2
        for call in row["expected"]:
            params = specs[call["name"]].parameters.get("properties", {})
            for name, check in call["args"].items():
                assert name in params, (row["id"], name)
                assert len(check) == 1 and next(iter(check)) in (
                    "equals", "any_of", "contains", "contains_all", "endswith"
                )  # fmt: skip


def test_own_set_shares_no_template_family_with_the_intent_models_training() -> None:
    """The set is drawn from the held-out families: a score on it is not the training data
    matching itself."""
    from intent.phrasings import families

    split = {family.name: family.split for family in families()}
    rows = load_own_set()
    assert {split[row["family"]] for row in rows} == {"test"}
    no_tool = [row["prompt"] for row in rows if row["category"] == "no_tool"]
    assert len(no_tool) >= 60


def test_own_scoring() -> None:
    expected = [
        {"name": "calculator", "args": {"expression": {"contains_all": ["23", "19"]}}},
        {"name": "time_now", "args": {"timezone": {"equals": "Asia/Seoul"}}},
    ]
    good = [
        {"name": "time_now", "args": {"timezone": "asia/seoul"}},
        {"name": "calculator", "args": {"expression": "23 * 19"}},
    ]
    assert score_own(expected, good)["passed"]  # any order, strings case-insensitive
    wrong_arg = [good[0], {"name": "calculator", "args": {"expression": "23*18"}}]
    result = score_own(expected, wrong_arg)
    assert result["selection_ok"] and not result["args_ok"] and not result["passed"]
    result = score_own(expected, good[:1])
    assert not result["selection_ok"] and "expected calculator, time_now" in result["reason"]
    assert score_own([], [])["passed"] and not score_own([], good[:1])["passed"]
    assert arg_check([3, 5, 7], {"equals": [3, 5, 7]}) and not arg_check(
        [3, 5], {"equals": [3, 5, 7]}
    )
    assert arg_check(["PATH"], {"contains": "path"}) and arg_check(
        "a/notes.txt", {"endswith": "notes.txt"}
    )
    assert not arg_check(True, {"equals": 1})


# --- BFCL -----------------------------------------------------------------------------------------------


def test_bfcl_types_map_to_json_schema() -> None:
    schema = {
        "type": "dict",
        "properties": {
            "ratio": {"type": "float"},
            "point": {"type": "tuple", "items": {"type": "integer"}},
            "anything": {"type": "any", "description": "x"},
            "nested": {"type": "dict", "properties": {"w": {"type": "float"}}},
            "rows": {"type": "array", "items": {"type": "dict", "properties": {}}},
        },
        "required": ["ratio"],
    }
    out = bfcl.to_json_schema(schema)
    assert out["type"] == "object" and out["required"] == ["ratio"]
    props = out["properties"]
    assert props["ratio"] == {"type": "number"}
    assert props["point"] == {"type": "array", "items": {"type": "integer"}}
    assert props["anything"] == {"description": "x"}
    assert props["nested"]["properties"]["w"] == {"type": "number"}
    assert props["rows"]["items"]["type"] == "object"


def test_bfcl_names_are_renamed_reversibly() -> None:
    names = bfcl.Names(["math.factorial", "math_factorial", "a.b.c", "plain"])
    assert len(set(names.to_safe.values())) == 4
    for original, safe in names.to_safe.items():
        assert "." not in safe and names.original(safe) == original


FUNCTION = {
    "name": "area",
    "parameters": {
        "type": "dict",
        "properties": {
            "base": {"type": "integer"},
            "height": {"type": "float"},
            "unit": {"type": "string"},
            "exact": {"type": "boolean"},
        },
        "required": ["base", "height"],
    },
}
ANSWER = {"area": {"base": [10], "height": [5.0], "unit": ["units", ""], "exact": [True]}}


@pytest.mark.parametrize(
    ("args", "ok"),
    [
        ({"base": 10, "height": 5.0, "exact": True}, True),
        ({"base": 10, "height": 5, "exact": True}, True),  # an int for a float
        ({"base": 10.0, "height": 5.0, "exact": True}, False),  # a float for an int: no
        ({"base": True, "height": 5.0, "exact": True}, False),  # a bool is not an int
        ({"base": "10", "height": 5.0, "exact": True}, False),  # no coercion
        ({"height": 5.0, "exact": True}, False),  # missing required
        ({"base": 10, "height": 5.0, "exact": True, "color": "red"}, False),  # unexpected
        ({"base": 10, "height": 5.0}, False),  # optional without "" among accepted: needed
        ({"base": 10, "height": 5.0, "exact": True, "unit": "Units"}, True),
        ({"base": 10, "height": 5.0, "exact": True, "unit": "un-its."}, True),  # standardised
        ({"base": 10, "height": 5.0, "exact": True, "unit": "meters"}, False),
    ],
)
def test_bfcl_ast_rules(args: dict[str, Any], ok: bool) -> None:
    assert (bfcl.check_call("area", args, ANSWER, FUNCTION) is None) is ok


def test_bfcl_case_counts_parallel_order_and_irrelevance() -> None:
    case = {
        "function": [FUNCTION],
        "answers": [
            {"area": {"base": [1], "height": [1.0], "unit": [""], "exact": ["", False]}},
            {"area": {"base": [2], "height": [2.0], "unit": [""], "exact": ["", False]}},
        ],
    }
    one = {"name": "area", "args": {"base": 1, "height": 1.0}}
    two = {"name": "area", "args": {"base": 2, "height": 2.0}}
    assert bfcl.check_case(case, [two, one])[0]  # any order
    assert not bfcl.check_case(case, [one])[0]  # too few
    assert not bfcl.check_case(case, [one, two, two])[0]  # too many
    assert not bfcl.check_case(case, [one, one])[0]  # each expected call matched once
    irrelevant = {"function": [FUNCTION], "answers": []}
    assert bfcl.check_case(irrelevant, [])[0] and not bfcl.check_case(irrelevant, [one])[0]
    nested = {"area": {"base": [1], "height": [1.0], "unit": [{"a": ["x", ""], "b": [2]}]}}
    function = {
        "parameters": {
            "properties": {**FUNCTION["parameters"]["properties"], "unit": {"type": "dict"}},
            "required": [],
        }
    }  # type: ignore[index]
    assert (
        bfcl.check_call("area", {"base": 1, "height": 1, "unit": {"b": 2}}, nested, function)
        is None
    )
    assert bfcl.check_call("area", {"base": 1, "height": 1, "unit": {"b": 3}}, nested, function)


def test_bfcl_category_loads_from_a_wheel(tmp_path: Path) -> None:
    wheel = tmp_path / "bfcl_eval-0-py3-none-any.whl"
    question = {"id": "simple_python_0", "question": [[{"role": "user", "content": "hi"}]],
                "function": [FUNCTION]}  # fmt: skip
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("bfcl_eval/data/BFCL_v4_simple_python.json", json.dumps(question) + "\n")
        archive.writestr(
            "bfcl_eval/data/possible_answer/BFCL_v4_simple_python.json",
            json.dumps({"id": "simple_python_0", "ground_truth": [ANSWER]}) + "\n",
        )
    (case,) = bfcl.load_category("simple_python", wheel)
    assert case["answers"] == [ANSWER] and bfcl.messages(case)[0]["content"] == "hi"
    with pytest.raises(ValueError, match="unknown BFCL category"):
        bfcl.load_category("exec_simple", wheel)


# --- the runner and reports ---------------------------------------------------------------------------


def cases() -> list[Case]:
    def scorer(name: str) -> Any:
        return lambda calls: score_own([{"name": name, "args": {}}] if name else [], calls)

    return [
        Case("a", "own", "tool", [{"role": "user", "content": "2+2"}], [], scorer("calculator")),
        Case("b", "own", "no_tool", [{"role": "user", "content": "hi"}], [], scorer("")),
        Case("c", "own", "tool", [{"role": "user", "content": "time"}], [], scorer("time_now")),
    ]


async def bare(case: Case) -> tuple[list[dict[str, Any]], list[str]]:
    return [], []


async def smart(case: Case) -> tuple[list[dict[str, Any]], list[str]]:
    if case.id == "a":
        return [{"name": "calculator", "args": {}}], ["pattern"]
    if case.id == "c":
        raise RuntimeError("backend down")
    return [], []


async def test_runner_scores_resumes_and_reports(tmp_path: Path) -> None:
    rows = await run_suite(cases(), {"bare": bare, "toolloom": smart}, tmp_path, progress=False)
    assert len(rows) == 6
    by = {(r["system"], r["id"]): r for r in rows}
    assert by[("toolloom", "a")]["passed"] and by[("toolloom", "a")]["stages"] == ["pattern"]
    assert by[("bare", "b")]["passed"] and not by[("bare", "a")]["passed"]
    assert (
        by[("toolloom", "c")]["error"].startswith("RuntimeError")
        and not by[("toolloom", "c")]["passed"]
    )

    async def never(case: Case) -> tuple[list[dict[str, Any]], list[str]]:
        raise AssertionError("a finished case ran again")

    # Resume: nothing runs again; a line cut by an interruption is run again.
    path = tmp_path / "cases.jsonl"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:10] + "\n")
    last = json.loads(lines[-1])
    redo = {"bare": never, "toolloom": never}
    redo[last["system"]] = smart if last["system"] == "toolloom" else bare
    again = await run_suite(cases(), redo, tmp_path, progress=False)
    assert len(again) == 6

    summary = write_reports("own", again, tmp_path)
    assert summary["toolloom"]["accuracy"] == pytest.approx(2 / 3, abs=1e-3)
    assert summary["bare"]["tool_selection"] == 0 and summary["bare"]["no_tool"] == 1
    assert summary["toolloom"]["errors"] == 1 and summary["toolloom"]["stages"] == {"pattern": 1}
    report = (tmp_path / "report.md").read_text()
    assert "| metric | bare | toolloom | lift |" in report and "+33.3 pts" in report
    assert json.loads((tmp_path / "summary.json").read_text())["systems"] == summary
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_summary_of_latency_and_categories() -> None:
    rows = [
        {"system": "s", "category": "tool", "passed": i % 2 == 0, "selection_ok": True,
         "args_ok": i % 2 == 0, "error": None, "latency_ms": float(i), "stages": []}
        for i in range(1, 101)
    ]  # fmt: skip
    numbers = summarise(rows)["s"]
    assert numbers["latency_p50_ms"] == pytest.approx(50.5, abs=1)
    assert numbers["latency_p95_ms"] == pytest.approx(95, abs=1.5)
    assert numbers["arguments"] == 0.5 and numbers["by_category"] == {"tool": 0.5}
