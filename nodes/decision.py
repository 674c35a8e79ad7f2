"""Stage 3 of detect-intent, and the decision route takes before it asks the model.

The learned intent model (:mod:`intent.model`) reads the user's message and says which built-in
tool(s) it needs, or none, or that it is unsure; the argument extractors (:mod:`intent.extract`)
then fill each chosen tool's arguments from the user's own words, whatever the phrasing and
language, and never guess a value the user did not write. The result, a :class:`Decision`, is
made once per turn (route makes it, the state keeps it) and serves three ends:

- a confident decision with every argument found is a call: route makes it without asking the
  model (no model call that cannot change the outcome);
- a confident "none" is plain chat: the model is asked without tool schemas (unless one of the
  operator's own tools, which the intent model never learned, shares words with the request);
- otherwise the model is asked, shown only the few tools the intent model ranks highest, and a
  chosen tool with a missing argument is filled by a constrained request for that tool's schema
  alone (stage 2).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any

from graph.state import Decision
from intent.clear import arithmetic_calls
from intent.evident import (
    asked_outright,
    evident_read,
    evident_second,
    evident_single,
    machine_not_processes,
    processes_not_machine,
)
from intent.extract import Extraction, extract_all
from intent.file_asks import file_tools, read_beside_write, written_not_read
from intent.json_asks import csv_tools, json_tools, sort_and_compute, statistic_tools
from intent.model import Intent, IntentModel, shipped
from intent.not_asked import time_converted, writing_asked
from intent.safety import concept_question, unbacked, worked_result
from intent.table_asks import table_tools
from intent.text import paths
from intent.web import assign_urls, web_tools
from nodes.ranking import rank_tools
from tools.specs import ToolSpec

log = logging.getLogger(__name__)

RANKED_TOOLS = 4
"""How many tools the model is shown when it must choose (the intent model's best few)."""

SELF_ANSWERING = frozenset(
    {"calculator", "time_now", "statistics", "file_list", "system_info", "memory_save"}
)
"""Tools whose result answers the question by itself: the answer can be written from it."""


def shipped_model() -> IntentModel:
    """The artefact that ships with toolloom, loaded once per process."""
    return shipped()


def decide(model: IntentModel, text: str, allowed: Collection[str]) -> Decision:
    """The decision for a user message, among the ``allowed`` built-ins."""
    intent: Intent = model.classify(text)
    ranked = [name for name in intent.top(RANKED_TOOLS) if name in allowed]
    if writing_asked(text):
        # a poem, a joke, a translation, with no data or file named: the answer is the text
        return Decision(kind="chat", calls=[], missing={}, known={}, ranked=ranked)
    table = table_tools(intent.tools, text)
    if table is not None and set(table) <= set(allowed):
        # a named table: read it or change it, as its verbs say (not the numbers beside it)
        intent = replace(intent, tools=tuple(table), abstain=False, joined=len(table) > 1)
    asked = sort_and_compute(intent.tools, text) or json_tools(intent.tools, text)
    asked = asked or csv_tools(intent.tools, text)
    asked = asked or file_tools(intent.tools, text) or written_not_read(intent.tools, text)
    asked = asked or read_beside_write(intent.tools, text)
    asked = asked or statistic_tools(intent.tools, text)
    asked = (
        asked
        or machine_not_processes(intent.tools, text)
        or processes_not_machine(intent.tools, text)
    )
    if asked is not None and set(asked) <= set(allowed):
        # pasted JSON asked about by a key or value: a query (not its numbers, not a parse); CSV
        # with words of rows or sorting: a transform; one file named, with its verbs: write or
        # read (or a write heard as a read beside another tool); a statistic of a list of
        # numbers: statistics, not the calculator; the machine's specification: not processes
        intent = replace(intent, tools=tuple(asked), abstain=False, joined=len(asked) > 1)
    unreadable = intent.tools == ("file_read",) and not paths(text)  # a read of no file named
    single = evident_single(text) if not intent.tools or unreadable else None
    if single is not None and single in allowed:
        # "en çok CPU kullanan 5 süreci göster": one read named outright, in a language the
        # phrasebooks lack; the safety rules below still hold it to its cue
        intent = replace(intent, tools=(single,), abstain=False, joined=False)
    if intent.abstain:
        best = max((p for name, p in intent.ranked if name in allowed), default=0.0)
        odds = best / max(intent.none_score, 1e-9)
        return Decision(
            kind="unsure", calls=[], missing={}, known={}, ranked=ranked, tool_odds=odds
        )
    if not intent.tools:
        # "hoeveel is achttien keer zeven?": arithmetic written out with a question around it
        # is a calculation whatever the model says (unless it is already done, or a concept).
        sums = [] if "calculator" not in allowed else arithmetic_calls(text)
        if sums and not (worked_result(text) or concept_question(text)):
            made = [{"name": name, "args": args} for name, args in sums]
            return Decision(kind="call", calls=made, missing={}, known={}, ranked=ranked)
        return Decision(kind="chat", calls=[], missing={}, known={}, ranked=ranked)
    chosen = [name for name in web_tools(intent.tools, text) if name in allowed]
    if len(chosen) < len(intent.tools):  # a chosen tool is not on offer (switched off)
        return Decision(kind="unsure", calls=[], missing={}, known={}, ranked=ranked)
    second = evident_second(chosen, text) or evident_read(chosen, text)
    if second is not None and second in allowed:
        chosen.append(second)  # "... en hoeveel is drie tot de macht twaalf?": plain to read
    calls: list[dict[str, Any]] = []
    missing: dict[str, list[str]] = {}
    known: dict[str, dict[str, Any]] = {}
    extractions = extract_all(chosen, text)
    if len(extractions) > 1 and not intent.joined:
        # Two tools read from the same words, one of them with nothing to read: the request
        # has one part, not two ("And what is 2+2?" is not also asking for the time).
        extractions = [
            e
            for e in extractions
            if e.arguments
            or asked_outright(e.tool, text)
            or not any(o is not e and o.segment == e.segment and o.arguments for o in extractions)
        ]
    dropped = unbacked(
        [e.tool for e in extractions],
        text,
        {e.tool: dict(e.arguments) for e in extractions},
        [e.tool for e in extractions if e.complete],
    )
    if dropped:
        # A change or a private read the user's words do not back, or a question about a
        # concept: no call on the intent model's word alone.
        log.info("intent: %s not backed by the request", sorted(dropped))
        extractions = [e for e in extractions if e.tool not in dropped]
        if not extractions:
            talk = concept_question(text) or worked_result(text) or time_converted(text)
            kind = "chat" if talk else "unsure"
            return Decision(kind=kind, calls=[], missing={}, known={}, ranked=ranked)
    if len(extractions) == 1 and len(chosen) > 1:
        extractions = _second_by_its_words(extractions, text, allowed)
    for extraction in extractions:
        if extraction.complete:
            calls.append({"name": extraction.tool, "args": dict(extraction.arguments)})
        else:
            missing[extraction.tool] = list(extraction.missing)
            known[extraction.tool] = dict(extraction.arguments)
    assign_urls(calls, text)
    kind = "fill" if missing else "call"
    log.info("intent: %s %s", kind, [c["name"] for c in calls] + list(missing))
    return Decision(kind=kind, calls=calls, missing=missing, known=known, ranked=ranked)


def _second_by_its_words(
    extractions: list[Extraction], text: str, allowed: Collection[str]
) -> list[Extraction]:
    """The one extraction left of the model's two tools, with the second ask its own words
    make plain ("sdelai select count(*) from sessions i kstati kakoi u menya PATH?": the model
    heard a sum beside the query, which went; the variable named outright is the second ask)."""
    lone = extractions[0].tool
    second = evident_second([lone], text) or evident_read([lone], text)
    if second is None or second not in allowed or second == lone:
        return extractions
    pair = extract_all([lone, second], text)
    added = [e for e in pair if e.tool == second and (e.arguments or asked_outright(second, text))]
    if not added or unbacked([lone, second], text, {e.tool: dict(e.arguments) for e in pair}):
        return extractions
    return [*extractions, *added]


def known_tools(
    builtin: Sequence[ToolSpec], offered: Sequence[ToolSpec], client_mode: bool
) -> set[str]:
    """The tools the intent model and the clear requests (:mod:`intent.clear`) may call: the enabled built-ins, and in
    tool-call mode those of the client's tools that *are* enabled built-ins (same name and schema,
    as ``GET /tools`` lists them). A built-in switched off is never a target."""
    by_name = {spec.name: spec for spec in builtin}
    if not client_mode:
        return set(by_name)
    return {
        spec.name
        for spec in offered
        if spec.name in by_name and spec.parameters == by_name[spec.name].parameters
    }


def decide_turn(
    model: IntentModel | None,
    builtin: Sequence[ToolSpec],
    offered: Sequence[ToolSpec],
    client_mode: bool,
    text: str,
) -> Decision | None:
    """The turn's decision, or None where the intent model does not apply (none loaded, or
    tool-call mode whose tools are not the built-ins: it knows only those)."""
    if model is None or not text.strip():
        return None
    allowed = known_tools(builtin, offered, client_mode)
    if not allowed or (client_mode and len(allowed) < len(offered)):
        return None
    decision = decide(model, text, allowed)
    unknown = [spec for spec in offered if spec.name not in allowed]
    if unknown:
        # The operator's own tools: the intent model never learned them, so its "no tool" is
        # no answer for them. One whose words the request shares is shown to the model.
        others = [spec.name for spec, _ in rank_tools(text, unknown)][:RANKED_TOOLS]
        if others:
            decision["others"] = others
            if decision["kind"] == "chat":
                decision["kind"] = "unsure"
    return decision
