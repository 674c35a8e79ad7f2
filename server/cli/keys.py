"""``toolloom keys``: create, list, rotate, revoke API keys, and set their limits.

Each command opens the server's database (``TOOLLOOM_DB`` or ``TOOLLOOM_DATABASE_URL``) and
changes the keys table; running servers see the change within about a second. Every change is
one structured log line (``toolloom.auth``: ``key created``, ``key rotated``, ``key revoked``);
each running server also logs and counts it (``toolloom_key_events_total``) when it sees it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Annotated, Any

import typer

from server.settings import Settings, SettingsError, load_settings

keys_app = typer.Typer(
    help="Manage API keys (stored hashed in the server's database).", no_args_is_help=True
)

RPM_HELP = "Requests per minute for this key (0: no limit; 'default': TOOLLOOM_RATE_LIMIT_RPM)."
TPD_HELP = (
    "Model tokens per UTC day for this key (0: no limit; 'default': TOOLLOOM_TOKENS_PER_DAY)."
)
SCOPES_HELP = (
    "Comma-separated scopes: runs (run the agent, change threads), read (threads, transcripts, "
    "state, runs, tools, models), admin (keys, usage). Default: all three."
)
EXPIRES_HELP = "Lifetime: a number with s, m, h or d (e.g. 90d, 12h); default: never expires."


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(2) from None


def _log() -> None:
    from server.observability import configure_logging

    if not logging.getLogger().handlers:
        configure_logging(_settings().log_format, level=logging.INFO)


def _keys() -> Any:
    from server.storage.store import Store

    return Store.open(_settings()).keys


def _event(event: str, name: str, **fields: Any) -> None:
    from server.auth.audit import key_event

    _log()
    key_event(event, name, count=False, by="cli", **fields)


def _limits(rpm: str | None, tokens_per_day: str | None) -> dict[str, int | None]:
    """The limits given as options: a count (0: no limit) or ``default`` (None: the settings'
    value); an option not given is left out."""
    found: dict[str, int | None] = {}
    for field, option, value in (
        ("rate_limit_rpm", "--rpm", rpm),
        ("tokens_per_day", "--tokens-per-day", tokens_per_day),
    ):
        if value is None:
            continue
        if value.strip().lower() == "default":
            found[field] = None
            continue
        try:
            number = int(value)
        except ValueError:
            number = -1
        if number < 0:
            raise typer.BadParameter(
                f"{value!r}: a whole number (0: no limit) or 'default'", param_hint=option
            )
        found[field] = number
    return found


def parse_duration(text: str) -> timedelta:
    """``90d``, ``12h``, ``30m``, ``45s`` (or a bare number of seconds)."""
    value = text.strip().lower()
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    factor = units.get(value[-1:], 0)
    number = value[:-1] if factor else value
    try:
        amount = float(number)
    except ValueError:
        amount = -1
    if amount <= 0:
        raise typer.BadParameter(f"{text!r}: a positive number with s, m, h or d (e.g. 90d)")
    return timedelta(seconds=amount * (factor or 1))


def _shown(value: int | None, default: int) -> str:
    if value is None:
        return f"default ({default or 'no limit'})"
    return str(value) if value else "no limit"


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="A name for the key (shown in logs and usage).")],
    scopes: Annotated[str | None, typer.Option("--scopes", help=SCOPES_HELP)] = None,
    expires: Annotated[str | None, typer.Option("--expires", help=EXPIRES_HELP)] = None,
    rpm: Annotated[str | None, typer.Option("--rpm", help=RPM_HELP)] = None,
    tokens_per_day: Annotated[str | None, typer.Option("--tokens-per-day", help=TPD_HELP)] = None,
) -> None:
    """Create a key; it is printed once and only its hash is kept."""
    from server.storage.key_store import SCOPES, parse_scopes
    from server.storage.tables import utcnow

    limits = _limits(rpm, tokens_per_day)
    try:
        chosen = parse_scopes(scopes) if scopes is not None else frozenset(SCOPES)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--scopes") from None
    expires_at = utcnow() + parse_duration(expires) if expires else None
    keys = _keys()
    try:
        raw = keys.create(name, scopes=chosen, expires_at=expires_at, **limits)
    except ValueError as exc:
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        keys.db.close()
    _event("created", name, scopes=",".join(sorted(chosen)))
    typer.echo(raw)
    until = f", expires {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else ""
    typer.echo(
        f"(key {name!r} created with scopes {','.join(sorted(chosen))}{until}; "
        "it is not shown again)",
        err=True,
    )


@keys_app.command("rotate")
def keys_rotate(
    name: Annotated[str, typer.Argument(help="The key's name.")],
    grace: Annotated[
        str | None,
        typer.Option(
            "--grace",
            help="How long the old secret keeps working (e.g. 1h, 7d; 0 for none); default: "
            "TOOLLOOM_KEY_ROTATION_GRACE.",
        ),
    ] = None,
) -> None:
    """Give a key a new secret (printed once); the old one keeps working for the grace period."""
    settings = _settings()
    if grace is None:
        period = timedelta(seconds=settings.key_rotation_grace)
    elif grace.strip() in ("0", "0s"):
        period = timedelta(0)
    else:
        period = parse_duration(grace)
    keys = _keys()
    try:
        raw, until = keys.rotate(name, period)
    except LookupError as exc:
        typer.echo(f"toolloom: {exc.args[0]}", err=True)
        raise typer.Exit(1) from None
    finally:
        keys.db.close()
    _event("rotated", name, grace_seconds=int(period.total_seconds()))
    typer.echo(raw)
    typer.echo(
        f"(key {name!r} rotated: the old secret works until {until:%Y-%m-%d %H:%M:%S} UTC; "
        "the new one is not shown again)",
        err=True,
    )


@keys_app.command("limits")
def keys_limits(
    name: Annotated[str, typer.Argument(help="The key's name.")],
    rpm: Annotated[str | None, typer.Option("--rpm", help=RPM_HELP)] = None,
    tokens_per_day: Annotated[str | None, typer.Option("--tokens-per-day", help=TPD_HELP)] = None,
) -> None:
    """Show a key's limits, or set them (a running server applies them within about a second)."""
    settings = _settings()
    limits = _limits(rpm, tokens_per_day)
    keys = _keys()
    try:
        key = keys.set_limits(name, **limits) if limits else keys.get(name)
        if key is None:
            raise LookupError(f"no key named {name!r}")
    except LookupError as exc:
        typer.echo(f"toolloom: {exc.args[0]}", err=True)
        raise typer.Exit(1) from None
    finally:
        keys.db.close()
    typer.echo(
        f"{key.name}: {_shown(key.rate_limit_rpm, settings.rate_limit_rpm)} requests per minute, "
        f"{_shown(key.tokens_per_day, settings.tokens_per_day)} tokens per day"
    )


