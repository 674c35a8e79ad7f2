"""The models file: several model backends, each with its own settings and fallbacks.

``TOOLLOOM_MODELS`` names a YAML or JSON file holding a list of entries (or a mapping with a
``models:`` list)::

    - name: gpu                      # what clients ask for (``model`` in /v1, ``X-Model``)
      base_url: http://vllm:8000/v1
      model: openai/gpt-oss-20b      # the name the backend knows (default: ``name``)
      api_key_env: VLLM_KEY          # or api_key: ...; the file may then be committed
      timeout: 60
      max_tokens: 1024
      structured_output: json_schema # json_schema | json_object | prompt (default: learned)
      deterministic: true            # unset sampling on this backend is deterministic (cache)
      fallbacks: [big, embedded]
    - name: big
      base_url: http://big:8000/v1
      model: Qwen/Qwen3-32B
      temperature: 0

The entry ``embedded`` is the embedded model (its URL is chosen at start-up, so it has no
``base_url``); it is always there, listed or not, so any entry may fall back to it. The first
entry is the default. With no file, the entries come from the single-backend settings
(``TOOLLOOM_LLM_*``): one entry named after ``TOOLLOOM_LLM_MODEL`` when ``TOOLLOOM_LLM_BASE_URL``
is set (the default), plus ``embedded`` (the default when no URL is set), so nothing changes for
existing deployments.

Everything is checked when the file is read: a bad field names its entry and the field; duplicate
names, fallbacks to unknown names and cycles in fallbacks are errors; ``api_key_env`` must name a
variable that is set. The environment is never read here: callers pass the mapping
(:func:`server.settings.environment` in the server, a plain dict in tests).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

import yaml
from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from backends.pool import UnknownModel


class Settings(Protocol):
    """What the models file reads of the server's settings: the file, and the single backend
    (``TOOLLOOM_LLM_*``) used without one and as every entry's defaults."""

    @property
    def models(self) -> Path | None: ...
    @property
    def llm_base_url(self) -> AnyHttpUrl | None: ...
    @property
    def llm_model(self) -> str | None: ...
    @property
    def llm_api_key(self) -> SecretStr: ...
    @property
    def llm_timeout(self) -> float: ...
    @property
    def llm_max_tokens(self) -> int | None: ...
    @property
    def llm_temperature(self) -> float: ...


__all__ = [
    "EMBEDDED",
    "ModelEntry",
    "ModelsConfig",
    "ModelsConfigError",
    "UnknownModel",
    "load_models",
    "parse_models",
]

EMBEDDED = "embedded"
"""The name of the embedded model's entry."""
RESERVED = "toolloom"
"""What clients call the default entry (``/v1/models`` lists it first): no entry may take it."""
SINGLE_BACKEND_MODEL = "openai/gpt-oss-20b"
"""The backend model when ``TOOLLOOM_LLM_MODEL`` is unset (as in backends/client.py)."""
DEFAULT_API_KEY = "not-needed"  # vLLM and llama.cpp accept any key unless told otherwise

StructuredMode = Literal["json_schema", "json_object", "prompt"]
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ModelsConfigError(ValueError):
    """The models file cannot be used; the message names the file, the entry and the field."""


