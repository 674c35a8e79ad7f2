"""The ``toolloom`` command: serve, chat."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from server.settings import Settings, SettingsError, load_settings

app = typer.Typer(
    name="toolloom",
    help="Reliable tool calling for local models: a LangGraph agent server.",
    no_args_is_help=True,
    add_completion=False,
)


def _settings(**overrides: Any) -> Settings:
    try:
        return load_settings(**{k: v for k, v in overrides.items() if v is not None})
    except SettingsError as exc:
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(2) from None


def _check_tools(settings: Settings) -> None:
    """Stop (exit 2) with a message naming the culprit when a Python tool module fails to import,
    a name clashes, the MCP config file cannot be read, or a disabled name matches no tool."""
    from server.runtime import tool_sources_from
    from tools.external.source_errors import ToolSourceError
    from tools.toolbox import check_sources

    try:
        check_sources(tool_sources_from(settings))
    except ToolSourceError as exc:
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(2) from None


def _check_models(settings: Settings) -> None:
    """A models file or an intent model that cannot be used stops the command with its message,
    before anything starts."""
    from backends.models_file import ModelsConfigError, load_models
    from intent.model import ArtefactError
    from server.runtime import intent_from
    from server.settings import environment

    try:
        load_models(settings, environment())
        intent_from(settings)
    except (ModelsConfigError, ArtefactError) as exc:
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(2) from None


def _logging(settings: Settings, verbose: bool = True) -> None:
    from server.observability import configure_logging

    secrets = [
        k.get_secret_value().partition("=")[2] or k.get_secret_value() for k in settings.api_keys
    ]
    secrets.append(settings.llm_api_key.get_secret_value())
    level = getattr(logging, settings.log_level.upper()) if verbose else logging.WARNING
    configure_logging(settings.log_format, secrets, level)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (TOOLLOOM_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (TOOLLOOM_PORT).")] = None,
) -> None:
    """Start the HTTP server (the embedded model too, when no backend URL is set or the models
    file needs it)."""
    import uvicorn

    from backends.embedded import EmbeddedError
    from server.app import StartupRefused, check_exposure, create_app
    from server.auth.api_keys import KeyRing
    from server.storage.store import Store

    settings = _settings(host=host, port=port)
    _logging(settings)
    _check_tools(settings)
    _check_models(settings)
    store = Store.open(settings)
    try:
        check_exposure(settings, KeyRing(settings.api_keys, store))
    except StartupRefused as exc:
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        store.close()
    web_app = create_app(settings)
    config = uvicorn.Config(web_app, host=settings.host, port=settings.port, log_config=None)
    try:
        uvicorn.Server(config).run()
    except EmbeddedError as exc:
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(1) from None
    except SystemExit:  # uvicorn's exit when the lifespan failed
        refused = getattr(web_app.state, "startup_error", None)
        if refused is None:
            raise
        # Found only once the MCP servers answered (a disabled name none of them has).
        typer.echo(f"toolloom: {refused}", err=True)
        raise typer.Exit(2) from None


@app.command()
def chat(
    message: Annotated[str, typer.Argument(help="What to say.")],
    thread: Annotated[
        str | None, typer.Option(help="Continue this thread (default: a new one).")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
    model: Annotated[
        str | None,
        typer.Option(help="The model to run on (a models-file entry; default: the first)."),
    ] = None,
) -> None:
    """One turn against the configured (or embedded) backend; prints the answer and tool calls."""
    from backends.embedded import EmbeddedError
    from server.api_error import ApiError
    from server.auth.api_keys import ANONYMOUS
    from server.road.request import RunRequest, prepare, thread_id_from
    from server.runtime import open_runtime
    from tools.external.source_errors import ToolSourceError

    settings = _settings()
    _logging(settings, verbose)
    _check_tools(settings)
    _check_models(settings)

    async def run() -> tuple[str, dict[str, Any], str | None]:
        def progress(note: str) -> None:
            typer.echo(note, err=True)

        async with open_runtime(settings, progress=progress) as runtime:
            given = [HumanMessage(content=message)]
            agent_run = await prepare(
                runtime,
                RunRequest(
                    ANONYMOUS,
                    thread_id_from(thread),
                    messages=given,
                    model=model,
                    model_param="--model",
                    thread_where="--thread",
                ),
            )
            assert agent_run.thread_id is not None
            state = await agent_run.invoke(given)
            return agent_run.thread_id, state, agent_run.served_by

    try:
        thread_id, state, served_by = asyncio.run(run())
    except (EmbeddedError, ApiError) as exc:
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(1) from None
    except ToolSourceError as exc:  # found once the MCP servers listed their tools
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(2) from None
    turn = state["messages"]
    start = max(i for i, m in enumerate(turn) if isinstance(m, HumanMessage))
    stages = state.get("call_stages", {})
    for m in turn[start + 1 :]:
        if isinstance(m, AIMessage) and m.tool_calls:
            for call in m.tool_calls:
                args = json.dumps(call["args"], ensure_ascii=False)
                typer.echo(
                    f"[tool] {call['name']}({args})  stage={stages.get(call['id'] or '', '?')}"
                )
        elif isinstance(m, ToolMessage):
            typer.echo(f"[{m.status}] {m.content}")
    from server.road.approvals import approval_events, waiting_text

    approvals = approval_events(state.get("__interrupt__"))
    typer.echo(waiting_text(thread_id, approvals) if approvals else str(turn[-1].content))
    served = f", answered by {served_by}" if served_by else ""
    typer.echo(f"(thread {thread_id}{served})", err=True)


@app.command()
def embedded(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: a free one).")] = 0,
) -> None:
    """Run only the embedded model server (for LangGraph Studio or any OpenAI client); Ctrl-C stops it."""
    import signal

    from backends.embedded import EmbeddedError, EmbeddedServer

    settings = _settings()
    server = EmbeddedServer(
        settings.embedded_model,
        ctx=settings.embedded_ctx,
        threads=settings.embedded_threads,
        start_timeout=settings.embedded_start_timeout,
    )

    async def start() -> str:
        return await server.start(lambda note: typer.echo(note, err=True))

    try:
        server.port = port
        url = asyncio.run(start())
    except EmbeddedError as exc:
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(url)
    typer.echo(f"export TOOLLOOM_LLM_BASE_URL={url}", err=True)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        server.stop()


keys_app = typer.Typer(help="Manage API keys (stored hashed in TOOLLOOM_DB).", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def _store() -> Any:
    from server.storage.store import Store

    return Store.open(_settings())


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


def _shown(value: int | None, default: int) -> str:
    if value is None:
        return f"default ({default or 'no limit'})"
    return str(value) if value else "no limit"


RPM_HELP = "Requests per minute for this key (0: no limit; 'default': TOOLLOOM_RATE_LIMIT_RPM)."
TPD_HELP = (
    "Model tokens per UTC day for this key (0: no limit; 'default': TOOLLOOM_TOKENS_PER_DAY)."
)


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="A name for the key (shown in logs and usage).")],
    rpm: Annotated[str | None, typer.Option("--rpm", help=RPM_HELP)] = None,
    tokens_per_day: Annotated[str | None, typer.Option("--tokens-per-day", help=TPD_HELP)] = None,
) -> None:
    """Create a key, optionally with its own limits; it is printed once and only its hash is kept."""
    limits = _limits(rpm, tokens_per_day)
    store = _store()
    try:
        raw = store.keys.create_key(name, **limits)
    except ValueError as exc:
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        store.close()
    typer.echo(raw)
    typer.echo(f"(key {name!r} created; it is not shown again)", err=True)


@keys_app.command("limits")
def keys_limits(
    name: Annotated[str, typer.Argument(help="The key's name.")],
    rpm: Annotated[str | None, typer.Option("--rpm", help=RPM_HELP)] = None,
    tokens_per_day: Annotated[str | None, typer.Option("--tokens-per-day", help=TPD_HELP)] = None,
) -> None:
    """Show a key's limits, or set them (a running server applies them within about a second)."""
    settings = _settings()
    limits = _limits(rpm, tokens_per_day)
    store = _store()
    try:
        if limits:
            key = store.keys.set_key_limits(name, **limits)
        else:
            key = next((k for k in store.keys.list_keys() if k.name == name), None)
            if key is None:
                raise LookupError(f"no key named {name!r}")
    except LookupError as exc:
        typer.echo(f"toolloom: {exc.args[0]}", err=True)
        raise typer.Exit(1) from None
    finally:
        store.close()
    typer.echo(
        f"{key.name}: {_shown(key.rate_limit_rpm, settings.rate_limit_rpm)} requests per minute, "
        f"{_shown(key.tokens_per_day, settings.tokens_per_day)} tokens per day"
    )


