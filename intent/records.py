"""Arguments for the data tools: statistics, json_parse, json_query and data_transform.

Data is taken only from the request (a JSON literal, CSV lines, numbers); field names only from
the data itself, found where the request names them, in the data's own spelling or in a word of
the request's language that means it ("prix", "Preis", "가격", "価格" for a field called
"price"). A field that is named but not in the data, or two fields where one is wanted, gives no
argument: the caller asks instead.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import jmespath
import jmespath.exceptions

from intent.numbers import words_to_digits
from intent.text import Span, blank, json_literals, quoted

# Words for common field names, so that "trie par prix" finds a field called "price".
FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "price": ("price", "prices", "cost", "prix", "coût", "preis", "preise", "kosten", "precio", "precios", "preço", "preços", "가격", "값", "値段", "価格", "价格", "價格"),
    "name": ("name", "names", "nom", "noms", "namen", "nombre", "nombres", "nome", "nomes", "이름", "名前", "名称", "名字", "姓名"),
    "age": ("age", "ages", "âge", "alter", "edad", "idade", "나이", "연령", "年齢", "年龄"),
    "date": ("date", "dates", "datum", "fecha", "data", "날짜", "日付", "日期"),
    "city": ("city", "cities", "ville", "stadt", "ciudad", "cidade", "도시", "都市", "城市"),
    "country": ("country", "pays", "land", "país", "국가", "나라", "国", "国家"),
    "score": ("score", "scores", "note", "punkte", "punktzahl", "puntuación", "pontuação", "점수", "点数", "スコア", "分数", "得分"),
    "quantity": ("quantity", "qty", "quantité", "menge", "anzahl", "cantidad", "quantidade", "수량", "개수", "数量"),
    "salary": ("salary", "salaire", "gehalt", "salario", "salário", "급여", "연봉", "월급", "給料", "给料", "工资", "薪水"),
    "year": ("year", "année", "jahr", "año", "ano", "연도", "년도", "年", "年份"),
    "category": ("category", "catégorie", "kategorie", "categoría", "categoria", "카테고리", "분류", "カテゴリ", "カテゴリー", "类别", "類別", "分类"),
    "population": ("population", "bevölkerung", "einwohner", "población", "população", "인구", "人口"),
    "total": ("total", "summe", "합계", "合計", "合计", "总计"),
    "id": ("id", "identifiant", "아이디", "番号", "编号"),
    "email": ("email", "e-mail", "mail", "courriel", "correo", "이메일", "メール", "邮箱"),
    "status": ("status", "statut", "estado", "상태", "ステータス", "状态"),
    "rating": ("rating", "note", "bewertung", "calificación", "avaliação", "평점", "評価", "评分"),
    "weight": ("weight", "poids", "gewicht", "peso", "무게", "체중", "重さ", "体重", "重量"),
    "height": ("height", "taille", "größe", "altura", "키", "높이", "身長", "高さ", "身高", "高度"),
    "stock": ("stock", "inventory", "bestand", "lager", "existencias", "estoque", "재고", "在庫", "库存"),
}  # fmt: skip


def _words(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def mentioned_fields(text: str, fields: list[str]) -> list[tuple[int, str]]:
    """(position, field) for every field of the data that the text names, in order."""
    lowered = _words(text)
    found: dict[str, int] = {}
    for name in fields:
        key = _words(name)
        spellings = {key, key.replace("_", " ")}
        for words in FIELD_WORDS.values():
            if key in words:
                spellings.update(words)
        for spelling in spellings:
            if not spelling:
                continue
            if spelling.isascii() or any(
                c.isalpha() and "\u00c0" <= c <= "\u024f" for c in spelling
            ):
                pattern = rf"(?<![\w]){re.escape(spelling)}(?![\w])"
            elif all("\uac00" <= c <= "\ud7a3" for c in spelling):
                pattern = rf"(?<![가-힣]){re.escape(spelling)}"
            else:
                pattern = re.escape(spelling)
            match = re.search(pattern, lowered)
            if match and (name not in found or match.start() < found[name]):
                found[name] = match.start()
    return sorted((pos, name) for name, pos in found.items())


# --- statistics -------------------------------------------------------------------------------

STAT_WORDS: dict[str, str] = {
    "mean": r"\bmean\b|\baverage\b|\bavg\b|moyenne|durchschnitt|mittelwert|promedio|\bm[ée]dia\b|"
    r"\bgemiddeld\w*|средн\w*|\bortalama\w*|\b[śs]redni\w*|평균|平均",
    "median": r"\bmedian\b|médiane|\bmediana\b|\bmedian(?:wert)?\b|\bmediaan\b|медиан\w*|\bmedyan\w*|"
    r"중앙값|중간값|中央値|中位数|中位數",
    "mode": r"\bmode\b|\bmodus\b|\bmoda\b|최빈값|最頻値|众数|眾數",
    "stdev": r"standard\s*deviation|\bstd\.?\s*dev\b|\bstdev\b|écart[\s-]type|standardabweichung|desviaci[óo]n\s+(?:est[áa]ndar|t[íi]pica)|desvio[\s-]padr[ãa]o|표준\s*편차|標準偏差|标准差|標準差",
    "variance": r"\bvariance\b|\bvarianz\b|\bvarianza\b|vari[âa]ncia|분산|分散|方差",
    "min": r"\bmin(?:imum)?\b|\bsmallest\b|\blowest\b|\bm[íi]nimo\b|plus\s+petit|kleinste|최솟값|최소값|최소|最小値|最小值|最小",
    "max": r"\bmax(?:imum)?\b|\blargest\b|\bhighest\b|\bbiggest\b|\bm[áa]ximo\b|plus\s+grand|größte|최댓값|최대값|최대|最大値|最大值|最大",
    "sum": r"\bsum\b|\btotal\b|\bsomme\b|\bsumme\b|\bsuma\b|\bsoma\b|합계|총합|合計|合计|总和|總和|求和",
    "count": r"\bhow many numbers\b|\bcount\b|\bcombien de nombres\b|\banzahl\b|cu[áa]ntos\s+n[úu]meros|quantos\s+n[úu]meros|개수|個数|个数",
    "quantiles": r"\bquartiles?\b|\bquantiles?\b|\bquartile\b|\bcuartiles?\b|\bquartis\b|사분위|四分位",
}
STATISTIC = re.compile("|".join(STAT_WORDS.values()), re.IGNORECASE)
"""A statistic named (mean, median, lowest, highest, sum...), in the 13 languages."""
_CORRELATION = re.compile(
    r"correlat|corrélation|korrelation|correlaci|correlaç|상관|相関|相关|相關", re.I
)
_NUMBER = re.compile(  # "…, 13, 14.5." ends a sentence: the last number is still a number
    r"(?<![A-Za-z0-9_.])-?\d+(?:\.\d+)?(?![A-Za-z0-9_]|\.\d)|(?<![A-Za-z0-9_.])-?\.\d+(?![A-Za-z0-9_]|\.\d)"
)


def numbers_in(text: str) -> list[float]:
    """The numbers written in the text, in digits (or, when there are none, in words)."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text) if ";" not in text else text
    found = [float(n) for n in _NUMBER.findall(text.replace(",", " ").replace("、", " "))]
    if len(found) < 2:
        spelled = words_to_digits(text)
        found = [float(n) for n in _NUMBER.findall(spelled.replace(",", " ").replace("、", " "))]
    return found


