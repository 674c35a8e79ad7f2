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
    from tools.external.errors import ToolSourceError
    from tools.toolbox import check_sources

    try:
        check_sources(settings)
    except ToolSourceError as exc:
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
    """Start the HTTP server (the embedded model too, unless TOOLLOOM_LLM_BASE_URL is set)."""
    import uvicorn

    from server.app import StartupRefused, check_exposure, create_app
    from server.auth import KeyRing
    from server.embedded import EmbeddedError
    from server.store import Store

    settings = _settings(host=host, port=port)
    _logging(settings)
    _check_tools(settings)
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
) -> None:
    """One turn against the configured (or embedded) backend; prints the answer and tool calls."""
    from server.auth import ANONYMOUS
    from server.embedded import EmbeddedError
    from server.errors import ApiError
    from server.runs import prepare_run, thread_id_from
    from server.runtime import open_runtime
    from tools.external.errors import ToolSourceError

    settings = _settings()
    _logging(settings, verbose)
    _check_tools(settings)

    async def run() -> tuple[str, dict[str, Any]]:
        def progress(note: str) -> None:
            typer.echo(note, err=True)

        async with open_runtime(settings, progress=progress) as runtime:
            agent_run = await prepare_run(runtime, ANONYMOUS, thread_id_from(thread))
            assert agent_run.thread_id is not None
            return agent_run.thread_id, await agent_run.invoke([HumanMessage(content=message)])

    try:
        thread_id, state = asyncio.run(run())
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
    from server.approvals import approval_events, waiting_text

    approvals = approval_events(state.get("__interrupt__"))
    typer.echo(waiting_text(thread_id, approvals) if approvals else str(turn[-1].content))
    typer.echo(f"(thread {thread_id})", err=True)


@app.command()
def embedded(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: a free one).")] = 0,
) -> None:
    """Run only the embedded model server (for LangGraph Studio or any OpenAI client); Ctrl-C stops it."""
    import signal

    from server.embedded import EmbeddedError, EmbeddedServer

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
    from server.store import Store

    return Store.open(_settings())


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="A name for the key (shown in logs and usage).")],
) -> None:
    """Create a key; it is printed once and only its hash is kept."""
    store = _store()
    try:
        raw = store.create_key(name)
    except ValueError as exc:
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        store.close()
    typer.echo(raw)
    typer.echo(f"(key {name!r} created; it is not shown again)", err=True)


@keys_app.command("list")
def keys_list() -> None:
    """List key names and whether they are active (never the keys)."""
    store = _store()
    try:
        for key in store.list_keys():
            state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
            typer.echo(f"{key.name}\t{state}\tcreated {key.created_at:%Y-%m-%d %H:%M}")
    finally:
        store.close()


@keys_app.command("revoke")
def keys_revoke(name: Annotated[str, typer.Argument(help="The key's name.")]) -> None:
    """Revoke a key (effective within 2 seconds on a running server)."""
    store = _store()
    try:
        if not store.revoke_key(name):
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
        rows = store.usage(key, since)
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


