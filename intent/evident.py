"""A second ask the intent model missed, where its payload leaves no doubt (issue 29).

"Hoe laat is het in Jakarta en hoeveel is drie tot de macht twaalf?": the intent model hears the
time question and misses the sum, whose words it has never seen in Dutch. But the sum is written
out (the calculator's reader turns "drie tot de macht twaalf" into ``3**12``), and a place with
a question for the time is as plain. :func:`evident_second` names such a second tool beside the
one the model chose; the caller still reads its arguments and drops it when they are not there.
Only harmless tools are added this way (the calculator, time_now), never a change or a read.
"""

from __future__ import annotations

from collections.abc import Sequence

from intent import places
from intent.clear import arithmetic_calls
from intent.readers import TIME_QUESTION
from intent.safety import concept_question, worked_result
from intent.text import blank, json_literals, paths, urls

_NO_SUM_WITH = frozenset({"calculator", "statistics", "data_transform", "json_query", "json_parse"})
"""Tools whose own data holds numbers (a sum beside them is likely theirs)."""


def _plain(text: str) -> str:
    """The text without its payloads (a URL's or a file name's digits are no sum)."""
    return blank(text, [*urls(text), *paths(text), *json_literals(text)])


def evident_second(chosen: Sequence[str], text: str) -> str | None:
    """The harmless second tool a one-tool decision missed, when its payload is plain."""
    if len(chosen) != 1 or concept_question(text):
        return None
    first = chosen[0]
    plain = _plain(text)
    if (
        first not in _NO_SUM_WITH
        and first != "database_execute"
        and arithmetic_calls(plain)
        and not worked_result(text)
    ):
        return "calculator"
    if first != "time_now" and TIME_QUESTION.search(plain) and places.find_places(plain):
        return "time_now"
    return None