class ModelEntry(BaseModel):
    """One backend. Read from the file as written; :func:`load_models` fills in the defaults
    (``model``, ``api_key``, ``timeout``), so an entry from a :class:`ModelsConfig` is complete."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="What clients ask for; unique in the file.")
    base_url: AnyHttpUrl | None = Field(
        default=None,
        description="OpenAI-compatible base URL, e.g. http://vllm:8000/v1 (not for 'embedded').",
    )
    model: str | None = Field(
        default=None,
        min_length=1,
        description="The model name sent to the backend. Default: the entry's name "
        "('embedded': the embedded server's alias).",
    )
    api_key: SecretStr | None = Field(default=None, description="The backend's API key.")
    api_key_env: str | None = Field(
        default=None, description="The environment variable holding the API key."
    )
    timeout: Annotated[float, Field(gt=0, le=3600)] | None = Field(
        default=None, description="Seconds per request. Default: TOOLLOOM_LLM_TIMEOUT."
    )
    max_tokens: Annotated[int, Field(ge=16, le=131072)] | None = Field(
        default=None, description="Longest reply requested. Default: the client's default."
    )
    structured_output: StructuredMode | None = Field(
        default=None,
        description="How to ask this backend for JSON; unset: learned from its replies.",
    )
    fallbacks: tuple[str, ...] = Field(
        default=(),
        description="Entries tried in order when this backend fails through no fault of the request.",
    )
    answer_from_results: bool | None = Field(
        default=None,
        description="Write the answer from a tool result that answers the question by itself "
        "(calculator, time_now, statistics, file_list, system_info) without a model call; "
        "unset: TOOLLOOM_ANSWER_FROM_RESULTS (auto: yes for the embedded model only).",
    )
    deterministic: bool = Field(
        default=False,
        description="The operator vouches that this backend's default sampling is deterministic: "
        "requests with no sampling settings may be cached.",
    )
    temperature: Annotated[float, Field(ge=0, le=2)] | None = Field(
        default=None, description="Sampling temperature sent; unset: none is sent."
    )

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(
                "must be 1-128 characters: letters, digits and . _ : / @ + -, "
                "starting with a letter or digit"
            )
        return value

    @field_validator("api_key_env")
    @classmethod
    def _valid_env_name(cls, value: str | None) -> str | None:
        if value is not None and not _ENV_NAME.match(value):
            raise ValueError(f"{value!r} is not an environment variable name")
        return value

    @field_validator("fallbacks", mode="before")
    @classmethod
    def _fallbacks_list(cls, value: object) -> object:
        if isinstance(value, str):  # "fallbacks: embedded" means one fallback
            return (value,)
        return value

    @model_validator(mode="before")
    @classmethod
    def _one_key_source(cls, data: Any) -> Any:
        # Checked on the file's fields only: a resolved entry keeps api_key_env and gains api_key.
        if isinstance(data, dict) and data.get("api_key") is not None and data.get("api_key_env"):
            raise ValueError("api_key, api_key_env: give one of them, not both")
        return data

    @model_validator(mode="after")
    def _consistent(self) -> ModelEntry:
        if self.name == EMBEDDED:
            if self.base_url is not None:
                raise ValueError(
                    "base_url: the embedded model's URL is chosen at start-up; remove base_url "
                    "(or give this backend another name)"
                )
        elif self.base_url is None:
            raise ValueError("base_url: required (the backend's OpenAI-compatible base URL)")
        if self.name in self.fallbacks:
            raise ValueError(f"fallbacks: {self.name!r} names itself")
        if len(set(self.fallbacks)) != len(self.fallbacks):
            raise ValueError("fallbacks: a name is listed twice")
        return self

    @property
    def is_embedded(self) -> bool:
        return self.name == EMBEDDED

    def key(self) -> str:
        """The API key as a string (resolved by :func:`load_models`)."""
        return self.api_key.get_secret_value() if self.api_key else DEFAULT_API_KEY


class ModelsConfig(BaseModel):
    """Every backend by name, in file order; ``default`` serves requests that name no model."""

    model_config = ConfigDict(frozen=True)

    entries: tuple[ModelEntry, ...]
    default: str
    source: str = Field(default="settings", description="The file read, or 'settings'.")
    embedded_listed: bool = Field(
        default=False, description="The file lists the entry 'embedded' itself."
    )

    def needs_embedded(self) -> bool:
        """Whether the embedded model must run: it is the default, the file lists it, or some
        entry falls back to it. (Otherwise it is not started, and not offered to clients.)"""
        return (
            self.default == EMBEDDED
            or self.embedded_listed
            or any(EMBEDDED in entry.fallbacks for entry in self.entries)
        )

    def served(self) -> list[ModelEntry]:
        """The entries the server runs: every one, less ``embedded`` when nothing needs it."""
        keep_embedded = self.needs_embedded()
        return [e for e in self.entries if keep_embedded or not e.is_embedded]

    def names(self) -> list[str]:
        return [entry.name for entry in self.entries]

    def get(self, name: str | None) -> ModelEntry:
        """The entry for ``name`` (None or empty: the default); :class:`UnknownModel` if none."""
        wanted = name or self.default
        for entry in self.entries:
            if entry.name == wanted:
                return entry
        raise UnknownModel(wanted, self.names())

    def chain(self, name: str | None = None) -> list[ModelEntry]:
        """The entry, then its fallbacks in order, each followed by its own fallbacks (depth
        first), every backend once: the order in which a failing step is sent on."""
        order: list[ModelEntry] = []
        seen: set[str] = set()

        def visit(entry: ModelEntry) -> None:
            if entry.name in seen:
                return
            seen.add(entry.name)
            order.append(entry)
            for fallback in entry.fallbacks:
                visit(self.get(fallback))

        visit(self.get(name))
        return order


# --- building a config -------------------------------------------------------------------------------


def load_models(settings: Settings, env: Mapping[str, str]) -> ModelsConfig:
    """The models file named by ``TOOLLOOM_MODELS``, or the single-backend entries."""
    if settings.models is None:
        return default_models(settings)
    return read_models_file(settings.models, settings, env)


def default_models(settings: Settings) -> ModelsConfig:
    """Today's single backend as entries: the configured URL (if any, the default) and ``embedded``."""
    entries: list[ModelEntry] = []
    if settings.llm_base_url is not None:
        name = settings.llm_model or SINGLE_BACKEND_MODEL
        entries.append(
            ModelEntry(
                name=name,
                base_url=settings.llm_base_url,
                model=name,
                api_key=settings.llm_api_key,
                timeout=settings.llm_timeout,
                max_tokens=settings.llm_max_tokens,
                temperature=settings.llm_temperature,
            )
        )
    entries.append(_embedded_entry(settings, None))
    return ModelsConfig(entries=tuple(entries), default=entries[0].name, source="settings")


