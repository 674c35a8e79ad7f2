"""The slots of the templates: where each placeholder's value comes from (numbers written in
digits or words, places, zones, files, JSON, records, SQL, ...), split like the families."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from intent.training.pools import LANGS, Fill, Split, common, split_pool

# ---------------------------------------------------------------------------------------------
# Slots
# ---------------------------------------------------------------------------------------------


@dataclass
class SlotContext:
    lang: str
    rng: random.Random
    split: Split
    lexicon: Mapping[str, Any]
    filled: dict[str, Fill] = field(default_factory=dict)
    picks: dict[str, Any] = field(default_factory=dict)


SlotProvider = Callable[[SlotContext], Fill]


def _number_text(ctx: SlotContext, n: int, words: float = 0.25) -> str:
    numbers: Sequence[str] = ctx.lexicon.get("numbers", ())
    if 1 <= n <= len(numbers) and ctx.rng.random() < words:
        return numbers[n - 1]
    return str(n)


def _expr(ctx: SlotContext) -> Fill:
    r = ctx.rng
    a, b, c = r.randint(2, 999), r.randint(2, 99), r.randint(2, 12)
    forms = [
        f"{a}*{b}", f"{a} * {b}", f"{a}+{b}", f"{a} + {b}", f"{a}-{b}", f"{a} - {b}",
        f"{a}/{b}", f"{a} / {b}", f"({a}+{b})*{c}", f"{c}^{r.randint(2, 10)}",
        f"{a} × {b}", f"{a} ÷ {b}", f"{a}.{r.randint(1, 9)}*{b}", f"sqrt({a})", f"{b}**2",
        f"({a}-{b})/{c}", f"{a} x {b}", f"{b}*{c}+{a}", f"{a}*{b}*{c}", f"{a} % {b}",
        f"{r.randint(1, 9)}.{r.randint(1, 99)} + {r.randint(1, 9)}.{r.randint(1, 99)}",
        f"2**{r.randint(5, 40)}", f"factorial({c})", f"{a}*({b}-{c})",
    ]  # fmt: skip
    text = r.choice(forms)
    return Fill(text, text, text)


_OPS = ("+", "-", "*", "/")


def _calc_words(ctx: SlotContext) -> Fill:
    r = ctx.rng
    op = r.choice(_OPS)
    small = r.random() < 0.35
    a = r.randint(1, 12) if small else r.randint(2, 999)
    b = r.randint(2, 12) if small else r.randint(2, 99)
    pattern = r.choice(ctx.lexicon["ops"][op])
    text = pattern.format(a=_number_text(ctx, a, 0.5), b=_number_text(ctx, b, 0.5))
    raw = f"{a}{op}{b}"
    return Fill(text, raw, raw)


def _int(lo: int, hi: int) -> SlotProvider:
    def provide(ctx: SlotContext) -> Fill:
        n = ctx.rng.randint(lo, hi)
        return Fill(str(n), str(n), n)

    return provide


def _percent(ctx: SlotContext) -> Fill:
    p = ctx.rng.choice([5, 10, 12, 15, 18, 20, 25, 30, 40, 50, 75, 8, 3])
    return Fill(str(p), str(p), p)


def _nums(ctx: SlotContext) -> Fill:
    r = ctx.rng
    count = r.randint(4, 9)
    decimals = r.random() < 0.3
    base = r.choice([10, 50, 100, 1000])
    values: list[float] = []
    for _ in range(count):
        v = r.uniform(1, base)
        values.append(round(v, 1) if decimals else float(round(v)))
    shown = [f"{v:g}" for v in values]
    style = r.random()
    if style < 0.45:
        text = ", ".join(shown)
    elif style < 0.65:
        text = " ".join(shown)
    elif style < 0.85:
        text = "[" + ", ".join(shown) + "]"
    else:
        text = "; ".join(shown)
    return Fill(text, text, values)


def _made_up_word(ctx: SlotContext, style: str) -> str:
    """A plausible name nobody wrote in a template: ``lower``, ``title`` or ``upper`` Latin."""
    word = "".join(ctx.rng.choice(_SYLLABLES["latin"]) for _ in range(ctx.rng.randint(2, 3)))
    if style == "title":
        return word.capitalize()
    if style == "upper":
        return (word + ctx.rng.choice(["", "_HOME", "_PATH", "_URL", "_MODE"])).upper()
    return word + ctx.rng.choice(["", "", "s", "_db", "d"])


def _choice(values: Sequence[str], made_up: str | None = None) -> SlotProvider:
    """Pick a value from the split's pool; with ``made_up``, training sometimes invents one."""

    def provide(ctx: SlotContext) -> Fill:
        if made_up and ctx.split == "train" and ctx.rng.random() < UNKNOWN_VALUE_SHARE:
            v = _made_up_word(ctx, made_up)
        else:
            v = ctx.rng.choice(split_pool(values, ctx.split))
        return Fill(v, v, v)

    return provide


