"""Arguments for the built-in tools, read from the user's words whatever the phrasing or language.

Once a tool is chosen (by the intent model), :func:`extract` fills its arguments from the text:
arithmetic for the calculator, a place's IANA zone for time_now, file names and the text to
write, numbers, JSON, records, SQL, URLs (one reader per tool, :mod:`intent.readers`). The
result is checked against the tool's own schema.
What cannot be found is listed in ``missing`` (so detect-intent can ask the model for that one
tool's schema), never filled with a default or a guess: every string comes from the text, every
number is one the user wrote or one computed from their words ("zwölf" -> 12).

:func:`extract_all` does the same for a request that needs several tools ("what time is it in
Seoul, and what is 3*4?"), giving each tool the part of the text that is about it.

    >>> extract("calculator", "Combien font 7 fois 8 ?").arguments
    {'expression': '7 * 8'}
    >>> extract("time_now", "¿Qué hora es en Buenos Aires?").arguments
    {'timezone': 'America/Argentina/Buenos_Aires'}
    >>> extract("file_write", "write a file").missing
    ['path', 'content']
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from intent import arithmetic, places, records, word_problems
from intent.readers import EXTRACTORS, PROCESS_WORD, Found
from intent.text import boundaries
from tools.registry import build_tools


class UnknownToolError(ValueError):
    """The tool has no extractor (it is not a built-in tool)."""


class Extraction(BaseModel):
    """The arguments found for one tool call, and what could not be found."""

    model_config = ConfigDict(frozen=True)

    tool: str = Field(description="The tool these arguments are for.")
    arguments: dict[str, Any] = Field(
        default_factory=dict,
        description="Arguments read from the text and valid for the tool's schema; only what the "
        "user said (the tool's defaults are left to the tool).",
    )
    missing: list[str] = Field(
        default_factory=list,
        description="Arguments the call needs that the text does not give (or gives in a form "
        "that could not be read); empty when the call can run as it is.",
    )
    unresolved: dict[str, str] = Field(
        default_factory=dict,
        description="Argument -> the words the user wrote for it that could not be turned into a "
        "valid value (a place the table does not know, SQL for the other database tool).",
    )
    segment: str = Field(default="", description="The part of the text the arguments came from.")

    @property
    def complete(self) -> bool:
        """Whether the call can run without asking for anything."""
        return not self.missing


# --- validation against the tools' own schemas ----------------------------------------------------


def warm() -> None:
    """Load the place table and the tools' schemas now (about a second, once per process), so
    that the first request does not pay for it. Call it from the server's lifespan."""
    places.table()
    _schemas()


@lru_cache(maxsize=1)
def _schemas() -> dict[str, tuple[type[BaseModel] | None, frozenset[str]]]:
    """Each built-in tool's argument model and its required fields, built once."""
    schemas: dict[str, tuple[type[BaseModel] | None, frozenset[str]]] = {}
    for tool in build_tools():
        schema = tool.args_schema
        model = schema if isinstance(schema, type) and issubclass(schema, BaseModel) else None
        required = frozenset(
            name
            for name, info in (model.model_fields.items() if model else [])
            if info.is_required()
        )
        schemas[tool.name] = (model, required)
    return schemas


def _validate(tool: str, found: Found) -> Found:
    arguments, missing, unresolved = dict(found[0]), list(found[1]), dict(found[2])
    model, required = _schemas().get(tool, (None, frozenset()))
    if model is None:
        return arguments, missing, unresolved
    for _ in range(len(arguments) + 1):
        try:
            model.model_validate(arguments)
            break
        except ValidationError as exc:
            bad = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
            bad &= set(arguments)
            if not bad:
                break
            for name in bad:
                unresolved[name] = json.dumps(arguments.pop(name), ensure_ascii=False)[:200]
                if name in required:
                    missing.append(name)
    missing += [name for name in sorted(required) if name not in arguments and name not in missing]
    order = list(model.model_fields)
    missing = sorted(dict.fromkeys(missing), key=lambda n: order.index(n) if n in order else 99)
    return arguments, missing, unresolved


