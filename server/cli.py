"""The ``toolloom`` command: serve, chat."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
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
    store = Store(settings.db)
    try:
        check_exposure(settings, KeyRing(settings.api_keys, store))
    except StartupRefused as exc:
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        store.close()
    config = uvicorn.Config(
        create_app(settings), host=settings.host, port=settings.port, log_config=None
    )
    try:
        uvicorn.Server(config).run()
    except EmbeddedError as exc:
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(1) from None


@app.command()
def chat(
    message: Annotated[str, typer.Argument(help="What to say.")],
    thread: Annotated[
        str | None, typer.Option(help="Continue this thread (default: a new one).")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
) -> None:
    """One turn against the configured (or embedded) backend; prints the answer and tool calls."""
    from server.embedded import EmbeddedError
    from server.runtime import open_runtime

    settings = _settings()
    _logging(settings, verbose)
    thread_id = thread or uuid.uuid4().hex

    async def run() -> dict[str, Any]:
        def progress(note: str) -> None:
            typer.echo(note, err=True)

        async with open_runtime(settings, progress=progress) as runtime:
            state: dict[str, Any] = await runtime.graph.ainvoke(
                {"messages": [HumanMessage(content=message)]},
                {"configurable": {"thread_id": thread_id}},
            )
            return state

    try:
        state = asyncio.run(run())
    except EmbeddedError as exc:
        typer.echo(f"toolloom: {exc}", err=True)
        raise typer.Exit(1) from None
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
    typer.echo(str(turn[-1].content))
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

    return Store(_settings().db)


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
            help="own, or bfcl:CATEGORY (simple_python, multiple, parallel, ...); repeatable."
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

    settings = _settings()
    wanted = [name.strip() for name in systems.split(",") if name.strip()]
    unknown = set(wanted) - {"toolloom", "bare"}
    if unknown or not wanted:
        typer.echo(
            f"toolloom: --systems takes toolloom and/or bare, not {sorted(unknown)}", err=True
        )
        raise typer.Exit(2)

    async def run() -> None:
        from graph.builder import build_graph
        from nodes.validation import ToolSpec
        from server.embedded import EmbeddedServer
        from server.llm import EMBEDDED_MAX_TOKENS, make_llm, make_policy
        from server.runtime import context_from, tool_config_from
        from tools.registry import build_tools

        tools = build_tools(tool_config_from(settings))
        builtin = [ToolSpec.from_tool(t).to_openai() for t in tools]
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
            llm = make_llm(
                settings,
                base_url=url,
                model=embedded.alias if embedded else None,
                max_tokens=EMBEDDED_MAX_TOKENS if embedded else None,
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
                        llm, tools, defaults=defaults, policy=make_policy(settings)
                    ).compile()
                    runners["toolloom"] = graph_system(graph, defaults)
            for name in suite:
                cases = load_suite(name, builtin)[: limit or None]
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
    """The six performance benchmarks against a zero-latency stub model on 127.0.0.1 (needs a
    source checkout: benchmarks/ and tests/stub_llm.py)."""
    import platform

    import psutil

    try:
        from benchmarks import graph_overhead, growth, http_bench
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
        return {"growth": grown, "graph_overhead": graph, **http}

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


if __name__ == "__main__":
    main()
