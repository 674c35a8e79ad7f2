"""Money in word problems: a bill shared, a price with a discount or a charge, a basket."""

from __future__ import annotations

import re

from intent import arithmetic
from intent.word_problems.prepared import CURRENCY, NUM, NUMBER, Text, fmt, without

_I = re.IGNORECASE

_PERCENT = re.compile(
    rf"{NUM}\s*(?:%|percent\b|per\s*cent\b|pour\s*cent\b|prozent\b|por\s*ciento\b|por\s*cento\b|"
    rf"per\s*cento\b|percento\b|procent\w*|процент\w*|퍼센트|프로\b|パーセント)|"
    rf"(?:y[üu]zde|百分之|PCT)\s*{NUM}",
    _I,
)
_DISCOUNT = re.compile(
    r"\b(?:off|discount\w*|sale|rabatt\w*|reduziert|nachlass|remise|r[ée]duction|soldes?|"
    r"descuento|rebaja\w*|desconto|promo[çc][ãa]o|sconto|scontat\w*|saldi|korting|afgeprijsd|"
    r"скидк\w*|indirim\w*|rabat\w*|zni[żz]k\w*|promocj\w*)\b|할인|割引|引き|オフ|折扣|优惠|減|减",
    _I,
)
# "打八五折" (85% of the price), "八折", "8.5折", "85折"
_ZHE = re.compile(r"打?\s*([1-9一二三四五六七八九](?:\.?[0-9一二三四五六七八九])?)\s*折")
_CJK_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")}
_ADDED = re.compile(
    r"\b(?:tip|tips|gratuity|service|tax|vat|trinkgeld|bedienung|mwst|steuer|aufschlag|pourboire|"
    r"service|tva|taxe|propina|servicio|iva|impuesto|gorjeta|servi[çc]o|taxa|imposto|mancia|"
    r"coperto|servizio|fooi|btw|чаев\w*|ндс|налог\w*|bah[şs]i[şs]|kdv|vergi|napiw\w*|vat|"
    r"podat\w*)\b|팁|봉사료|부가세|세금|チップ|サービス料|税|小费|服务费|税",
    _I,
)

# "3.500 menos el 21%", "minus 15 %": taken off; "7% de aumento", "plus 10 %": added on
_LESS = re.compile(
    rf"(?:\bminus|\bmenos|\bmoins|\bweniger|\babz[üu]glich|\bmeno|\bmin|минус|\beksi|\bmniej|-)\s*"
    rf"(?:(?:el|la|le|les|o|a|il|lo|de|del|die|der)\s+)?{NUM}\s*(?:%|PCT)|{NUM}\s*%\s*(?:weniger|less|"
    rf"de\s+moins|menos|in\s+meno|minder|mniej|az)\b|빼고|引き|減",
    _I,
)
_RAISE = re.compile(
    r"\b(?:plus|more|mais|más|mas|più|piu|meer|больше|fazla|wi[ęe]cej|raise|increase|erh[öo]hung|"
    r"mehr|augmentation|hausse|aumento|aumentar|reajuste|rincaro|verhoging|повышени\w*|прибав\w*|"
    r"zam|art[ıi][şs]|podwy[żz]k\w*)\b|\+\s*\d+(?:\.\d+)?\s*%|인상|오르|値上げ|上がる|涨|加薪",
    _I,
)
_REMAINS = re.compile(
    r"\b(?:left|remain\w*|net|take[-\s]home|netto|übrig|bleib\w*|reste|restera|net|queda\w*|"
    r"neto|l[ií]quido|sobra\w*|fica|rimane|resta|netto|overblijft|blijft|остан\w*|на\s+руки|"
    r"kal[ıi]r|kalan|net|zostanie|zostaje|netto|na\s+r[ęe]k[ęe])\b|손에|실수령|남|手取り|残る|到手|剩",
    _I,
)

