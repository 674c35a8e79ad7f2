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

from collections.abc import Sequence

from intent.grounding import verb_kinds
from intent.text import folders, json_literals, paths, urls

_FILE_TOOLS = frozenset({"file_list", "file_read", "file_write"})


def file_tools(chosen: Sequence[str], text: str) -> list[str] | None:
    """The file tool for a request about one named file, or None when the request is not one."""
    if set(chosen) - {"file_list", "file_write"} or len(chosen) > 1:
        return None  # a read, two tools, another tool: the model's choice stands
    named = paths(text)
    if len(named) != 1 or urls(text) or json_literals(text):
        return None
    file = named[0]
    if any(not file.start <= span.start < file.end for span in folders(text)):
        return None  # a folder named beside the file
    if "file" in verb_kinds(text):
        return ["file_write"]
    if list(chosen) == ["file_list"]:
        return ["file_read"]
    return None