def extract(tool: str, text: str) -> Extraction:
    """The arguments for one call of ``tool`` that ``text`` gives, checked against its schema."""
    if tool not in EXTRACTORS:
        raise UnknownToolError(
            f"no extractor for tool {tool!r}; built-in tools: {', '.join(EXTRACTORS)}"
        )
    if not isinstance(text, str):
        raise TypeError("text must be a string")
    arguments, missing, unresolved = _validate(tool, EXTRACTORS[tool](text))
    return Extraction(
        tool=tool, arguments=arguments, missing=missing, unresolved=unresolved, segment=text
    )


# --- several tools in one request ------------------------------------------------------------------

_CUES: dict[str, str] = {
    "calculator": r"\d\s*[-+*/×÷^%]\s*[\d(]|\b(?:plus|minus|times|fois|mal|por|vezes|menos|m[áa]s|mais|moins|divided|divis|geteilt|dividido|squared|root|racine|wurzel|ra[íi]z|power|puissance|hoch|elevado|percent|pour\s*cent|prozent|por\s*ciento|por\s*cento|factorial|multipl|add|subtract|sum\s+of|product|somme|summe|suma|soma|calcul|rechne|quanto|cu[áa]nto|combien|how\s+much|wie\s*viel)\b|곱하기|더하기|빼기|나누기|제곱|掛け|かけ|足す|引く|割る|乗|乘|加|减|除以|次方|平方根|계산|計算|计算",
    "time_now": r"\btime\b|\bdate\b|\bheure\b|\buhr\b|\bsp[äa]t\b|\bdatum\b|\bhora\b|\bfecha\b|\bhoras\b|\bdata\b|몇\s*시|시간|시각|날짜|何時|時間|時刻|日付|几点|幾點|时间|日期",
    "statistics": "|".join(records.STAT_WORDS.values()),
    "file_read": r"\.[A-Za-z]\w{0,7}\b|\bread\b|\bopen\b|\blis\b|\blies\b|\blee\b|\bleia\b|\bouvre\b|\b[öo]ffne\b|\babre\b|읽|열어|読|開|读|打开",
    "file_write": r"\.[A-Za-z]\w{0,7}\b|\bwrite\b|\bsave\b|[ée]cri|schreib|speicher|escrib|escrev|guard|salv|저장|써|書|保存|写|寫",
    "file_list": r"\bfiles\b|\bfolder|\bdirector|\bfichiers\b|\bdossier|\bdateien\b|\bordner|\barchivos\b|\bcarpeta|\barquivos\b|\bpasta|파일\s*목록|폴더|ファイル一覧|フォルダ|文件列表|文件夹|目录",
    "system_info": r"\bsystem\b|\bmachine\b|\bos\b|\bcpu|\bmemory|\bram\b|\bdisk|syst[èe]me|système|sistema|시스템|メモリ|システム|系统|内存|磁盘",
    "process_list": PROCESS_WORD + r"|\brunning\b",
    "environment": r"\benv|environment|environnement|umgebung|entorno|ambiente|환경\s*변수|環境変数|环境变量|\$[A-Z]",
    "json_parse": r"[{\[]|\bjson\b",
    "json_query": r"[{\[]|\bjson\b|jmespath",
    "data_transform": r"[{\[]|\n.*,|\bsort|\border|\bfilter|\bgroup|\btri|\bsortier|\bordena|정렬|並べ|排序",
    "api_request": r"https?://|\bapi\b|\bendpoint\b",
    "web_scrape": r"https?://|www\.",
    "database_query": r"\bSELECT\b|\btables?\b|\brows?\b|테이블|テーブル|表",
    "database_execute": r"\b(?:CREATE|INSERT|UPDATE|DELETE)\b|\btables?\b|테이블|テーブル|表",
}


def _anchors(tool: str, text: str) -> list[int]:
    """Where the text talks about ``tool``: the positions of its cue words."""
    return [m.start() for m in re.finditer(_CUES.get(tool, r"(?!x)x"), text, re.I)]


_MAX_SEGMENTS = 12