@keys_app.command("list")
def keys_list() -> None:
    """List key names, states, scopes, expiry and limits (never the keys)."""
    from server.storage.key_store import aware
    from server.storage.tables import utcnow

    settings = _settings()
    keys = _keys()
    now = utcnow()
    try:
        for key in keys.list_keys():
            if key.revoked_at:
                state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}"
            elif key.expires_at and aware(key.expires_at) <= now:
                state = f"expired {key.expires_at:%Y-%m-%d %H:%M}"
            else:
                state = "active"
            expiry = f"expires {key.expires_at:%Y-%m-%d %H:%M}" if key.expires_at else "no expiry"
            if key.previous_until and aware(key.previous_until) > now and not key.revoked_at:
                expiry += f"\told secret until {key.previous_until:%Y-%m-%d %H:%M}"
            typer.echo(
                f"{key.name}\t{state}\tscopes {key.scopes}\t{expiry}\t"
                f"created {key.created_at:%Y-%m-%d %H:%M}\t"
                f"rpm {_shown(key.rate_limit_rpm, settings.rate_limit_rpm)}\t"
                f"tokens/day {_shown(key.tokens_per_day, settings.tokens_per_day)}"
            )
    finally:
        keys.db.close()


@keys_app.command("revoke")
def keys_revoke(name: Annotated[str, typer.Argument(help="The key's name.")]) -> None:
    """Revoke a key (effective within 2 seconds on a running server). Revoking the last one
    does not open the server: a keyed server then refuses everyone until a key exists again."""
    settings = _settings()
    keys = _keys()
    try:
        if not keys.revoke(name):
            typer.echo(f"toolloom: no active key named {name!r}", err=True)
            raise typer.Exit(1)
        left = keys.count_usable()
    finally:
        keys.db.close()
    _event("revoked", name, keys_left=left)
    typer.echo(f"revoked {name!r}")
    if left == 0 and not settings.api_keys:
        typer.echo(
            "toolloom: that was the last usable key: a server using keys now refuses every "
            "request until one exists again ('toolloom keys create NAME'); it does not open up",
            err=True,
        )
