"""JSON pasted with a question about what is in it: a query, not a parse (issue 29).

"From this JSON give me only the titles after 2000: {...}", "このレスポンスから error の message
だけ", "what is the chance of rain at noon? {"hours": [...]}": the user pastes JSON (says it is
JSON, or pastes one object) and asks for some of its values, naming a key or a value of it. The
intent model hears "JSON" and reaches for ``json_parse``, or hears the numbers inside and reaches
for the calculator or statistics. :func:`json_tools` decides from the words instead: such a
request is ``json_query``. Left to the model: a request to check, parse or format the JSON, to
sort, group or convert it, to compute over it, anything about rows or columns (records kept or
dropped: ``data_transform``), and a request that also names a file or an address. A request to
check it (valid, well formed, parses?) that names none of its keys is ``json_parse``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from intent.records import STAT_WORDS, numbers_in, records_in
from intent.table_asks import DATABASE, named_table
from intent.text import blank, json_literals, paths, urls

_REPLACEABLE = frozenset(
    {"json_parse", "json_query", "data_transform", "statistics", "calculator", "api_request"}
)
"""Tools the words or numbers of pasted JSON mislead the model into."""

_NAMED_JSON = re.compile(r"json|ジェイソン|제이슨", re.IGNORECASE)
_CHECK = re.compile(
    r"valid|pars|\bcheck|format|pretty|well[- ]formed|syntax|schema|g[üu]ltig|pr[üu]f|v[ée]rifi|"
    r"v[áa]lid|verific|geldig|controleer|валидн|провер|корректн|ge[çc]erli|do[ğg]rula|poprawn|"
    r"sprawd[źz]|유효|검사|파싱|형식|올바른|正しい|有効|検証|パース|整形|フォーマット|格式|合法|校验|校驗|解析|有效",
    re.IGNORECASE,
)
_RESHAPE = re.compile(
    r"\b(?:sort\w*|order\s+by|group\w*|convert\w*|csv|yaml|xml|rows?|columns?|records?|"
    r"sortier\w*|gruppier\w*|umwandel\w*|zeilen?|spalten?|datens[äa]tze?|"
    r"tri(?:e|er|ez|é)|regroup\w*|convert\w*|lignes?|colonnes?|"
    r"orden\w*|agrup\w*|convi[ée]rt\w*|filas?|columnas?|registros?|"
    r"linhas?|colunas?|convert\w*|"
    r"ordin\w*|raggrupp\w*|convert\w*|righe|riga|colonn\w*|"
    r"sorteer\w*|groepeer\w*|rij(?:en)?|kolom\w*|"
    r"сортир\w*|группир\w*|преобраз\w*|строк\w*|столб\w*|"
    r"s[ıi]rala\w*|grupla\w*|d[öo]n[üu][şs]t[üu]r\w*|sat[ıi]r\w*|s[üu]tun\w*|"
    r"sortuj\w*|posortuj\w*|grupuj\w*|konwert\w*|wiersz\w*|kolumn\w*)\b|"
    r"정렬|그룹|변환|並べ替|グループ|変換|排序|分组|分組|转换|轉換|转成|轉成|转为|轉為",
    re.IGNORECASE,
)
_COMPUTE = re.compile(
    r"\b(?:average|mean|median\w*|sum|total|std|deviation|durchschnitt\w*|mittelwert|summe|"
    r"moyenne|m[ée]diane|somme|promedio|media|suma|m[ée]dia|soma|gemiddeld\w*|som|"
    r"totaal|средн\w*|сумм\w*|медиан\w*|ortalama\w*|toplam\w*|medyan\w*|[śs]redni\w*)\b|"
    r"평균|합계|중앙값|平均|合計|中央値|总和|總和|合计|中位数",
    re.IGNORECASE,
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _keys_and_values(value: Any, keys: set[str], values: set[str]) -> None:
    if isinstance(value, dict):
        for name, inner in value.items():
            keys.add(str(name))
            _keys_and_values(inner, keys, values)
    elif isinstance(value, list):
        for item in value[:100]:
            _keys_and_values(item, keys, values)
    elif isinstance(value, str):
        values.add(value)


_COMPARED = re.compile(
    r"\s*(?:(?:de|di|of|van|von|do|da|com|con|with|mit|met|z|ze)\s+)?"
    r"(?:[<>=!]|over|above|under|below|more|less|greater|superior\w*|inferior\w*|sopra|sotto|"
    r"acima|abaixo|encima|debajo|"
    r"gr[öo](?:ß|ss)er|kleiner|[üu]ber|unter|plus|moins|mayor|menor|maior|boven|onder|meer|minder|"
    r"больше|меньше|выше|ниже|fazla|b[üu]y[üu]k|k[üu][çc][üu]k|wi[ęe]ksz\w*|mniejsz\w*|powy[żz]ej|"
    r"poni[żz]ej|is|est|ist|es|é|è|가|이|が|は|为|是|大于|小于|以上|以下|超过)",
    re.IGNORECASE,
)


_KEEP = re.compile(
    r"\b(?:filter\w*|keep|only\s+(?:those|the\s+ones|rows)|garde\w*|filtr\w*|behalt\w*|"
    r"qu[ée]date|tieni|houd|b[ıi]rak|zostaw\w*|solo\s+(?:los|las|quien)|s[óo]\s+(?:os|as|quem))\b|"
    r"оставь|отфильтр\w*|残して|絞り|筛选|过滤|필터|남겨",
    re.IGNORECASE,
)
"""A word of keeping some rows and dropping the rest: a transform of the records."""


def _projected(key: str, rest: str) -> bool:
    """Whether the folded text names ``key`` as what to take out of records, not as the one a
    condition compares ("the titles", "取出 city 字段", but not "score > 80")."""
    folded = _fold(key).strip()
    if len(folded) < 3 or not re.search(r"\w", folded):
        return False
    pattern = rf"(?<![a-z0-9_]){re.escape(folded)}\w*" if folded.isascii() else re.escape(folded)
    return any(not _COMPARED.match(rest, match.end()) for match in re.finditer(pattern, rest))


def _named(word: str, rest: str) -> bool:
    """Whether the folded text names ``word`` (a key or a value; a key as the start of a word:
    "títulos" names ``titulo``, "città" names ``citta``)."""
    folded = _fold(word).strip()
    if len(folded) < 3 or not re.search(r"\w", folded):
        return False
    if folded.isascii():
        return re.search(rf"(?<![a-z0-9_]){re.escape(folded)}", rest) is not None
    return folded in rest


def json_tools(chosen: Sequence[str], text: str) -> list[str] | None:
    """``["json_query"]`` for pasted JSON asked about by a key or value of it, ``["json_parse"]``
    for one to check as a whole (valid? well formed?), or None."""
    if set(chosen) - _REPLACEABLE:
        return None  # a file, a URL, a table: the model's choice is about something else
    literals = json_literals(text)
    if not literals:
        return None
    data = max(literals, key=lambda span: len(span.text))
    rest = blank(text, [data])
    if paths(rest) or urls(rest):
        return None
    value = json.loads(data.text)
    keys: set[str] = set()
    values: set[str] = set()
    _keys_and_values(value, keys, values)
    folded = _fold(rest)
    if _RESHAPE.search(rest) or _COMPUTE.search(rest):
        return None
    if not (_NAMED_JSON.search(rest) or isinstance(value, dict)):
        # a list of records with no word of JSON: rows to keep or drop, unless a key is asked
        # for as such ("recupere les villes: [...]", "取出 city 字段 [...]"): a query
        if len(set(chosen)) > 1 or _KEEP.search(rest):
            return None  # two asks, or "garde seulement les villes de plus de ...": rows kept
        return ["json_query"] if any(_projected(key, folded) for key in keys) else None
    named = any(_named(word, folded) for word in keys | values)
    if _CHECK.search(rest):
        return None if named else ["json_parse"]  # "is it valid?", about the whole of it
    return ["json_query"] if named else None


def csv_tools(chosen: Sequence[str], text: str) -> list[str] | None:
    """``["data_transform"]`` for lines of CSV pasted with words of rows, columns, sorting,
    grouping or converting (and none of computing), or None. With no table named, the rows
    are the pasted ones: a database tool chosen for them is replaced too."""
    replaceable = _REPLACEABLE if named_table(text) else _REPLACEABLE | set(DATABASE)
    if set(chosen) - replaceable or json_literals(text):
        return None
    records = records_in(text)
    if records is None:
        return None
    rest = blank(text, [records.span])
    if paths(rest) or urls(rest) or _COMPUTE.search(rest) or not _RESHAPE.search(rest):
        return None
    return ["data_transform"]


_SORTING = re.compile(
    r"\b(?:sort\w*|order\s+by|rank\w*|tri(?:e|er|ez)|classe[rz]?|ordena\w*|ordene|ordin\w*|"
    r"sorteer\w*|сортир\w*|отсортир\w*|s[ıi]rala\w*|sortuj\w*|posortuj\w*)\b|"
    r"정렬|순으로|並べ替|並び替|ソート|排序|排列",
    re.IGNORECASE,
)
_GROUPING = re.compile(
    r"\b(?:group\w*|gruppier\w*|regroup\w*|agrup\w*|raggrupp\w*|groepeer\w*|группир\w*|"
    r"сгруппир\w*|grupla\w*|grupuj\w*|pogrupuj\w*)\b|그룹|グループ|分组|分組",
    re.IGNORECASE,
)


def sort_and_compute(chosen: Sequence[str], text: str) -> list[str] | None:
    """``["data_transform", "statistics"]`` for records pasted with a request to sort them and
    one to compute over them ("sort by age and give the mean age"), or None. Grouping with a
    computation is one transform (an aggregate), left as it is."""
    if set(chosen) - _REPLACEABLE or (
        len(chosen) > 1 and set(chosen) != {"data_transform", "statistics"}
    ):
        return None
    records = records_in(text)
    if records is None or len(records.rows) < 2:
        return None
    rest = blank(text, [records.span])
    if paths(rest) or urls(rest) or _GROUPING.search(rest):
        return None
    if _SORTING.search(rest) and _COMPUTE.search(rest):
        return ["data_transform", "statistics"]
    return None


_STATISTIC = re.compile(
    "|".join(
        STAT_WORDS[name] for name in ("mean", "median", "mode", "stdev", "variance", "quantiles")
    ),
    re.IGNORECASE,
)
_OPERATION = re.compile(r"\d\s*[*/×÷^+]\s*\d|\d\s+[x-]\s+\d")


def statistic_tools(chosen: Sequence[str], text: str) -> list[str] | None:
    """``["statistics"]`` where the calculator was chosen for a statistic of a list ("la médiane de
    quarante-deux, dix-sept, ...", "十二、十五、九の中央値"): a mean, median, mode, spread or
    quartiles named, three or more numbers (in digits or words) and no operation written
    between them; or None."""
    if tuple(chosen) != ("calculator",) or not _STATISTIC.search(text):
        return None
    if _OPERATION.search(text) or len(numbers_in(text)) < 3:
        return None
    return ["statistics"]