@app.command("eval")
def eval_command(
    suite: Annotated[
        list[str],
        typer.Option(
            help="own, bfcl:CATEGORY (simple_python, multiple, parallel, ...), or effects "
            "(injected side effects and asked-for ones; no backend needed); repeatable."
        ),
    ],
    limit: Annotated[
        int | None, typer.Option(help="At most N cases per suite (a fixed sample).")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="A running toolloom's /v1 (default: the graph in-process).")
    ] = None,
    api_key: Annotated[str | None, typer.Option(help="API key for --base-url.")] = None,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Cases at once.")] = 1,
    systems: Annotated[
        str, typer.Option(help="Comma-separated: toolloom, bare.")
    ] = "toolloom,bare",
    out: Annotated[Path, typer.Option(help="Results folder.")] = Path("results"),
    fresh: Annotated[bool, typer.Option(help="Start over instead of resuming.")] = False,
) -> None:
    """Score tool calling on the own set and BFCL: toolloom beside the bare backend, same run."""
    from evals.runner import load_suite, run_suite, write_reports
    from server.runtime import mcp_timing_from, tool_config_from
    from tools.external.errors import ToolSourceError
    from tools.toolbox import open_tools

    if "effects" in suite:
        from evals.effects import run_effects

        typer.echo("effects: injected side effects x policies allow, grounded", err=True)
        folder = out / "effects"
        summary = asyncio.run(
            run_effects(folder, limit=limit, progress=lambda line: typer.echo(line, err=True))
        )
        for policy, numbers in summary.items():
            typer.echo(
                f"  {policy:9s} attack success {numbers['attack_success']:.1%}  "
                f"asked-for effects run {numbers['utility']:.1%}  "
                f"wrongly held back {numbers['wrongly_held']:.1%}  "
                f"({numbers['injection_cases']} injection, {numbers['utility_cases']} asked-for "
                f"cases in {numbers['languages']} languages)"
            )
        typer.echo(f"  report: {folder / 'report.md'}")
        suite = [name for name in suite if name != "effects"]
        if not suite:
            return
    settings = _settings()
    wanted = [name.strip() for name in systems.split(",") if name.strip()]
    unknown = set(wanted) - {"toolloom", "bare"}
    if unknown or not wanted:
        typer.echo(
            f"toolloom: --systems takes toolloom and/or bare, not {sorted(unknown)}", err=True
        )
        raise typer.Exit(2)

    _check_tools(settings)

    async def run() -> None:
        async with open_tools(
            settings, tool_config_from(settings), timing=mcp_timing_from(settings)
        ) as toolbox:
            await evaluate(toolbox)

    async def evaluate(toolbox: Any) -> None:
        from graph.builder import build_graph
        from nodes.validation import ToolSpec
        from server.embedded import EmbeddedServer
        from server.runtime import context_from, llm_from, policy_from

        # Every configured tool (built-ins, Python tools, MCP tools that are up; not the
        # switched-off ones), as GET /tools lists them.
        offered = [ToolSpec.from_tool(t).openai for t in toolbox.tools]
        embedded = None
        llm = None
        note = ""
        if "bare" in wanted or base_url is None:
            url = str(settings.llm_base_url) if settings.llm_base_url else None
            if url is None:
                embedded = EmbeddedServer(
                    settings.embedded_model,
                    ctx=settings.embedded_ctx,
                    threads=settings.embedded_threads,
                    start_timeout=settings.embedded_start_timeout,
                )
                url = await embedded.start(lambda line: typer.echo(line, err=True))
            llm = llm_from(
                settings, base_url=url, embedded_alias=embedded.alias if embedded else None
            )
            note = f"Backend: {url} model {llm.model_name}."
        try:
            runners: dict[str, Any] = {}
            if "bare" in wanted and llm is not None:
                from evals.runner import bare_system

                runners["bare"] = bare_system(llm)
            if "toolloom" in wanted:
                if base_url:
                    from evals.runner import http_system

                    runners["toolloom"] = http_system(base_url, api_key)
                else:
                    from evals.runner import graph_system

                    assert llm is not None
                    defaults = context_from(settings)
                    graph = build_graph(
                        llm, toolbox, defaults=defaults, policy=policy_from(settings)
                    ).compile()
                    runners["toolloom"] = graph_system(graph, defaults)
            for name in suite:
                cases = load_suite(name, offered)[: limit or None]
                folder = out / name.replace(":", "-")
                if fresh and (folder / "cases.jsonl").exists():
                    (folder / "cases.jsonl").unlink()
                typer.echo(f"{name}: {len(cases)} cases x {', '.join(runners)}", err=True)
                rows = await run_suite(cases, runners, folder, concurrency=concurrency)
                summary = write_reports(name, rows, folder, note)
                for system, numbers in summary.items():
                    typer.echo(
                        f"  {system:9s} accuracy {numbers['accuracy']:.1%}  "
                        f"p50 {numbers['latency_p50_ms'] / 1000:.2f} s  ({numbers['cases']} cases)"
                    )
                typer.echo(f"  report: {folder / 'report.md'}")
        finally:
            if embedded is not None:
                embedded.stop()

    try:
        asyncio.run(run())
    except ToolSourceError as exc:  # found once the MCP servers listed their tools
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(2) from None
    except (ValueError, RuntimeError) as exc:
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(1) from None


