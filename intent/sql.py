"""Arguments for database_query and database_execute: SQL written in the request, or SQL built
from a few descriptive forms, using only identifiers and values the user wrote.

- "create a table called orders with id and item", "orders 테이블을 만들어줘 (id, item)",
  "crée une table clients avec nom et âge" -> ``CREATE TABLE orders (id, item)``
- "show all rows of people", "people 테이블의 모든 행" -> ``SELECT * FROM people``
- "how many rows are in people" -> ``SELECT COUNT(*) FROM people``
- "insert Alice, 30 into people" -> ``INSERT INTO people VALUES (?, ?)`` with params ["Alice", 30]

Values go into ``params`` (placeholders), never into the SQL text. Written SQL is cut where the
prose after it starts, checked with SQLite's own parser on an empty in-memory database.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from tools.sql_tables import SQL_KEYWORDS

_TYPES = r"integer|int|text|real|numeric|blob|float|double|boolean|date|datetime|varchar(?:\(\d+\))?|char(?:\(\d+\))?"
_SQL_START = re.compile(
    r"\b(?:SELECT|WITH|CREATE\s+(?:TEMP(?:ORARY)?\s+)?(?:TABLE|VIEW|(?:UNIQUE\s+)?INDEX)|"
    r"INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\b",
    re.IGNORECASE,
)
_SQL_SHAPE = re.compile(
    r"^(?:select\s+.+?\s+from\s+\S+|select\s+[\d(]|with\s+\w+\s+as\s*\(|"
    r"create\s+(?:temp(?:orary)?\s+)?table\s+(?:if\s+not\s+exists\s+)?\S+\s*\(|"
    r"create\s+(?:temp(?:orary)?\s+)?view\s+\S+\s+as\s|create\s+(?:unique\s+)?index\s+\S+\s+on\s|"
    r"(?:insert(?:\s+or\s+\w+)?|replace)\s+into\s+\S+|update\s+\S+\s+set\s|delete\s+from\s+\S+)",
    re.IGNORECASE | re.DOTALL,
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_QUOTES = re.compile(r"['\"`\[]")
_CHANGES = re.compile(r"\s*(?:INSERT|REPLACE|UPDATE|DELETE)\b", re.IGNORECASE)
_SQL_TAIL = re.compile(
    r"[=<>()'\"*]|\b(?:AND|OR|NOT|LIKE|IN|IS|NULL|BETWEEN|WHERE|SET|VALUES)\b|\d", re.IGNORECASE
)
QUERY_STARTS = ("SELECT", "WITH")
EXECUTE_STARTS = ("CREATE", "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH")


def _syntax_ok(sql: str) -> bool:
    """Whether SQLite can parse ``sql`` (tables that do not exist are fine)."""
    if not sqlite3.complete_statement(sql.rstrip(";") + ";"):
        return False
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("EXPLAIN " + sql.rstrip(";"))
    except sqlite3.OperationalError as exc:
        message = str(exc)
        return not (
            "syntax error" in message
            or "incomplete input" in message
            or "unrecognized token" in message
        )
    except sqlite3.Error:
        return False
    finally:
        connection.close()
    return True


def written_sql(text: str) -> list[str]:
    """SQL statements written in the text, each cut where the prose after it begins."""
    found: list[str] = []
    for match in _SQL_START.finditer(text):
        if any(match.start() < len(s) and s in text[: match.end()] for s in found):
            continue
        rest = text[match.start() :]
        stop = re.search(r";|`|\n\n|」|”|\"(?=\s|$)|[，。；？！]", rest)
        candidate = rest[: stop.start()] if stop else rest
        if candidate.rstrip().endswith("'") and candidate.count("'") % 2:
            candidate = candidate.rstrip()[:-1]  # 'SELECT ...': the quote around the SQL
        # "SELECT ..." in a Korean or Japanese sentence: the particle is not SQL
        candidate = re.split(
            r"\s*(?:을|를|은|는|이|가|로|으로)\s+(?=[가-힣])|を|は|で実行|运行|執行|执行", candidate
        )[0]
        candidate = candidate.strip()
        if not _SQL_SHAPE.match(candidate):
            continue
        if match.group(0)[0].islower() and not re.search(
            r"\bfrom\b|\binto\b|\bset\b|\btable\b", candidate
        ):
            continue
        words = candidate.split(" ")
        # A bare word in Hangul, kana or CJK after the SQL is the sentence going on ("SELECT name
        # FROM people 쿼리 좀 돌려줘": SQLite would take 쿼리 for an alias); a quoted one is SQL.
        prose = next(
            (i for i, w in enumerate(words) if _CJK.search(w) and not _QUOTES.search(w)), None
        )
        if prose is not None:
            words = words[:prose]
        dropped: list[str] = []
        while words and not _syntax_ok(" ".join(words).rstrip(" ,.?!")):
            dropped.insert(0, words.pop())
        if dropped and _CHANGES.match(candidate) and _SQL_TAIL.search(" ".join(dropped)):
            # What had to go was SQL, not prose ("... WHERE country = 'Atlantis" cut short):
            # the rest would change more than was written. Better no statement than that one.
            continue
        sql = " ".join(words).rstrip(" ,.?!")
        if sql and _SQL_SHAPE.match(sql) and _syntax_ok(sql):
            found.append(sql)
    return found


def identifier(name: str) -> str | None:
    """A table or column name as SQL, quoted when it must be; None when it is not a name."""
    name = name.strip().strip("`'\"“”「」")
    if not name or len(name) > 64 or not re.fullmatch(r"[^\W\d]\w*", name):
        return None
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and name.lower() not in SQL_KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def _columns(raw: str) -> list[str] | None:
    items = [
        item.strip()
        for item in re.split(
            r",|、|，|\s+(?:and|et|und|y|e|와|과|하고|그리고|と|和)\s+|(?<=[가-힣])(?:와|과)\s+",
            raw,
        )
        if item.strip()
    ]
    columns = []
    for item in items:
        item = re.sub(
            r"^(?:the|les?|la|die|der|den|das|el|los|las|o|os|as)\s+", "", item, flags=re.I
        )
        item = re.sub(
            r"\s*(?:columns?|fields?|colonnes?|champs?|spalten?|felder?|columnas?|campos?|colunas?|컬럼|칼럼|열|列|字段)$",
            "",
            item,
            flags=re.I,
        )
        typed = re.fullmatch(rf"(\S+)\s+({_TYPES})(\s+primary\s+key)?", item, re.I)
        if typed:
            name = identifier(typed.group(1))
            if name is None:
                return None
            columns.append(f"{name} {typed.group(2).upper()}{(typed.group(3) or '').upper()}")
            continue
        name = identifier(item)
        if name is None:
            return None
        columns.append(name)
    return columns or None


_TABLE_WORD = r"(?:table|tabelle|tabla|tabela|tableau)"
_CREATE_PATTERNS = [
    # en/fr/de/es/pt: "create a table called orders with (columns) id and item"
    re.compile(
        rf"(?:create|make|add|crée|créer|creer|fais|erstelle|erstellen|lege|crea|crear|cria|crie|criar)\w*\s+"
        rf"(?:a\s+|an\s+|the\s+|new\s+|une\s+|la\s+|nouvelle\s+|eine\s+|neue\s+|una\s+|nueva\s+|uma\s+|nova\s+)*"
        rf"{_TABLE_WORD}\s+(?:called\s+|named\s+|nomm[ée]e\s+|appel[ée]e\s+|namens\s+|mit\s+dem\s+namen\s+|"
        rf"llamada\s+|denominada\s+|chamada\s+)?[`'\"“]?(?P<table>[^\W\d][\w]*)[`'\"”]?\s*"
        rf"(?:(?:with|having|avec|mit|con|com)\s+(?:the\s+|les\s+|den\s+|las\s+|los\s+|as\s+|os\s+)?"
        rf"(?:columns?|fields?|colonnes?|champs?|spalten|feldern?|columnas?|campos?|colunas?)?\s*:?\s*"
        rf"(?P<columns>[^.?!\n;()]+)|\((?P<paren>[^)]+)\))",
        re.I,
    ),
    # "a table named people with name and age" without a verb first
    re.compile(
        rf"{_TABLE_WORD}\s+(?:called|named|nomm[ée]e|appel[ée]e|namens|llamada|chamada)\s+[`'\"“]?(?P<table>[^\W\d][\w]*)[`'\"”]?\s+"
        rf"(?:with|having|avec|mit|con|com)\s+(?:the\s+|les\s+|den\s+)?(?:columns?|fields?|colonnes?|spalten|columnas?|colunas?)?\s*:?\s*"
        rf"(?P<columns>[^.?!\n;()]+)",
        re.I,
    ),
    # ko: "orders 테이블을 만들어줘 (id, item)", "id와 item 컬럼이 있는 orders 테이블"
    re.compile(
        r"[`'\"“]?(?P<table>[A-Za-z_가-힣][\w]*?)[`'\"”]?\s*(?:이라는|라는)?\s*테이블(?:을|를)?\s*(?:하나\s*)?"
        r"(?:만들어|생성|만들|작성)[^(]*\((?P<paren>[^)]+)\)",
    ),
    re.compile(
        r"(?P<columns>[\w\s,、와과]+?)\s*(?:컬럼|칼럼|열|필드)(?:이|가|을|를)?\s*(?:있는|가진|갖는|으로\s*된|로\s*된)\s*"
        r"[`'\"“]?(?P<table>[A-Za-z_가-힣][\w]*?)[`'\"”]?\s*(?:이라는|라는)?\s*테이블",
    ),
    re.compile(
        r"[`'\"“]?(?P<table>[A-Za-z_가-힣][\w]*?)[`'\"”]?\s*(?:이라는|라는)?\s*테이블(?:을|를)?\s*"
        r"(?P<columns>[\w\s,、]+?)\s*(?:컬럼|칼럼|열|필드)(?:으로|로)",
    ),
    # ja: "orders というテーブルを作成（id, item）", "id と item の列を持つ orders テーブル"
    re.compile(
        r"[`'\"「]?(?P<table>[A-Za-z_\w]+?)[`'\"」]?\s*(?:という)?テーブル(?:を)?\s*(?:作成|作って|作る|作り)[^(（]*[(（](?P<paren>[^)）]+)[)）]",
    ),
    re.compile(
        r"(?P<columns>[\w\s,、と]+?)\s*(?:の|という)?(?:列|カラム|項目)を?(?:持つ|含む|もつ)\s*[`'\"「]?(?P<table>[A-Za-z_\w]+?)[`'\"」]?\s*(?:という)?テーブル",
    ),
    # zh: "创建一个名为 orders 的表，包含 id 和 item", "创建表 orders（id, item）"
    re.compile(
        r"(?:创建|建立|新建|建)\s*(?:一个|一張|一张)?\s*(?:名为|叫|叫做|名叫)?\s*[`'\"“]?(?P<table>[A-Za-z_][\w]*)[`'\"”]?\s*(?:的)?\s*表\s*[,，]?\s*"
        r"(?:(?:包含|包括|有|字段为|列为|含有)\s*(?:字段|列)?\s*(?P<columns>[\w\s,，、和]+)|[(（](?P<paren>[^)）]+)[)）])",
    ),
    re.compile(
        r"(?:创建|建立|新建|建)\s*表\s*[`'\"“]?(?P<table>[A-Za-z_][\w]*)[`'\"”]?\s*[(（](?P<paren>[^)）]+)[)）]",
    ),
]
_SELECT_ALL = [
    re.compile(
        r"(?:all|every)\s+(?:the\s+)?(?:rows|records|entries|data|lines)\s+(?:from|in|of)\s+(?:the\s+)?"
        r"(?:table\s+)?[`'\"]?(?P<table>[^\W\d]\w*)",
        re.I,
    ),
    re.compile(
        r"(?:show|list|display|dump|print|get)\s+(?:me\s+)?(?:everything|all)\s+(?:from|in)\s+(?:the\s+)?(?:table\s+)?"
        r"[`'\"]?(?P<table>[^\W\d]\w*)",
        re.I,
    ),
    re.compile(
        r"(?:show|list|display|dump|print|get)\s+(?:me\s+)?(?:the\s+)?(?:table\s+)?[`'\"]?(?P<table>[^\W\d]\w*)[`'\"]?\s+table\b",
        re.I,
    ),
    re.compile(
        r"(?:toutes\s+les\s+(?:lignes|entr[ée]es|donn[ée]es|enregistrements)|tout\s+le\s+contenu|tout)\s+"
        r"(?:de\s+la\s+table\s+|de\s+|du\s+|des\s+)[`'\"]?(?P<table>[^\W\d]\w*)",
        re.I,
    ),
    re.compile(
        r"alle\s+(?:Zeilen|Eintr[äa]ge|Datens[äa]tze|Daten)\s+(?:aus\s+der\s+Tabelle\s+|der\s+Tabelle\s+|aus\s+|von\s+|in\s+)"
        r"[`'\"]?(?P<table>[^\W\d]\w*)",
        re.I,
    ),
    re.compile(
        r"(?:todas\s+las\s+(?:filas|entradas|registros)|todo\s+el\s+contenido|todos\s+los\s+registros)\s+"
        r"(?:de\s+la\s+tabla\s+|de\s+|en\s+)[`'\"]?(?P<table>[^\W\d]\w*)",
        re.I,
    ),
    re.compile(
        r"(?:todas\s+as\s+(?:linhas|entradas)|todos\s+os\s+(?:registros|registos|dados))\s+"
        r"(?:da\s+tabela\s+|d[aeo]\s+|em\s+)[`'\"]?(?P<table>[^\W\d]\w*)",
        re.I,
    ),
    re.compile(
        r"[`'\"]?(?P<table>[A-Za-z_가-힣]\w*?)[`'\"]?\s*테이블(?:의|에\s*있는|에서)?\s*(?:모든|전체)\s*"
        r"(?:행|데이터|레코드|내용|row)"
    ),
    re.compile(
        r"[`'\"]?(?P<table>[A-Za-z_가-힣]\w*?)[`'\"]?\s*테이블\s*(?:전체\s*)?(?:을|를)?\s*(?:조회|보여|출력)"
    ),
    re.compile(
        r"[`'\"「]?(?P<table>[A-Za-z_]\w*?)[`'\"」]?\s*(?:テーブル)?の\s*(?:全て|すべて|全部)?\s*(?:の)?\s*(?:全件|全行|行|レコード|データ)を?\s*(?:表示|見せ|出し|取得)"
    ),
    re.compile(
        r"[`'\"“]?(?P<table>[A-Za-z_]\w*)[`'\"”]?\s*表(?:中|里|裡)?的\s*(?:所有|全部)\s*(?:行|数据|數據|记录|記錄)"
    ),
    re.compile(r"(?:显示|顯示|查询|查詢|列出)\s*[`'\"“]?(?P<table>[A-Za-z_]\w*)[`'\"”]?\s*表"),
]
_COUNT_ROWS = [
    re.compile(
        r"how\s+many\s+(?:rows|records|entries)\s+(?:are\s+)?(?:there\s+)?(?:in|does)\s+(?:the\s+)?(?:table\s+)?[`'\"]?(?P<table>[^\W\d]\w*)",
        re.I,
    ),
    re.compile(
        r"combien\s+de\s+(?:lignes|entr[ée]es|enregistrements)\s+(?:y\s+a-t-il\s+)?(?:dans|a)\s+(?:la\s+table\s+)?[`'\"]?(?P<table>[^\W\d]\w*)",
        re.I,
    ),
    re.compile(
        r"wie\s+viele\s+(?:Zeilen|Eintr[äa]ge|Datens[äa]tze)\s+(?:hat|sind\s+in|gibt\s+es\s+in)\s+(?:der\s+Tabelle\s+)?[`'\"]?(?P<table>[^\W\d]\w*)",
        re.I,
    ),
    re.compile(
        r"cu[áa]ntas\s+(?:filas|entradas)\s+(?:hay\s+)?(?:en|tiene)\s+(?:la\s+tabla\s+)?[`'\"]?(?P<table>[^\W\d]\w*)",
        re.I,
    ),
    re.compile(
        r"quantas\s+(?:linhas|entradas)\s+(?:h[áa]\s+|tem\s+)?(?:em|na|n[ao]\s+tabela)\s+[`'\"]?(?P<table>[^\W\d]\w*)",
        re.I,
    ),
    re.compile(
        r"[`'\"]?(?P<table>[A-Za-z_가-힣]\w*?)[`'\"]?\s*테이블(?:의|에|에는)?\s*(?:행|레코드|데이터)\s*(?:수|개수|가\s*몇)"
    ),
    re.compile(
        r"[`'\"「]?(?P<table>[A-Za-z_]\w*)[`'\"」]?\s*テーブルの\s*(?:行数|件数|レコード数)"
    ),
    re.compile(
        r"[`'\"“]?(?P<table>[A-Za-z_]\w*)[`'\"”]?\s*表\s*(?:有|共有)?\s*(?:多少|几)\s*(?:行|条)"
    ),
]
_LIST_TABLES = re.compile(
    r"\b(?:show|list|what)\b[^.?!]{0,20}\btables\b|\b(?:liste|affiche)[^.?!]{0,20}\btables\b|"
    r"\b(?:zeige|liste)[^.?!]{0,20}\bTabellen\b|\b(?:muestra|lista)[^.?!]{0,20}\btablas\b|"
    r"\b(?:mostre|liste|mostra)[^.?!]{0,20}\btabelas\b|테이블\s*(?:목록|리스트|뭐|어떤)|"
    r"テーブル(?:の)?(?:一覧|リスト)|(?:所有|哪些)\s*表|表的?列表",
    re.I,
)
LIST_TABLES_SQL = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
_INSERT_PATTERNS = [
    re.compile(
        r"(?:insert|add|put|ins[èe]re[rz]?|ajoute[rz]?|f[üu]ge|inserta[r]?|agrega[r]?|a[ñn]ade|insira|inserir|adicione|adicionar)\s+"
        r"(?:a\s+row\s+|une\s+ligne\s+|eine\s+Zeile\s+|una\s+fila\s+|uma\s+linha\s+)?(?:with\s+|avec\s+|mit\s+|con\s+|com\s+)?"
        r"\(?(?P<values>[^()]+?)\)?\s+(?:into|to|in|dans|à|a|in\s+die|en|em|na|no)\s+(?:the\s+|la\s+table\s+|la\s+|die\s+Tabelle\s+|la\s+tabla\s+|a\s+tabela\s+|tabela\s+)?"
        r"[`'\"]?(?P<table>[^\W\d]\w*)[`'\"]?(?:\s+(?:table|ein))?\s*[.!?]?\s*$",
        re.I,
    ),
    re.compile(
        r"[`'\"]?(?P<table>[A-Za-z_]\w*?|[가-힣]\w*?(?=[`'\"]?\s*테이블))[`'\"]?\s*(?:테이블)?에\s*\(?(?P<values>[^()]+?)\)?\s*(?:을|를)?\s*(?:추가|삽입|넣어|입력)"
    ),
    re.compile(
        r"[`'\"「]?(?P<table>[A-Za-z_]\w*?)[`'\"」]?\s*(?:テーブル)?に\s*[(（]?(?P<values>[^()（）]+?)[)）]?\s*を\s*(?:追加|挿入|入れ)"
    ),
    re.compile(
        r"(?:向|往|在)\s*[`'\"“]?(?P<table>[A-Za-z_]\w*)[`'\"”]?\s*(?:表)?(?:中|里)?\s*(?:插入|添加|加入)\s*[(（]?(?P<values>[^()（）]+?)[)）]?\s*[。.!！]?$"
    ),
]


def _values(raw: str) -> list[Any] | None:
    parts = [p.strip() for p in re.split(r",|、|，", raw)]
    if len(parts) < 1 or any(not p for p in parts):
        return None
    values: list[Any] = []
    for part in parts:
        part = re.sub(r"^(?:and|et|und|y|e)\s+", "", part, flags=re.I)
        if re.fullmatch(r"-?\d+", part):
            values.append(int(part))
        elif re.fullmatch(r"-?\d+\.\d+", part):
            values.append(float(part))
        elif re.fullmatch(r"'[^']*'|\"[^\"]*\"|“[^”]*”|「[^」]*」", part):
            values.append(part[1:-1])
        elif re.fullmatch(r"[^\s,]+(?:\s[^\s,]+)?", part) and part.lower() not in {"null", "none"}:
            values.append(part)
        else:
            return None
    return values


def described_sql(text: str) -> tuple[str, list[Any] | None] | None:
    """SQL (and params) built from a descriptive request, or None."""
    for pattern in _CREATE_PATTERNS:
        match = pattern.search(text)
        if match:
            table = identifier(match.group("table"))
            raw = match.groupdict().get("paren") or match.groupdict().get("columns") or ""
            # German separable verbs and politeness after the list: "... mit titel und autor an"
            raw = re.sub(
                r"\s+(?:an|ein|bitte|please|por\s+favor|s'il\s+(?:te|vous)\s+pla[iî]t|pf)\s*$",
                "",
                raw,
                flags=re.I,
            )
            columns = _columns(raw)
            if table and columns:
                return f"CREATE TABLE {table} ({', '.join(columns)})", None
    for pattern in _COUNT_ROWS:
        match = pattern.search(text)
        if match and (table := identifier(match.group("table"))):
            return f"SELECT COUNT(*) FROM {table}", None  # noqa: S608 (identifier() checked or quoted it)
    for pattern in _SELECT_ALL:
        match = pattern.search(text)
        if match and (table := identifier(match.group("table"))):
            if match.group("table").lower() in {"table", "tables", "rows", "data", "database"}:
                continue
            return f"SELECT * FROM {table}", None  # noqa: S608 (identifier() checked or quoted it)
    if _LIST_TABLES.search(text):
        return LIST_TABLES_SQL, None
    for pattern in _INSERT_PATTERNS:
        match = pattern.search(text.strip())
        if match and (table := identifier(match.group("table"))):
            values = _values(match.group("values"))
            if values:
                marks = ", ".join("?" for _ in values)
                return f"INSERT INTO {table} VALUES ({marks})", values  # noqa: S608 (values are params)
    return None


def first_keyword(sql: str) -> str:
    """The statement's first keyword, upper-cased."""
    match = re.match(r"\s*\(?\s*([A-Za-z]+)", sql)
    return match.group(1).upper() if match else ""


def sql_arguments(tool: str, text: str) -> tuple[dict[str, Any], list[str], dict[str, str]]:
    """sql (and params) for database_query or database_execute, as the user wrote or described it."""
    wanted = QUERY_STARTS if tool == "database_query" else EXECUTE_STARTS
    statements = written_sql(text)
    for sql in statements:
        keyword = first_keyword(sql)
        writes = re.search(r"\b(?:INSERT|UPDATE|DELETE|REPLACE|CREATE)\b", sql, re.I)
        if tool == "database_query" and keyword in wanted and not (keyword == "WITH" and writes):
            return {"sql": sql}, [], {}
        if tool == "database_execute" and keyword in wanted and (keyword != "WITH" or writes):
            return {"sql": sql}, [], {}
    if statements:
        return {}, ["sql"], {"sql": statements[0]}
    described = described_sql(text)
    if described:
        sql, params = described
        keyword = first_keyword(sql)
        if (tool == "database_query") == (keyword == "SELECT"):
            arguments: dict[str, Any] = {"sql": sql}
            if params is not None:
                arguments["params"] = params
            return arguments, [], {}
        return {}, ["sql"], {"sql": sql}
    return {}, ["sql"], {}
