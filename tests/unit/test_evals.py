"""The eval suite's parts: the own set, the BFCL checker and schema mapping, the runner, reports."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from evals import bfcl, bfcl_official
from evals.own_set import build, load_own_set
from evals.runner import (
    Case,
    arg_check,
    bfcl_cases,
    run_suite,
    score_own,
    summarise,
    write_reports,
)
from tests.bfcl_outputs import outputs, right_calls, unanswerable
from tools.registry import build_tools
from tools.specs import ToolSpec

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
    from intent.training.phrasings import families

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
            "sides": {"type": "array", "items": {"type": "float"}},
        },
        "required": ["base", "height"],
    },
}
ANSWER = {
    "area": {"base": [10], "height": [5.0], "unit": ["units", ""], "exact": [True], "sides": [""]}
}
Calls = list[dict[str, Any]]


@pytest.fixture(scope="module")
def checker() -> bfcl_official.OfficialChecker:
    """BFCL's official checker from the pinned wheel, downloaded like ``toolloom eval`` does when
    it is not cached. Without it these tests fail, with the reason; they never skip."""
    bfcl.official_checker.cache_clear()
    try:
        return bfcl.official_checker()
    except RuntimeError as exc:
        reason = str(exc)
    pytest.fail(f"BFCL's official checker is needed here: {reason}", pytrace=False)


def simple(answer: dict[str, Any], function: dict[str, Any] = FUNCTION) -> dict[str, Any]:
    return {"id": "simple_python_0", "category": "simple_python", "function": [function],
            "answers": [answer]}  # fmt: skip


def error_type(checker: bfcl_official.OfficialChecker, case: dict[str, Any], calls: Calls) -> Any:
    """None for a valid output, else the error type BFCL's checker gives it."""
    verdict = checker.check(case, calls)
    assert (
        verdict.valid is (verdict.error_type is None) and bool(verdict.error) is not verdict.valid
    )
    return verdict.error_type


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ({"base": 10, "height": 5.0, "exact": True}, None),
        ({"base": 10, "height": 5, "exact": True}, None),  # an int for a float
        ({"base": 10.0, "height": 5.0, "exact": True}, "type_error:simple"),  # a float for an int
        ({"base": True, "height": 5.0, "exact": True}, "type_error:simple"),  # a bool is no int
        ({"base": "10", "height": 5.0, "exact": True}, "type_error:simple"),  # no coercion
        ({"height": 5.0, "exact": True}, "simple_function_checker:missing_required"),
        ({"base": 10, "height": 5.0, "exact": True, "color": "red"},
         "simple_function_checker:unexpected_param"),
        # an optional parameter without "" among its accepted values must be given
        ({"base": 10, "height": 5.0}, "simple_function_checker:missing_optional"),
        ({"base": 11, "height": 5.0, "exact": True}, "value_error:others"),
        ({"base": 10, "height": 5.0, "exact": False}, "value_error:others"),
        ({"base": 10, "height": 5.0, "exact": True, "unit": "Units"}, None),
        ({"base": 10, "height": 5.0, "exact": True, "unit": "un-its."}, None),  # standardised
        ({"base": 10, "height": 5.0, "exact": True, "unit": "meters"}, "value_error:string"),
        # in the schema, but the ground truth lists only "" (left out): an empty list is the one
        # value BFCL takes for it
        ({"base": 10, "height": 5.0, "exact": True, "sides": []}, None),
        ({"base": 10, "height": 5.0, "exact": True, "sides": [1.0]}, "value_error:list/tuple"),
    ],
)  # fmt: skip
def test_bfcl_ast_rules(
    checker: bfcl_official.OfficialChecker, args: dict[str, Any], error: str | None
) -> None:
    assert error_type(checker, simple(ANSWER), [{"name": "area", "args": args}]) == error


