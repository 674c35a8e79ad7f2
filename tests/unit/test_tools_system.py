from __future__ import annotations

import os

import pytest

from tools.base import ToolConfig
from tools.system import environment, processes, system_summary


def test_system_info_has_the_basics() -> None:
    info = system_summary(ToolConfig())
    assert info["cpu_count"] == os.cpu_count()
    assert info["memory_total_gib"] > 0 and info["python"].startswith("3.")


def test_process_list_has_no_command_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    result = processes(sort_by="pid", limit=500)
    assert any(p["pid"] == os.getpid() for p in result["processes"])
    assert all(
        set(p) == {"pid", "name", "cpu_percent", "memory_mib", "status"}
        for p in result["processes"]
    )


def test_environment_shows_allowlisted_and_never_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    monkeypatch.setenv("TOOLLOOM_LLM_API_KEY", "sk-secret-1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-2")
    monkeypatch.setenv("MY_DB_PASSWORD", "hunter2")
    everything = environment()
    assert everything["variables"]["LANG"] == "ko_KR.UTF-8"
    asked = environment(["LANG", "TOOLLOOM_LLM_API_KEY", "OPENAI_API_KEY", "MY_DB_PASSWORD"])
    text = repr(everything) + repr(asked)
    for secret in ("sk-secret-1", "sk-secret-2", "hunter2"):
        assert secret not in text
    assert set(asked["withheld"]) == {"TOOLLOOM_LLM_API_KEY", "OPENAI_API_KEY", "MY_DB_PASSWORD"}