def _segments(text: str) -> list[tuple[int, int]]:
    cuts = [0, *boundaries(text), len(text)]
    if len(cuts) > _MAX_SEGMENTS + 1:  # a long text: cut at sentence ends and joining words only
        cuts = [0, *boundaries(text, weak=False), len(text)]
    return [(a, b) for a, b in itertools.pairwise(cuts) if text[a:b].strip()]


_MAX_SPLITS = 400  # partitions x orders tried before falling back to one tool at a time


def _useful(tool: str, extraction: Extraction) -> bool:
    return extraction.complete and (bool(extraction.arguments) or not _needs_arguments(tool))


def extract_all(tools: Sequence[str], text: str) -> list[Extraction]:
    """One :class:`Extraction` per tool in ``tools`` (in that order), each from its part of the text.

    The text is cut into clauses (at sentence ends and words like "and", "puis", "그리고", "然后"),
    and the clauses are shared out in order, one contiguous run per tool: the split where every
    call is complete wins, preferring runs that hold their tool's own cue words and then the
    fullest arguments ("a table with id and item, and show ..." keeps "and item" for the table).
    A tool named twice ("what is 3*4 and 5+6?") gets a different run each time.
    """
    for tool in tools:
        if tool not in EXTRACTORS:
            raise UnknownToolError(
                f"no extractor for tool {tool!r}; built-in tools: {', '.join(EXTRACTORS)}"
            )
    if len(tools) <= 1:
        return [extract(tool, text) for tool in tools]
    segments = _segments(text)
    count = len(tools)
    if len(segments) >= count:
        cache: dict[tuple[str, int, int], Extraction] = {}

        def run(tool: str, lo: int, hi: int) -> Extraction:
            key = (tool, lo, hi)
            if key not in cache:
                piece = text[segments[lo][0] : segments[hi][1]]
                cache[key] = extract(tool, piece).model_copy(update={"segment": piece.strip()})
            return cache[key]

        anchors = {tool: _anchors(tool, text) for tool in set(tools)}
        best: tuple[tuple[int, int], list[Extraction]] | None = None
        tried = 0
        for cuts in itertools.combinations(range(1, len(segments)), count - 1):
            bounds = list(zip((0, *cuts), (*(c - 1 for c in cuts), len(segments) - 1), strict=True))
            for order in itertools.permutations(range(count)):
                tried += 1
                if tried > _MAX_SPLITS:
                    break
                found: list[Extraction | None] = [None] * count
                anchored = size = 0
                for group, tool_index in zip(bounds, order, strict=True):
                    tool = tools[tool_index]
                    extraction = run(tool, *group)
                    if not _useful(tool, extraction):
                        break
                    found[tool_index] = extraction
                    start, end = segments[group[0]][0], segments[group[1]][1]
                    anchored += any(start <= a < end for a in anchors[tool])
                    size += len(json.dumps(extraction.arguments, ensure_ascii=False))
                else:
                    score = (anchored, size)
                    if best is None or score > best[0]:
                        best = (score, [e for e in found if e is not None])
        if best is not None:
            return best[1]
    return [_alone(tool, tools[:index].count(tool), text) for index, tool in enumerate(tools)]


def _alone(tool: str, occurrence: int, text: str) -> Extraction:
    """The call for a tool when the text cannot be split: the n-th expression or place for the
    n-th calculator or time_now, otherwise what the whole text gives."""
    if tool == "calculator":
        found = arithmetic.expressions(text)
        if occurrence == 0 and (problem := word_problems.expression(text)) is not None:
            return Extraction(tool=tool, arguments={"expression": problem}, segment=text)
        if occurrence < len(found):
            return Extraction(tool=tool, arguments={"expression": found[occurrence]}, segment=text)
    if tool == "time_now":
        named = places.find_places(text)
        if occurrence < len(named):
            return Extraction(
                tool=tool, arguments={"timezone": named[occurrence].zone}, segment=text
            )
    return extract(tool, text)


def _needs_arguments(tool: str) -> bool:
    return tool not in {"system_info", "process_list", "environment", "file_list", "time_now"}