def test_bfcl_rules_for_lists_variables_and_any(checker: bfcl_official.OfficialChecker) -> None:
    def check(answer: dict[str, Any], args: dict[str, Any], function: Any = FUNCTION) -> Any:
        name = function["name"]
        return error_type(checker, simple(answer, function), [{"name": name, "args": args}])

    answer = {"area": {"base": [10], "height": [5.0], "exact": [True], "sides": [[1.0, 2.0]]}}
    call = {"base": 10, "height": 5.0, "exact": True}
    assert check(answer, {**call, "sides": [1.0, 2.0]}) is None
    assert check(answer, {**call, "sides": [2.0, 1.0]}) == "value_error:list/tuple"
    # list items are type-checked, and the int-for-float allowance does not reach them
    assert check(answer, {**call, "sides": [1, 2]}) == "type_error:nested"
    # a ground truth of another type than the schema's names a variable: that type passes
    variable = {"area": {"base": ["n"], "height": [5.0], "exact": [True]}}
    assert check(variable, {**call, "base": "n"}) is None
    assert check(variable, {**call, "base": "N"}) == "value_error:others"  # not standardised
    # "any" wants a string
    anything = {"name": "f", "parameters": {"type": "dict", "properties": {"x": {"type": "any"}},
                                            "required": ["x"]}}  # fmt: skip
    assert check({"f": {"x": ["1"]}}, {"x": "1"}, anything) is None
    assert check({"f": {"x": ["1"]}}, {"x": 1}, anything) == "type_error:simple"
    # a nested dict: each key against its accepted values, a key with "" may be left out
    nested = {"area": {"base": [1], "height": [1.0], "unit": [{"a": ["x", ""], "b": [2]}]}}
    properties = {**FUNCTION["parameters"]["properties"], "unit": {"type": "dict"}}  # type: ignore[index]
    function = {"name": "area", "parameters": {"type": "dict", "properties": properties,
                                               "required": []}}  # fmt: skip
    unit = {"base": 1, "height": 1}
    assert check(nested, {**unit, "unit": {"b": 2}}, function) is None
    assert check(nested, {**unit, "unit": {"b": 3}}, function) == "value_error:dict_value"
    assert check(nested, {**unit, "unit": {"a": "x"}}, function) == "value_error:dict_key"


def test_bfcl_call_counts_parallel_order_and_irrelevance(
    checker: bfcl_official.OfficialChecker,
) -> None:
    case = {
        "id": "parallel_0",
        "category": "parallel",
        "function": [FUNCTION],
        "answers": [
            {"area": {"base": [1], "height": [1.0], "unit": [""], "exact": ["", False]}},
            {"area": {"base": [2], "height": [2.0], "unit": [""], "exact": [""]}},
        ],
    }
    one = {"name": "area", "args": {"base": 1, "height": 1.0}}
    two = {"name": "area", "args": {"base": 2, "height": 2.0}}
    assert error_type(checker, case, [two, one]) is None  # any order
    count = "parallel_function_checker_no_order:wrong_count"
    assert error_type(checker, case, [one]) == count  # too few
    assert error_type(checker, case, [one, two, two]) == count  # too many
    # each expected call is matched once
    no_match = "parallel_function_checker_no_order:cannot_find_match"
    assert error_type(checker, case, [one, one]) == no_match
    single = {**case, "category": "simple_python", "answers": case["answers"][:1]}
    assert error_type(checker, single, [one]) is None
    assert error_type(checker, single, [one, two]) == "simple_function_checker:wrong_count"
    irrelevant = {"id": "irrelevance_0", "category": "irrelevance", "function": [FUNCTION],
                  "answers": []}  # fmt: skip
    assert error_type(checker, irrelevant, []) is None
    assert error_type(checker, irrelevant, [one]) == "irrelevance_error:decoder_success"
    assert error_type(checker, irrelevant, [{"name": "area", "args": {}}]) is not None


def real_case(category: str, case_id: str) -> dict[str, Any]:
    (case,) = [c for c in bfcl.load_category(category) if c["id"] == case_id]
    return case


