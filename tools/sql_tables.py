"""Which tables an SQL statement names or changes, read from its text alone.

The side-effect check (:mod:`tools.effects`) uses it to find the target of a
``database_execute`` call (issue #20: a database change runs on the tables the user named); the
intent layer uses it to read the tables a request names. A name inside a string literal or a
comment never counts.

    >>> sorted(tables_changed("INSERT INTO orders VALUES (1)"))
    ['orders']
    >>> sorted(tables_mentioned("SELECT * FROM people JOIN pets ON pets.owner = people.id"))
    ['people', 'pets']
"""

from __future__ import annotations

import re

SQL_KEYWORDS = frozenset({
    "select", "from", "where", "table", "create", "insert", "into", "values", "update", "delete",
    "drop", "order", "group", "by", "and", "or", "not", "null", "index", "view", "as", "on", "join",
    "with", "set", "limit", "primary", "key", "default", "unique", "check",
})  # fmt: skip
"""SQL's reserved words that a descriptive request might also use as a name."""
SQL_WORDS = frozenset(SQL_KEYWORDS | {"alter", "replace", "truncate", "temp", "temporary", "if",
                                   "exists", "virtual", "trigger"})  # fmt: skip
"""Words that are SQL, never a table's name in prose ("CREATE TABLE ...")."""

_NAME = r"(?:\"(?:[^\"]|\"\")+\"|`[^`]+`|\[[^\]]+\]|[^\W\d][\w$]*)(?:\s*\.\s*(?:\"(?:[^\"]|\"\")+\"|`[^`]+`|\[[^\]]+\]|[^\W\d][\w$]*))?"
_WRITES = re.compile(
    r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|"
    r"(?:CREATE|DROP|ALTER)\s+(?:TEMP(?:ORARY)?\s+|VIRTUAL\s+)?TABLE(?:\s+IF\s+(?:NOT\s+)?EXISTS)?|"
    r"(?:CREATE|DROP)\s+(?:TEMP(?:ORARY)?\s+)?VIEW(?:\s+IF\s+(?:NOT\s+)?EXISTS)?)"
    rf"\s+(?P<name>{_NAME})",
    re.IGNORECASE,
)
_ON_TABLE = re.compile(
    r"\bCREATE\s+(?:UNIQUE\s+|TEMP(?:ORARY)?\s+)?(?:INDEX|TRIGGER)\b.*?\bON\s+"
    rf"(?P<name>{_NAME})",
    re.IGNORECASE | re.DOTALL,
)
_DROPS_OTHER = re.compile(r"\bDROP\s+(?:INDEX|TRIGGER)\b", re.IGNORECASE)
_READS = re.compile(rf"\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+(?P<name>{_NAME})", re.IGNORECASE)
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_STRINGS = re.compile(r"'(?:[^']|'')*'")


def _table_name(raw: str) -> str:
    """A table name as SQLite compares it: unquoted, without a schema, lower-cased."""
    last = re.split(r"\s*\.\s*(?=(?:\"|`|\[|[^\W\d]))", raw.strip())[-1]
    if last[:1] in '"`[':
        last = last[1:-1].replace('""', '"')
    return last.lower()


def _code(sql: str) -> str:
    """The statement without comments and string literals (their words are not SQL)."""
    return _STRINGS.sub("''", _COMMENTS.sub(" ", sql))


def tables_changed(sql: str) -> set[str] | None:
    """The tables a statement creates, changes or drops (trigger bodies included), lower-cased;
    None when it changes something that cannot be tied to a table (``DROP INDEX x``) or when no
    target can be read at all. Conservative: a name inside a string never counts."""
    code = _code(sql)
    found = {_table_name(m.group("name")) for m in _WRITES.finditer(code)}
    found |= {_table_name(m.group("name")) for m in _ON_TABLE.finditer(code)}
    if _DROPS_OTHER.search(code) or not found:
        return None
    return found


def tables_mentioned(sql: str) -> set[str]:
    """Every table a statement names (read or written), lower-cased."""
    code = _code(sql)
    names = {_table_name(m.group("name")) for m in _READS.finditer(code)}
    names |= {_table_name(m.group("name")) for m in _WRITES.finditer(code)}
    names |= {_table_name(m.group("name")) for m in _ON_TABLE.finditer(code)}
    return {name for name in names if name and name not in SQL_WORDS}
