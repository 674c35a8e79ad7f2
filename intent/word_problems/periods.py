"""Time in word problems: an amount per period over a duration ("890 im Monat, in zweieinhalb Jahren")."""

from __future__ import annotations

import re

from intent.word_problems.prepared import CURRENCY, NUM, Text, fmt, without

_I = re.IGNORECASE

_PER = {
    "day": r"\b(?:a|per|each|every|pro|am|par|al|por|ao|al|per|в|за|na|cada|ogni|elke|iedere|каждый|her|"
    r"ka[żz]dego|jeden|jeden\s+tag|chaque)\s+(?:day|tag|jour|d[íi]a|giorno|dag|день|dzie[ńn]|g[üu]n)\b|"
    r"\b(?:daily|täglich|taeglich|quotidien|diario|di[áa]rio|al\s+giorno|dagelijks|ежедневно|"
    r"g[üu]nl[üu]k|g[üu]nde|dziennie)\b|毎日|하루에|매일|每天|/\s*(?:day|tag|jour|d[íi]a)\b",
    "week": r"\b(?:a|per|each|every|pro|in\s+der|par|a\s+la|por|na|alla|в|na)\s+(?:week|woche|semaine|semana|settimana|неделю|tydzie[ńn])\b|"
    r"\b(?:weekly|wöchentlich|hebdomadaire|semanal|settimanal\w*|wekelijks|еженедельно|haftal[ıi]k|"
    r"tygodniowo)\b|毎週|매주|每周",
    "month": r"\b(?:a|per|each|every|pro|im|par|al|por|ao|al|per|in|в|na)\s+(?:month|monat|mois|mes|m[êe]s|mese|maand|месяц|miesi[ąa]c)\b|"
    r"\b(?:monthly|monatlich|mensuel\w*|mensual\w*|mensa\w*|maandelijks|ежемесячно|ayl[ıi]k|ayda|"
    r"miesi[ęe]cznie)\b|/\s*(?:month|mo|monat|mois|mes|m[êe]s|mese|maand|мес)\b|毎月|月額|月々|"
    r"매달|매월|한\s*달에|每月|每个月|月租|月薪",
    "year": r"\b(?:a|per|each|every|pro|im|par|al|por|ao|all'|per|in|в|na)\s*(?:year|jahr|an|ann[ée]e|a[ñn]o|ano|anno|jaar|год|rok)\b|"
    r"\b(?:yearly|annually|jährlich|jaehrlich|annuel\w*|anual\w*|annual\w*|jaarlijks|ежегодно|"
    r"y[ıi]ll[ıi]k|rocznie)\b|/\s*(?:year|yr|jahr|an|a[ñn]o|ano)\b|毎年|年額|매년|每年",
}
_PER["hour"] = (
    r"\b(?:an|per|each|every|pro|de\s+l'|par|por|à\s+l'|all'|l'|per|в|za|na)\s*"
    r"(?:hour|stunde|heure|hora|ora|uur|час|godzin[ęe])\b|\b(?:hourly|stündlich|saatlik|saati)\b|"
    r"/\s*(?:h|hr|std|stunde|heure|hora|ora|uur|час)\b|時給|시급|时薪|每小时"
)
# a number written right after the period word ("月8万円", "월세 65만원", "每月还 3000", "ayda 18500")
_PERIOD_BEFORE = {
    "hour": r"(?:stundenlohn|時給|시급|时薪|saatlik|saati)\s*",
    "day": r"(?:日給|일당|日薪|g[üu]nl[üu]k|g[üu]nde)\s*",
    "month": r"(?:月|월세|월급|월|매달|매월|每月|每个月|月租|月薪|家賃が月|月額|ayda|ayl[ıi]k|"
    r"monthly|miesi[ęe]cznie)\s*[^\d\s]{0,2}\s*",
    "year": r"(?:年収|연봉|年薪|毎年|매년|每年|y[ıi]ll[ıi]k|yearly)\s*[^\d\s]{0,2}\s*",
}
_WHOLE = (
    r"\b(?:a\s+whole|the\s+whole|a\s+full|ein\s+ganzes|das\s+ganze|im\s+ganzen|tout\s+l'|toute\s+l'|"
    r"une\s+ann[ée]e\s+enti[èe]re|todo\s+el|toda\s+la|o\s+ano\s+todo|todo\s+o|tutto\s+l'|"
    r"un\s+anno\s+intero|een\s+heel|het\s+hele|heel|целый|весь|за\s+весь|b[üu]t[üu]n|t[üu]m|ca[łl]y|"
    r"ca[łl]ym)\s*(?=(?:year|jahr|ann[ée]e|a[ñn]o|ano|anno|jaar|год|y[ıi]l|rok|month|monat|mois|mes|"
    r"m[êe]s|mese|maand|месяц|ay|miesi[ąa]c)\b)"
)
_DURATION_UNITS = {
    "hour": r"hours?|hrs?|stunden|std|heures?|horas|ore|uur|час\w*|saat|godzin\w*|時間|시간|小时|个小时|個小時",
    "day": r"days?|tage?n?|arbeitstage?n?|jours?|d[íi]as?|giorni|dagen|дн\w*|g[üu]n|dni|日間?|일\s*동안|일간|天",
    "week": r"weeks?|wochen|semaines?|semanas?|settimane|weken|недел\w*|hafta|tygodni\w*|週間|주\s*동안|주간|周|个星期",
    "month": r"months?|monate?n?|mois|mes(?:es)?|m[êe]s|mesi|mese|maanden|maand|месяц\w*|ay(?:da|l[ıi]k)?|"
    r"miesi[ęe]c\w*|か月|ヶ月|カ月|ケ月|개월|달\s*동안|个月|個月",
    "year": r"years?|jahre?n?|jahr|ans?|ann[ée]es?|a[ñn]os?|anni|anno|jaar|jaren|лет|года?|"
    r"y[ıi]l(?:da|l[ıi]k)?|"
    r"lat|lata|rok|年間?|년|年",
}
_HALF = (
    r"(?:and\s+a\s+half|und\s+ein\s+halb|et\s+demi|y\s+medio|e\s+meio|e\s+mezzo|en\s+een\s+half|"
    r"с\s+половиной|buçuk|bucuk|i\s+p[óo][łl])"
)
_GERMAN_HALF = {"anderthalb": 1.5, "eineinhalb": 1.5, "zweieinhalb": 2.5, "dreieinhalb": 3.5,
                "viereinhalb": 4.5, "fünfeinhalb": 5.5, "fuenfeinhalb": 5.5}  # fmt: skip