def test_bfcl_official_checker_on_real_cases(checker: bfcl_official.OfficialChecker) -> None:
    """Known outputs for real cases, and the official checker's own verdicts and messages."""
    triangle = real_case("simple_python", "simple_python_0")  # base 10, height 5, unit optional
    assert triangle["answers"] == [
        {"calculate_triangle_area": {"base": [10], "height": [5], "unit": ["units", ""]}}
    ]

    def area(**args: Any) -> Calls:
        return [{"name": "calculate_triangle_area", "args": args}]

    for right in (area(base=10, height=5), area(base=10, height=5, unit="Units")):
        assert checker.check(triangle, right) == bfcl_official.Verdict(True)
    wrong = {
        "wrong value": (area(base=10, height=6), "value_error:others",
                        "Invalid value for parameter 'height': 6. Expected one of [5]."),
        "missing required": (area(base=10), "simple_function_checker:missing_required",
                             "Missing required parameter: 'height'."),
        "wrong type": (area(base="10", height=5), "type_error:simple",
                       "Incorrect type for parameter 'base'. Expected type integer, got str. "
                       "Parameter value: '10'."),
        "wrong function": ([{"name": "math.factorial", "args": {"number": 5}}],
                           "simple_function_checker:wrong_func_name",
                           "Function name 'calculate_triangle_area' not found in model output."),
    }  # fmt: skip
    for what, (calls, kind, message) in wrong.items():
        verdict = checker.check(triangle, calls)
        assert (verdict.valid, verdict.error_type, verdict.error) == (False, kind, [message]), what
        assert verdict.reason == f"{kind}: {message}"

    heron = real_case("multiple", "multiple_1")  # four functions offered, Heron's formula wanted
    sides = {"side1": 3, "side2": 4, "side3": 5}
    assert checker.check(heron, [{"name": "math.triangle_area_heron", "args": sides}]).valid
    circle = checker.check(heron, [{"name": "math.circle_area", "args": {"radius": 3.0}}])
    assert circle.error_type == "simple_function_checker:wrong_func_name"
    assert circle.error == ["Function name 'math.triangle_area_heron' not found in model output."]

    unrelated = real_case("irrelevance", "irrelevance_0")  # only a BMI function is offered
    assert checker.check(unrelated, []).valid
    bmi = [{"name": "determine_body_mass_index", "args": {"weight": 10.0, "height": 5.0}}]
    assert checker.check(unrelated, bmi) == bfcl_official.Verdict(
        False,
        "irrelevance_error:decoder_success",
        ["Valid syntax. Successfully decode AST when it should not."],
    )


def test_bfcl_official_checker_on_every_case(checker: bfcl_official.OfficialChecker) -> None:
    """Every case of every category, answered right (from BFCL's ground truth, restyled strings,
    an int for a float, an optional argument left out) and in the usual wrong ways (wrong function,
    wrong value, missing required, wrong type, extra argument, wrong number of calls): each gets
    the verdict, and a wrong one the error type, that BFCL's rules give it."""
    mismatched: list[tuple[str, str, str]] = []
    kinds: Counter[tuple[str, str, bool]] = Counter()
    for category in bfcl.CATEGORIES:
        for case in bfcl.load_category(category):
            if unanswerable(case):  # BFCL's ground truth cannot be met: its own call fails
                assert not checker.check(case, right_calls(case)).valid, case["id"]
                kinds[category, "unanswerable", False] += 1
            for output in outputs(case):
                verdict = checker.check(case, output.calls)
                kinds[category, output.what.split(":")[0], output.valid] += 1
                if verdict.valid is not output.valid or not (
                    output.valid or (verdict.error_type or "").startswith(output.error or "")
                ):
                    mismatched.append((case["id"], output.what, verdict.reason))
    assert mismatched == []
    # the scored categories are fully answerable, and each kind of output was tried on them
    right = ("ground truth", "last accepted values", "string restyled", "optional left out")
    wrong = ("wrong function", "wrong value", "missing required", "wrong type", "extra argument",
             "no call", "one call more", "float for an integer", "boolean for a number")  # fmt: skip
    for category in ("simple_python", "multiple"):
        assert kinds[category, "unanswerable", False] == 0
        for what in right:
            assert kinds[category, what, True] > 50, (category, what)
        for what in wrong:
            assert kinds[category, what, False] > 100, (category, what)
    for what in ("a call", "a call without arguments", "two calls"):
        assert kinds["irrelevance", what, False] == 240
    assert kinds["irrelevance", "no call", True] == 240