@keys_app.command("list")
def keys_list() -> None:
    """List key names, whether they are active, and their limits (never the keys)."""
    settings = _settings()
    store = _store()
    try:
        for key in store.keys.list_keys():
            state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
            typer.echo(
                f"{key.name}\t{state}\tcreated {key.created_at:%Y-%m-%d %H:%M}\t"
                f"rpm {_shown(key.rate_limit_rpm, settings.rate_limit_rpm)}\t"
                f"tokens/day {_shown(key.tokens_per_day, settings.tokens_per_day)}"
            )
    finally:
        store.close()


@keys_app.command("revoke")
def keys_revoke(name: Annotated[str, typer.Argument(help="The key's name.")]) -> None:
    """Revoke a key (effective within 2 seconds on a running server)."""
    store = _store()
    try:
        if not store.keys.revoke_key(name):
            typer.echo(f"toolloom: no active key named {name!r}", err=True)
            raise typer.Exit(1)
    finally:
        store.close()
    typer.echo(f"revoked {name!r}")


@app.command()
def usage(
    key: Annotated[str | None, typer.Option(help="Only this key's name.")] = None,
    since: Annotated[str | None, typer.Option(help="From this UTC date on (YYYY-MM-DD).")] = None,
) -> None:
    """Usage per API key and day: requests, errors, tokens, tool calls."""
    store = _store()
    try:
        rows = store.usage.days(key, since)
    finally:
        store.close()
    header = (
        "day",
        "key",
        "requests",
        "errors",
        "prompt_tokens",
        "completion_tokens",
        "tool_calls",
    )
    table = [header] + [
        (
            r.day,
            r.key or "(no key)",
            str(r.requests),
            str(r.errors),
            str(r.prompt_tokens),
            str(r.completion_tokens),
            str(r.tool_calls),
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        typer.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


CLIENT_OPTIONS = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}


def _client(package: str, args: list[str]) -> None:
    """Run a client of the server (the eval suite, the benchmarks) in a child process: they use
    the server, the server never imports them, and they come with a source checkout only."""
    import importlib.util
    import subprocess
    import sys

    if importlib.util.find_spec(package) is None:
        typer.echo(
            f"toolloom: {package}/ is missing: this command runs from a source checkout", err=True
        )
        raise typer.Exit(1)
    done = subprocess.run([sys.executable, "-m", package, *args], check=False)  # noqa: S603
    raise typer.Exit(done.returncode)


@app.command("eval", context_settings=CLIENT_OPTIONS)
def eval_command(ctx: typer.Context) -> None:
    """Score tool calling (the own set, the typed set, BFCL, injected side effects): toolloom
    beside the bare backend, same run. Runs ``python -m evals``; ``toolloom eval --help`` lists
    its options."""
    _client("evals", list(ctx.args))


@app.command(context_settings=CLIENT_OPTIONS)
def bench(ctx: typer.Context) -> None:
    """The performance benchmarks (a zero-latency stub model on 127.0.0.1; with --e2e, the
    embedded default end to end). Runs ``python -m benchmarks``; ``toolloom bench --help`` lists
    its options."""
    _client("benchmarks", list(ctx.args))


@app.command("mcp")
def mcp_command() -> None:
    """Serve toolloom's sandboxed tools (the built-ins and TOOLLOOM_TOOL_MODULES, minus
    TOOLLOOM_TOOLS_DISABLED) to an MCP client over stdio; logs go to stderr."""
    import contextlib

    from server.http.mcp_endpoint import build_mcp_server, run_stdio
    from server.runtime import tool_sources_from
    from tools.external.source_errors import ToolSourceError
    from tools.toolbox import local_tools

    settings = _settings()
    _logging(settings, verbose=False)
    try:
        tools = local_tools(tool_sources_from(settings))
    except ToolSourceError as exc:
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(2) from None
    server = build_mcp_server(
        tools, timeout=settings.tool_timeout, output_chars=settings.tool_output_chars
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_stdio(server))


def main() -> None:
    app()


# --- toolloom db: migrations, and moving a SQLite installation into PostgreSQL ---------------

db_app = typer.Typer(
    help="The database (TOOLLOOM_DATABASE_URL, else TOOLLOOM_DB): migrate it, copy it.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the newest schema.

    toolloom's tables go through Alembic and the checkpoint tables through LangGraph's setup();
    the server does both at start too."""
    from graph.databases import DatabaseUnavailable
    from server.storage.engine import open_checkpoints
    from server.storage.store import Store

    settings = _settings()

    async def setup_checkpoints() -> None:
        async with open_checkpoints(settings):
            pass

    try:
        store = Store.open(settings, migrate=False)
        try:
            before = store.db.revision()
            store.db.migrate()
            after = store.db.revision()
            where = store.db.describe()
        finally:
            store.close()
        asyncio.run(setup_checkpoints())
    except DatabaseUnavailable as exc:
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(1) from None
    change = "already at" if before == after else f"upgraded from {before or 'no revision'} to"
    typer.echo(f"{where}: {change} revision {after}")


@db_app.command("copy")
def db_copy(
    to: Annotated[str, typer.Option("--to", help="The PostgreSQL URL to copy into.")],
    source: Annotated[
        Path | None, typer.Option("--from", help="The SQLite file (default: TOOLLOOM_DB).")
    ] = None,
) -> None:
    """Copy the SQLite installation into PostgreSQL.

    Threads (latest checkpoint with its pending writes, transcript, runs), keys and usage. Safe to
    run again: what is there already is not copied twice."""
    import sys

    from graph.databases import DatabaseUnavailable, display_url
    from server.storage.db_copy import copy_to_postgres

    path = source or _settings().db
    with typer.progressbar(length=0, label="threads", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(1)

        try:
            report = copy_to_postgres(path, to, progress)
        except (ValueError, FileNotFoundError) as exc:
            typer.echo(f"toolloom: {exc}", err=True)
            raise typer.Exit(2) from None
        except DatabaseUnavailable as exc:
            typer.echo(f"toolloom: {exc}", err=True)
            raise typer.Exit(1) from None
    typer.echo(
        f"copied {path} into {display_url(to)}: {report.transcripts} of {report.threads} "
        f"threads' transcripts ({report.messages} messages, {report.runs} runs), "
        f"{report.checkpoints} checkpoints ({report.pending_writes} pending writes), "
        f"{report.keys} keys, {report.usage_rows} usage rows"
    )


if __name__ == "__main__":
    main()
