"""The eval suite for real: BFCL's data from the pinned wheel, and ``toolloom eval`` on the
embedded model, in-process and against a running server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evals import bfcl
from tests.bfcl_outputs import right_calls, unanswerable
from tests.integration.server_process import ServerProcess


@pytest.mark.parametrize("category", bfcl.CATEGORIES)
def test_bfcl_data_loads_and_the_official_checker_accepts_the_ground_truth(category: str) -> None:
    cases = bfcl.load_category(category)
    assert len(cases) >= 100
    failed = []
    for case in cases:
        tools, names = bfcl.openai_tools(case)
        assert all("." not in t["function"]["name"] for t in tools)
        assert [names.original(t["function"]["name"]) for t in tools] == [
            f["name"] for f in case["function"]
        ]
        assert json.dumps(tools)  # plain JSON, sendable
        if category in bfcl.IRRELEVANCE:
            assert case["answers"] == [] and bfcl.check_case(case, []).valid
            continue
        verdict = bfcl.check_case(case, right_calls(case))
        # every case passes with its ground truth, but the few whose ground truth no call can
        # meet (a required parameter with no accepted value), which BFCL's checker fails
        if verdict.valid is (unanswerable(case) is not None):
            failed.append((case["id"], unanswerable(case), verdict.reason))
    assert failed == []


def run_eval(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", "eval", "--out", str(tmp / "results"), *args],
        capture_output=True, text=True, timeout=900, cwd=tmp, stdin=subprocess.DEVNULL,
        env={**__import__("os").environ, "TOOLLOOM_WORKSPACE": str(tmp / "ws")},
    )  # fmt: skip


def test_eval_in_process_writes_every_report(tmp_path: Path) -> None:
    done = run_eval(tmp_path, "--suite", "own", "--suite", "bfcl:irrelevance", "--limit", "2")
    assert done.returncode == 0, done.stderr[-3000:]
    for suite in ("own", "bfcl-irrelevance"):
        folder = tmp_path / "results" / suite
        rows = [json.loads(line) for line in (folder / "cases.jsonl").read_text().splitlines()]
        assert (
            sorted((r["system"], r["id"]) for r in rows)
            == sorted((s, i) for s in ("bare", "toolloom") for i in {r["id"] for r in rows})
            and len(rows) == 4
        )
        summary = json.loads((folder / "summary.json").read_text())["systems"]
        assert set(summary) == {"bare", "toolloom"}
        assert "| metric | bare | toolloom | lift |" in (folder / "report.md").read_text()
        assert (folder / "chart.png").stat().st_size > 1000
        if suite == "bfcl-irrelevance":  # scored by BFCL's checker, its verdict kept per row
            for row in rows:
                assert row["error"] is None, row
                assert row["check"]["by"] == bfcl.CHECKER and row["check"]["valid"] is row["passed"]
                assert row["check"]["error_type"] == (
                    "irrelevance_error:decoder_success" if row["calls"] else None
                ), row
            assert f"Scored by {bfcl.CHECKER}." in (folder / "report.md").read_text()
    assert "accuracy" in done.stdout and "report:" in done.stdout
    # Resumable: a second run finds every case done and runs none of them again.
    cases_file = tmp_path / "results" / "own" / "cases.jsonl"
    before = cases_file.read_bytes()
    again = run_eval(tmp_path, "--suite", "own", "--limit", "2", "--systems", "toolloom")
    assert again.returncode == 0, again.stderr[-3000:]
    assert "2 already done, 0 to run" in again.stderr
    assert cases_file.read_bytes() == before


def test_eval_against_a_running_server(server: ServerProcess, tmp_path: Path) -> None:
    done = run_eval(
        tmp_path, "--suite", "own", "--limit", "3", "--systems", "toolloom",
        "--base-url", f"{server.url}/v1", "--concurrency", "2",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [
        json.loads(x)
        for x in (tmp_path / "results" / "own" / "cases.jsonl").read_text().splitlines()
    ]
    assert len(rows) == 3 and {r["system"] for r in rows} == {"toolloom"}
    assert all(r["error"] is None for r in rows), [r["error"] for r in rows]
    # Stages come back through the server's "toolloom" field.
    assert all(len(r["stages"]) == len(r["calls"]) for r in rows)


def test_eval_rejects_an_unknown_suite(tmp_path: Path) -> None:
    done = run_eval(
        tmp_path, "--suite", "nope", "--systems", "toolloom", "--base-url", "http://127.0.0.1:9/v1"
    )
    assert done.returncode == 1 and "unknown suite" in done.stderr
