"""A request about a table the user names: read it, change it, or both (issue 29).

"Supprime de la table people toutes les lignes où l'email est vide", "peopleテーブルに鈴木一郎（45）
を追加して、そのあと45歳以上の人を一覧で出して", "Pokaż z tabeli orders wszystkie zamówienia z
Krakowa": a table is named, with a word for "table" in any of the 13 languages, and what is asked
of it is in its verbs. The intent model often hears the numbers ("45", "24.99") and reaches for
the calculator, or hesitates between the two database tools. :func:`table_tools` decides from
the words instead: each clause with a verb of change (the side-effect grounding's own verbs,
:func:`intent.grounding.database_change_asked`) asks ``database_execute``; a clause without one that
asks to see, list or count (or any request without a change) asks ``database_query``. Written
SQL, pasted data and questions about a concept are left to the model.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from intent.clear import arithmetic_calls
from intent.extract import extract
from intent.file_asks import READ_FILE
from intent.grounding import database_change_asked, verb_kinds
from intent.records import STATISTIC, numbers_in
from intent.safety import concept_question
from intent.text import boundaries, json_literals, paths
from tools.sql_tables import SQL_WORDS

DATABASE = ("database_query", "database_execute")
_REPLACEABLE = frozenset({"calculator", "statistics", "system_info", *DATABASE})
"""Tools the numbers or words of a table request mislead the model into (replaced by the
database tools); a file, a URL or another change beside the table keeps its own tool."""

_WORD = (
    r"(?:tables?|tabelle|tabellen|tabla|tablas|tabela|tabelas|tableau|tabella|tabel|tabeli|"
    r"tabelę|tabele|tablo(?:su|sunu|sundan|suna|sunda)?|таблиц[аеуыи]?)"
)
_NAME = r"[`'\"“«]?(?P<name>[A-Za-z_][A-Za-z0-9_$]*)[`'\"”»]?"
_AFTER = re.compile(
    rf"\b{_WORD}\s+(?:(?:called|named|nomm[ée]e?|namens|llamada|chamada|chiamata|genaamd|"
    rf"под\s+названием|o\s+nazwie)\s+)?{_NAME}",
    re.IGNORECASE,
)
_BEFORE = re.compile(
    rf"{_NAME}\s*(?:{_WORD}\b|테이블|テーブル|表(?![示达達现現演情格]))",
    re.IGNORECASE,
)
_PAYLOAD = re.compile(
    r"\b(?:SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER)\b.+\b(?:FROM|INTO|SET|TABLE)\b|\n.*,.*\n",
    re.I | re.S,
)
READ = re.compile(
    # en, de, fr, es, pt, it, nl, ru, tr, pl
    r"\b(?:show|list|display|give|find|get|fetch|which|who|what|how\s+many|count|select|"
    r"zeig\w*|liste\w*|welche\w*|wie\s*viele|z[äa]hl\w*|gib|montre\w*|compte[rz]?|cuenta|contar|conta|affiche\w*|donne\w*|quel\w*|combien|"
    r"muestra\w*|mu[ée]strame|lista\w*|dame|cu[áa]l\w*|cu[áa]nt\w*|mostr\w*|quais|quantos|quantas|"
    r"elenca\w*|dammi|quali|quant[ie]|toon|laat|welke|hoeveel|geef|"
    r"покаж\w*|выбер\w*|вывед\w*|сколько|как\w+|какие|кто|"
    r"göster\w*|goster\w*|listele\w*|ka[çc]|hangi\w*|getir\w*|"
    r"poka[żz]\w*|wypisz\w*|wy[śs]wietl\w*|ile|kt[óo]r\w*|kto)\b|"
    # ko, ja, zh
    r"보여|알려|몇|세고|세어|세줘|조회|数えて|数一下|统计|統計|뽑아|찾아|뭐|무엇|見せ|表示|一覧|出して|何件|何人|何が|教えて|显示|顯示|列出|查|"
    r"多少|几|哪些|什么|什麼|[?？]",
    re.IGNORECASE,
)


_NOT_NAMES = frozenset(
    {"sql", "sqlite", "mysql", "postgres", "postgresql", "database", "db", "data", "the", "a", "an",
     "this", "that", "my", "our", "your", "new", "each", "every", "of", "in", "to", "from", "it",
     "into", "on", "at", "for", "with", "whole", "entire",
     # articles and prepositions before a word for "table" (de, fr, es, pt, it, nl, tr, pl)
     "die", "der", "den", "dem", "das", "des", "ein", "eine", "einer", "einen", "einem", "meine", "meiner", "unsere", "unserer", "ganze",
     "la", "le", "les", "l", "de", "du", "dans", "ma", "notre", "cette", "une", "un",
     "el", "los", "las", "del", "en", "mi", "nuestra", "esta", "una",
     "o", "os", "as", "da", "do", "na", "no", "minha", "nossa", "uma", "um",
     "il", "lo", "della", "dalla", "nella", "alla", "sulla", "questa", "mia",
     "het", "een", "uit", "naar", "mijn", "onze", "deze",
     "bu", "yeni", "z", "w", "ze", "moja", "moje", "nowa", "nowej",
     # tables that are not a database's: "the times table", "a pivot table in Excel"
     "multiplication", "times", "pivot", "periodic", "truth", "hash", "lookup", "html", "markdown",
     "excel", "spreadsheet", "conversion", "frequency", "contingency", "routing", "round",
     "dining", "kitchen", "coffee", "water", "size", "league", "seating", "ascii", "unicode",
     "row", "rows", "column", "columns", "below", "above", "here"}
)  # fmt: skip


def named_table(text: str) -> str | None:
    """The first table the text names with a word for "table" (before or after it), or None."""
    found = sorted(
        (match.start("name"), match.group("name"))
        for regex in (_AFTER, _BEFORE)
        for match in regex.finditer(text)
    )
    for _, name in found:
        if (
            name.lower() not in SQL_WORDS
            and name.lower() not in _NOT_NAMES
            and not re.fullmatch(_WORD, name, re.I)
        ):
            return name
    return None


def _beside_files_blanked(clause: str) -> str:
    """The clause without each file it names and the two words on either side of it: "...
    sonucu rapor/maaslar.txt ye kaydet", "die Zahl in berichte/anzahl.txt speichern": the verb
    next to a file saves the file, it changes no table."""
    for span in reversed(paths(clause)):
        before = re.search(r"(?:\S+\s+){0,2}$", clause[: span.start])
        after = re.match(r"(?:\s*\S+){0,2}", clause[span.end :])
        start = before.start() if before else span.start
        end = span.end + (after.end() if after else 0)
        clause = clause[:start] + " " * (end - start) + clause[end:]
    return clause


def _file_written(text: str) -> bool:
    """Whether a file is named with a verb of writing next to it ("apunta en notas/altas.txt")."""
    for p in paths(text):
        after = _AND.split(text[p.end : p.end + 12], maxsplit=1)[0]  # "nowi.txt i dopisz": no
        if "file" in verb_kinds(text[max(0, p.start - 60) : p.end] + after):
            return True
    return False


_AND = re.compile(
    r"\s(?:i|and|und|et|y|e|en|ve|и|а|oraz|poi|then|dann|puis|luego|depois)\s", re.IGNORECASE
)


def table_tools(chosen: Sequence[str], text: str) -> list[str] | None:
    """The tools for a request about a named table (the database tools in place of the ones its
    words mislead the model into), or None when the request is not one."""
    if chosen and not set(chosen) & _REPLACEABLE and len(chosen) > 1:
        return None  # a file, a URL, data: the model's choice is about something else
    others = [
        tool
        for tool in chosen
        if tool not in _REPLACEABLE and (len(chosen) > 1 or extract(tool, text).arguments)
    ]
    if "file_write" in others and not _file_written(text):
        # "zet in de tabel leden ...", "... dopisz ... do tabeli klienci": the verb writes the
        # table; the one file named, if any, is read ("odczytaj plik nowi_klienci.txt")
        read = bool(paths(text)) and READ_FILE.search(text) is not None
        others = [
            "file_read" if tool == "file_write" else tool
            for tool in others
            if read or tool != "file_write"
        ]
    if (
        named_table(text) is None
        or concept_question(text)
        or json_literals(text)
        or _PAYLOAD.search(text)
    ):
        return None
    cuts = [0, *boundaries(text), len(text)]
    clauses = [text[a:b] for a, b in itertools.pairwise(cuts) if text[a:b].strip()]
    changes = [clause for clause in clauses if database_change_asked(_beside_files_blanked(clause))]
    reads = [clause for clause in clauses if clause not in changes and READ.search(clause)]
    if "calculator" in chosen and any(
        arithmetic_calls(clause) and named_table(clause) is None
        for clause in clauses
        if clause not in changes
    ):
        # "..., ensuite combien ça ferait, 657 / 54 ?": a sum of its own beside the table
        others.append("calculator")
        reads = [clause for clause in reads if not arithmetic_calls(clause)]
    if "statistics" in chosen and any(
        STATISTIC.search(clause) and len(numbers_in(clause)) >= 3 and named_table(clause) is None
        for clause in clauses
        if clause not in changes
    ):
        # "max ve min bul 8 3 15 22 6, ardından urunler tablosunda ...": a statistic of its own
        others.append("statistics")
        reads = [clause for clause in reads if len(numbers_in(clause)) < 3]
    wanted = []
    if changes:
        wanted.append("database_execute")
    if reads or not changes:
        wanted.append("database_query")
    return [*wanted, *others][:2]