# Who shares: "5 people", "zu fünft", "we were 4", "8人で", "여섯 명", "五个人".
_PEOPLE_WORDS = (
    r"people|persons?|friends|of\s+us|guys|personen|leute|freunde|kollegen|personnes|amis|potes|"
    r"coll[èe]gues|personas|amigos|compañeros|pessoas|amigos|colegas|persone|amici|colleghi|"
    r"mensen|vrienden|collega'?s|человек|друз\w*|коллег|ki[şs]i\w*|arkada[şs]\w*|os[óo]b\w*|"
    r"znajom\w*|koleg\w*"
)
_PEOPLE = re.compile(
    rf"{NUM}\s*(?:{_PEOPLE_WORDS})\b|{NUM}\s*(?:人|명|個人|个人|位|名)",
    _I,
)
_PEOPLE_BEFORE = re.compile(
    rf"\b(?:we\s+were|there\s+were|there\s+are|we\s+are|waren\s+wir|wir\s+waren|sind\s+wir|"
    rf"wir\s+sind|on\s+(?:était|etait|est)|nous\s+étions|nous\s+sommes|fuimos|éramos|eramos|"
    rf"somos|fomos|eravamo|siamo|we\s+waren|we\s+zijn|нас\s+было|нас|"
    rf"by[łl]o\s+nas|jest\s+nas)\s+(?:in\s+|met\s+(?:z'n\s+)?|en\s+)?{NUM}",
    _I,
)
_GERMAN_GROUP = {
    "zweit": 2, "dritt": 3, "viert": 4, "fünft": 5, "fuenft": 5, "sechst": 6, "siebt": 7,
    "acht": 8, "neunt": 9, "zehnt": 10,
}  # fmt: skip
_ZU_FUENFT = re.compile(rf"\bzu\s+({'|'.join(_GERMAN_GROUP)})\b", _I)
_DUTCH_GROUP = {"tweeën": 2, "tweeen": 2, "drieën": 3, "drieen": 3, "vieren": 4, "vijven": 5,
                "zessen": 6, "zevenen": 7, "achten": 8, "negenen": 9, "tienen": 10}  # fmt: skip
_MET_ZN = re.compile(rf"\bmet\s+(?:z'n|zijn|ons)\s+({'|'.join(_DUTCH_GROUP)})\b", _I)
_SHARE = re.compile(
    r"\b(?:each|apiece|per\s+(?:person|head)|split|share|jede[rs]?|pro\s+(?:person|kopf)|teilen|"
    r"aufteilen|chacun|par\s+personne|par\s+t[êe]te|partag\w*|diviser|cada\s+(?:uno|una|um|uma)|"
    r"cada\s+(?:un|1)|por\s+(?:persona|pessoa|cabe[çc]a)|dividir|dividimos|rachar|ciascuno|a\s+testa|"
    r"a\s+persona|dividere|divider\w*|alla\s+romana|per\s+persoon|pp|ieder|iedereen|verdelen|delen|на\s+каждого|"
    r"с\s+каждого|на\s+человека|каждый|раздел\w*|ki[şs]i\s+ba[şs][ıi]|b[öo]l[üu][şs]\w*|"
    r"na\s+osob[ęe]|na\s+g[łl]ow[ęe]|ka[żz]dy|podziel\w*)\b|\bp\.\s?p\.|"
    r"一人|1人(?:あたり|当たり)|ひとり|割り勘|割ると|한\s*명당|1인당|인당|각자|나누|每人|每个人|人均|\bAA\b",
    _I,
)

# A rate per period and a duration: "1,450 a month", "890 Euro im Monat", "月8万2千円", "월세 65만원".


def _percents(t: Text) -> list[float]:
    return [float(m.group(1) or m.group(2)) for m in _PERCENT.finditer(t.plain)]


def _people(t: Text) -> float | None:
    found = [float(m.group(1) or m.group(2)) for m in _PEOPLE.finditer(t.plain)]
    found += [float(m.group(1)) for m in _PEOPLE_BEFORE.finditer(t.plain)]
    found += [float(_GERMAN_GROUP[m.group(1).lower()]) for m in _ZU_FUENFT.finditer(t.plain)]
    found += [float(_DUTCH_GROUP[m.group(1).lower()]) for m in _MET_ZN.finditer(t.plain)]
    found = [n for n in found if n > 1]
    return found[0] if len(set(found)) == 1 else None


_AMOUNT_TAIL = re.compile(
    r"^\s*(?:[€$£]|euros?|dollars?|reais|zł|tl)?\s*(?:de\s+|di\s+|of\s+)?", _I
)


def _added_amount(t: Text, exclude: set[float]) -> float | None:
    """An amount said to be a tip or a charge ("10 € de pourboire", "tip of 5")."""
    for match in NUMBER.finditer(t.plain):
        value = float(match.group(0))
        if value in exclude:
            continue
        after = _AMOUNT_TAIL.sub("", t.plain[match.end() : match.end() + 20], count=1)
        before = t.plain[max(0, match.start() - 14) : match.start()]
        if _ADDED.match(after):
            return value
        if re.search(rf"(?:{_ADDED.pattern})\s*(?:of|von|de|di|van)?\s*[€$£]?\s*$", before, _I):
            return value
    return None


def share(t: Text) -> str | None:
    """A bill shared: the total (with a tip or a charge) over the people."""
    people = _people(t)
    if people is None or not _SHARE.search(t.plain):
        return None
    rest = without(t.numbers, people)
    rest = [n for n in rest if n != 1]
    percents = _percents(t)
    tip = _added_amount(t, set(percents) | {people})
    total_candidates = without(rest, *percents, *([tip] if tip is not None else []))
    if len(total_candidates) != 1 or len(percents) > 1:
        return None
    total = fmt(total_candidates[0])
    if percents and _ADDED.search(t.plain):
        total = f"{total} * (1 + {fmt(percents[0])}/100)"
    elif percents:
        return None
    elif tip is not None:
        total = f"({total} + {fmt(tip)})"
    return f"{total} / {fmt(people)}"


