from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from tools.base import ToolConfig, ToolError
from tools.database import _connect, run_execute, run_query


@pytest.fixture
def config(tmp_path: Path) -> ToolConfig:
    return ToolConfig(sandbox_db=tmp_path / "sandbox.db", db_max_rows=5, db_time_limit=0.5)


def test_create_insert_query(config: ToolConfig) -> None:
    run_execute(config, "CREATE TABLE people (name TEXT, age INTEGER)")
    assert (
        run_execute(config, "INSERT INTO people VALUES (?, ?), (?, ?)", ["Ana", 31, "Ben", 25])[
            "rows_affected"
        ]
        == 2
    )
    run_execute(config, "UPDATE people SET age = age + 1 WHERE name = 'Ben'")
    result = run_query(config, "SELECT name, age FROM people ORDER BY age")
    assert result["rows"] == [{"name": "Ben", "age": 26}, {"name": "Ana", "age": 31}]
    assert (
        run_query(config, "WITH t AS (SELECT count(*) AS n FROM people) SELECT n FROM t")["key"]
        == "2"
    )


def test_row_cap(config: ToolConfig) -> None:
    result = run_query(
        config,
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 50) SELECT x FROM c",
    )
    assert result["row_count"] == 5 and result["truncated"] is True


@pytest.mark.parametrize(
    ("tool", "sql", "message"),
    [
        ("query", "DELETE FROM people", "must start with"),
        ("query", "SELECT 1; DROP TABLE people", "one statement"),
        ("query", "WITH x AS (SELECT 1) DELETE FROM people", "not allowed"),
        ("query", "SELECT load_extension('/tmp/evil.so')", "not allowed|no such function"),
        ("execute", "ATTACH DATABASE '/tmp/other.db' AS other", "must start with"),
        ("execute", "CREATE TABLE x AS SELECT * FROM pragma_table_info('people')", ""),
        ("execute", "PRAGMA writable_schema = ON", "must start with"),
        ("execute", "VACUUM INTO '/tmp/copy.db'", "must start with"),
        ("execute", "DROP TABLE people", "must start with"),
        (
            "execute",
            "INSERT INTO people VALUES ('a', 1); INSERT INTO people VALUES ('b', 2)",
            "one statement",
        ),
        (
            "execute",
            "INSERT INTO sqlite_master VALUES ('table','x','x',0,'')",
            "not allowed|may not be modified",
        ),
        ("query", "SELECT * FROM people /* ; */ WHERE name = ';'", ""),
    ],
)
def test_hostile_sql(config: ToolConfig, tool: str, sql: str, message: str) -> None:
    run_execute(config, "CREATE TABLE people (name TEXT, age INTEGER)")
    run = run_query if tool == "query" else run_execute
    if not message:  # allowed: must simply work inside the sandbox
        run(config, sql)
        return
    with pytest.raises(ToolError, match=message):
        run(config, sql)


@pytest.mark.parametrize(
    "sql",
    [
        "ATTACH DATABASE '{other}' AS other",
        "PRAGMA writable_schema = ON",
        "PRAGMA journal_mode = DELETE",
        "SELECT load_extension('/nonexistent/evil')",
        "SELECT * FROM pragma_database_list",
    ],
)
def test_authorizer_denies_what_the_keyword_check_would_miss(
    config: ToolConfig, tmp_path: Path, sql: str
) -> None:
    """Defence in depth: the statements go straight to a sandbox connection, past the keyword check."""
    other = tmp_path / "other.db"
    conn = _connect(config.sandbox_db, read_only=False, time_limit=1)
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute(sql.format(other=other))
    conn.close()
    assert not other.exists()


@pytest.mark.parametrize(
    "sql",
    [
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c",
        "SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 3000) SELECT x FROM c) a, "
        "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 3000) SELECT x FROM c) b, "
        "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 3000) SELECT x FROM c) d",
    ],
)
def test_runaway_queries_stop_at_the_time_limit(config: ToolConfig, sql: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ToolError, match="time limit"):
        run_query(config, sql)
    assert time.perf_counter() - started < 2


def test_query_connection_is_read_only_even_past_the_keyword_check(config: ToolConfig) -> None:
    run_execute(config, "CREATE TABLE t (x)")
    with pytest.raises(ToolError):
        run_query(config, "WITH a AS (SELECT 1) INSERT INTO t VALUES (1)")
    assert sqlite3.connect(config.sandbox_db).execute("SELECT count(*) FROM t").fetchone()[0] == 0


def test_server_database_is_never_touched(config: ToolConfig, tmp_path: Path) -> None:
    server_db = tmp_path / "toolloom.db"
    sqlite3.connect(server_db).execute("CREATE TABLE checkpoints (x)").connection.commit()
    with pytest.raises(ToolError):
        run_query(config, "SELECT * FROM checkpoints")