def _plain(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def statistics_arguments(text: str) -> tuple[dict[str, Any], list[str]]:
    """values (and other), operations where named; missing when there are not two numbers."""
    arguments: dict[str, Any] = {}
    lowered = _words(text)
    operations = [op for op, words in STAT_WORDS.items() if re.search(words, lowered, re.I)]
    if operations:
        arguments["operations"] = operations
    lists = [s for s in json_literals(text) if s.text.startswith("[")]
    if _CORRELATION.search(text) and len(lists) >= 2:
        first, second = (json.loads(s.text) for s in lists[:2])
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in [*first, *second]):
            arguments["values"] = first
            arguments["other"] = second
            arguments.pop("operations", None)
            return arguments, []
    values = numbers_in(text)
    if len(values) < 2:
        return arguments, ["values"]
    arguments["values"] = [_plain(v) for v in values]
    return arguments, []


# --- JSON ---------------------------------------------------------------------------------------

_SCHEMA_WORDS = re.compile(r"schema|schéma|스키마|スキーマ|模式|架构", re.I)


def json_parse_arguments(text: str) -> tuple[dict[str, Any], list[str]]:
    """text: the JSON literal (or the quoted text when it is not valid JSON); json_schema when named."""
    literals = json_literals(text)
    if literals:
        arguments: dict[str, Any] = {"text": literals[0].text}
        if len(literals) > 1 and _SCHEMA_WORDS.search(text[literals[0].end : literals[1].start]):
            schema = json.loads(literals[1].text)
            if isinstance(schema, dict):
                arguments["json_schema"] = schema
        return arguments, []
    # Not valid JSON: the quoted or fenced text the user asks about is still the argument.
    fenced = re.search(r"```(?:json)?\s*(.+?)```", text, re.S)
    if fenced:
        return {"text": fenced.group(1).strip()}, []
    for span in quoted(text):
        if re.search(r"[{\[:]", span.text):
            return {"text": span.text}, []
    braces = re.search(r"[{\[].*[}\]]", text, re.S)
    if braces:
        return {"text": braces.group(0)}, []
    return {}, ["text"]