def test_bfcl_checker_is_the_wheels_own_and_leaves_no_trace(
    checker: bfcl_official.OfficialChecker,
) -> None:
    wheel = bfcl.wheel_path()
    assert checker.wheel == wheel
    # the functions are BFCL's own, compiled from the wheel's files
    code = checker.ast_checker.__code__.co_filename
    assert code == f"{wheel}/bfcl_eval/eval_checker/ast_eval/ast_checker.py"
    assert checker.is_empty_output.__code__.co_filename == f"{wheel}/bfcl_eval/utils.py"
    # loading it again leaves nothing of it importable
    before = set(sys.modules)
    again = bfcl_official.load(wheel)
    assert again.ast_checker is not checker.ast_checker  # a fresh import, not a cached module
    assert not any(name.split(".")[0] == "bfcl_eval" for name in sys.modules)
    assert set(sys.modules) - before == set() and str(wheel) not in sys.path


def test_bfcl_without_the_official_checker_stops_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / f"bfcl_eval-{bfcl.BFCL_VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("bfcl_eval/__init__.py", "")
    monkeypatch.setattr(bfcl, "cache_dir", lambda: tmp_path)
    bfcl.official_checker.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="official checker could not be loaded") as raised:
            bfcl.check_case(simple(ANSWER), [])
        assert "ModuleNotFoundError" in str(raised.value) and str(broken) in str(raised.value)
    finally:
        bfcl.official_checker.cache_clear()


def test_bfcl_wheel_that_cannot_be_downloaded_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def offline(*args: Any, **kwargs: Any) -> Any:
        raise subprocess.CalledProcessError(1, "pip", stderr=b"ERROR: No matching distribution")

    monkeypatch.setattr(bfcl, "cache_dir", lambda: tmp_path)
    monkeypatch.setattr(bfcl.subprocess, "run", offline)
    with pytest.raises(RuntimeError) as raised:
        bfcl.wheel_path()
    said = str(raised.value)
    assert f"could not download bfcl-eval=={bfcl.BFCL_VERSION}" in said
    assert "No matching distribution" in said and f"-d {tmp_path}" in said


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


async def test_bfcl_rows_keep_the_official_verdict_and_why(
    checker: bfcl_official.OfficialChecker, tmp_path: Path
) -> None:
    cases = [
        c for c in bfcl_cases("simple_python") if c.id in ("simple_python_0", "simple_python_1")
    ]
    replies = {  # under the names the model was offered: math.factorial as math_factorial
        "simple_python_0": {"name": "calculate_triangle_area", "args": {"base": 10, "height": 5}},
        "simple_python_1": {"name": "math_factorial", "args": {"number": 6}},  # 5 was asked
    }
    assert {c.tools[0]["function"]["name"] for c in cases} == {r["name"] for r in replies.values()}

    async def model(case: Case) -> tuple[list[dict[str, Any]], list[str]]:
        return [replies[case.id]], ["structured"]

    rows = await run_suite(cases, {"toolloom": model}, tmp_path, progress=False)
    by = {r["id"]: r for r in rows}
    right, wrong = by["simple_python_0"], by["simple_python_1"]
    assert right["passed"] and right["reason"] == "valid"
    assert right["check"] == {"by": bfcl.CHECKER, "valid": True, "error_type": None, "error": []}
    assert wrong["calls"] == [{"name": "math.factorial", "args": {"number": 6}}]
    message = "Invalid value for parameter 'number': 6. Expected one of [5]."
    assert not wrong["passed"] and wrong["selection_ok"] and not wrong["args_ok"]
    assert wrong["check"] == {"by": bfcl.CHECKER, "valid": False,
                              "error_type": "value_error:others", "error": [message]}  # fmt: skip
    assert wrong["reason"] == f"value_error:others: {message}"
    summary = write_reports("bfcl:simple_python", rows, tmp_path)["toolloom"]
    assert summary["checkers"] == {bfcl.CHECKER: 2}
    assert summary["check_errors"] == {"value_error:others": 1}
    report = (tmp_path / "report.md").read_text()
    assert f"Scored by {bfcl.CHECKER}." in report and "value_error:others 1" in report


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
