# toolloom server image: build stage compiles the locked environment, runtime stage runs it as a
# non-root user. `docker compose up` (docker-compose.yml) runs it beside vLLM serving gpt-oss-20b;
# deploy/compose.scale.yml runs three of it on PostgreSQL behind nginx.

FROM python:3.11-slim-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake \
 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir "uv>=0.5"
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /app
# Dependencies first (cached while only the code changes); llama-cpp-python compiles here.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY backends ./backends
COPY graph ./graph
COPY intent ./intent
COPY nodes ./nodes
COPY tools ./tools
COPY server ./server
COPY evals ./evals
COPY langgraph.json ./
RUN uv sync --frozen --no-dev

FROM python:3.11-slim-bookworm AS runtime
# libgomp: llama.cpp's OpenMP runtime (the embedded backend); curl-free health check below.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgomp1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 --shell /usr/sbin/nologin toolloom \
 && mkdir -p /data && chown toolloom:toolloom /data
COPY --from=build --chown=toolloom:toolloom /app /app
WORKDIR /app
USER toolloom
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    TOOLLOOM_HOST=0.0.0.0 \
    TOOLLOOM_PORT=8001 \
    TOOLLOOM_DB=/data/toolloom.db \
    TOOLLOOM_WORKSPACE=/data/workspace \
    TOOLLOOM_SANDBOX_DB=/data/sandbox.db
VOLUME ["/data"]
EXPOSE 8001
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8001/health', timeout=4).status == 200 else 1)"]
CMD ["toolloom", "serve"]
