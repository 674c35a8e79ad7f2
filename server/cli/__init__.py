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
    from tools.external.source_errors import ToolSourceError
    from tools.toolbox import check_sources

    try:
        check_sources(settings)
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
        raw = store.create_key(name, **limits)
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
            key = store.set_key_limits(name, **limits)
        else:
            key = next((k for k in store.list_keys() if k.name == name), None)
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
        for key in store.list_keys():
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
    from tools.external.source_errors import ToolSourceError
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
        from backends.embedded import EmbeddedServer
        from graph.builder import build_graph
        from nodes.validation import ToolSpec
        from server.runtime import context_from, intent_from, llm_from, policy_from

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
                        llm,
                        toolbox,
                        defaults=defaults,
                        policy=policy_from(settings),
                        intent=intent_from(settings),
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


def _machine() -> str:
    """The machine a benchmark ran on, in one line."""
    import platform

    import psutil

    return (
        f"{platform.processor() or platform.machine()}, {psutil.cpu_count()} cores, "
        f"{round(psutil.virtual_memory().total / 2**30)} GiB, Python {platform.python_version()}"
    )


BENCHMARKS = ("growth", "overhead", "http", "cache", "fallback")


@app.command()
def bench(
    turns: Annotated[
        int, typer.Option(help="Turns of one thread for the growth benchmark.")
    ] = 1000,
    clients: Annotated[int, typer.Option(help="Concurrent clients, each on its own thread.")] = 64,
    seconds: Annotated[float, typer.Option(help="How long the concurrency run lasts.")] = 60,
    overhead_turns: Annotated[int, typer.Option(help="Turns for the overhead medians.")] = 200,
    cache_calls: Annotated[
        int, typer.Option(help="Model calls per case for the response cache benchmark.")
    ] = 300,
    fallback_calls: Annotated[
        int, typer.Option(help="Model calls per case for the fallback benchmark.")
    ] = 300,
    redis: Annotated[
        str | None,
        typer.Option(
            help="Also measure the cache through Redis: a redis:// URL, or 'auto' for a "
            "private redis-server."
        ),
    ] = None,
    only: Annotated[
        str | None,
        typer.Option(help=f"Comma-separated subset of: {', '.join(BENCHMARKS)}."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option(help="Also write the results as JSON here.")
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            help="Also on this PostgreSQL database: growth, turn cost, and the concurrency run "
            "with 1 replica and with --replicas replicas behind nginx (deploy/nginx.conf)."
        ),
    ] = None,
    replicas: Annotated[
        int, typer.Option(min=2, max=8, help="Replicas for the scaled run (--database-url).")
    ] = 3,
    e2e: Annotated[
        bool,
        typer.Option(
            "--e2e",
            help="Instead: the end-to-end run on the embedded default (41 hand-written requests, "
            "tool and chat, 8 languages): wall time, first token, model calls and prompt tokens "
            "per request, and chat against a bare call of the same model.",
        ),
    ] = False,
    e2e_url: Annotated[
        str | None,
        typer.Option(help="With --e2e: measure this running toolloom instead of starting one."),
    ] = None,
) -> None:
    """The performance benchmarks against a zero-latency stub model on 127.0.0.1 (needs a
    source checkout: benchmarks/): growth, graph overhead, HTTP (overhead, concurrency,
    streaming, memory), the response cache (hit against miss), the fallback switch and the tools'
    sources; with --database-url, the same storage numbers on PostgreSQL and several replicas
    behind a load balancer."""
    import tempfile

    from server.storage.store import display_url, is_postgres_url

    if e2e:
        from benchmarks import e2e as end_to_end

        found = asyncio.run(end_to_end.run(e2e_url))
        found["machine"] = _machine()
        typer.echo(f"machine: {found['machine']}\n{end_to_end.report(found)}")
        if output is not None:
            output.write_text(json.dumps(found, indent=2, ensure_ascii=False, default=str))
        return
    if database_url is not None and not is_postgres_url(database_url):
        typer.echo("toolloom: --database-url takes a postgresql://... URL", err=True)
        raise typer.Exit(2)
    wanted = [name.strip() for name in (only or ",".join(BENCHMARKS)).split(",") if name.strip()]
    unknown = sorted(set(wanted) - set(BENCHMARKS))
    if unknown or not wanted:
        typer.echo(f"toolloom: --only takes {', '.join(BENCHMARKS)}, not {unknown}", err=True)
        raise typer.Exit(2)
    try:
        from benchmarks import (
            cache_bench,
            fallback_bench,
            graph_overhead,
            growth,
            http_bench,
            tool_sources,
        )
    except ImportError:
        typer.echo(
            "toolloom: 'bench' runs from a source checkout (benchmarks/ is missing)", err=True
        )
        raise typer.Exit(1) from None

    async def run(redis_url: str | None) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if "growth" in wanted:
            typer.echo(f"growth: one thread, {turns} turns ...", err=True)
            found["growth"] = await growth.run(turns)
        if "overhead" in wanted:
            typer.echo(f"graph overhead: {overhead_turns} turns each ...", err=True)
            found["graph_overhead"] = await graph_overhead.run(overhead_turns)
        if "http" in wanted:
            typer.echo(
                f"http, streaming, {clients} clients for {seconds:.0f} s, memory ...", err=True
            )
            found.update(await http_bench.run(clients, seconds, overhead_turns))
        if "cache" in wanted:
            typer.echo(f"response cache: {cache_calls} calls each ...", err=True)
            found["cache"] = await cache_bench.run(cache_calls, redis_url)
        if "fallback" in wanted:
            typer.echo(f"fallback switch: {fallback_calls} calls each ...", err=True)
            found["fallback"] = await fallback_bench.run(fallback_calls)
        if "sources" in wanted:
            typer.echo(f"tool sources: {overhead_turns} turns each ...", err=True)
            found["tool_sources"] = await tool_sources.run(overhead_turns)
        if database_url is not None:
            typer.echo(f"PostgreSQL: growth, {turns} turns ...", err=True)
            found["postgres_growth"] = await growth.run(turns, database_url)
            found["postgres_concurrency"] = []
            for count in (1, replicas):
                typer.echo(
                    f"PostgreSQL: {count} replica(s), {clients} clients for {seconds:.0f} s ...",
                    err=True,
                )
                found["postgres_concurrency"].append(
                    await http_bench.scaled(database_url, count, clients, seconds)
                )
        return found

    if redis == "auto" and "cache" in wanted:
        from tests.redis_server import RedisServer

        with tempfile.TemporaryDirectory() as tmp, RedisServer(Path(tmp)) as server:
            result = asyncio.run(run(server.url))
    else:
        result = asyncio.run(run(redis if redis != "auto" else None))
    machine = _machine()
    result["machine"] = machine
    lines = [f"machine: {machine}"]
    if "growth" in result:
        grown = result["growth"]
        at, ratio = grown["median_ms"], grown["ratio_to_turn_10"]
        lines.append(
            "1. growth (one thread): "
            + ", ".join(f"turn {t}: {ms} ms ({ratio[t]}x)" for t, ms in at.items())
            + f"; {grown['bytes_per_message']:.0f} bytes per stored message"
        )
    if "graph_overhead" in result:
        graph = result["graph_overhead"]
        lines.append(
            f"2. graph overhead: toolloom {graph['toolloom_ms']} ms, create_agent "
            f"{graph['create_agent_ms']} ms a turn; ratio {graph['ratio']}"
        )
    if "http" in result:
        http, streaming, load = result["http"], result["streaming"], result["concurrency"]
        lines += [
            f"3. http overhead: p50 {http['overhead_p50_ms']} ms, p99 {http['overhead_p99_ms']} ms "
            f"beyond the stub's time (turn p50 {http['turn_p50_ms']} ms); as a stored run "
            f"(/threads/{{id}}/runs/wait) p50 {http['runs_wait_overhead_p50_ms']} ms, p99 "
            f"{http['runs_wait_overhead_p99_ms']} ms ({http['runs_wait_ratio_to_v1']}x)",
            f"4. concurrency: {load['clients']} clients, {load['seconds']} s: "
            f"{load['turns_per_second']} turns/s, p50 {load['p50_ms']} ms, p99 {load['p99_ms']} "
            f"ms, {load['errors']} errors, {load['messages_lost']} messages lost",
            f"5. streaming, first token beyond the stub's: /v1 {streaming['v1_extra_ms']} ms, "
            f"/ui/chat {streaming['web_extra_ms']} ms",
            f"6. memory: {result['rss_at_rest_mb']} MB at rest, {result['rss_after_load_mb']} MB "
            "after the concurrency run",
        ]
    if "cache" in result:
        cache = result["cache"]
        line = (
            f"7. response cache (one model call, 16 tools): no cache {cache['no_cache_ms']} ms; "
            f"in process: miss {cache['memory_miss_ms']} ms, hit {cache['memory_hit_ms']} ms"
        )
        if "redis_hit_ms" in cache:
            line += f"; Redis: miss {cache['redis_miss_ms']} ms, hit {cache['redis_hit_ms']} ms"
        lines.append(line + f" (medians of {cache['calls']})")
    if "fallback" in result:
        fb = result["fallback"]
        lines.append(
            f"8. fallback switch (one model call, 16 tools): direct {fb['direct_ms']} ms; first "
            f"backend refuses {fb['refused_ms']} ms (+{fb['switch_extra_ms']}); its circuit "
            f"open {fb['circuit_open_ms']} ms (+{fb['circuit_open_extra_ms']}); refuses with "
            f"the default 2 retries {fb['refused_default_retries_ms']} ms (medians of "
            f"{fb['calls']}, {fb['retry_calls']})"
        )
    if "tool_sources" in result:
        sources = result["tool_sources"]
        lines.append(
            "9. tool sources, one /v1 turn with one tool call: "
            + ", ".join(
                f"{kind} {ms} ms ({sources['ratio_to_builtin'][kind]}x)"
                for kind, ms in sources["turn_p50_ms"].items()
            )
            + f"; a calculator call through /mcp {sources['mcp_endpoint_call_p50_ms']} ms"
        )
    if database_url is not None:
        pg = result["postgres_growth"]
        lines.append(f"PostgreSQL ({display_url(database_url)}), the same storage numbers:")
        lines.append(
            "10. growth (one thread): "
            + ", ".join(
                f"turn {t}: {ms} ms ({pg['ratio_to_turn_10'][t]}x)"
                for t, ms in pg["median_ms"].items()
            )
            + f"; {pg['bytes_per_message']:.0f} bytes per stored message"
        )
        if "growth" in result:
            lines.append(
                f"11. in-process turn cost (turn-10 median, whole run path): SQLite "
                f"{result['growth']['median_ms'][10]} ms, PostgreSQL {pg['median_ms'][10]} ms"
            )
        runs = [("SQLite, 1 replica", result["concurrency"])] if "concurrency" in result else []
        runs += [
            (
                f"PostgreSQL, {r['replicas']} replica{'s behind nginx' if r['balancer'] else ''}",
                r,
            )
            for r in result["postgres_concurrency"]
        ]
        for name, r in runs:
            lines.append(
                f"12. concurrency, {name}: {r['clients']} clients, {r['seconds']} s: "
                f"{r['turns_per_second']} turns/s, p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, "
                f"{r['errors']} errors, {r['messages_lost']} messages lost"
            )
    typer.echo("\n".join(lines))
    if output is not None:
        output.write_text(json.dumps(result, indent=2, default=str))


@app.command("mcp")
def mcp_command() -> None:
    """Serve toolloom's sandboxed tools (the built-ins and TOOLLOOM_TOOL_MODULES, minus
    TOOLLOOM_TOOLS_DISABLED) to an MCP client over stdio; logs go to stderr."""
    import contextlib

    from server.http.mcp_endpoint import build_mcp_server, run_stdio
    from tools.external.source_errors import ToolSourceError
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
    from server.storage.store import DatabaseUnavailable, Store

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

    from server.storage.db_copy import copy_to_postgres
    from server.storage.store import DatabaseUnavailable, display_url

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