_ONE = r"(?:a|an|one|ein(?:em|en)?|un|une|uno|una|um|uma|één|een|один|bir|jeden|jeden)"
_IN_MONTHS = {"hour": 0.0, "day": 12 / 365, "week": 12 / 52, "month": 1.0, "year": 12.0}


_LENGTH_ADJECTIVE = re.compile(r"y[ıi]ll[ıi]k|ayl[ıi]k|g[üu]nl[üu]k|haftal[ıi]k|yearly|monthly", _I)


def _rates(t: Text) -> set[tuple[float, str]]:
    """Amounts per period: "1,450 a month", "890 Euro im Monat", "ayda 18500", "月8万円"."""
    found: set[tuple[float, str]] = set()
    for period, cue in _PER.items():
        for match in re.finditer(cue, t.plain, _I):
            window = t.plain[max(0, match.start() - 40) : match.start()]
            before = re.search(rf"{NUM}\s*{CURRENCY}?\s*(?:\S+\s+){{0,2}}$", window, _I)
            if re.search(r"\d\s*-?\s*$", window) and _LENGTH_ADJECTIVE.fullmatch(match.group(0)):
                continue  # "2 yıllık kontrat", "a 2-year lease": the duration's own adjective
            if before and not _is_duration(window[before.start() :]):
                found.add((float(before.group(1)), period))
    for period, cue in _PERIOD_BEFORE.items():
        for match in re.finditer(rf"{cue}{NUM}", t.plain, _I):
            found.add((float(match.group(1)), period))
    return found


def _is_duration(text: str) -> bool:
    units = "|".join(_DURATION_UNITS.values())
    return bool(re.match(rf"\d+(?:\.\d+)?\s*(?:{units})(?![a-zà-ÿа-яё])", text, _I))


def _durations(t: Text) -> set[tuple[float, str]]:
    found = set()
    for period, units in _DURATION_UNITS.items():
        pattern = rf"(?<![\d.]){NUM}\s*(?:{units})(?![a-zà-ÿа-яё])(?:\s*{_HALF})?"
        for match in re.finditer(pattern, t.plain, _I):
            value = float(match.group(1))
            if re.search(_HALF, match.group(0), _I):
                value += 0.5
            found.add((value, period))
    return found


