from __future__ import annotations

import json
import time

import pytest

from tools.base import ToolConfig, ToolError
from tools.data import Operation, describe, json_parse_result, json_query_result, transform

CONFIG = ToolConfig(input_chars=100_000)
PEOPLE = json.dumps([
    {"name": "Ana", "age": 31, "city": "Seoul"},
    {"name": "Ben", "age": 25, "city": "Busan"},
    {"name": "Cho", "age": 42, "city": "Seoul"},
])  # fmt: skip


def test_statistics() -> None:
    result = describe([2, 4, 4, 4, 5, 5, 7, 9], other=[1, 2, 3, 4, 5, 6, 7, 8])
    assert result["mean"] == 5 and result["median"] == 4.5 and result["mode"] == [4]
    assert result["stdev"] == pytest.approx(2.138, abs=1e-3)
    assert result["min"] == 2 and result["max"] == 9 and result["sum"] == 40
    assert result["correlation"] == pytest.approx(0.93, abs=0.01)


@pytest.mark.parametrize(
    ("values", "other", "message"),
    [
        ([], None, "at least one"),
        ([1.0, float("nan")], None, "NaN"),
        ([1.0, 2.0], [1.0], "as many"),
    ],
)
def test_statistics_errors(values: list[float], other: list[float] | None, message: str) -> None:
    with pytest.raises(ToolError, match=message):
        describe(values, other=other)


def test_json_parse_pretty_prints_and_validates() -> None:
    result = json_parse_result(CONFIG, '{"a": [1, 2]}', {"type": "object", "required": ["b"]})
    assert result["valid"] is True and result["matches_schema"] is False
    assert "'b' is a required property" in result["schema_errors"][0]
    assert '"a": [' in result["pretty"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": NaN}', "NaN"),
        ("[Infinity]", "Infinity"),
        ("[" * 10_000 + "]" * 10_000, "nested"),
        ('{"a": 1', "not valid JSON"),
        ("x" * 200_000, "over the limit"),
    ],
)
def test_json_parse_hostile(text: str, message: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ToolError, match=message):
        json_parse_result(CONFIG, text, None)
    assert time.perf_counter() - started < 1


def test_json_query() -> None:
    result = json_query_result(CONFIG, PEOPLE, "[?age > `30`].name")
    assert result["result"] == ["Ana", "Cho"]
    with pytest.raises(ToolError, match="query"):
        json_query_result(CONFIG, PEOPLE, "[?age >")


def test_data_transform_json() -> None:
    ops = [
        Operation(op="filter", field="city", cmp="==", value="Seoul"),
        Operation(op="sort", field="age", descending=True),
        Operation(op="select", fields=["name"]),
    ]
    assert transform(CONFIG, PEOPLE, ops)["records"] == [{"name": "Cho"}, {"name": "Ana"}]


def test_data_transform_group_and_csv_round_trip() -> None:
    csv_text = "name,age,city\nAna,31,Seoul\nBen,25,Busan\nCho,42,Seoul\n"
    grouped = transform(
        CONFIG, csv_text, [Operation(op="group", by="city", aggregate="mean", of="age")]
    )
    assert grouped["input_format"] == "csv"
    assert {"city": "Seoul", "mean_age": 36.5} in grouped["records"]
    back = transform(CONFIG, PEOPLE, [Operation(op="limit", n=1)], output_format="csv")
    assert back["records"].splitlines() == ["name,age,city", "Ana,31,Seoul"]


@pytest.mark.parametrize(
    ("data", "ops", "message"),
    [
        ('{"a": 1}x', [], "not valid JSON"),
        ("[1, 2]", [], "array of objects"),
        (PEOPLE, [Operation(op="filter")], "filter needs"),
        (PEOPLE, [Operation(op="group", by="city", aggregate="sum")], "needs of"),
    ],
)
def test_data_transform_errors(data: str, ops: list[Operation], message: str) -> None:
    with pytest.raises(ToolError, match=message):
        transform(CONFIG, data, ops)


def test_data_transform_record_cap() -> None:
    big = json.dumps([{"i": i} for i in range(10_001)])
    with pytest.raises(ToolError, match="more than"):
        transform(ToolConfig(input_chars=10**7), big, [])