_QUERY_CUE = re.compile(
    r"(?:jmespath|query|expression|path|requête|chemin|abfrage|ausdruck|pfad|consulta|expresi[óo]n|"
    r"ruta|caminho|express[ãa]o|쿼리|경로|표현식|クエリ|パス|式|查询|表达式|路径)\s*[:=]?\s*",
    re.I,
)
_COUNT_WORDS = re.compile(
    r"how many|count|number of|combien|wie viele|anzahl|cu[áa]nt[oa]s|quant[oa]s|몇\s*개|개수|いくつ|何個|件数|多少个|多少個|几个",
    re.I,
)


def _jmespath_ok(query: str) -> bool:
    try:
        jmespath.compile(query)
    except jmespath.exceptions.JMESPathError:
        return False
    return True


def _paths_to(value: Any, key: str, prefix: str = "") -> list[str]:
    """JMESPath paths to every place the key occurs (projecting over arrays of objects)."""
    found: list[str] = []
    if isinstance(value, dict):
        for name, inner in value.items():
            here = f"{prefix}.{name}" if prefix else name
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                here = f'{prefix}."{name}"' if prefix else f'"{name}"'
            if name == key:
                found.append(here)
            found += _paths_to(inner, key, here)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        merged: dict[str, Any] = {}
        for item in value:
            for name, inner in item.items():
                merged.setdefault(name, inner)
        found += _paths_to(merged, key, f"{prefix}[*]" if prefix else "[*]")
    return found


def _keys(value: Any) -> list[str]:
    keys: list[str] = []
    if isinstance(value, dict):
        for name, inner in value.items():
            keys.append(name)
            keys += _keys(inner)
    elif isinstance(value, list):
        for item in value[:50]:
            keys += _keys(item)
    return list(dict.fromkeys(keys))


