"""statistics, json_parse, json_query, data_transform: numbers and structured data, with caps."""

from __future__ import annotations

import csv
import io
import json
import math
import statistics as stats
from collections import defaultdict
from typing import Any, Literal

import jmespath
import jmespath.exceptions
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from langchain_core.tools import BaseTool, tool
from pydantic import BaseModel, Field

from tools.base import ToolConfig, ToolError, check_input_size, truncate

MAX_VALUES = 100_000
MAX_JSON_DEPTH = 100
MAX_RECORDS = 10_000
MAX_OPERATIONS = 20

# --- statistics -------------------------------------------------------------------------

OPERATIONS = (
    "count",
    "mean",
    "median",
    "mode",
    "stdev",
    "variance",
    "min",
    "max",
    "sum",
    "quantiles",
)


class StatisticsArgs(BaseModel):
    values: list[float] = Field(description="The numbers.", max_length=MAX_VALUES)
    operations: list[Literal[OPERATIONS]] | None = Field(  # type: ignore[valid-type]
        default=None, description=f"Any of {', '.join(OPERATIONS)}; omit for all."
    )
    other: list[float] | None = Field(
        default=None,
        max_length=MAX_VALUES,
        description="A second list of the same length: adds their correlation.",
    )


def _round(value: float) -> float:
    return float(f"{value:.10g}")


def describe(
    values: list[float], operations: list[str] | None = None, other: list[float] | None = None
) -> dict[str, Any]:
    if not values:
        raise ToolError("values: needs at least one number")
    if len(values) > MAX_VALUES:
        raise ToolError(f"values: more than {MAX_VALUES} numbers")
    if any(not math.isfinite(v) for v in values):
        raise ToolError("values: NaN and infinity are not allowed")
    wanted = operations or list(OPERATIONS)
    result: dict[str, Any] = {}
    for op in wanted:
        try:
            if op == "count":
                result[op] = len(values)
            elif op == "mean":
                result[op] = _round(stats.fmean(values))
            elif op == "median":
                result[op] = _round(stats.median(values))
            elif op == "mode":
                result[op] = [_round(v) for v in stats.multimode(values)][:10]
            elif op == "stdev":
                result[op] = _round(stats.stdev(values)) if len(values) > 1 else None
            elif op == "variance":
                result[op] = _round(stats.variance(values)) if len(values) > 1 else None
            elif op == "min":
                result[op] = min(values)
            elif op == "max":
                result[op] = max(values)
            elif op == "sum":
                result[op] = _round(math.fsum(values))
            elif op == "quantiles":
                result[op] = (
                    [_round(q) for q in stats.quantiles(values, n=4)] if len(values) > 1 else None
                )
        except (stats.StatisticsError, OverflowError) as exc:
            result[op] = f"error: {exc}"
    if other is not None:
        if len(other) != len(values):
            raise ToolError("other: must have as many numbers as values")
        try:
            result["correlation"] = _round(stats.correlation(values, other))
        except stats.StatisticsError as exc:
            result["correlation"] = f"error: {exc}"
    shown = ", ".join(f"{k} {v}" for k, v in result.items() if not isinstance(v, list))
    result["summary"] = f"For {len(values)} values: {shown}."
    if "mean" in result:
        result["key"] = str(result["mean"]).removesuffix(".0")
    return result


# --- JSON -------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ToolError(f"text: {name} is not valid JSON")


