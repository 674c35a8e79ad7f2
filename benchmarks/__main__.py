"""``toolloom bench`` (``python -m benchmarks``): the performance benchmarks, side by side in one run."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(add_completion=False, help="toolloom's performance benchmarks.")


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
def main(
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

    from graph.databases import display_url, is_postgres_url

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
        from harness.redis_server import RedisServer

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


if __name__ == "__main__":
    app()