def json_query_arguments(text: str) -> tuple[dict[str, Any], list[str]]:
    """data: the JSON literal; query: the JMESPath written, or one built from a single named key."""
    # A query in backticks may hold JMESPath literals in backticks too: `people[?age > `30`].name`
    fenced = re.search(r"`((?:[^`]|`[^`\s]*`)+?)`(?!\w)", text)
    candidates: list[str] = []
    if fenced:
        candidates.append(fenced.group(1).strip())
    without = text
    if fenced:
        without = blank(text, [Span(fenced.group(0), fenced.start(), fenced.end())])
    literals = json_literals(without)
    if not literals:
        cue = _QUERY_CUE.search(without)
        token = re.match(r"[^\s,;，。]+", without[cue.end() :]) if cue else None
        for candidate in [*candidates, *(s.text.strip() for s in quoted(without))] + (
            [token.group(0).strip("'\"`.,")] if token else []
        ):
            if candidate and _jmespath_ok(candidate) and re.search(r"[.\[\]*?|@(]", candidate):
                return {"query": candidate}, ["data"]
        return {}, ["data", "query"]
    data = max(literals, key=lambda s: len(s.text))
    arguments: dict[str, Any] = {"data": data.text}
    rest = blank(without, [data])
    for span in quoted(rest):
        candidates.append(span.text.strip())
    cue = _QUERY_CUE.search(rest)
    if cue:
        token = re.match(r"[^\s,;，。]+", rest[cue.end() :])
        if token:
            candidates.append(token.group(0).strip("'\"`.,"))
    value = json.loads(data.text)
    for candidate in candidates:
        if (
            candidate
            and _jmespath_ok(candidate)
            and (re.search(r"[.\[\]*?|@(]", candidate) or candidate in _keys(value))
        ):
            arguments["query"] = candidate
            return arguments, []
    named = mentioned_fields(rest, _keys(value))
    distinct = list(dict.fromkeys(name for _, name in named))
    if len(distinct) == 1:
        found = _paths_to(value, distinct[0])
        if len(found) == 1:
            arguments["query"] = found[0]
            return arguments, []
    if not distinct and isinstance(value, list) and _COUNT_WORDS.search(rest):
        arguments["query"] = "length(@)"
        return arguments, []
    return arguments, ["query"]


# --- data_transform -------------------------------------------------------------------------------


@dataclass
class Records:
    """The records written in the request and their field names."""

    span: Span
    data: str
    fields: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)


def records_in(text: str) -> Records | None:
    """The first JSON array of objects (or object) or block of CSV lines in the text."""
    for literal in json_literals(text):
        value = json.loads(literal.text)
        rows = value if isinstance(value, list) else [value]
        if rows and all(isinstance(r, dict) for r in rows):
            fields = list(dict.fromkeys(k for r in rows for k in r))
            return Records(literal, literal.text, fields, rows)
    fenced = re.search(r"```(?:csv)?\s*\n(.+?)```", text, re.S)
    lines = fenced.group(1).splitlines() if fenced else text.splitlines()
    block: list[str] = []
    best: list[str] = []
    for line in lines:
        stripped = line.strip()
        if (
            stripped.count(",") >= 1
            and len(stripped) < 1000
            and (not block or stripped.count(",") == block[0].count(","))
        ):
            block.append(stripped)
        else:
            if len(block) > len(best):
                best = block
            block = [stripped] if stripped.count(",") >= 1 else []
    if len(block) > len(best):
        best = block
    if len(best) < 2:
        return None
    # The header may follow a colon on its line: "order these by price: name,price"
    header = best[0].split(":")[-1].strip()
    data = "\n".join([header, *best[1:]]) + "\n"
    rows = list(csv.DictReader(io.StringIO(data)))
    start = text.find(best[0])
    end = text.find(best[-1], start) + len(best[-1])
    fields = [f.strip() for f in header.split(",")]
    return Records(Span(text[start:end], start, end), data, fields, rows)


