"""Counts in word problems: a conversion with its factor given, stock that came in and went out."""

from __future__ import annotations

import re

from intent.word_problems.prepared import NUM, NUMBER, Text, fmt, without

_I = re.IGNORECASE

# A conversion with its factor given: "1 gallon is 3.785 litres", "1 libra son 0,45359237 kg",
# "(1 milha = 1,609344 km)".
_FACTOR = re.compile(
    r"(?<![\d.])1\s*([^\W\d_]{2,})\s*(?:=|is|are|equals|makes|sind|ist|hat|entspricht|vaut|fait|"
    r"font|égale?|equivale\w*|son|es|são|é|sono|è|vale|zijn|is\s+gelijk\s+aan|равн\w*|это|"
    r"e[şs]ittir|to|jest|wynosi|ma|は|이|가|는|은)?\s*(?:about|ungefähr|environ|unos|cerca\s+de|"
    r"circa|ongeveer|примерно|yakla[şs][ıi]k|oko[łl]o|約)?\s*" + NUM + r"\s*([^\W\d_]+)",
    _I,
)


def _same_unit(word: str, unit: str) -> bool:
    """ "gallons" and "gallon", "달러는" and "달러", "libras" and "libra"."""
    n = min(4, len(word), len(unit))
    return n >= 2 and word[:n] == unit[:n]


def conversion(t: Text) -> str | None:
    """A quantity in one unit with the factor to another given."""
    match = _FACTOR.search(t.plain)
    if not match:
        return None
    unit, factor, target = match.group(1).lower(), float(match.group(2)), match.group(3).lower()
    rest = [n for n in without(t.numbers, 1.0, factor)]
    if len(rest) != 1:
        return None
    quantity = rest[0]
    for found in NUMBER.finditer(t.plain):
        if float(found.group(0)) != quantity:
            continue
        after = re.match(r"\s*([^\W\d_]+)", t.plain[found.end() :])
        word = after.group(1).lower() if after else ""
        if _same_unit(word, unit):
            return f"{fmt(quantity)} * {fmt(factor)}"
        if _same_unit(word, target):
            return f"{fmt(quantity)} / {fmt(factor)}"
    return None


# --- stock: a count, then what came in and what went out ---------------------------------------

_IN = re.compile(
    r"\b(?:came|arrived|added|got|received|bought|delivered|kamen|kam|dazu|hinzu|geliefert|bekommen|"
    r"llegaron|lleg[óo]|compr[ée]|recib\w*|m[áa]s|arriv\w*|re[çc]u\w*|ajout\w*|chegar\w*|receb\w*|"
    r"comprei|entr\w*|aggiunt\w*|ricevut\w*|binnen|erbij|bijgekomen|geleverd|пришл\w*|привезли|"
    r"добави\w*|получи\w*|geldi|eklendi|ald[ıi]m|przysz[łl]\w*|dosz[łl]\w*|dosta[łl]\w*)\b|"
    r"入荷|入って|届い|増え|追加|进了|到了|来了|增加|입고|들어왔|받았|추가",
    _I,
)
_OUT = re.compile(
    r"\b(?:sold|gave|used|went\s+out|took|lost|broke|verkauft|raus|weg|verbraucht|entnommen|"
    r"vend\w*|regal\w*|us[ée]\w*|saqu\w*|donn\w*|utilis\w*|usei|dei|verkocht|weggegeven|"
    r"продал\w*|отдал\w*|ушл\w*|забрал\w*|satt[ıi]m|sat[ıi]ld[ıi]|verdim|gitti|sprzeda\w*|odda\w*|"
    r"wyda\w*)\b|売れ|売った|使った|出荷|卖掉|卖了|卖出|用了|送了|팔았|팔렸|썼|나갔|줬",
    _I,
)
_LEFT = re.compile(
    r"\b(?:left|remain\w*|still|now|noch|übrig|[üu]brig|quedan|queda|tengo|reste|restent|sobr\w*|"
    r"tenho|restano|rimast\w*|over|nog|остал\w*|kald[ıi]|kalan|zosta[łl]\w*|teraz)\b|"
    r"残|今いくつ|今は|剩|现在|남았|남은|지금",
    _I,
)


def stock(t: Text) -> str | None:
    """A count that changed: "411 Kartons, dann kamen 288 dazu und 319 gingen raus: wie viele sind
    noch da" -> "411 + 288 - 319"."""
    if not _LEFT.search(t.plain) or not (_OUT.search(t.plain) or _IN.search(t.plain)):
        return None
    matches = [m for m in NUMBER.finditer(t.plain)]
    if len(matches) < 2 or any("." in m.group(0) for m in matches):
        return None
    terms = [matches[0].group(0)]
    for index, match in enumerate(matches[1:], start=1):
        start = matches[index - 1].end()
        end = matches[index + 1].start() if index + 1 < len(matches) else len(t.plain)
        window = t.plain[start:end]
        position = match.start() - start
        # the clause the number is in first, then the text between its neighbours
        cuts = [0, *(m.end() for m in _CLAUSE.finditer(window)), len(window)]
        left = max(c for c in cuts if c <= position)
        right = min(
            (m.start() for m in _CLAUSE.finditer(window) if m.start() > position),
            default=len(window),
        )
        sign = _sign(window[left:right], position - left) or _sign(window, position)
        if sign is None:
            return None
        terms.append(f"{sign} {match.group(0)}")
    return " ".join(terms)


_CLAUSE = re.compile(
    r"[,，、;；。.!?]|\b(?:and|then|und|dann|y|luego|et|puis|e|depois|poi|en|daarna|и|потом|ve|sonra|"
    r"i|potem)\b|て(?=\d)|고\s|又",
    _I,
)


def _sign(text: str, position: int) -> str | None:
    cues = [(abs(m.start() - position), "-") for m in _OUT.finditer(text)]
    cues += [(abs(m.start() - position), "+") for m in _IN.finditer(text)]
    return min(cues)[1] if cues else None
