"""Stage 3 of detect-intent: deterministic patterns for clear requests to built-in tools.

A pattern fires only on a request that is unambiguous to a reader (an arithmetic expression
with a question around it, "what time is it in Seoul", "서울은 지금 몇 시야?"). It never guesses:
anything less clear is left to the model, and no call is better than a wrong one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from tools.calculator import ToolError, evaluate
from tools.time_now import PLACES, resolve_zone

PatternCall = tuple[str, dict[str, Any]]

_FUNCS = r"(?:sqrt|cbrt|log10|log2|log|ln|exp|sin|cos|tan|abs|factorial|floor|ceil|round)"
_NUMBER = r"\d+(?:[.,]\d+)*"
_OPERAND = rf"(?:{_FUNCS}\s*\(\s*|\(\s*|-\s*)*{_NUMBER}(?:\s*\))*"
_OPERATOR = r"(?:\*\*|[-+*/%^×÷])"
_EXPRESSION = re.compile(rf"(?<![\w.]){_OPERAND}(?:\s*{_OPERATOR}\s*{_OPERAND})*")

# Words for operators, applied before the expression is searched for (English, Korean).
_WORDS: list[tuple[str, str]] = [
    (r"\bsquare root of\s+", "sqrt "),
    (r"\bcube root of\s+", "cbrt "),
    (rf"({_NUMBER})\s*의\s*제곱근", r"sqrt(\1)"),
    (rf"루트\s*({_NUMBER})", r"sqrt(\1)"),
    (rf"\bsqrt\s+({_NUMBER})", r"sqrt(\1)"),
    (rf"\bcbrt\s+({_NUMBER})", r"cbrt(\1)"),
    (rf"\bfactorial of\s+({_NUMBER})", r"factorial(\1)"),
    (rf"({_NUMBER})\s*(?:factorial\b|팩토리얼|!(?!=))", r"factorial(\1)"),
    (rf"({_NUMBER})\s*(?:percent|%)\s*of\s*({_NUMBER})", r"(\1/100*\2)"),
    (rf"({_NUMBER})\s*(?:squared|의\s*제곱(?!근))", r"\1**2"),
    (rf"({_NUMBER})\s*(?:cubed|의\s*세제곱)", r"\1**3"),
    (r"\b(?:to the power of|raised to(?: the power of)?)\b", "**"),
    (rf"\badd\s+({_NUMBER})\s+(?:to|and)\s+({_NUMBER})", r"\2 + \1"),
    (rf"\bsubtract\s+({_NUMBER})\s+from\s+({_NUMBER})", r"\2 - \1"),
    (rf"\bmultiply\s+({_NUMBER})\s+(?:by|and|with)\s+({_NUMBER})", r"\1 * \2"),
    (rf"\bdivide\s+({_NUMBER})\s+by\s+({_NUMBER})", r"\1 / \2"),
    (rf"\b(?:the\s+)?sum of\s+({_NUMBER})\s+and\s+({_NUMBER})", r"\1 + \2"),
    (rf"\b(?:the\s+)?product of\s+({_NUMBER})\s+and\s+({_NUMBER})", r"\1 * \2"),
    (rf"({_NUMBER})\s*(?:와|과|에)\s*({_NUMBER})\s*(?:을|를)?\s*더하(?:면|기|고)", r"\1 + \2"),
    (rf"({_NUMBER})\s*(?:와|과|에)\s*({_NUMBER})\s*(?:을|를)?\s*곱하(?:면|기|고)", r"\1 * \2"),
    (r"\b(?:multiplied by|times)\b|곱하기|\s[x×]\s", " * "),
    (r"\bdivided by\b|나누기", " / "),
    (r"\bplus\b|더하기", " + "),
    (r"\bminus\b|빼기", " - "),
    (r"\bmod(?:ulo)?\b", " % "),
]
_CALC_CUES = re.compile(
    r"\b(?:what(?:'s| is)|calculate|compute|evaluate|how much|solve|result of|equals?|add|subtract|multiply|divide|sum|product)\b|"
    r"계산|얼마|몇이|값은|[=?]|결과",
    re.IGNORECASE,
)
_STRONG_OPERATOR = re.compile(r"\*\*|[*+^×÷%]|[a-z]\(")


def arithmetic(text: str) -> list[PatternCall]:
    """Calculator calls for arithmetic written in the text, in digits or in words."""
    normalised = text
    for pattern, replacement in _WORDS:
        normalised = re.sub(pattern, replacement, normalised, flags=re.IGNORECASE)
    calls: list[PatternCall] = []
    cued = bool(_CALC_CUES.search(text))
    for match in _EXPRESSION.finditer(normalised):
        expression = re.sub(r"\s+", " ", match.group(0)).strip()
        has_operator = re.search(rf"\d\s*{_OPERATOR}\s*[-(\w]", expression) or re.search(
            rf"{_FUNCS}\s*\(", expression
        )
        if not has_operator:
            continue
        # "2024-01-15" or "3/4 cup" without a question around them are not requests.
        if not cued and not _STRONG_OPERATOR.search(expression):
            continue
        expression = _balance(expression)
        try:
            evaluate(expression)
        except ToolError as exc:
            if "not valid arithmetic" in str(exc):
                continue  # not an expression after all; a real one that fails still goes through
        calls.append(("calculator", {"expression": expression}))
    return calls[:4]


def _balance(expression: str) -> str:
    opened = expression.count("(") - expression.count(")")
    if opened > 0:
        expression += ")" * opened
    while opened < 0 and expression.endswith(")"):
        expression, opened = expression[:-1].rstrip(), opened + 1
    return expression


_TIME_EN = re.compile(
    r"\b(?:what(?:'s| is)? the (?:current )?(?:time|date)|what time|time is it|current time|"
    r"time now|local time|the time in|time (?:in|at)\b|today'?s date|what day is|date today|"
    r"date (?:in|at)\b|what(?:'s| is) the day)",
    re.IGNORECASE,
)
_TIME_KO = re.compile(
    r"몇\s*시|현재\s*시(?:간|각)|지금\s*시(?:간|각)|시간\s*(?:알려|좀|이)|오늘\s*(?:날짜|며칠)|무슨\s*요일|몇\s*월\s*며칠|날짜"
)
_IANA = re.compile(
    r"\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)/[A-Za-z_]+(?:/[A-Za-z_]+)?\b"
)
_ASCII_PLACES = sorted((p for p in PLACES if p.isascii()), key=len, reverse=True)
_OTHER_PLACES = sorted((p for p in PLACES if not p.isascii()), key=len, reverse=True)
_AMBIGUOUS = {"la", "uk", "est", "ist", "edt", "pst", "pdt", "jst", "kst", "gmt", "utc"}


def find_place(text: str) -> str | None:
    """The first zone or place named in ``text``, as the user wrote it."""
    iana = _IANA.search(text)
    if iana:
        return iana.group(0)
    lowered = text.lower()
    best: tuple[int, str] | None = None
    for place in _ASCII_PLACES:
        flags = 0 if place in _AMBIGUOUS else re.IGNORECASE
        needle = place.upper() if place in _AMBIGUOUS else place
        match = re.search(rf"(?<![A-Za-z]){re.escape(needle)}(?![A-Za-z])", text, flags)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), place)
    for place in _OTHER_PLACES:
        index = lowered.find(place)
        if index >= 0 and (best is None or index < best[0]):
            best = (index, place)
    return best[1] if best else None


def current_time(text: str) -> list[PatternCall]:
    """A time_now call for "what time is it (in PLACE)" and its Korean forms."""
    if not (_TIME_EN.search(text) or _TIME_KO.search(text)):
        return []
    place = find_place(text)
    if not place:
        return [("time_now", {})]
    try:
        return [("time_now", {"timezone": resolve_zone(place)})]
    except ToolError:
        return [("time_now", {"timezone": place})]


# --- files ---------------------------------------------------------------------------------

_PATH = r"[`'\"]?(?P<path>[\w\-./가-힣]+\.[A-Za-z0-9]{1,8})[`'\"]?"
_QUOTED = r"(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|`(?P<bq>[^`]*)`)"
_READ_EN = re.compile(
    rf"\b(?:read|open|show(?: me)?|cat|display|print|what(?:'s| is) in)\s+(?:the\s+)?(?:contents? of\s+)?(?:the\s+)?(?:file\s+)?{_PATH}",
    re.I,
)
_READ_KO = re.compile(
    rf"{_PATH}\s*(?:파일)?\s*(?:의\s*내용)?(?:을|를)?\s*(?:좀\s*)?(?:읽어|열어|보여)"
)
_WRITE_EN = re.compile(
    rf"\b(?:write|save|put|store)\s+{_QUOTED}\s+(?:to|in|into)\s+(?:a\s+|the\s+)?(?:new\s+)?(?:file\s+)?(?:called\s+|named\s+)?{_PATH}",
    re.I,
)
_WRITE_EN2 = re.compile(
    rf"\b(?:create|make)\s+(?:a\s+)?(?:new\s+)?file\s+(?:called\s+|named\s+)?{_PATH}\s+(?:with|containing)\s+(?:the\s+)?(?:text\s+|content\s+)?{_QUOTED}",
    re.I,
)
_WRITE_KO = re.compile(rf"{_QUOTED}\s*(?:라고|을|를)?\s*{_PATH}\s*(?:파일)?에\s*(?:저장|써|쓰)")
_APPEND = re.compile(r"\bappend\b|추가", re.I)
_LIST = re.compile(
    r"\b(?:list|show|what)\b[^.?!]{0,30}\b(?:files|folders|directories|the workspace)\b|\bls\b|"
    r"파일\s*(?:목록|리스트)|(?:어떤|무슨)\s*파일|폴더\s*(?:목록|내용)",
    re.I,
)
_LIST_IN = re.compile(
    r"\b(?:in|under|inside)\s+(?:the\s+)?[`'\"]?(?P<dir>[\w\-./]+?)[`'\"]?(?:\s+(?:folder|directory|dir))?[\s.?!]*$|(?P<ko>[\w\-./]+)\s*폴더",
    re.I,
)


def _quoted(match: re.Match[str]) -> str:
    return next(
        v for v in (match.group("dq"), match.group("sq"), match.group("bq")) if v is not None
    )


def files(text: str) -> list[PatternCall]:
    """file_write for "write 'x' to notes.txt", file_read for "read notes.txt", file_list for "list files"."""
    for regex in (_WRITE_EN, _WRITE_EN2, _WRITE_KO):
        match = regex.search(text)
        if match:
            mode = "append" if _APPEND.search(text) else "overwrite"
            return [
                (
                    "file_write",
                    {"path": match.group("path"), "content": _quoted(match), "mode": mode},
                )
            ]
    match = _READ_EN.search(text) or _READ_KO.search(text)
    if match and not re.match(r"https?://", match.group("path")):
        return [("file_read", {"path": match.group("path")})]
    if _LIST.search(text):
        where = _LIST_IN.search(text)
        folder = (where.group("dir") or where.group("ko")) if where else None
        if folder and folder.lower() in {"workspace", "my", "this", "the"}:
            folder = None
        return [("file_list", {"path": folder} if folder else {})]
    return []


# --- system ----------------------------------------------------------------------------------

_SYSTEM = re.compile(
    r"\bsystem (?:info|information|specs?)\b|\bhow much (?:free )?(?:memory|ram|disk)|"
    r"\bwhat (?:os|operating system)\b|\bhow many (?:cpus?|cores)\b|\bmachine (?:info|specs?)\b|"
    r"시스템\s*정보|메모리\s*(?:얼마|용량|사용)|디스크\s*(?:용량|공간)|운영\s*체제|(?:CPU|코어)\s*(?:몇|개수)",
    re.I,
)
_PROCESSES = re.compile(
    r"\b(?:running |list(?: the)? |top |what )processes\b|\bprocess list\b|프로세스", re.I
)
_ENVIRONMENT = re.compile(r"\benv(?:ironment)?(?: variables?| vars?)\b|환경\s*변수", re.I)
_ENV_NAME = re.compile(r"\b[A-Z][A-Z0-9_]{1,40}\b")


def system(text: str) -> list[PatternCall]:
    """system_info, process_list and environment for plain requests about this machine."""
    calls: list[PatternCall] = []
    if _SYSTEM.search(text):
        calls.append(("system_info", {}))
    if _PROCESSES.search(text):
        by = "memory" if re.search(r"memory|메모리|ram", text, re.I) else "cpu"
        calls.append(("process_list", {"sort_by": by}))
    if _ENVIRONMENT.search(text):
        names = [n for n in _ENV_NAME.findall(text) if n not in {"PATH"} or "PATH" in text]
        names = [n for n in names if n not in {"I", "A", "OK", "JSON", "CPU", "OS"}]
        calls.append(("environment", {"names": names} if names else {}))
    return calls


# --- numbers and data ---------------------------------------------------------------------------

_STAT_WORDS = {
    "mean": r"\bmean\b|\baverage\b|평균",
    "median": r"\bmedian\b|중앙값|중간값",
    "mode": r"\bmode\b|최빈값",
    "stdev": r"standard deviation|\bstd ?dev\b|표준\s*편차",
    "variance": r"\bvariance\b|분산",
    "min": r"\bmin(?:imum)?\b|\bsmallest\b|최솟값|최소",
    "max": r"\bmax(?:imum)?\b|\blargest\b|최댓값|최대",
    "sum": r"\bsum\b|\btotal\b|합계|총합",
    "quantiles": r"\bquartiles?\b|\bquantiles?\b|사분위",
}
_NUMBERS = re.compile(r"(?<![A-Za-z0-9_.])-?\d+(?:\.\d+)?(?![A-Za-z0-9_.])")


def statistics(text: str) -> list[PatternCall]:
    """statistics for "the mean and median of 3, 5, 8" (two or more numbers and a statistic)."""
    if "{" in text or "[{" in text:
        return []
    wanted = [op for op, words in _STAT_WORDS.items() if re.search(words, text, re.I)]
    if not wanted:
        return []
    values = [float(n) for n in _NUMBERS.findall(text)]
    if len(values) < 2:
        return []
    numbers = [int(v) if v.is_integer() else v for v in values]
    if wanted == ["sum"] and len(numbers) == 2:
        return []  # "the sum of 2 and 3" is arithmetic
    return [("statistics", {"values": numbers, "operations": wanted})]


def _json_in(text: str) -> tuple[str, int, int] | None:
    """The first JSON object or array in the text, with its span."""
    decoder = json.JSONDecoder()
    for index, char in enumerate(text):
        if char in "[{":
            try:
                _, end = decoder.raw_decode(text, index)
            except (ValueError, RecursionError):
                continue
            return text[index:end], index, end
    return None


_JSON_PARSE = re.compile(
    r"\b(?:parse|validate|pretty[- ]?print|format|check|is (?:this|it) valid)\b.{0,40}\bjson\b|\bjson\b.{0,20}(?:파싱|검증|정리|유효)|is this valid json",
    re.I | re.S,
)
_JSON_QUERY = re.compile(r"\bjmespath\b|\bquery\b|\bextract\b|\bget\b|추출|뽑아", re.I)
_QUERY_EXPR = re.compile(r"`([^`]+)`")


def json_tools(text: str) -> list[PatternCall]:
    """json_query for a JMESPath expression in backticks over JSON; json_parse for "validate this JSON"."""
    query = _QUERY_EXPR.search(text)
    found = _json_in(_QUERY_EXPR.sub(lambda m: " " * len(m.group(0)), text))
    if found is None:
        return []
    data, _, _ = found
    rest = text.replace(data, " ")
    if query and _JSON_QUERY.search(rest):
        return [("json_query", {"data": data, "query": query.group(1)})]
    if _JSON_PARSE.search(rest) or (
        re.search(r"\bjson\b", rest, re.I) and re.search(r"valid|parse|format|pretty", rest, re.I)
    ):
        return [("json_parse", {"text": data})]
    return []


_TRANSFORM = re.compile(r"\b(?:sort|order|filter|group|convert|select)\b|정렬|필터|그룹|변환", re.I)
_SORT_BY = re.compile(
    r"\b(?:sort|order)(?:ed)?\s+(?:the\s+)?(?:\w+\s+)?by\s+(?P<f>\w+)(?P<desc>[^.\n]{0,20}\b(?:desc(?:ending)?|largest|highest|biggest)\b)?|(?P<ko>\w+)\s*(?:기준|순)으?로?\s*(?P<kdesc>내림차순)?\s*정렬",
    re.I,
)
_GROUP_BY = re.compile(
    r"\bgroup(?:ed)?\s+(?:it\s+|them\s+)?by\s+(?P<f>\w+)|(?P<ko>\w+)\s*별로?\s*(?:그룹|묶)", re.I
)
_FILTER = re.compile(
    r"\b(?:where|with|filter(?: for)?)\s+(?P<f>\w+)\s*(?P<cmp>>=|<=|==|!=|=|>|<)\s*(?P<v>[\w.\-]+)",
    re.I,
)
_TO_CSV = re.compile(r"\bto csv\b|\bas csv\b|CSV로", re.I)


def _records_in(text: str) -> str | None:
    found = _json_in(text)
    if found and found[0].lstrip().startswith("["):
        return found[0]
    lines = [line.strip() for line in text.splitlines()]
    block = [line for line in lines if line.count(",") >= 1 and len(line) < 500]
    if len(block) >= 2 and len({line.count(",") for line in block}) == 1:
        return "\n".join(block) + "\n"
    return None


def data_transform(text: str) -> list[PatternCall]:
    """data_transform for "sort these records by age" with JSON records or CSV lines in the message."""
    if not _TRANSFORM.search(text):
        return []
    data = _records_in(text)
    if data is None:
        return []
    rest = text.replace(data.strip(), " ")
    operations: list[dict[str, Any]] = []
    if m := _FILTER.search(rest):
        cmp = "==" if m.group("cmp") == "=" else m.group("cmp")
        value: Any = m.group("v")
        value = int(value) if re.fullmatch(r"-?\d+", value) else value
        operations.append({"op": "filter", "field": m.group("f"), "cmp": cmp, "value": value})
    if m := _GROUP_BY.search(rest):
        operations.append(
            {"op": "group", "by": m.group("f") or m.group("ko"), "aggregate": "count"}
        )
    if m := _SORT_BY.search(rest):
        operations.append(
            {
                "op": "sort",
                "field": m.group("f") or m.group("ko"),
                "descending": bool(m.group("desc") or m.group("kdesc")),
            }
        )
    args: dict[str, Any] = {"data": data, "operations": operations}
    if _TO_CSV.search(rest):
        args["output_format"] = "csv"
    if (
        not operations
        and "output_format" not in args
        and not re.search(r"\bconvert\b|변환", rest, re.I)
    ):
        return []
    return [("data_transform", args)]


# --- web and databases ------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"'`)\]]+")
_API = re.compile(
    r"\b(?:GET|POST|PUT|PATCH|DELETE|HEAD)\s+https?://|\bapi\b|\bendpoint\b|\bjson from\b|\bcall\b|\brequest\b|API",
    re.I,
)
_METHOD = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE|HEAD)\s+https?://")
_SCRAPE = re.compile(
    r"\b(?:scrape|read|summari[sz]e|open|visit|fetch|what(?:'s| is| does)|page|site|website|web ?page|title|links?)\b|페이지|사이트|웹|요약|읽어|제목|링크",
    re.I,
)


def web(text: str) -> list[PatternCall]:
    """api_request for "GET https://..." or "call the API at ..."; web_scrape for "read the page ..."."""
    match = _URL.search(text)
    if not match:
        return []
    url = match.group(0).rstrip(".,;:!?")
    method = _METHOD.search(text)
    if method:
        return [("api_request", {"url": url, "method": method.group(1)})]
    if _API.search(text.replace(match.group(0), " ")):
        return [("api_request", {"url": url})]
    if _SCRAPE.search(text.replace(match.group(0), " ")):
        return [("web_scrape", {"url": url})]
    return []


_SQL = re.compile(
    r"(?P<sql>\b(?:SELECT|WITH|CREATE\s+TABLE|INSERT\s+INTO|UPDATE|DELETE\s+FROM)\b[^;`]*?)(?:;|`|$)",
    re.I | re.S,
)
_SHOW_TABLES = re.compile(
    r"\b(?:show|list|what)\b[^.?!]{0,20}\btables\b|테이블\s*(?:목록|보여|뭐)", re.I
)


def database(text: str) -> list[PatternCall]:
    """database_query / database_execute for SQL written in the message; "list the tables"."""
    for match in _SQL.finditer(text):
        sql = match.group("sql").strip()
        if not re.search(
            r"\b(?:FROM|VALUES|SET|TABLE|SELECT)\b", sql[6:], re.I
        ) and not sql.upper().startswith("SELECT"):
            continue
        if sql.upper().startswith("SELECT") and not re.search(r"\bFROM\b|\d", sql, re.I):
            continue
        tool = "database_query" if re.match(r"(?:SELECT|WITH)\b", sql, re.I) else "database_execute"
        if (
            tool == "database_query"
            and re.match(r"WITH\b", sql, re.I)
            and re.search(r"\b(?:INSERT|UPDATE|DELETE)\b", sql, re.I)
        ):
            tool = "database_execute"
        return [(tool, {"sql": sql})]
    if _SHOW_TABLES.search(text):
        return [
            (
                "database_query",
                {"sql": "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"},
            )
        ]
    return []


# Patterns whose request carries its own data (SQL, a URL, JSON, records, numbers, a file's text):
# the first that fires owns the message, so "write '2+2' to a.txt" is not also arithmetic.
EXCLUSIVE: list[Callable[[str], list[PatternCall]]] = [
    database, web, json_tools, data_transform, statistics, files,
]  # fmt: skip
# Patterns that combine: "what is 6*7 and what time is it in Tokyo?" makes two calls.
COMBINING: list[Callable[[str], list[PatternCall]]] = [system, current_time, arithmetic]


def match_patterns(text: str, available: set[str]) -> list[PatternCall]:
    """Calls that the deterministic patterns find in ``text`` for the tools in ``available``."""
    for pattern in EXCLUSIVE:
        owned = [(name, args) for name, args in pattern(text) if name in available]
        if owned:
            return owned
    calls: list[PatternCall] = []
    for pattern in COMBINING:
        for name, args in pattern(text):
            if name in available and (name, args) not in calls:
                calls.append((name, args))
    return calls