def read_models_file(path: Path, settings: Settings, env: Mapping[str, str]) -> ModelsConfig:
    """Read and check a models file (``.json``: JSON; anything else: YAML, which includes JSON)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelsConfigError(f"models file {path}: cannot be read ({exc})") from None
    fmt: Literal["json", "yaml"] = "json" if path.suffix.lower() == ".json" else "yaml"
    return parse_models(text, settings=settings, env=env, source=str(path), fmt=fmt)


def parse_models(
    text: str,
    *,
    settings: Settings,
    env: Mapping[str, str],
    source: str = "(text)",
    fmt: Literal["json", "yaml"] = "yaml",
) -> ModelsConfig:
    """Check the text of a models file and resolve it into a :class:`ModelsConfig`."""
    where = f"models file {source}"
    try:
        data: Any = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise ModelsConfigError(f"{where}: not valid JSON: {exc}") from None
    except yaml.YAMLError as exc:
        raise ModelsConfigError(f"{where}: not valid YAML: {exc}") from None
    if isinstance(data, dict) and set(data) == {"models"}:
        data = data["models"]
    if not isinstance(data, list) or not data:
        raise ModelsConfigError(
            f"{where}: expected a non-empty list of model entries (or 'models:' holding one)"
        )

    problems: list[str] = []
    entries: list[ModelEntry] = []
    for index, item in enumerate(data, 1):
        label = _label(index, item)
        if not isinstance(item, dict):
            problems.append(f"{label}: expected a mapping of fields, got {type(item).__name__}")
            continue
        try:
            entry = ModelEntry.model_validate(item)
        except ValidationError as exc:
            problems.extend(f"{label}: {line}" for line in _error_lines(exc))
            continue
        try:
            entries.append(_resolve(entry, settings, env))
        except ModelsConfigError as exc:
            problems.append(f"{label}: {exc}")
    if not problems:
        problems = _cross_check(entries)
    if problems:
        raise ModelsConfigError(f"{where}:\n  " + "\n  ".join(problems))

    default = entries[0].name
    listed = any(entry.is_embedded for entry in entries)
    if not listed:
        entries.append(_embedded_entry(settings, None))
    return ModelsConfig(
        entries=tuple(entries), default=default, source=source, embedded_listed=listed
    )


def resolve_api_key(entry: ModelEntry, env: Mapping[str, str]) -> SecretStr:
    """The entry's key: ``api_key`` as written, or the value of the variable ``api_key_env``
    names in ``env``, or the placeholder local backends accept."""
    if entry.api_key_env is not None:
        value = env.get(entry.api_key_env)
        if value is None:
            raise ModelsConfigError(
                f"api_key_env: the environment variable {entry.api_key_env} is not set"
            )
        if not value.strip():
            raise ModelsConfigError(
                f"api_key_env: the environment variable {entry.api_key_env} is empty"
            )
        return SecretStr(value.strip())
    return entry.api_key or SecretStr(DEFAULT_API_KEY)


# --- helpers ----------------------------------------------------------------------------------------


def _embedded_entry(
    settings: Settings, written: ModelEntry | None, env: Mapping[str, str] | None = None
) -> ModelEntry:
    base = written or ModelEntry(name=EMBEDDED, temperature=settings.llm_temperature)
    return base.model_copy(
        update={
            "timeout": base.timeout or settings.llm_timeout,
            "max_tokens": base.max_tokens or settings.llm_max_tokens,
            "api_key": resolve_api_key(base, env or {}),
        }
    )


def _resolve(entry: ModelEntry, settings: Settings, env: Mapping[str, str]) -> ModelEntry:
    if entry.is_embedded:
        return _embedded_entry(settings, entry, env)
    return entry.model_copy(
        update={
            "model": entry.model or entry.name,
            "api_key": resolve_api_key(entry, env),
            "timeout": entry.timeout or settings.llm_timeout,
        }
    )


def _label(index: int, item: object) -> str:
    name = item.get("name") if isinstance(item, dict) else None
    return f"entry {index} ({name!r})" if isinstance(name, str) else f"entry {index}"


def _error_lines(exc: ValidationError) -> list[str]:
    lines = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field (a typo?)"
        if field:
            lines.append(f"{field}: {message}")
        else:  # a model-level check: its message starts with the field
            lines.append(message)
    return lines


def _cross_check(entries: Sequence[ModelEntry]) -> list[str]:
    problems: list[str] = []
    by_name: dict[str, ModelEntry] = {}
    for entry in entries:
        if entry.name in by_name:
            problems.append(f"entry {entry.name!r}: name: listed more than once")
        if entry.name == RESERVED:
            problems.append(
                f"entry {entry.name!r}: name: reserved (clients name the default entry "
                f"{RESERVED!r}); call this backend something else"
            )
        by_name[entry.name] = entry
    known = set(by_name) | {EMBEDDED}
    for entry in entries:
        unknown = [name for name in entry.fallbacks if name not in known]
        if unknown:
            problems.append(
                f"entry {entry.name!r}: fallbacks: unknown {', '.join(map(repr, unknown))} "
                f"(known: {', '.join(sorted(known))})"
            )
    cycle = _find_cycle(by_name)
    if cycle:
        problems.append(f"fallbacks form a cycle: {' -> '.join(cycle)}")
    return problems


def _find_cycle(by_name: Mapping[str, ModelEntry]) -> list[str] | None:
    """The first cycle in the fallback graph, as a path that returns to its start, or None."""
    done: set[str] = set()

    def walk(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done or name not in by_name:
            return None
        for fallback in by_name[name].fallbacks:
            found = walk(fallback, [*path, name])
            if found:
                return found
        done.add(name)
        return None

    for name in by_name:
        found = walk(name, [])
        if found:
            return found
    return None