_SORT = re.compile(
    r"\b(?:sort|order|rank|arrange)|\btri(?:e[rz]?|ez)?\b|\bclass(?:e[rz]?)\b|\bordonne[rz]?\b|"
    r"\bsortier|\bordne|\bordena|\borden(?:e|ar)\b|\bclasifica|\bclassifi|정렬|순으로|순서로|"
    r"並べ替え|並び替え|ソート|順に|順で|排序|排列|\btop\s+\d+\s+(?:by|par|nach|por)\b",
    re.I,
)
_DESC = re.compile(
    r"descending|\bdesc\b|highest\s+first|largest\s+first|biggest\s+first|most\s+expensive|"
    r"high(?:est)?\s+to\s+low|reverse|d[ée]croissant|du\s+plus\s+(?:grand|cher|[ée]lev[ée])|"
    r"absteigend|gr[öo]ß(?:te|ten)\s+zuerst|teuerste|descendente|de\s+mayor\s+a\s+menor|"
    r"decrescente|do\s+maior\s+para\s+o\s+menor|내림차순|높은\s*순|큰\s*순|많은\s*순|비싼\s*순|"
    r"降順|高い順|大きい順|多い順|降序|从高到低|從高到低|从大到小|倒序",
    re.I,
)
_TOP = re.compile(
    r"\btop\s+(\d+)|\bfirst\s+(\d+)|\b(\d+)\s+(?:first|premiers?|premi[èe]res?)|les\s+(\d+)\s+premi|"
    r"die\s+ersten\s+(\d+)|los\s+(\d+)\s+primer|las\s+(\d+)\s+primer|primeros\s+(\d+)|"
    r"os\s+(\d+)\s+primeir|as\s+(\d+)\s+primeir|primeiros\s+(\d+)|상위\s*(\d+)|처음\s*(\d+)|"
    r"上位\s*(\d+)|最初の\s*(\d+)|前\s*(\d+)",
    re.I,
)
_GROUP = re.compile(
    r"\bgroup|\bper\b|\bfor\s+each\b|\bregroupe|\bpar\s+(?=\w+\s*$)|\bgruppier|\bpro\b|\bje\b|"
    r"\bagrupa|\bagrupe|\bpor\s+cada\b|별로|별\s|마다|ごとに|別に|グループ|分组|分組|每个|每個|各",
    re.I,
)
_SELECT = re.compile(
    r"\bonly\b|\bjust\b|\bkeep\b|\bselect\b|\bseulement\b|\buniquement\b|\bgarde|\bs[ée]lectionne|"
    r"\bnur\b|\bbehalte|\bw[äa]hle|\bsolo\b|\bs[óo]lo\b|\bsolamente\b|\bselecciona|\bapenas\b|\bs[óo]\b|"
    r"\bsomente\b|\bselecione|\bmantenha|만\s|만$|だけ|のみ|只|仅|僅",
    re.I,
)
_FILTER_CUE = re.compile(
    r"\bwhere\b|\bwith\b|\bwhose\b|\bfilter|\bo[ùu]\b|\bdont\b|\bavec\b|\bfiltre|\bwo\b|\bmit\b|"
    r"\bderen\b|\bdonde\b|\bcon\b|\bcuy[oa]s?\b|\bfiltra|\bonde\b|\bcom\b|\bcuj[oa]s?\b|필터|인\s*것|"
    r"だけ|のみ|筛选|篩選|只|条件",
    re.I,
)
_CMP_WORDS: list[tuple[str, str]] = [
    (
        ">=",
        r"at\s+least|or\s+more|au\s+moins|mindestens|al\s+menos|pelo\s+menos|이상|以上|不少于|至少",
    ),
    (
        "<=",
        r"at\s+most|or\s+less|au\s+plus|h[öo]chstens|como\s+m[áa]ximo|no\s+m[áa]ximo|이하|以下|不超过|至多",
    ),
    (
        ">",
        r"greater\s+than|more\s+than|over|above|larger\s+than|higher\s+than|exceeds?|sup[ée]rieure?\s+[àa]|"
        r"plus\s+(?:grand|[ée]lev[ée])e?\s+que|plus\s+de|gr[öo]ßer\s+als|h[öo]her\s+als|mehr\s+als|[üu]ber|"
        r"mayor(?:es)?\s+(?:que|a)|m[áa]s\s+de|maior(?:es)?\s+(?:que|do\s+que)|mais\s+de|acima\s+de|"
        r"초과|보다\s*(?:큰|많은|높은)|より大きい|を超える|より多い|大于|超过|高于",
    ),
    (
        "<",
        r"less\s+than|under|below|fewer\s+than|lower\s+than|inf[ée]rieure?\s+[àa]|moins\s+de|"
        r"plus\s+petite?\s+que|kleiner\s+als|niedriger\s+als|weniger\s+als|unter|menor(?:es)?\s+(?:que|a)|"
        r"menos\s+de|abaixo\s+de|미만|보다\s*(?:작은|적은|낮은)|より小さい|未満|より少ない|小于|低于|少于",
    ),
    (
        "!=",
        r"not\s+equal\s+to|is\s+not|isn't|diff[ée]rent\s+de|ungleich|distinto\s+de|diferente\s+de|아닌|以外|不等于",
    ),
    (
        "==",
        r"equals?|equal\s+to|is|=|==|[ée]gale?\s+[àa]|gleich|ist|igual\s+a|es|[ée]|인|이|が|等于|为|是",
    ),
]
_CMP_SYMBOL = re.compile(r"(>=|<=|==|!=|=|>|<|≥|≤|≠)")
_AGGREGATES: list[tuple[str, str]] = [
    ("mean", r"average|mean|moyenne|durchschnitt|promedio|m[ée]dia|평균|平均"),
    ("sum", r"\bsum\b|\btotal\b|somme|summe|\bsuma\b|\bsoma\b|합계|총|合計|合计|总和|總和"),
    ("max", r"\bmax(?:imum)?\b|highest|largest|m[áa]ximo|최대|最大"),
    ("min", r"\bmin(?:imum)?\b|lowest|smallest|m[íi]nimo|최소|最小"),
]
_CONVERT = re.compile(
    r"\bconvert|\bturn\b.{0,30}\binto\b|\b(?:to|as|into)\s+json\b|\bconverti[rs]|\bconvertis|"
    r"\bumwandel|\bumwandl|\bkonvertier|\bconvert(?:er|a|e)\b|변환|変換|转换|轉換|转成|轉成",
    re.I,
)
"""A request to change the records' format only ("convert this CSV to JSON")."""
_CSV_OUT = re.compile(
    r"\b(?:to|as|in|en|als|em|para)\s+csv\b|csv\s*(?:로|으로|で|格式)|转成\s*csv|转换为\s*csv", re.I
)


