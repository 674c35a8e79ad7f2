"""Requests clear enough to call a built-in tool without the learned model (detect-intent's
pattern stage).

When the intent model is off, or unsure, a request that is unambiguous to any reader still gets
its call: arithmetic with a question around it ("What is 23*19?", "23 곱하기 19는?"), "what time
is it in Seoul", SQL written out, a URL with "call the API", "read notes.txt", JSON to validate,
records to sort. Each tool has a *cue* here (the words that make the request clear); the
arguments always come from the same extractors the intent model's calls use
(:mod:`intent.extract`, :mod:`intent.arithmetic`), and a call is made only when every required
argument was found. Nothing less clear fires: no call is better than a wrong one.

    >>> clear_calls("What is 23*19?", {"calculator", "time_now"})
    [('calculator', {'expression': '23*19'})]
    >>> clear_calls("Tell me a joke about cats.", {"calculator", "time_now"})
    []
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any

from intent import arithmetic, places, records, sql
from intent.extract import extract
from intent.readers import TIME_QUESTION
from intent.safety import unbacked
from intent.text import blank, json_literals, urls

ClearCall = tuple[str, dict[str, Any]]
"""A tool name and its arguments."""


def _call(tool: str, text: str) -> list[ClearCall]:
    """The call of ``tool`` the extractors read from ``text``, if it is complete."""
    extraction = extract(tool, text)
    return [(tool, dict(extraction.arguments))] if extraction.complete else []


# --- arithmetic ----------------------------------------------------------------------------------

_CALC_CUES = re.compile(
    r"\b(?:what(?:'s| is)|calculate|compute|evaluate|how much|solve|result of|equals?|add|"
    r"subtract|multiply|divide|sum|product|combien|cu[áa]nto|quanto|wie\s+viel|calcul\w*|"
    r"berechne\w*|rechne\w*)\b|계산|얼마|몇이|값은|결과|いくら|計算|多少|计算|結果|结果|[=?？]",
    re.IGNORECASE,
)
_BARE_PERCENT = re.compile(r"\(?\s*\d+(?:\.\d+)?\s*/\s*100\s*\)?")
_STRONG_OPERATOR = re.compile(r"\*\*|[*+^×÷%]|[a-z]\(")


def arithmetic_calls(text: str) -> list[ClearCall]:
    """Calculator calls for arithmetic written in the text, in digits or in words: one per
    expression (at most four). Without a question around it, only an expression with a strong
    operator counts ("2024-01-15" and "3/4 cup" are not requests)."""
    cued = bool(_CALC_CUES.search(text))
    calls: list[ClearCall] = []
    for expression in arithmetic.expressions(text):
        if not cued and not (_STRONG_OPERATOR.search(expression) or re.search("[×÷]", text)):
            continue
        if _BARE_PERCENT.fullmatch(expression):
            continue  # "my disk is 90% full", "20% off and 20% of": a percentage of nothing

        calls.append(("calculator", {"expression": expression}))
    return calls[:4]


# --- time ----------------------------------------------------------------------------------------

_TIME = re.compile(
    r"\b(?:what(?:'s| is)? the (?:current )?(?:time|date)|what time|time is it|current time|"
    r"time now|local time|the time in|time (?:in|at)\b|today'?s date|what day is|date today|"
    r"date (?:in|at)\b|what(?:'s| is) the day)|"
    r"몇\s*시|현재\s*시(?:간|각)|지금\s*시(?:간|각)|시간\s*(?:알려|좀|이)|오늘\s*(?:날짜|며칠)|무슨\s*요일|"
    r"몇\s*월\s*며칠|날짜",
    re.IGNORECASE,
)


def time_calls(text: str) -> list[ClearCall]:
    """A time_now call for "what time is it (in PLACE)" and its Korean forms, and for a question
    for the time beside a place the table knows in any of the 13 languages ("ktora godzina w
    dubaju")."""
    asked = _TIME.search(text) or (TIME_QUESTION.search(text) and places.find_places(text))
    return _call("time_now", text) if asked else []


# --- files ---------------------------------------------------------------------------------------

_PATH = r"[`'\"]?[\w\-./가-힣]+\.[A-Za-z0-9]{1,8}[`'\"]?"
_QUOTED = r"(?:\"[^\"]*\"|'[^']*'|`[^`]*`)"
_READ = re.compile(
    rf"\b(?:read|open|show(?: me)?|cat|display|print|what(?:'s| is) in)\s+(?:the\s+)?"
    rf"(?:contents? of\s+)?(?:the\s+)?(?:file\s+)?{_PATH}|"
    rf"{_PATH}\s*(?:파일)?\s*(?:의\s*내용)?(?:을|를)?\s*(?:좀\s*)?(?:읽어|열어|보여)",
    re.IGNORECASE,
)
_WRITE = re.compile(
    rf"\b(?:write|save|put|store)\s+{_QUOTED}\s+(?:to|in|into)\s+(?:a\s+|the\s+)?(?:new\s+)?"
    rf"(?:file\s+)?(?:called\s+|named\s+)?{_PATH}|"
    rf"\b(?:create|make)\s+(?:a\s+)?(?:new\s+)?file\s+(?:called\s+|named\s+)?{_PATH}\s+"
    rf"(?:with|containing)\s+(?:the\s+)?(?:text\s+|content\s+)?{_QUOTED}|"
    rf"{_QUOTED}\s*(?:라고|을|를)?\s*{_PATH}\s*(?:파일)?에\s*(?:저장|써|쓰)",
    re.IGNORECASE,
)
_LIST = re.compile(
    r"\b(?:list|show|what)\b[^.?!]{0,30}\b(?:files|folders|directories|the workspace)\b|\bls\b|"
    r"파일\s*(?:목록|리스트)|(?:어떤|무슨)\s*파일|폴더\s*(?:목록|내용)",
    re.IGNORECASE,
)


def file_calls(text: str) -> list[ClearCall]:
    """file_write for "write 'x' to notes.txt", file_read for "read notes.txt", file_list for
    "list the files"."""
    if _WRITE.search(text):
        return _call("file_write", text)
    read = _READ.search(text)
    if read and not re.search(r"https?://", read.group(0)):
        return _call("file_read", text)
    if _LIST.search(text):
        return _call("file_list", text)
    return []


# --- this machine --------------------------------------------------------------------------------

_SYSTEM = re.compile(
    r"\bsystem (?:info|information|specs?)\b|\bhow much (?:free )?(?:memory|ram|disk)|"
    r"\bwhat (?:os|operating system)\b|\bhow many (?:cpus?|cores)\b|\bmachine (?:info|specs?)\b|"
    r"시스템\s*정보|메모리\s*(?:얼마|용량|사용)|디스크\s*(?:용량|공간)|운영\s*체제|(?:CPU|코어)\s*(?:몇|개수)",
    re.IGNORECASE,
)
_PROCESSES = re.compile(
    r"\b(?:running |list(?: the)? |top |what )processes\b|\bprocess list\b|프로세스", re.IGNORECASE
)
_ENVIRONMENT = re.compile(r"\benv(?:ironment)?(?: variables?| vars?)\b|환경\s*변수", re.IGNORECASE)


def system_calls(text: str) -> list[ClearCall]:
    """system_info, process_list and environment for plain requests about this machine."""
    calls: list[ClearCall] = []
    for cue, tool in ((_SYSTEM, "system_info"), (_PROCESSES, "process_list"),
                      (_ENVIRONMENT, "environment")):  # fmt: skip
        if cue.search(text):
            calls += _call(tool, text)
    return calls


# --- numbers and data ----------------------------------------------------------------------------

_STATISTIC = re.compile(
    r"\bmean\b|\baverage\b|평균|\bmedian\b|중앙값|중간값|\bmode\b|최빈값|standard deviation|"
    r"\bstd ?dev\b|표준\s*편차|\bvariance\b|분산|\bmin(?:imum)?\b|\bsmallest\b|최솟값|최소|"
    r"\bmax(?:imum)?\b|\blargest\b|최댓값|최대|\bsum\b|\btotal\b|합계|총합|\bquartiles?\b|"
    r"\bquantiles?\b|사분위",
    re.IGNORECASE,
)
_ONLY_SUM = re.compile(r"\bsum\b|\btotal\b|합계|총합", re.IGNORECASE)


def statistics_calls(text: str) -> list[ClearCall]:
    """statistics for "the mean and median of 3, 5, 8" (a statistic and two or more numbers);
    "the sum of 2 and 3" is arithmetic."""
    if "{" in text or not _STATISTIC.search(text) or records.records_in(text) is not None:
        return []  # a statistic of records' fields ("average salary by dept") is a transform
    numbers = records.numbers_in(text)
    if len(numbers) < 2:
        return []
    only_sum = all(_ONLY_SUM.fullmatch(m.group(0)) for m in _STATISTIC.finditer(text))
    if only_sum and len(numbers) == 2:
        return []
    return _call("statistics", text)


_JSON_PARSE = re.compile(
    r"\b(?:parse|validate|pretty[- ]?print|format|check|is (?:this|it) valid)\b.{0,40}\bjson\b|"
    r"\bjson\b.{0,20}(?:파싱|검증|정리|유효)|is this valid json",
    re.IGNORECASE | re.DOTALL,
)
_JSON_FORMAT = re.compile(r"valid|parse|format|pretty", re.IGNORECASE)
_JSON_QUERY = re.compile(r"\bjmespath\b|\bquery\b|\bextract\b|\bget\b|추출|뽑아", re.IGNORECASE)
_BACKTICKED = re.compile(r"`([^`]+)`")


def json_calls(text: str) -> list[ClearCall]:
    """json_query for a JMESPath expression in backticks over JSON; json_parse for "validate
    this JSON"."""
    unquoted = _BACKTICKED.sub(lambda m: " " * len(m.group(0)), text)
    literal = next(iter(json_literals(unquoted)), None)
    if literal is None:
        return []
    rest = text.replace(literal.text, " ")
    if _BACKTICKED.search(text) and _JSON_QUERY.search(rest):
        return _call("json_query", text)
    if _JSON_PARSE.search(rest) or (
        re.search(r"\bjson\b", rest, re.IGNORECASE) and _JSON_FORMAT.search(rest)
    ):
        return _call("json_parse", text)
    return []


_TRANSFORM = re.compile(
    r"\b(?:sort|order|filter|group|convert|select|by|per|each|par|por|pro|nach)\b|정렬|필터|그룹|변환|"
    r"별로?|마다|ごと|毎|每|按",
    re.IGNORECASE,
)


def transform_calls(text: str) -> list[ClearCall]:
    """data_transform for "sort these records by age" with JSON records or CSV lines in the
    message."""
    if not _TRANSFORM.search(text) or records.records_in(text) is None:
        return []
    return _call("data_transform", text)


# --- web and databases ---------------------------------------------------------------------------

_METHOD_URL = re.compile(
    r"\b(?:GET|POST|PUT|PATCH|DELETE|HEAD)\s+https?://|(?<![A-Za-z])(?:POST|PUT|PATCH)(?![A-Za-z])"
)
_API = re.compile(
    r"(?<![a-z])api(?![a-z])|\bendpoint\b|\bjson from\b|\bcall\b|\brequest\b", re.IGNORECASE
)
_SEND = re.compile(
    r"(?<![A-Za-z])(?:POST|PUT|PATCH)(?![A-Za-z])|\b(?:send|submit|post|envo\w+|schick\w*|"
    r"sende\w*|[üu]bermittl\w*|mand\w+|envi\w+|poste?)\b|送っ|送信|发送|發送|提交|보내|제출|전송",
    re.IGNORECASE,
)
"""Words that send a body the user wrote (with JSON in the request: an API call)."""
_API_URL = re.compile(r"^https?://api\.|/api/|/v\d+/|\.json(?:$|\?)", re.IGNORECASE)
_SCRAPE = re.compile(
    r"\b(?:scrape|read|summari[sz]e|open|visit|fetch|what(?:'s| is| does)|page|site|website|"
    r"web ?page|title|links?)\b|페이지|사이트|웹|요약|읽어|제목|링크",
    re.IGNORECASE,
)


def web_calls(text: str) -> list[ClearCall]:
    """api_request for "GET https://..." or "call the API at ..."; web_scrape for "read the page
    ..."."""
    found = urls(text)
    if not found:
        return []
    rest = blank(text, found)
    sends = bool(json_literals(rest)) and bool(_SEND.search(rest))
    looks_like_api = bool(_API_URL.search(found[0].text))
    if _METHOD_URL.search(text) or _API.search(rest) or sends or looks_like_api:
        return _call("api_request", text)
    if _SCRAPE.search(rest):
        return _call("web_scrape", text)
    return []


_SHOW_TABLES = re.compile(
    r"\b(?:show|list|what)\b[^.?!]{0,20}\btables\b|테이블\s*(?:목록|보여|뭐)", re.IGNORECASE
)


def database_calls(text: str) -> list[ClearCall]:
    """database_query / database_execute for SQL written in the message; "list the tables"."""
    written = sql.written_sql(text)
    if written:
        tool = (
            "database_query"
            if sql.first_keyword(written[0]) in sql.QUERY_STARTS
            else "database_execute"
        )
        return _call(tool, text)
    if _SHOW_TABLES.search(text):
        return [("database_query", {"sql": sql.LIST_TABLES_SQL})]
    return []


# Requests that carry their own data (SQL, a URL, JSON, records, numbers, a file's text): the
# first whose cue fires owns the message, so "write '2+2' to a.txt" is not also arithmetic.
EXCLUSIVE: tuple[Callable[[str], list[ClearCall]], ...] = (
    database_calls, web_calls, json_calls, transform_calls, statistics_calls, file_calls,
)  # fmt: skip
# Requests that combine: "what is 6*7 and what time is it in Tokyo?" makes two calls.
COMBINING: tuple[Callable[[str], list[ClearCall]], ...] = (
    system_calls, time_calls, arithmetic_calls,
)  # fmt: skip


def clear_calls(text: str, available: Collection[str]) -> list[ClearCall]:
    """The calls a plainly written request makes to the tools in ``available`` (none when it is
    not clear)."""
    for find in EXCLUSIVE:
        owned = [(name, args) for name, args in find(text) if name in available]
        if owned:
            return _backed(owned, text)
    calls: list[ClearCall] = []
    for find in COMBINING:
        for name, args in find(text):
            if name in available and (name, args) not in calls:
                calls.append((name, args))
    return _backed(calls, text)


def _backed(calls: list[ClearCall], text: str) -> list[ClearCall]:
    """The calls without those the user's words do not back (:mod:`intent.safety`)."""
    if not calls:
        return calls
    dropped = unbacked([name for name, _ in calls], text, dict(calls), [name for name, _ in calls])
    return [(name, args) for name, args in calls if name not in dropped]
