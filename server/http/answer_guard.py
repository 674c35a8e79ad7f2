"""An answer streamed token by token, held back where it may turn out to be Harmony.

respond streams a plain answer as the model writes it. From a server that leaks gpt-oss's
Harmony format into ``content`` (llama.cpp with ``reasoning_format`` none, a server that decodes
the special tokens away) the "answer" opens with the analysis channel or runs into a marker
later; the finished answer is cleaned (:func:`nodes.parsers.strip_harmony`), but tokens already
streamed cannot be taken back. So the stream holds back only what could be the beginning of a
marker (a trailing ``<``, ``assist``, an opening ``analy``), and once a marker shows it sends
nothing more: the surface then sends the cleaned answer's rest (or all of it) when the run ends.
Prose streams as it comes.
"""

from __future__ import annotations

from nodes.parsers import MARKER_STARTS, leaked_harmony

_OPENING = "analysis"  # a decoded analysis channel opens the text: "analysisThe user asks"


def held(text: str) -> int:
    """How many characters at the end of ``text`` may be the beginning of a Harmony marker."""
    if _OPENING.startswith(text.lstrip()):
        return len(text)  # the opening itself: wait for the next character
    longest = max(len(m) for m in MARKER_STARTS)
    for size in range(min(len(text), longest), 0, -1):
        tail = text[-size:]
        if any(marker.startswith(tail) for marker in MARKER_STARTS):
            return size
    return 0


class AnswerGuard:
    """Feed it the answer's tokens; send what :meth:`feed` returns."""

    def __init__(self) -> None:
        self.text = ""
        self.sent = 0
        self.stopped = False
        """A marker showed: nothing more is streamed."""

    @property
    def streamed(self) -> str:
        """What the user has been sent so far."""
        return self.text[: self.sent]

    def feed(self, token: str) -> str:
        """The part of the answer that is safe to send now (maybe empty)."""
        self.text += token
        if self.stopped:
            return ""
        if leaked_harmony(self.text):
            self.stopped = True
            return ""
        safe = len(self.text) - held(self.text)
        if safe <= self.sent:
            return ""
        part, self.sent = self.text[self.sent : safe], safe
        return part