def _value(raw: str) -> Any:
    raw = raw.strip().strip("'\"“”‘’「」")
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if re.fullmatch(r"-?\d+\.\d+", raw):
        return float(raw)
    return raw


def _filter(clause: str, fields: list[str]) -> dict[str, Any] | None:
    named = mentioned_fields(clause, fields)
    normal = unicodedata.normalize("NFKC", clause)
    for position, name in named:
        after = normal[position:]
        # "price > 10", "price >= 10"
        symbol = re.match(rf"\S+?\s*{_CMP_SYMBOL.pattern}\s*([\w.\-]+|\"[^\"]*\"|'[^']*')", after)
        if symbol:
            cmp = {"=": "==", "≥": ">=", "≤": "<=", "≠": "!="}.get(symbol.group(1), symbol.group(1))
            return {"op": "filter", "field": name, "cmp": cmp, "value": _value(symbol.group(2))}
        for cmp, words in _CMP_WORDS:
            # Latin order: field [is] WORDS value;  Korean/Japanese: field [이/가/は/が] value WORDS
            latin = re.match(
                rf"\S+\s+(?:is\s+|est\s+|ist\s+|es\s+|é\s+|are\s+|sont\s+|sind\s+|son\s+|s[ãa]o\s+)?"
                rf"(?:{words})\s+(-?\d+(?:\.\d+)?|\"[^\"]*\"|'[^']*'|[\w\-]+)",
                after,
                re.I,
            )
            if latin and cmp != "==":
                return {"op": "filter", "field": name, "cmp": cmp, "value": _value(latin.group(1))}
            eastern = re.match(
                rf"\S*?\s*(?:이|가|は|が|의|が)?\s*(-?\d+(?:\.\d+)?)\s*(?:{words})", after, re.I
            )
            if eastern and cmp != "==":
                return {
                    "op": "filter",
                    "field": name,
                    "cmp": cmp,
                    "value": _value(eastern.group(1)),
                }
            chinese = re.match(rf"\S*?\s*(?:{words})\s*(-?\d+(?:\.\d+)?)", after, re.I)
            if chinese and cmp != "==" and not re.match(r"\w+\s", after):
                return {
                    "op": "filter",
                    "field": name,
                    "cmp": cmp,
                    "value": _value(chinese.group(1)),
                }
        equal = re.match(
            r"\S+\s*(?:is|est|ist|es|é|=|==|equals?|is equal to)\s+(\"[^\"]*\"|'[^']*'|[\w\-.]+)",
            after,
            re.I,
        )
        if equal and _FILTER_CUE.search(normal[:position] + " "):
            value = _value(equal.group(1))
            if not (
                isinstance(value, str) and value.lower() in {"the", "a", "an", "le", "la", "el"}
            ):
                return {"op": "filter", "field": name, "cmp": "==", "value": value}
    return None