def discount(t: Text) -> str | None:
    """A price and a discount: what is left to pay."""
    zhe = _ZHE.search(t.plain)
    if zhe:
        digits = "".join(_CJK_DIGIT.get(c, c) for c in zhe.group(1)).replace(".", "")
        factor = int(digits) / (10 if len(digits) == 1 else 100)
        prices = [n for n in t.numbers if fmt(n) != digits and n != int(digits) / 10]
        if len(prices) == 1:
            return f"{fmt(prices[0])} * {factor:g}"
        return None
    percents = _percents(t)
    if len(percents) != 1:
        return None
    prices = [n for n in without(t.numbers, percents[0]) if n != 1]
    if len(prices) != 1:
        return None
    price, percent = fmt(prices[0]), fmt(percents[0])
    if (
        _DISCOUNT.search(t.plain)
        or _LESS.search(t.plain)
        or (_ADDED.search(t.plain) and _REMAINS.search(t.plain))
    ):
        return f"{price} * (1 - {percent}/100)"
    if _ADDED.search(t.plain) or _RAISE.search(t.plain):
        return f"{price} * (1 + {percent}/100)"
    return f"{price} * {percent}/100"  # "520万円の手取りが78%": that share of it


# --- a basket: quantities at unit prices, single items at a price, the change from a note ------

_TOTAL = re.compile(
    r"\b(?:total|in\s+all|altogether|all\s+together|zusammen|insgesamt|gesamt|en\s+tout|au\s+total|"
    r"en\s+total|tudo|no\s+total|in\s+tutto|totale|in\s+totaal|samen|всего|итого|вместе|toplam|"
    r"hepsi|razem|w\s+sumie|spend|spent|gast\w*|gaste\w*|kost\w*|co[uû]t\w*|pago|pagu\w*|paie|"
    r"deu|macht|fait|cuesta|costa|ausgegeben|d[ée]pens\w*|spes\w*|betaal\w*|вышло|tuttu|zap[łl]ac\w*)\b|"
    r"合計|合计|一共|总共|總共|全部で|全部|총|합계|다\s*해서|いくら|多少钱|얼마",
    _I,
)
_SINGLE = re.compile(
    rf"\b(?:1|a|an|one|un|une|una|uno|um|uma|ein|eine|einen|einem|een|один|одну|bir|jeden|jedna)\s+"
    rf"(?:[^\W\d]+\s+){{1,4}}?(?:for|f[üu]r|fuer|de|à|a|por|per|voor|за|po|i[çc]in|za|at|zu|da)\s+"
    rf"(?:{CURRENCY}\s*)?{NUM}",
    _I,
)
_NOTE_WORD = r"(?:note|bill|schein|billet|billete|nota|banconota|biljet|купюр\w*|banknot\w*)"
_NOTE = re.compile(
    rf"(?:\b(?:paid\s+with|pay\s+with|bezahle\s+mit|zahle\s+mit|paie\s+avec|pay[ée]\s+avec|"
    rf"pago\s+con|pagu[ée]\s+con|pago\s+com|paguei\s+com|betaal\s+met|плачу|заплатил|[öo]dedim|"
    rf"p[łl]ac[ęe])\s+|\b{_NOTE_WORD}\s+)"
    rf"(?:(?:a|an|one|un|une|uno|una|um|uma|ein(?:em|en)?|een|1|{_NOTE_WORD}|de|of|von|da|van)\s+)*"
    rf"{CURRENCY}?\s*{NUM}(?!\s*{_NOTE_WORD})",
    _I,
)
_CHANGE = re.compile(
    r"\b(?:change|back|rend\w*|monnaie|wechselgeld|zur[üu]ck|cambio|vuelto|vuelta|troco|resto|"
    r"wisselgeld|сдач\w*|[üu]st[üu]|reszt\w*)\b|거스름돈|おつり|お釣り|找",
    _I,
)


_MEASURE = re.compile(
    r"\s*(?:ml|cl|dl|l|g|gr|kg|mg|cm|mm|m|km|gb|mb|tb|%|liters?|litros?|gramm?s?)\b", _I
)
# Turkish: "12 tane kalem aldım, tanesi 17,50 TL"
_TANESI = re.compile(r"(\d+)\s*tane\b[^\d]{0,40}?tanesi\s*(\d+(?:\.\d+)?)", _I)


