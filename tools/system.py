"""system_info, process_list, environment: what the machine is, never its secrets."""

from __future__ import annotations

import os
import platform
import re
import shutil
import sys
from typing import Any, Literal

import psutil
from langchain_core.tools import BaseTool, tool
from pydantic import BaseModel, Field

from tools.base import ToolConfig

# Variables the environment tool may show; anything else is not shown at all.
ENV_ALLOWLIST = (
    "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "SHELL", "TERM", "PATH", "PWD", "HOME",
    "USER", "LOGNAME", "HOSTNAME", "PYTHONPATH", "VIRTUAL_ENV", "PYTHON_VERSION", "EDITOR",
    "XDG_RUNTIME_DIR", "TMPDIR", "CI",
)  # fmt: skip
SECRET_NAME = re.compile(
    r"KEY|TOKEN|SECRET|PASS|PWD_|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE|CERT|SIGNATURE|DSN|"
    r"CONN|DATABASE_URL|^TOOLLOOM_|^AWS_|^OPENAI|^ANTHROPIC|^HF_|^LANGSMITH|^LANGCHAIN",
    re.IGNORECASE,
)
REDACTED = "[redacted]"


def _gib(value: float) -> float:
    return round(value / 2**30, 2)


def system_summary(config: ToolConfig) -> dict[str, Any]:
    memory = psutil.virtual_memory()
    workspace = config.workspace if config.workspace.exists() else config.workspace.parent
    disk = shutil.disk_usage(workspace.resolve() if workspace.exists() else "/")
    info = {
        "os": platform.system(),
        "os_release": platform.release(),
        "distribution": platform.freedesktop_os_release().get("PRETTY_NAME", "")
        if hasattr(platform, "freedesktop_os_release") and sys.platform == "linux"
        else "",
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "cpu_percent": psutil.cpu_percent(interval=0.1),
        "memory_total_gib": _gib(memory.total),
        "memory_available_gib": _gib(memory.available),
        "disk_total_gib": _gib(disk.total),
        "disk_free_gib": _gib(disk.free),
        "python": platform.python_version(),
    }
    info["summary"] = (
        f"{info['distribution'] or info['os']} on {info['machine']}, {info['cpu_count']} CPUs, "
        f"{info['memory_available_gib']} of {info['memory_total_gib']} GiB memory free, "
        f"{info['disk_free_gib']} GiB disk free, Python {info['python']}."
    )
    return info


class ProcessListArgs(BaseModel):
    sort_by: Literal["cpu", "memory", "pid", "name"] = Field(
        default="cpu", description="Sort order."
    )
    limit: int = Field(default=15, ge=1, le=100, description="How many processes to show.")
    name: str | None = Field(
        default=None, max_length=100, description="Only processes whose name contains this."
    )


def processes(sort_by: str = "cpu", limit: int = 15, name: str | None = None) -> dict[str, Any]:
    """Processes with pid, name, CPU and memory. Command lines are left out: they carry secrets."""
    rows = []
    for proc in psutil.process_iter(["pid", "name", "cpu_percent", "memory_info", "status"]):
        info = proc.info
        if name and name.lower() not in (info.get("name") or "").lower():
            continue
        memory = info.get("memory_info")
        rows.append({
            "pid": info["pid"],
            "name": info.get("name") or "?",
            "cpu_percent": info.get("cpu_percent") or 0.0,
            "memory_mib": round(memory.rss / 2**20, 1) if memory else None,
            "status": info.get("status"),
        })  # fmt: skip
    keys = {
        "cpu": lambda r: -r["cpu_percent"],
        "memory": lambda r: -(r["memory_mib"] or 0),
        "pid": lambda r: r["pid"],
        "name": lambda r: r["name"].lower(),
    }
    rows.sort(key=keys[sort_by])
    shown = rows[:limit]
    return {
        "count": len(rows),
        "processes": shown,
        "summary": f"{len(rows)} processes; top by {sort_by}: "
        + ", ".join(f"{r['name']} ({r['pid']})" for r in shown[:5]),
    }


class EnvironmentArgs(BaseModel):
    names: list[str] | None = Field(
        default=None,
        max_length=50,
        description="Variable names to show; omit for all that may be shown.",
    )


def environment(names: list[str] | None = None) -> dict[str, Any]:
    """Allowlisted variables only; a secret-looking name is redacted even if allowlisted."""
    wanted = [n for n in (names or ENV_ALLOWLIST) if isinstance(n, str)][:50]
    values: dict[str, str | None] = {}
    withheld = []
    for variable in wanted:
        if variable not in ENV_ALLOWLIST or SECRET_NAME.search(variable):
            withheld.append(variable)
            continue
        value = os.environ.get(variable)
        if value is not None:
            values[variable] = value
    return {
        "variables": values,
        "withheld": withheld,
        "summary": ", ".join(f"{k}={v}" for k, v in values.items())
        + (f" (not shown: {', '.join(withheld)})" if withheld else ""),
    }


def build_system_info(config: ToolConfig) -> BaseTool:
    @tool("system_info")
    def system_info() -> dict[str, Any]:
        """Describe this machine: operating system, CPUs, memory, disk space and Python version."""
        return system_summary(config)

    return system_info


def build_process_list(config: ToolConfig) -> BaseTool:
    @tool("process_list", args_schema=ProcessListArgs)
    def process_list(
        sort_by: str = "cpu", limit: int = 15, name: str | None = None
    ) -> dict[str, Any]:
        """List running processes with their pid, name, CPU and memory use."""
        return processes(sort_by, limit, name)

    return process_list


def build_environment(config: ToolConfig) -> BaseTool:
    @tool("environment", args_schema=EnvironmentArgs)
    def environment_tool(names: list[str] | None = None) -> dict[str, Any]:
        """Show environment variables such as PATH, LANG or TZ (secrets are never shown)."""
        return environment(names)

    return environment_tool