def data_transform_arguments(text: str) -> tuple[dict[str, Any], list[str]]:
    """data, operations (filter, sort, select, group, limit) and output_format, as written."""
    records = records_in(text)
    if records is None:
        return {}, ["data"]
    arguments: dict[str, Any] = {"data": records.data}
    rest = blank(text, [records.span])
    fields = records.fields
    operations: list[dict[str, Any]] = []
    asked: list[str] = []

    if _FILTER_CUE.search(rest) or _CMP_SYMBOL.search(rest):
        found = _filter(rest, fields)
        if found:
            operations.append(found)
    sort = _SORT.search(rest)
    if sort:
        asked.append("sort")
        named = mentioned_fields(rest, fields)
        if named:
            # the field nearest the sort word, after it in Western order, before it in CJK
            _, name = min(named, key=lambda pn: abs(pn[0] - sort.start()))
            operations.append({"op": "sort", "field": name, "descending": bool(_DESC.search(rest))})
    group = _GROUP.search(rest)
    if group and not sort:
        asked.append("group")
        named = mentioned_fields(rest, fields)
        if named:
            _, by = min(named, key=lambda pn: abs(pn[0] - group.start()))
            operation: dict[str, Any] = {"op": "group", "by": by, "aggregate": "count"}
            for aggregate, words in _AGGREGATES:
                if re.search(words, rest, re.I):
                    others = [name for _, name in named if name != by]
                    if len(others) == 1:
                        operation.update(aggregate=aggregate, of=others[0])
                    break
            operations.append(operation)
    select = _SELECT.search(rest)
    if select and not any(op["op"] in {"filter", "group"} for op in operations):
        kept = [name for _, name in mentioned_fields(rest, fields)]
        sorted_by = [op.get("field") for op in operations if op["op"] == "sort"]
        keep = [n for n in kept if n not in sorted_by] if len(kept) > len(sorted_by) + 1 else kept
        if keep and len(keep) < len(fields):
            operations.append({"op": "select", "fields": keep})
    top = _TOP.search(rest)
    if top:
        n = int(next(g for g in top.groups() if g))
        operations.append({"op": "limit", "n": n})
        for op in operations:
            if op["op"] == "sort" and not re.search(
                r"ascending|croissant|aufsteigend|ascendente|crescente|오름차순|昇順|升序",
                rest,
                re.I,
            ):
                op["descending"] = (
                    True if re.search(r"\btop\b|상위|上位", rest, re.I) else op["descending"]
                )
    order = {"filter": 0, "sort": 1, "select": 2, "group": 3, "limit": 4}
    operations.sort(key=lambda op: order[op["op"]])
    if operations:
        arguments["operations"] = operations
    if _CSV_OUT.search(rest):
        arguments["output_format"] = "csv"
    if not asked and not operations and _CONVERT.search(rest):
        arguments["operations"] = []  # a conversion: the records as they are, in the format asked
    missing: list[str] = []
    if asked and not operations:
        missing.append("operations")
    if "operations" not in arguments and "output_format" not in arguments:
        missing.append("operations")
    return arguments, list(dict.fromkeys(missing))
