"""Follow one request through the code, as a newcomer reading it would: which of toolloom's
files it enters, in order, and how often it changes folder on the way.

    uv run python scripts/trace_road.py                      # /v1, "What is 23*19?"
    uv run python scripts/trace_road.py --text "What time is it in Seoul?"

The server runs in process with a scripted model (the intent model answers this request without
one), and the request goes through the real app over ASGI. A profiler records every call that
enters a project file (the first line of a function), from the route's handler to the end of the
response; consecutive calls in the same file count once. Printed: the files in the order they are
first entered, the folder sequence, and the number of folder changes. Middleware that every
request passes (the request log, the body guards) is left out when ``--no-middleware`` is given;
it is counted by default.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("backends", "tools", "intent", "graph", "nodes", "server")
MIDDLEWARE = ("server/observability.py", "server/http/body_limits.py")


def project_file(filename: str) -> str | None:
    try:
        relative = Path(filename).resolve().relative_to(ROOT)
    except ValueError:
        return None
    return str(relative) if relative.parts[0] in PACKAGES else None


def trace(text: str, middleware: bool) -> list[str]:
    from fastapi.testclient import TestClient

    from harness.fakes import ScriptedChatModel
    from server.app import create_app
    from server.settings import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            db=Path(tmp) / "t.db",
            workspace=Path(tmp) / "ws",
            sandbox_db=Path(tmp) / "sandbox.db",
        )
        model = ScriptedChatModel(default="437")
        seen: list[str] = []
        started = False
        active = False

        def profile(frame: Any, event: str, arg: Any) -> None:
            nonlocal started
            if event != "call" or not active:
                return
            found = project_file(frame.f_code.co_filename)
            if found is None:
                return
            if not started:
                if found != "server/http/routes/openai_routes.py":
                    return
                started = True
            if not middleware and found in MIDDLEWARE:
                return
            if not seen or seen[-1] != found:
                seen.append(found)

        threading.setprofile(profile)  # the app's event loop and worker threads
        try:
            with TestClient(create_app(settings, llm=model)) as client:
                body = {"model": "toolloom", "messages": [{"role": "user", "content": text}]}
                client.post("/v1/chat/completions", json=body)  # warm: imports, caches
                active = True
                response = client.post("/v1/chat/completions", json=body)
                active = False
        finally:
            threading.setprofile(None)  # type: ignore[arg-type]
        assert response.status_code == 200, response.text
        return seen


def folder(path: str) -> str:
    return str(Path(path).parent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", default="What is 23*19?")
    parser.add_argument("--no-middleware", action="store_true")
    args = parser.parse_args()
    seen = trace(args.text, middleware=not args.no_middleware)
    files = list(dict.fromkeys(seen))
    folders = [folder(f) for f in seen]
    changes = [(a, b) for a, b in itertools.pairwise(folders) if a != b]
    print(f"request: POST /v1/chat/completions {args.text!r}")
    print(f"project files entered: {len(files)}")
    for index, name in enumerate(files, 1):
        print(f"  {index:2d}. {name}")
    compact = [folders[0], *(b for _, b in changes)] if folders else []
    print(f"folder changes: {len(changes)}")
    print("  " + " -> ".join(compact))


if __name__ == "__main__":
    main()
