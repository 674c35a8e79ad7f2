"""``toolloom eval`` (``python -m evals``): score tool calling, toolloom beside the bare backend."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Any

import typer

from server.cli import _check_tools, _settings

app = typer.Typer(
    add_completion=False, help="Score tool calling: toolloom beside the bare backend."
)


@app.command()
def main(
    suite: Annotated[
        list[str],
        typer.Option(
            help="own, bfcl:CATEGORY (simple_python, multiple, parallel, ...), effects "
            "(injected side effects and asked-for ones; no backend needed) or typed (the "
            "independent typed set, open and sealed parts, scored on the deterministic road; no "
            "backend needed); repeatable."
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
    from server.runtime import tool_sources_from
    from tools.external.source_errors import ToolSourceError
    from tools.toolbox import open_tools

    if "typed" in suite:
        from evals import typed

        (out / "typed").mkdir(parents=True, exist_ok=True)
        code = typed.main(["--out", str(out / "typed" / "report.json")])
        if code:
            raise typer.Exit(code)
        suite = [name for name in suite if name != "typed"]
        if not suite:
            return
    if "effects" in suite:
        from evals.effects_suite import run_effects

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
        async with open_tools(tool_sources_from(settings)) as toolbox:
            await evaluate(toolbox)

    async def evaluate(toolbox: Any) -> None:
        from backends.embedded import EmbeddedServer
        from graph.builder import build_graph
        from server.runtime import context_from, intent_from, llm_from, policy_from
        from tools.specs import ToolSpec

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


if __name__ == "__main__":
    app()