def json_depth(text: str) -> int:
    """The deepest nesting of brackets outside strings, found without recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_json_text(text: str, limit: int, field: str = "text") -> Any:
    """Parse JSON strictly: size and depth limits, NaN and Infinity refused."""
    if not isinstance(text, str):
        raise ToolError(f"{field}: must be a string of JSON")
    check_input_size(field, text, limit)
    if json_depth(text) > MAX_JSON_DEPTH:
        raise ToolError(f"{field}: nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ToolError(
            f"{field}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise ToolError(f"{field}: nested too deeply") from None


def _shape(value: Any) -> str:
    if isinstance(value, dict):
        return f"object with {len(value)} keys"
    if isinstance(value, list):
        return f"array of {len(value)} items"
    return type(value).__name__


class JsonParseArgs(BaseModel):
    text: str = Field(description="JSON text to parse, validate and pretty-print.")
    json_schema: dict[str, Any] | None = Field(
        default=None, description="Optional JSON Schema the data must match."
    )


class JsonQueryArgs(BaseModel):
    data: str = Field(description="JSON text to query.")
    query: str = Field(
        description="A JMESPath expression, e.g. 'people[?age > `30`].name'.", max_length=1000
    )


def json_parse_result(
    config: ToolConfig, text: str, schema: dict[str, Any] | None
) -> dict[str, Any]:
    value = parse_json_text(text, config.input_chars)
    result: dict[str, Any] = {"valid": True, "type": _shape(value)}
    if schema is not None:
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            raise ToolError(f"schema: not a valid JSON Schema: {exc.message}") from None
        errors = [
            f"{'.'.join(str(p) for p in e.path) or '(root)'}: {e.message}"
            for e in list(Draft202012Validator(schema).iter_errors(value))[:10]
        ]
        result["matches_schema"] = not errors
        result["schema_errors"] = errors
    result["pretty"] = truncate(
        json.dumps(value, indent=2, ensure_ascii=False), config.output_chars // 2
    )
    result["summary"] = f"Valid JSON: {result['type']}" + (
        ""
        if schema is None
        else (
            "; matches the schema"
            if not result["schema_errors"]
            else f"; does not match the schema: {'; '.join(result['schema_errors'][:3])}"
        )
    )
    return result


def json_query_result(config: ToolConfig, data: str, query: str) -> dict[str, Any]:
    value = parse_json_text(data, config.input_chars, "data")
    try:
        found = jmespath.search(query, value)
    except jmespath.exceptions.JMESPathError as exc:
        raise ToolError(f"query: {exc}") from None
    shown = json.dumps(found, ensure_ascii=False)
    return {
        "query": query,
        "result": found,
        "summary": f"{query} -> {truncate(shown, 1000)}",
        "key": shown if len(shown) <= 80 else None,
    }


# --- data_transform ------------------------------------------------------------------------


class Operation(BaseModel):
    op: Literal["filter", "sort", "select", "group", "limit"] = Field(description="What to do.")
    field: str | None = Field(default=None, description="filter/sort: the field to look at.")
    cmp: Literal["==", "!=", ">", ">=", "<", "<=", "contains"] | None = Field(
        default=None, description="filter: comparison."
    )
    value: Any = Field(default=None, description="filter: the value to compare with.")
    descending: bool = Field(default=False, description="sort: largest first.")
    fields: list[str] | None = Field(default=None, description="select: the fields to keep.")
    by: str | None = Field(default=None, description="group: the field to group by.")
    aggregate: Literal["count", "sum", "mean", "min", "max"] | None = Field(
        default=None, description="group: how to combine."
    )
    of: str | None = Field(
        default=None, description="group: the field to aggregate (not needed for count)."
    )
    n: int | None = Field(
        default=None, ge=0, le=MAX_RECORDS, description="limit: how many records to keep."
    )


class DataTransformArgs(BaseModel):
    data: str = Field(
        description="Records as a JSON array of objects, or CSV text with a header row."
    )
    operations: list[Operation] = Field(
        default_factory=list,
        max_length=MAX_OPERATIONS,
        description="Applied in order: filter, sort, select, group, limit.",
    )
    output_format: Literal["json", "csv"] = Field(
        default="json", description="Format of the result."
    )


def load_records(config: ToolConfig, data: str) -> tuple[list[dict[str, Any]], str]:
    check_input_size("data", data, config.input_chars)
    stripped = data.lstrip()
    if stripped.startswith(("[", "{")):
        value = parse_json_text(data, config.input_chars, "data")
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
            raise ToolError("data: JSON must be an array of objects")
        records, kind = value, "json"
    else:
        try:
            records = list(csv.DictReader(io.StringIO(data)))
        except csv.Error as exc:
            raise ToolError(f"data: not valid CSV: {exc}") from None
        kind = "csv"
        for record in records:
            for key, raw in list(record.items()):
                record[key] = _number(raw)
    if len(records) > MAX_RECORDS:
        raise ToolError(f"data: more than {MAX_RECORDS} records")
    return records, kind


def _number(raw: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    try:
        return int(raw)
    except ValueError:
        try:
            value = float(raw)
        except ValueError:
            return raw
        return value if math.isfinite(value) else raw


def _compare(left: Any, cmp: str, right: Any) -> bool:
    try:
        if cmp == "contains":
            return str(right).lower() in str(left).lower()
        if cmp == "==":
            return bool(left == right or str(left) == str(right))
        if cmp == "!=":
            return not (left == right or str(left) == str(right))
        left, right = _number(left), _number(right)
        return bool(
            {">": left > right, ">=": left >= right, "<": left < right, "<=": left <= right}[cmp]
        )
    except TypeError:
        return False


def _aggregate(how: str, numbers: list[float]) -> float:
    if how == "sum":
        return _round(math.fsum(numbers))
    if how == "min":
        return min(numbers)
    if how == "max":
        return max(numbers)
    return _round(stats.fmean(numbers))


def transform(
    config: ToolConfig, data: str, operations: list[Operation], output_format: str = "json"
) -> dict[str, Any]:
    records, kind = load_records(config, data)
    for step, operation in enumerate(operations, 1):
        where = f"operations[{step - 1}]"
        if operation.op == "filter":
            if not operation.field or not operation.cmp:
                raise ToolError(f"{where}: filter needs field and cmp")
            records = [
                r
                for r in records
                if _compare(r.get(operation.field), operation.cmp, operation.value)
            ]
        elif operation.op == "sort":
            if not operation.field:
                raise ToolError(f"{where}: sort needs field")
            field = operation.field
            records = sorted(
                records,
                key=lambda r: (
                    r.get(field) is None,
                    str(type(r.get(field))),
                    r.get(field) if r.get(field) is not None else 0,
                ),
                reverse=operation.descending,
            )
        elif operation.op == "select":
            if not operation.fields:
                raise ToolError(f"{where}: select needs fields")
            records = [{f: r.get(f) for f in operation.fields} for r in records]
        elif operation.op == "group":
            if not operation.by:
                raise ToolError(f"{where}: group needs by")
            how = operation.aggregate or "count"
            if how != "count" and not operation.of:
                raise ToolError(f"{where}: group with {how} needs of")
            groups: dict[Any, list[Any]] = defaultdict(list)
            for r in records:
                groups[r.get(operation.by)].append(r.get(operation.of) if operation.of else 1)
            out = []
            for key, items in groups.items():
                numbers = [n for n in (_number(i) for i in items) if isinstance(n, int | float)]
                value: Any
                if how == "count":
                    value = len(items)
                elif not numbers:
                    value = None
                else:
                    value = _aggregate(how, numbers)
                out.append(
                    {
                        operation.by: key,
                        f"{how}" + (f"_{operation.of}" if operation.of else ""): value,
                    }
                )
            records = out
        elif operation.op == "limit":
            records = records[: operation.n if operation.n is not None else len(records)]
    if output_format == "csv":
        buffer = io.StringIO()
        fields = list(dict.fromkeys(k for r in records for k in r))
        writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)
        output: Any = truncate(buffer.getvalue(), config.output_chars)
    else:
        output = records
    return {
        "input_format": kind,
        "count": len(records),
        "records": output,
        "summary": f"{len(records)} records after {len(operations)} operations.",
    }


# --- builders ---------------------------------------------------------------------------------


def build_statistics(config: ToolConfig) -> BaseTool:
    @tool("statistics", args_schema=StatisticsArgs)
    def statistics_tool(
        values: list[float], operations: list[str] | None = None, other: list[float] | None = None
    ) -> dict[str, Any]:
        """Descriptive statistics of a list of numbers: mean, median, mode, stdev, variance,
        quantiles, min, max, sum; with a second list, their correlation."""
        return describe(values, operations, other)

    return statistics_tool


def build_json_parse(config: ToolConfig) -> BaseTool:
    @tool("json_parse", args_schema=JsonParseArgs)
    def json_parse(text: str, json_schema: dict[str, Any] | None = None) -> dict[str, Any]:
        """Parse JSON text: check it is valid, pretty-print it, optionally validate it against a JSON Schema."""
        return json_parse_result(config, text, json_schema)

    return json_parse


def build_json_query(config: ToolConfig) -> BaseTool:
    @tool("json_query", args_schema=JsonQueryArgs)
    def json_query(data: str, query: str) -> dict[str, Any]:
        """Extract values from JSON with a JMESPath query."""
        return json_query_result(config, data, query)

    return json_query


def build_data_transform(config: ToolConfig) -> BaseTool:
    @tool("data_transform", args_schema=DataTransformArgs)
    def data_transform(
        data: str, operations: list[Any] | None = None, output_format: str = "json"
    ) -> dict[str, Any]:
        """Filter, sort, select, group and aggregate records given as JSON or CSV; convert CSV to JSON and back."""
        ops = [
            o if isinstance(o, Operation) else Operation.model_validate(o)
            for o in (operations or [])
        ]
        return transform(config, data, ops, output_format)

    return data_transform
