"""Two streams at once on the embedded model both finish: llama-cpp-python's server interrupts a
running stream when the next request arrives unless told not to."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.integration.server_process import ServerProcess


def stream_to_the_end(base_url: str, prompt: str) -> tuple[str | None, str]:
    finish, text = None, ""
    with httpx.stream(
        "POST",
        f"{base_url}/chat/completions",
        json={
            "model": "smollm2-135m-instruct",
            "stream": True,
            "max_tokens": 48,
            "messages": [{"role": "user", "content": prompt}],
        },
        timeout=180,
    ) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if line.startswith("data: {"):
                choice = json.loads(line[6:])["choices"][0]
                text += choice["delta"].get("content") or ""
                finish = choice.get("finish_reason") or finish
    return finish, text


def test_concurrent_streams_on_the_embedded_model_both_finish(server: ServerProcess) -> None:
    base_url = httpx.get(f"{server.url}/health", timeout=10).json()["llm"]["base_url"]
    prompts = ["Write a short poem about rain.", "Describe a city at night."]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda p: stream_to_the_end(base_url, p), prompts))
    for finish, text in results:
        assert finish in ("stop", "length"), results  # not cut off mid-answer
        assert text.strip()