def _asked_per(t: Text) -> set[str]:
    """The periods a question asks the total for with no number: "how much a year", "al mes"."""
    asked = set()
    for period, cue in _PER.items():
        for match in re.finditer(cue, t.plain, _I):
            window = t.plain[max(0, match.start() - 40) : match.start()]
            if not re.search(rf"{NUM}\s*{CURRENCY}?\s*(?:\S+\s+){{0,2}}$", window, _I):
                asked.add(period)
    return asked


def over_time(t: Text) -> str | None:
    """A rate per period over a duration: the total ("890 im Monat, in zweieinhalb Jahren"; "18,50
    die Stunde, 37 Stunden"; "時給1,150円で週に26時間、4週間")."""
    rates = _rates(t)
    if len(rates) != 1:
        return None
    amount, per = next(iter(rates))
    durations = {(v, p) for v, p in _durations(t) if v != amount}
    same = [d for d in durations if d[1] == per]
    other = [d for d in durations if d[1] != per]
    used: list[float] = [amount]
    if len(same) == 1 and len(other) == 1 and other[0][1] in _asked_per(t) | _per_cued(t):
        # hours a week over weeks
        used += [same[0][0], other[0][0]]
        expression = f"{fmt(amount)} * {fmt(same[0][0])} * {fmt(other[0][0])}"
    elif len(durations) == 1:
        length, unit = next(iter(durations))
        used.append(length)
        if unit == per:
            expression = f"{fmt(amount)} * {fmt(length)}"
        elif {unit, per} <= {"month", "year"}:
            factor = length * _IN_MONTHS[unit] / _IN_MONTHS[per]
            expression = f"{fmt(amount)} * {fmt(round(factor, 6))}"
        else:
            return None
        if length % 1 == 0.5:
            used.append(length - 0.5)
    elif not durations and len(_asked_per(t) - {per}) == 1:
        asked = next(iter(_asked_per(t) - {per}))
        if {asked, per} != {"month", "year"}:
            return None
        expression = f"{fmt(amount)} * {fmt(round(_IN_MONTHS[asked] / _IN_MONTHS[per], 6))}"
    else:
        return None
    if any(n != 1 for n in without(t.numbers, *used)):
        return None
    return expression


def _per_cued(t: Text) -> set[str]:
    """Periods named with "a"/"per"/"週に" anywhere (a duration's own period: "26時間 a week")."""
    cued = {p for p, cue in _PER.items() if re.search(cue, t.plain, _I)}
    for period, word in (
        (
            "week",
            r"週に|주에|每周|pro\s+woche|a\s+week|per\s+week|par\s+semaine|"
            r"por\s+semana|a\s+settimana|per\s+week|в\s+неделю|haftada|w\s+tygodniu",
        ),
    ):
        if re.search(word, t.plain, _I):
            cued.add(period)
    return cued


def lengths_in_words(plain: str) -> str:
    """Durations written without digits, as digits: "zweieinhalb Jahre" -> "2.5 Jahre", "en un
    año y medio" -> "en 1 año y medio", "za cały rok" -> "za 1 rok" (before the numbers in words
    are read, which would leave "ein"/"un" alone)."""
    for word, value in _GERMAN_HALF.items():
        plain = re.sub(rf"\b{word}\b", str(value), plain, flags=_I)
    plain = re.sub(
        rf"\b(in|for|over|within|en|dans|sur|pour|f[üu]r|über|em|durante|por|per|tra|voor|binnen|"
        rf"за|через|на|i[çc]inde|przez|na|po)\s+{_ONE}\s+(?=(?:{'|'.join(_DURATION_UNITS.values())})\b)",
        r"\1 1 ",
        plain,
        flags=_I,
    )
    return re.sub(_WHOLE, "1 ", plain, flags=_I)


def halves_after_digits(plain: str) -> str:
    """ "3年半" -> "3.5年", "1년 반" -> "1.5년", "一年半" -> "1.5年"."""
    plain = re.sub(
        r"(\d+)\s*([年년])\s*(?:半|반)", lambda m: f"{float(m.group(1)) + 0.5}{m.group(2)}", plain
    )
    return re.sub(r"一年半", "1.5年", plain)