def basket(t: Text) -> str | None:
    """What a basket costs: "3 packs at 4.75 each and one toner for 38.20", "4 Säcke zu je 7,49
    und einen Spaten für 22,90"; and the change from a note ("je paie avec un billet de 20")."""
    priced = arithmetic.priced_sum(t.plain)
    if priced is None and (tanesi := _TANESI.search(t.plain)):
        priced = f"{tanesi.group(1)} * {tanesi.group(2)}"
    if priced is None:
        return None
    used = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", priced)]
    note = _NOTE.search(t.plain)
    paid = float(note.group(1)) if note and _CHANGE.search(t.plain) else None
    rest = [n for n in without(t.numbers, *used, *([paid] if paid is not None else [])) if n != 1]
    singles = []
    for match in _SINGLE.finditer(t.plain):
        value = float(match.group(1))
        if _MEASURE.match(t.plain, match.end()):
            continue  # "64 copos de 500 ml": a size, not a price
        if value in rest:
            rest.remove(value)
            singles.append(match.group(1))
    if rest or not (_TOTAL.search(t.plain) or paid is not None or singles):
        return None
    total = " + ".join([priced, *singles])
    return f"{fmt(paid)} - ({total})" if paid is not None else total


_CJK_COUNTER = r"(?:個|本|枚|つ|杯|袋|パック|箱|冊|人前|点|개|잔|병|장|권|봉지|팩|斤|个|瓶|件|杯|本|盒|袋|只|份)"
_CJK_MONEY = r"(?:円|원|元|块钱?|塊錢?)"
_CJK_PAIRS = (
    # "398円の卵を2パック", "1個380円のりんごを12個"
    re.compile(
        rf"(?:1{_CJK_COUNTER})?(?P<price>\d+(?:\.\d+)?){_CJK_MONEY}の[^\d、。,，を]{{1,12}}を(?P<qty>\d+(?:\.\d+)?){_CJK_COUNTER}"
    ),
    # "삼각김밥 3개 1,300원씩", "3斤苹果每斤6.8元", "两瓶 4 块钱的水"
    re.compile(
        rf"(?P<qty>\d+(?:\.\d+)?)\s*{_CJK_COUNTER}[^\d，,。、]{{0,8}}?(?:每{_CJK_COUNTER})?\s*(?P<price>\d+(?:\.\d+)?)\s*{_CJK_MONEY}(?:씩|的)"
    ),
    re.compile(
        rf"(?P<qty>\d+(?:\.\d+)?)\s*{_CJK_COUNTER}[^\d，,。、]{{0,8}}?每{_CJK_COUNTER}\s*(?P<price>\d+(?:\.\d+)?)\s*{_CJK_MONEY}"
    ),
    # "一斤苹果 6.8 元，我买了 3.5 斤", "每斤 6.8 元 ... 3 斤"
    re.compile(
        rf"(?:1|每)(?P<unit>{_CJK_COUNTER})[^\d，,。、]{{0,6}}?(?P<price>\d+(?:\.\d+)?)\s*{_CJK_MONEY}[^\d]{{0,12}}?(?P<qty>\d+(?:\.\d+)?)\s*(?P=unit)"
    ),
    # "280円のパンを15個で", "4,500원짜리 커피 9잔"
    re.compile(
        rf"(?P<price>\d+(?:\.\d+)?)\s*(?:{_CJK_MONEY}짜리|{_CJK_MONEY}の)[^\d、。,，]{{0,12}}?(?P<qty>\d+(?:\.\d+)?)\s*{_CJK_COUNTER}"
    ),
)
_CJK_SINGLE = re.compile(rf"(?P<price>\d+(?:\.\d+)?)\s*{_CJK_MONEY}")


def cjk_basket(t: Text) -> str | None:
    """A basket written in Japanese, Korean or Chinese: counters and prices."""
    if not re.search(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]", t.plain):
        return None
    taken: list[tuple[int, int]] = []
    terms: list[str] = []
    for pattern in _CJK_PAIRS:
        for match in pattern.finditer(t.plain):
            span = (match.start("price"), match.end("price"))
            if any(a <= span[0] < b for a, b in taken):
                continue
            taken += [span, (match.start("qty"), match.end("qty"))]
            terms.append(f"{match.group('qty')} * {match.group('price')}")
    if not terms or not _TOTAL.search(t.plain):
        return None
    for match in _CJK_SINGLE.finditer(t.plain):
        if not any(a <= match.start("price") < b for a, b in taken):
            taken.append((match.start("price"), match.end("price")))
            terms.append(match.group("price"))
    leftover = [
        m
        for m in NUMBER.finditer(t.plain)
        if m.group(0) != "1" and not any(a <= m.start() < b for a, b in taken)
    ]
    return None if leftover else " + ".join(terms)