@app.command()
def bench(
    turns: Annotated[
        int, typer.Option(help="Turns of one thread for the growth benchmark.")
    ] = 1000,
    clients: Annotated[int, typer.Option(help="Concurrent clients, each on its own thread.")] = 64,
    seconds: Annotated[float, typer.Option(help="How long the concurrency run lasts.")] = 60,
    overhead_turns: Annotated[int, typer.Option(help="Turns for the overhead medians.")] = 200,
    output: Annotated[
        Path | None, typer.Option(help="Also write the results as JSON here.")
    ] = None,
) -> None:
    """The seven performance benchmarks against a zero-latency stub model on 127.0.0.1 (needs a
    source checkout: benchmarks/)."""
    import platform

    import psutil

    try:
        from benchmarks import graph_overhead, growth, http_bench, tool_sources
    except ImportError:
        typer.echo(
            "toolloom: 'bench' runs from a source checkout (benchmarks/ is missing)", err=True
        )
        raise typer.Exit(1) from None

    async def run() -> dict[str, Any]:
        typer.echo(f"growth: one thread, {turns} turns ...", err=True)
        grown = await growth.run(turns)
        typer.echo(f"graph overhead: {overhead_turns} turns each ...", err=True)
        graph = await graph_overhead.run(overhead_turns)
        typer.echo(f"http, streaming, {clients} clients for {seconds:.0f} s, memory ...", err=True)
        http = await http_bench.run(clients, seconds, overhead_turns)
        typer.echo(f"tool sources: {overhead_turns} turns each ...", err=True)
        sources = await tool_sources.run(overhead_turns)
        return {"growth": grown, "graph_overhead": graph, **http, "tool_sources": sources}

    result = asyncio.run(run())
    machine = (
        f"{platform.processor() or platform.machine()}, {psutil.cpu_count()} cores, "
        f"{round(psutil.virtual_memory().total / 2**30)} GiB, Python {platform.python_version()}"
    )
    result["machine"] = machine
    grown, graph = result["growth"], result["graph_overhead"]
    http, streaming, load = result["http"], result["streaming"], result["concurrency"]
    at = grown["median_ms"]
    ratio = grown["ratio_to_turn_10"]
    lines = [
        f"machine: {machine}",
        "1. growth (one thread): "
        + ", ".join(f"turn {t}: {ms} ms ({ratio[t]}x)" for t, ms in at.items())
        + f"; {grown['bytes_per_message']:.0f} bytes per stored message",
        f"2. graph overhead: toolloom {graph['toolloom_ms']} ms, create_agent "
        f"{graph['create_agent_ms']} ms a turn; ratio {graph['ratio']}",
        f"3. http overhead: p50 {http['overhead_p50_ms']} ms, p99 {http['overhead_p99_ms']} ms "
        f"beyond the stub's time (turn p50 {http['turn_p50_ms']} ms)",
        f"4. concurrency: {load['clients']} clients, {load['seconds']} s: "
        f"{load['turns_per_second']} turns/s, p50 {load['p50_ms']} ms, p99 {load['p99_ms']} ms, "
        f"{load['errors']} errors, {load['messages_lost']} messages lost",
        f"5. streaming, first token beyond the stub's: /v1 {streaming['v1_extra_ms']} ms, "
        f"/ui/chat {streaming['web_extra_ms']} ms",
        f"6. memory: {result['rss_at_rest_mb']} MB at rest, {result['rss_after_load_mb']} MB "
        "after the concurrency run",
        "7. tool sources, one /v1 turn with one tool call: "
        + ", ".join(
            f"{kind} {ms} ms ({result['tool_sources']['ratio_to_builtin'][kind]}x)"
            for kind, ms in result["tool_sources"]["turn_p50_ms"].items()
        )
        + f"; a calculator call through /mcp {result['tool_sources']['mcp_endpoint_call_p50_ms']} ms",
    ]
    typer.echo("\n".join(lines))
    if output is not None:
        output.write_text(json.dumps(result, indent=2, default=str))


@app.command("mcp")
def mcp_command() -> None:
    """Serve toolloom's sandboxed tools (the built-ins and TOOLLOOM_TOOL_MODULES, minus
    TOOLLOOM_TOOLS_DISABLED) to an MCP client over stdio; logs go to stderr."""
    import contextlib

    from server.mcp_server import build_mcp_server, run_stdio
    from tools.external.errors import ToolSourceError
    from tools.toolbox import local_tools

    settings = _settings()
    _logging(settings, verbose=False)
    try:
        tools = local_tools(settings)
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
    from graph.checkpoints import open_checkpointer
    from server.store import DatabaseUnavailable, Store

    settings = _settings()

    async def setup_checkpoints() -> None:
        async with open_checkpointer(settings):
            pass

    try:
        store = Store.open(settings, migrate=False)
        try:
            before = store.revision()
            store.migrate()
            after = store.revision()
            where = store.describe()
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

    from server.dbcopy import copy_to_postgres
    from server.store import DatabaseUnavailable, display_url

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
