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
    # every package the wheel holds (pyproject's packages), or the image cannot import them
    for folder in ("backends", "graph", "intent", "nodes", "tools", "server", "evals"):
        assert f"COPY {folder} ./{folder}" in text


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client")
def test_docker_compose_config_where_available() -> None:
    probe = subprocess.run(
        ["docker", "compose", "version"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        pytest.skip("docker client without the compose plugin")
    for files in ([], ["-f", "deploy/compose.scale.yml"]):
        result = subprocess.run(
            ["docker", "compose", *files, "config", "--quiet"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={
                "TOOLLOOM_API_KEYS": "ci=key",
                "POSTGRES_PASSWORD": "ci",
                "PATH": "/usr/bin:/bin:/usr/local/bin",
            },
            check=False,
        )
        assert result.returncode == 0, result.stderr


def test_langgraph_json() -> None:
    config = json.loads((ROOT / "langgraph.json").read_text())
    assert config["graphs"] == {"toolloom": "./server/studio.py:graph"}
    assert config["checkpointer"]["path"] == "./server/studio.py:checkpointer"
    assert config["dependencies"] == ["."]


# --- the scaled deployment: deploy/compose.scale.yml and deploy/nginx.conf ---------------------

REPLICAS = ("toolloom-1", "toolloom-2", "toolloom-3")


@pytest.fixture(scope="module")
def scale() -> dict:
    return yaml.safe_load((ROOT / "deploy" / "compose.scale.yml").read_text())


def test_scale_services(scale: dict) -> None:
    assert set(scale["services"]) == {"postgres", "vllm", "nginx", *REPLICAS}
    # vLLM is the single-server file's service, not a copy that could drift from it
    assert scale["services"]["vllm"]["extends"] == {
        "file": "../docker-compose.yml",
        "service": "vllm",
    }
    assert {"hf-cache", "postgres-data"} <= set(scale["volumes"])


def test_scale_postgres(scale: dict) -> None:
    postgres = scale["services"]["postgres"]
    assert postgres["image"].split(":")[0] == "postgres"  # the official image, a pinned major
    assert postgres["image"].split(":")[1].isdigit()
    assert "postgres-data:/var/lib/postgresql/data" in postgres["volumes"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert postgres["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")


def test_scale_replicas(scale: dict) -> None:
    from server.settings import Settings

    fields = {f"TOOLLOOM_{name.upper()}" for name in Settings.model_fields}
    ids = set()
    for name in REPLICAS:
        replica = scale["services"][name]
        assert replica["build"] == {"context": "..", "dockerfile": "Dockerfile"}
        assert replica["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "vllm": {"condition": "service_healthy"},
        }
        env = replica["environment"]
        assert set(env) <= fields
        assert env["TOOLLOOM_DATABASE_URL"].startswith("postgresql://toolloom:${POSTGRES_PASSWORD")
        assert env["TOOLLOOM_DATABASE_URL"].endswith("@postgres:5432/toolloom")
        assert env["TOOLLOOM_API_KEYS"].startswith("${TOOLLOOM_API_KEYS:?")  # 0.0.0.0 needs keys
        assert env["TOOLLOOM_HOST"] == "0.0.0.0" and env["TOOLLOOM_PORT"] == "8001"
        assert env["TOOLLOOM_LLM_BASE_URL"] == "http://vllm:8000/v1"
        ids.add(env["TOOLLOOM_REPLICA_ID"])
        assert "ports" not in replica  # reached through nginx only
        assert replica["expose"] == ["8001"]
        assert "/health" in " ".join(replica["healthcheck"]["test"])
        assert "toolloom-files:/data" in replica["volumes"]  # one workspace for every replica
    assert ids == set(REPLICAS)  # each its own id: a restarted replica takes back its own runs


def test_scale_connections_fit_postgres(scale: dict) -> None:
    """replicas x (pool + overflow + checkpoint pool) stays below max_connections less the 3
    reserved for superusers."""
    command = scale["services"]["postgres"]["command"]
    max_connections = int(command[command.index("-c") + 1].split("=")[1])
    needed = 0
    for name in REPLICAS:
        env = scale["services"][name]["environment"]
        needed += sum(
            int(env[f"TOOLLOOM_{setting}"])
            for setting in ("DB_POOL_SIZE", "DB_MAX_OVERFLOW", "DB_CHECKPOINT_POOL_SIZE")
        )
    assert needed <= max_connections - 3


def test_scale_nginx_service(scale: dict) -> None:
    nginx = scale["services"]["nginx"]
    assert nginx["image"].startswith("nginx:")
    assert nginx["ports"] == ["8001:8001"]
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in nginx["volumes"]
    assert nginx["depends_on"] == {name: {"condition": "service_healthy"} for name in REPLICAS}


def test_nginx_config_streams_server_sent_events() -> None:
    from benchmarks.balancer import CONFIG, replica_hosts

    text = CONFIG.read_text()
    assert replica_hosts(text) == list(REPLICAS)
    directives = {
        line.strip().rstrip(";").split(None, 1)[0]: line.strip().rstrip(";").split(None, 1)[-1]
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith("#") and line.strip().endswith(";")
    }
    assert directives["proxy_buffering"] == "off"
    assert directives["proxy_cache"] == "off"
    assert directives["proxy_http_version"] == "1.1"
    assert 'proxy_set_header Connection "";' in text  # upstream keep-alive
    assert int(directives["keepalive"]) >= 16
    assert int(directives["proxy_read_timeout"].rstrip("s")) >= 600
    assert "listen 8001;" in text


@pytest.mark.skipif(
    shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
    reason="no nginx (scripts/test.sh installs it)",
)
def test_nginx_accepts_the_config(tmp_path: Path) -> None:
    """``nginx -t`` on a copy whose replica host names point at 127.0.0.1."""
    from benchmarks.balancer import CONFIG, Balancer

    upstreams = [f"127.0.0.1:{8101 + i}" for i in range(len(REPLICAS))]
    balancer = Balancer(upstreams, tmp_path)
    assert CONFIG.read_text().count("proxy_pass http://toolloom;") == 1
    result = subprocess.run(balancer.command("-t"), capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    broken = balancer.config.read_text().replace("least_conn;", "least_conn")
    balancer.config.write_text(broken)
    result = subprocess.run(balancer.command("-t"), capture_output=True, text=True, check=False)
    assert result.returncode != 0  # the check does read the file