def _lexicon_choice(key: str) -> SlotProvider:
    def provide(ctx: SlotContext) -> Fill:
        v = ctx.rng.choice(split_pool(ctx.lexicon[key], ctx.split))
        return Fill(v, v, v)

    return provide


# Syllables for made-up place names, per script: training sometimes names a place the model cannot
# know, so that it learns the words around a place rather than a list of places.
_SYLLABLES: dict[str, tuple[str, ...]] = {
    "latin": (
        "ka",
        "lo",
        "mir",
        "ven",
        "to",
        "sa",
        "ber",
        "gu",
        "dal",
        "ri",
        "no",
        "vel",
        "an",
        "zor",
        "pe",
    ),
    "ko": (
        "가",
        "나",
        "다",
        "라",
        "마",
        "바",
        "사",
        "아",
        "자",
        "하",
        "노",
        "도",
        "로",
        "모",
        "수",
        "우",
        "진",
        "천",
    ),
    "ja": (
        "カ",
        "キ",
        "ク",
        "サ",
        "シ",
        "ス",
        "タ",
        "ト",
        "ナ",
        "ノ",
        "ハ",
        "フ",
        "マ",
        "ミ",
        "ラ",
        "リ",
        "ル",
        "ロ",
    ),
    "zh": (
        "安",
        "宁",
        "江",
        "山",
        "河",
        "州",
        "阳",
        "城",
        "海",
        "南",
        "北",
        "东",
        "西",
        "平",
        "新",
        "林",
        "石",
        "云",
    ),
}
UNKNOWN_PLACE_SHARE = 0.15
UNKNOWN_VALUE_SHARE = 0.2


def _made_up_place(ctx: SlotContext) -> str:
    script = ctx.lang if ctx.lang in _SYLLABLES else "latin"
    parts = _SYLLABLES[script]
    word = "".join(ctx.rng.choice(parts) for _ in range(ctx.rng.randint(2, 3)))
    return word.capitalize() if script == "latin" else word


def _city(ctx: SlotContext) -> Fill:
    if ctx.split == "train" and ctx.rng.random() < UNKNOWN_PLACE_SHARE:
        name = _made_up_place(ctx)
        return Fill(name, name, None)  # no zone is known for it: no expected argument
    zone, names = ctx.rng.choice(split_pool(common.PLACES, ctx.split))
    name = names[LANGS.index(ctx.lang)]
    # People often type place names in English or the local script whatever language they write.
    if ctx.rng.random() < 0.1:
        name = names[0]
    return Fill(name, zone, zone)


def _zone(ctx: SlotContext) -> Fill:
    zones = sorted({zone for zone, _ in common.PLACES if "/" in zone})
    zone = ctx.rng.choice(split_pool(zones, ctx.split))
    return Fill(zone, zone, zone)


def _env(ctx: SlotContext) -> Fill:
    if ctx.split == "train" and ctx.rng.random() < UNKNOWN_VALUE_SHARE:
        v = _made_up_word(ctx, "upper")
    else:
        v = ctx.rng.choice(split_pool(common.ENV_VARS, ctx.split))
    return Fill(v, v, [v])


def _jq_pick(ctx: SlotContext) -> tuple[str, str, str]:
    if "jq" not in ctx.picks:
        ctx.picks["jq"] = ctx.rng.choice(split_pool(common.JSON_QUERIES, ctx.split))
    pick: tuple[str, str, str] = ctx.picks["jq"]
    return pick


def _jdoc(ctx: SlotContext) -> Fill:
    doc = _jq_pick(ctx)[0]
    return Fill(doc, doc, doc)


