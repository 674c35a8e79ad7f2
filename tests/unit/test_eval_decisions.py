"""``python -m evals.decisions``: the decision-level regression guard (own set, held-out requests)."""

from __future__ import annotations

from evals.decisions import HELD_OUT_N, Request, held_out_requests, own_requests, score, tool_set
from intent.model import shipped


def test_held_out_sample_is_fixed_and_mixed() -> None:
    first = held_out_requests()
    assert len(first) == HELD_OUT_N
    assert [r.text for r in first] == [r.text for r in held_out_requests()]
    assert len({r.lang for r in first}) == 8
    assert any(not r.tools for r in first) and any(len(r.tools) > 1 for r in first)


def test_own_set_is_read_whole() -> None:
    requests = own_requests()
    assert len(requests) == 352
    assert {r.lang for r in requests} >= {"en", "de", "zh"}


def test_tool_set_and_score_count_calls_and_none() -> None:
    model = shipped()
    assert tool_set(model, "what is 17 * 23?") == {"calculator"}
    assert tool_set(model, "thanks, that was helpful!") == frozenset()
    result = score(
        model,
        [
            Request("what is 17 * 23?", "en", frozenset({"calculator"})),
            Request("thanks, that was helpful!", "en", frozenset({"time_now"})),
        ],
    )
    assert (result.n, result.right, result.by_lang["en"]) == (2, 1, [1, 2])
    assert result.confusions[(("time_now",), ())] == 1
