"""Arguments read where a particle or a word of naming sits against them (issue 29), by kind: a
variable's name with a CJK particle after it, a process's name before its word of naming
(Turkish, Japanese), a process count written in words."""

from __future__ import annotations

import pytest

from intent.extract import extract


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("ついでにHOMEも見せて", ["HOME"]),
        ("SHELL도 같이 보여줘", ["SHELL"]),
        ("EDITOR和LANG分别是什么", ["EDITOR", "LANG"]),
    ],
)
def test_a_variable_before_a_cjk_particle(text: str, names: list[str]) -> None:
    assert extract("environment", text).arguments.get("names") == names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("postgres diye bir süreç var mı?", "postgres"),
        ("redis adında bir süreç çalışıyor mu?", "redis"),
        ("rubyって名前のプロセスある？", "ruby"),
    ],
)
def test_a_process_named_before_its_word_of_naming(text: str, name: str) -> None:
    assert extract("process_list", text).arguments.get("name") == name


def test_a_process_count_in_words() -> None:
    arguments = extract("process_list", "메모리 많이 쓰는 프로세스 여섯 개 보여줘").arguments
    assert arguments == {"sort_by": "memory", "limit": 6}