def _key(ctx: SlotContext) -> Fill:
    key = _jq_pick(ctx)[1]
    return Fill(key, key, key)  # the key is in the document: not invented


def _jpath(ctx: SlotContext) -> Fill:
    path = _jq_pick(ctx)[2]
    return Fill(path, path, path)


def _records_pick(ctx: SlotContext, csv_only: bool = False) -> tuple[str, tuple[str, ...], str]:
    if "records" not in ctx.picks:
        pool = split_pool(common.RECORDS, ctx.split)
        if csv_only:
            pool = [p for p in pool if not p[0].startswith("[")] or [
                p for p in common.RECORDS if not p[0].startswith("[")
            ]
        ctx.picks["records"] = ctx.rng.choice(pool)
    pick: tuple[str, tuple[str, ...], str] = ctx.picks["records"]
    return pick


def _records(ctx: SlotContext) -> Fill:
    data = _records_pick(ctx)[0]
    return Fill(data, data, data)


def _csv(ctx: SlotContext) -> Fill:
    data = _records_pick(ctx, csv_only=True)[0]
    return Fill(data, data, data)


def _col(ctx: SlotContext) -> Fill:
    column = ctx.rng.choice(_records_pick(ctx)[1])
    return Fill(column, column, column)


def _ncol(ctx: SlotContext) -> Fill:
    column = _records_pick(ctx)[2]
    return Fill(column, column, column)


def _cols(ctx: SlotContext) -> Fill:
    columns = ctx.rng.choice(split_pool(common.COLUMNS, ctx.split))
    raw = ", ".join(columns)
    if ctx.rng.random() < 0.5 and len(columns) > 1:
        conj = ctx.lexicon["and"]
        sep = "、" if ctx.lang in ("ja", "zh") else ", "
        text = sep.join(columns[:-1]) + conj + columns[-1]
    else:
        text = raw
    return Fill(text, raw, raw)


SLOTS: dict[str, SlotProvider] = {
    "expr": _expr,
    "calc_words": _calc_words,
    "a": _int(2, 999),
    "b": _int(2, 99),
    "n": _int(2, 2000),
    "small": _int(2, 12),
    "p": _percent,
    "nums": _nums,
    "file": _choice(common.FILES),
    "folder": _choice(common.FOLDERS, "lower"),
    "content": _lexicon_choice("content"),
    "subject": _lexicon_choice("subject"),
    "url_api": _choice(common.URLS_API),
    "url_page": _choice(common.URLS_PAGE),
    "method": _choice(common.METHODS),
    "json": _choice(common.JSON_DOCS),
    "jdoc": _jdoc,
    "key": _key,
    "jpath": _jpath,
    "records": _records,
    "csv": _csv,
    "col": _col,
    "ncol": _ncol,
    "table": _choice(common.TABLES, "lower"),
    "cols": _cols,
    "name": _choice(common.PERSON_NAMES, "title"),
    "sql_select": _choice(common.SQL_SELECT),
    "sql_exec": _choice(common.SQL_EXEC),
    "env": _env,
    "proc": _choice(common.PROCESSES, "lower"),
    "city": _city,
    "zone": _zone,
}
# Slots whose choice others depend on are filled first.
FILL_FIRST = ("jdoc", "records", "csv")

# The argument a slot gives each tool by default (only for tools the example is labelled with).
SLOT_PARAMS: dict[str, tuple[tuple[str, str], ...]] = {
    "expr": (("calculator", "expression"),),
    "calc_words": (("calculator", "expression"),),
    "city": (("time_now", "timezone"),),
    "zone": (("time_now", "timezone"),),
    "file": (("file_read", "path"), ("file_write", "path")),
    "folder": (("file_list", "path"),),
    "content": (("file_write", "content"),),
    "nums": (("statistics", "values"),),
    "json": (("json_parse", "text"), ("json_query", "data")),
    "jdoc": (("json_query", "data"),),
    "jpath": (("json_query", "query"),),
    "records": (("data_transform", "data"),),
    "csv": (("data_transform", "data"),),
    "url_api": (("api_request", "url"),),
    "url_page": (("web_scrape", "url"),),
    "method": (("api_request", "method"),),
    "sql_select": (("database_query", "sql"),),
    "sql_exec": (("database_execute", "sql"),),
    "env": (("environment", "names"),),
    "proc": (("process_list", "name"),),
}
