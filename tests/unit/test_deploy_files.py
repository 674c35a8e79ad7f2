"""docker-compose.yml, the Dockerfile and langgraph.json say what they must (no Docker engine here:
the compose file is parsed, and checked with `docker compose config` where that works)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_vllm_service(compose: dict) -> None:
    vllm = compose["services"]["vllm"]
    assert vllm["image"].startswith("vllm/vllm-openai:")
    args = vllm["command"]
    assert args[args.index("--model") + 1] == "openai/gpt-oss-20b"
    assert args[args.index("--tool-call-parser") + 1] == "openai"
    assert "--enable-auto-tool-choice" in args
    assert args[args.index("--reasoning-parser") + 1] == "openai_gptoss"
    gpu = vllm["deploy"]["resources"]["reservations"]["devices"][0]
    assert gpu["driver"] == "nvidia" and "gpu" in gpu["capabilities"]
    assert any(v.endswith(":/root/.cache/huggingface") for v in vllm["volumes"])
    assert "http://localhost:8000/health" in " ".join(vllm["healthcheck"]["test"])


def test_toolloom_service(compose: dict) -> None:
    service = compose["services"]["toolloom"]
    assert service["build"]["dockerfile"] == "Dockerfile"
    assert service["depends_on"]["vllm"]["condition"] == "service_healthy"
    env = service["environment"]
    assert env["TOOLLOOM_LLM_BASE_URL"] == "http://vllm:8000/v1"
    assert env["TOOLLOOM_LLM_MODEL"] == "openai/gpt-oss-20b"
    assert env["TOOLLOOM_API_KEYS"].startswith(
        "${TOOLLOOM_API_KEYS:?"
    )  # listening on 0.0.0.0 needs keys
    assert env["TOOLLOOM_DB"].startswith("/data/")
    assert any(v.endswith(":/data") for v in service["volumes"])
    assert service["ports"] == ["8001:8001"]
    assert "/health" in " ".join(service["healthcheck"]["test"])
    assert set(compose["volumes"]) == {"hf-cache", "toolloom-data"}


def test_every_setting_the_compose_file_passes_exists() -> None:
    from server.settings import Settings

    env = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["toolloom"][
        "environment"
    ]
    fields = {f"TOOLLOOM_{name.upper()}" for name in Settings.model_fields}
    assert set(env) <= fields


def test_dockerfile_is_multistage_and_non_root() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", text, re.M)) >= 2
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1] not in ("root", "0")
    assert "EXPOSE 8001" in text and "HEALTHCHECK" in text
    assert "uv sync --frozen --no-dev" in text
    for folder in ("graph", "nodes", "tools", "server"):
        assert f"COPY {folder} ./{folder}" in text


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client")
def test_docker_compose_config_where_available() -> None:
    probe = subprocess.run(
        ["docker", "compose", "version"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        pytest.skip("docker client without the compose plugin")
    result = subprocess.run(
        ["docker", "compose", "config", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"TOOLLOOM_API_KEYS": "ci=key", "PATH": "/usr/bin:/bin:/usr/local/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_langgraph_json() -> None:
    config = json.loads((ROOT / "langgraph.json").read_text())
    assert config["graphs"] == {"toolloom": "./server/studio.py:graph"}
    assert config["checkpointer"]["path"] == "./server/studio.py:checkpointer"
    assert config["dependencies"] == ["."]
