"""A replay server: real vLLM / gpt-oss failure replies served as an OpenAI-compatible backend.

There is no GPU here, so the ways vLLM's tool-call parsing for gpt-oss fails (a ``HarmonyError``
500, a tool call left in ``content`` or in the reasoning, Harmony tokens leaking, broken stream
deltas, ...) are *replayed* from a corpus of cases taken from public reports. The server is the
stub of :mod:`backends.stub` (same HTTP handling, request log and TCP_NODELAY) with the corpus
as its script.

The corpus
==========
One JSON file per case in ``backends/replays/`` (``--corpus DIR`` for an operator's own)::

    {
      "id": "kebab-case-id",
      "failure": "one line: what goes wrong",
      "category": "harmony_500_transient" | "harmony_500_persistent" | "analysis_channel_call"
                  | "channel_markers" | "harmony_header_in_content" | "json_in_content"
                  | "stream_deltas" | "tool_choice_ignored" | "single_call" | "finish_reason"
                  | "reasoning_roundtrip" | "null_reply" | "other",
      "source": {"url": "https://...", "title": "...", "date": "YYYY-MM-DD",
                 "fidelity": "verbatim" | "reconstructed", "evidence": "a short quote"},
      "model": "openai/gpt-oss-20b",
      "request": {"messages": [...], "tools": "builtin" | [OpenAI tool defs],
                  "tool_choice": ..., "stream": true | false},
      "replies": [reply, ...],      # answers to the successive requests of a conversation
      "then": reply,                # every request after the list; default {"content": "Done."}
      "expect": {"tool_calls": [{"name": ..., "arguments": {...}}]} | {"error": 502}
                | {"answer_contains": "437"},
                # optional: "no_text": [...], "backend_request": {"index": 1, "contains": {...}}
      "note": "optional free text"
    }

``expect`` is for the harness that runs toolloom against a case; :func:`request_contains` is its
check for ``backend_request`` (a deep subset: dict keys must match, each expected list item must
match some item of the actual list). ``"contains_any": [...]`` instead of ``contains`` accepts
any of several alternatives (reasoning sent back as ``reasoning`` or ``reasoning_content``).
Replies are positional over *every* request of a conversation, toolloom's structured follow-ups
included; a condition on ``has_response_format`` keeps a reply for the request it is meant for.

A reply is what the stub answers (``content``, ``tool_calls`` [{name, arguments, id?}],
``reasoning_content``, ``reasoning``, ``finish_reason``, ``status`` + ``body`` (+ ``headers``),
``delay``, ``raw`` (a string sent as it is), ``drop``, ``cut_after``), plus:

- ``chunks``: a stream sent verbatim, each item as ``data: <item>\\n\\n`` (a dict in compact JSON
  as vLLM writes it, a string as it is), then ``data: [DONE]`` unless ``"done": false``.
  ``cut_after`` N sends N chunks and hangs up. A non-streamed request gets the chunks assembled
  into one completion (an ``{"error": ...}`` chunk becomes that error's HTTP status).
- ``sse``: the raw text of an SSE body, when the exact bytes matter.
- ``message``: sent verbatim as ``choices[0].message`` beside ``finish_reason`` (default
  ``"stop"``): shapes the stub cannot build (tool calls with ``finish_reason: "stop"``, ...).
- ``body`` with ``status`` 200 (or no status): the whole JSON body sent as it is (a streamed
  request gets its message as chunks).
- a condition, for replies that depend on the request's shape (a backend that refuses one shape
  of history every time)::

      {"when": {predicate: value, ...}, "reply": reply, "otherwise": reply}

  All predicates must hold: ``has_role``/``no_role``/``last_role`` (a role), ``has_tools``,
  ``has_response_format``, ``stream``, ``empty_assistant_tool_call`` (booleans: an assistant
  message with ``tool_calls`` and empty content), ``contains``/``not_contains`` (a string in any
  string of ``messages``).

Serving
=======
- by case: the header ``X-Replay-Case: <id>`` picks a case. Each (case, conversation) keeps its
  own position in the case's replies; the conversation is the ``X-Replay-Conversation`` header,
  else the first user message. A request whose first user message is not the case's own (a
  probe, a side request) is an aside: it gets ``then`` and moves no position.
- sequential: without the header, requests are served from the current case: ``--case ID`` (it
  stays fixed), else the first case; ``POST /replay/next`` moves to the next one.
- ``POST /replay/reset`` (optional body ``{"case": id}``) resets every position and the request
  log; ``GET /replay/cases`` lists the ids, ``GET /replay/requests`` the recorded requests.
- random failures, for benchmarks (``--fail-rate F --seed N``): a request without the case
  header fails with a transient HarmonyError 500 (a body from the corpus's transient cases) with
  probability F, else gets a well-formed reply: a native tool call when the last message is the
  user's and the request has tools, text otherwise. A retrying client recovers.

Run ``python -m backends.replay --port 8100 [--case ID] [--corpus DIR] [--fail-rate F --seed N]``;
it prints its base URL. Only 127.0.0.1 is ever bound.
"""

from backends.replay.corpus import (
    CATEGORIES,
    DEFAULT_CORPUS,
    DEFAULT_THEN,
    FIDELITIES,
    CorpusError,
    load_corpus,
    request_contains,
    validate_case,
)
from backends.replay.replies import (
    assemble,
    chunk_stream_bytes,
    message_chunks,
    message_completion,
    resolve,
    sse_chunks,
    transient_failures,
    well_formed_reply,
)
from backends.replay.server import ReplayLLM

__all__ = [
    "CATEGORIES",
    "DEFAULT_CORPUS",
    "DEFAULT_THEN",
    "FIDELITIES",
    "CorpusError",
    "ReplayLLM",
    "assemble",
    "chunk_stream_bytes",
    "load_corpus",
    "message_chunks",
    "message_completion",
    "request_contains",
    "resolve",
    "sse_chunks",
    "transient_failures",
    "validate_case",
    "well_formed_reply",
]
