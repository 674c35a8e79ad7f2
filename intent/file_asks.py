"""A request about one file the user names: write it or read it, as its verbs say (issue 29).

"Zapisz do pliku listy/zakupy.txt: ...", "Wil je '...' wegschrijven naar agenda/week.txt?",
"notes/회의록.md 파일 내용 좀 보여줘": one file (a name with an extension) is named. In a
language the phrasebooks lack, the intent model hears "file" and reaches for the folder listing,
or does not decide. :func:`file_tools` decides from the words instead: a verb of writing next to
the file (the side-effect grounding's own verbs, :func:`intent.grounding.verb_kinds`) asks
``file_write``; a listing chosen for a file that is not a folder asks ``file_read``. A second
file or folder, a URL or pasted data is left to the model; the safety rules
(:mod:`intent.safety`) still hold a write to the words that back it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from intent.grounding import verb_kinds
from intent.text import blank, folders, json_literals, paths, urls

_FILE_TOOLS = frozenset({"file_list", "file_read", "file_write"})

READ_FILE = re.compile(  # a verb of reading a file
    r"\b(?:read|open|cat|lies|lis|lee|lê|le(?=\s+(?:o|os|a|as|meu|minha|esse|essa|este|esta)\s)|leggi|"
    r"lees|oku|przeczytaj|odczytaj|otwórz)\b|"
    r"прочитай|прочти|открой|읽어|열어|読んで|開いて|读一下|讀一下|读取|讀取|打开|打開",
    re.IGNORECASE,
)


FOLDER_WORD = re.compile(
    r"\b(?:folder\w*|director(?:y|ies)|dir|ordner\w*|verzeichnis\w*|dossiers?|r[ée]pertoire\w*|carpetas?|"
    r"directorio\w*|pastas?|diret[óo]rio\w*|cartell[ae]|map|mappen|папк\w*|каталог\w*|"
    r"klas[öo]r\w*|dizin\w*|katalog\w*)\b|폴더|디렉터리|디렉토리|フォルダ|ディレクトリ|文件夹|目录|資料夾|目錄",
    re.IGNORECASE,
)
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")


def file_tools(chosen: Sequence[str], text: str) -> list[str] | None:
    """The file tool for a request about one named file, or None when the request is not one."""
    if set(chosen) - _FILE_TOOLS:
        return None  # another tool: the model's choice stands
    named = paths(text)
    if len(named) != 1 or urls(text) or json_literals(text):
        return None
    file = named[0]
    if any(not file.start <= span.start < file.end for span in folders(text)):
        return None  # a folder named beside the file
    if "file" in verb_kinds(text) and not ("file_read" in chosen and READ_FILE.search(text)):
        # "zet in boodschappen/zaterdag.txt: ...": a verb of writing next to the one file, even
        # where the model heard a listing and a read
        return ["file_write"]
    if (
        list(chosen) == ["file_read"]
        and FOLDER_WORD.search(text)
        and not _EXTENSION.search(file.text)
    ):
        return ["file_list"]  # "was liegt im ordner `projekte/2024`": a folder, listed, not read
    if (
        set(chosen) == {"file_list", "file_read"}
        and READ_FILE.search(text)
        and not FOLDER_WORD.search(text)
    ):
        return ["file_read"]  # "docs/보고서.md 파일 좀 열어서 보여줘": one file, opened, not listed
    if len(chosen) > 1 or "file_read" in chosen:
        return None  # a read, two tools: the model's choice stands
    if list(chosen) == ["file_list"] and _EXTENSION.search(file.text):
        return ["file_read"]  # a listing chosen for a file (a name with an extension)
    return None


def written_not_read(chosen: Sequence[str], text: str) -> list[str] | None:
    """The decision with ``file_write`` for ``file_read`` where the one file named is to be
    written, not read ("https://... 긁어서 텍스트를 budget.xlsx에 써줘": the model heard a file
    beside a page and chose the read): a verb of writing it and none of reading; or None."""
    if "file_read" not in chosen or "file_write" in chosen or len(paths(text)) != 1:
        return None
    if "file" not in verb_kinds(text) or READ_FILE.search(text):
        return None
    return ["file_write" if tool == "file_read" else tool for tool in chosen]


def read_beside_write(chosen: Sequence[str], text: str) -> list[str] | None:
    """The decision without ``file_read`` where the model chose both a read and a write of the
    one file named, and only a verb of writing stands beside it ("scrape https://... en zet de
    verwachting in weer/vandaag.txt"): the file is the write's target, never read. A page named
    with a verb of taking it takes the read's place. None when the request is not one."""
    if not {"file_read", "file_write"} <= set(chosen) or len(paths(text)) != 1:
        return None
    if "file" not in verb_kinds(text) or READ_FILE.search(blank(text, urls(text))):
        return None
    pages = urls(text)
    page = ["web_scrape"] if len(pages) == 1 and _TAKE_PAGE.search(text) else []
    return [*page, *(tool for tool in chosen if tool != "file_read")]


_TAKE_PAGE = re.compile(
    r"\b(?:scrape|scrap\w*|fetch|get|haal|hol|r[ée]cup[èe]r\w*|descarg\w*|baixa\w*|scarica|"
    r"download\w*|pobierz|[çc]ek|спарси\w*|скачай)\b|抓取|爬|긁어|取得",
    re.IGNORECASE,
)
