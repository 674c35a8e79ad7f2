"""The installed versions sit past the known CVEs of the parts that parse or store untrusted data."""

from __future__ import annotations

from importlib.metadata import version

import pytest

# package -> (first safe version, why)
MINIMUM = {
    "langgraph": ("1.0.10", "CVE-2026-28277 unsafe msgpack checkpoint loading"),
    "langgraph-checkpoint": ("4.0.0", "CVE-2025-64439 json-mode RCE; BaseCache deserialisation"),
    "langgraph-checkpoint-sqlite": (
        "3.0.1",
        "CVE-2025-8709, CVE-2025-64104, CVE-2025-67644 SQL injection",
    ),
    "langchain-core": ("1.2.5", "CVE-2025-68664 serialisation injection"),
    "starlette": ("0.49.1", "CVE-2025-62727 Range header DoS"),
}


def parse(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())


@pytest.mark.parametrize("package", sorted(MINIMUM))
def test_installed_version_is_past_the_known_cves(package: str) -> None:
    first_safe, why = MINIMUM[package]
    installed = version(package)
    assert parse(installed) >= parse(first_safe), f"{package} {installed} < {first_safe}: {why}"


def test_pyproject_lower_bounds_match() -> None:
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    specs = project["project"]["dependencies"]
    for package, (first_safe, _) in MINIMUM.items():
        spec = next(s for s in specs if s.split(">")[0].split("[")[0] == package)
        assert f">={first_safe}" in spec, spec
