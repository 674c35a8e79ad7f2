"""database_query and database_execute: SQL on a sandbox SQLite file of their own.

Never the server's database: the file is ``TOOLLOOM_SANDBOX_DB``. Both tools run one statement
under an authorizer that denies ATTACH, DETACH, PRAGMA (except a few read-only ones),
load_extension and anything touching sqlite_master directly; a progress handler interrupts a
statement that runs past the time limit (a recursive CTE or a cartesian join). Queries use a
read-only connection and must start with SELECT or WITH; execute allows CREATE, INSERT, UPDATE
and DELETE.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_core.tools import BaseTool, tool
from pydantic import BaseModel, Field

from tools.base import ToolConfig, ToolError, check_input_size

MAX_SQL_CHARS = 20_000
MAX_PARAMS = 100
READ_PRAGMAS = {
    "table_info",
    "table_list",
    "index_list",
    "index_info",
    "foreign_key_list",
    "table_xinfo",
}
_QUERY_START = ("SELECT", "WITH")
_EXECUTE_START = ("CREATE", "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH")
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)


def first_keyword(sql: str) -> str:
    stripped = _COMMENT.sub(" ", sql).strip().lstrip("(").strip()
    match = re.match(r"[A-Za-z]+", stripped)
    return match.group(0).upper() if match else ""


def _authorizer(
    read_only: bool,
) -> Callable[[int, str | None, str | None, str | None, str | None], int]:
    writes = {
        sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE,
        sqlite3.SQLITE_CREATE_TABLE, sqlite3.SQLITE_CREATE_INDEX, sqlite3.SQLITE_CREATE_VIEW,
        sqlite3.SQLITE_CREATE_TRIGGER, sqlite3.SQLITE_DROP_TABLE, sqlite3.SQLITE_DROP_INDEX,
        sqlite3.SQLITE_DROP_VIEW, sqlite3.SQLITE_DROP_TRIGGER, sqlite3.SQLITE_ALTER_TABLE,
        sqlite3.SQLITE_CREATE_TEMP_TABLE, sqlite3.SQLITE_CREATE_TEMP_VIEW,
        sqlite3.SQLITE_CREATE_TEMP_TRIGGER, sqlite3.SQLITE_CREATE_TEMP_INDEX,
        sqlite3.SQLITE_CREATE_VTABLE, sqlite3.SQLITE_DROP_VTABLE,
    }  # fmt: skip
    always_denied = {sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH}

    def authorize(
        action: int, arg1: str | None, arg2: str | None, db: str | None, source: str | None
    ) -> int:
        if action in always_denied:
            return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_PRAGMA:
            # Read-only pragmas (their argument is a table name); any other pragma is denied.
            return (
                sqlite3.SQLITE_OK if (arg1 or "").lower() in READ_PRAGMAS else sqlite3.SQLITE_DENY
            )
        if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in {
            "load_extension",
            "readfile",
            "writefile",
            "edit",
            "fts3_tokenizer",
        }:
            return sqlite3.SQLITE_DENY
        if read_only and action in writes:
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    return authorize


def _connect(path: Path, read_only: bool, time_limit: float) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    if read_only and not path.exists():
        sqlite3.connect(
            path
        ).close()  # an empty sandbox answers "no such table", not "unable to open"
    uri = f"file:{path.resolve()}?mode={'ro' if read_only else 'rwc'}"
    conn = sqlite3.connect(uri, uri=True, timeout=2.0, check_same_thread=False)
    conn.set_authorizer(_authorizer(read_only))
    deadline = time.monotonic() + time_limit
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    return conn


def _params(params: list[Any] | None) -> list[Any]:
    values = list(params or [])
    if len(values) > MAX_PARAMS:
        raise ToolError(f"params: more than {MAX_PARAMS}")
    for value in values:
        if not isinstance(value, str | int | float | type(None)):
            raise ToolError("params: only strings, numbers and null")
    return values


def _run(conn: sqlite3.Connection, sql: str, params: list[Any]) -> sqlite3.Cursor:
    try:
        return conn.execute(sql, params)
    except sqlite3.DatabaseError as exc:  # OperationalError included
        message = str(exc)
        if "interrupted" in message:
            raise ToolError("the statement ran past the time limit and was stopped") from None
        if "not authorized" in message:
            raise ToolError(
                "sql: not allowed in the sandbox (ATTACH, PRAGMA writes, extensions, writes in a query)"
            ) from None
        raise ToolError(f"sql: {message}") from None
    except sqlite3.ProgrammingError as exc:
        raise ToolError(f"sql: {exc}") from None


def _check_sql(sql: str, allowed: tuple[str, ...]) -> None:
    if not isinstance(sql, str) or not sql.strip():
        raise ToolError("sql: empty")
    check_input_size("sql", sql, MAX_SQL_CHARS)
    if "\x00" in sql:
        raise ToolError("sql: NUL bytes are not allowed")
    keyword = first_keyword(sql)
    if keyword not in allowed:
        raise ToolError(f"sql: must start with {' or '.join(allowed)}, not {keyword or '?'}")
    body = _COMMENT.sub(" ", sql).strip().rstrip(";").strip()
    if not sqlite3.complete_statement(body + ";") or ";" in _strip_strings(body):
        raise ToolError("sql: exactly one statement is allowed")


def _strip_strings(sql: str) -> str:
    return re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", "''", sql)


def run_query(config: ToolConfig, sql: str, params: list[Any] | None = None) -> dict[str, Any]:
    _check_sql(sql, _QUERY_START)
    conn = _connect(config.sandbox_db, read_only=True, time_limit=config.db_time_limit)
    try:
        cursor = _run(conn, sql, _params(params))
        columns = [d[0] for d in cursor.description or []]
        try:
            rows = cursor.fetchmany(config.db_max_rows + 1)
        except sqlite3.OperationalError as exc:
            raise ToolError(
                "the query ran past the time limit and was stopped"
                if "interrupted" in str(exc)
                else f"sql: {exc}"
            ) from None
    finally:
        conn.close()
    truncated = len(rows) > config.db_max_rows
    rows = rows[: config.db_max_rows]
    records = [dict(zip(columns, row, strict=False)) for row in rows]
    result: dict[str, Any] = {
        "columns": columns,
        "rows": records,
        "row_count": len(records),
        "truncated": truncated,
    }
    result["summary"] = (
        f"{len(records)} rows"
        + (" (truncated)" if truncated else "")
        + (f": {records[:5]}" if records else "")
    )
    if len(records) == 1 and len(columns) == 1:
        result["key"] = str(rows[0][0])
    return result


def run_execute(config: ToolConfig, sql: str, params: list[Any] | None = None) -> dict[str, Any]:
    _check_sql(sql, _EXECUTE_START)
    conn = _connect(config.sandbox_db, read_only=False, time_limit=config.db_time_limit)
    try:
        cursor = _run(conn, sql, _params(params))
        conn.commit()
        changed = cursor.rowcount
    finally:
        conn.close()
    keyword = first_keyword(sql)
    return {
        "statement": keyword,
        "rows_affected": max(changed, 0),
        "summary": f"{keyword} done; {max(changed, 0)} rows affected.",
    }


class QueryArgs(BaseModel):
    sql: str = Field(
        description="One SELECT (or WITH ... SELECT) statement.", max_length=MAX_SQL_CHARS
    )
    params: list[str | int | float | None] | None = Field(
        default=None, max_length=MAX_PARAMS, description="Values for ? placeholders."
    )


class ExecuteArgs(BaseModel):
    sql: str = Field(
        description="One CREATE, INSERT, UPDATE or DELETE statement.", max_length=MAX_SQL_CHARS
    )
    params: list[str | int | float | None] | None = Field(
        default=None, max_length=MAX_PARAMS, description="Values for ? placeholders."
    )


def build_query(config: ToolConfig) -> BaseTool:
    @tool("database_query", args_schema=QueryArgs)
    def database_query(sql: str, params: list[Any] | None = None) -> dict[str, Any]:
        """Run one read-only SQL SELECT on the sandbox SQLite database and return the rows."""
        return run_query(config, sql, params)

    return database_query


def build_execute(config: ToolConfig) -> BaseTool:
    @tool("database_execute", args_schema=ExecuteArgs)
    def database_execute(sql: str, params: list[Any] | None = None) -> dict[str, Any]:
        """Run one SQL statement (CREATE TABLE, INSERT, UPDATE, DELETE) on the sandbox SQLite database."""
        return run_execute(config, sql, params)

    return database_execute
