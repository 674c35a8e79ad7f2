"""The model client: everything about talking to a model backend, in one place.

- :mod:`backends.client`: the ``ChatOpenAI`` subclass every backend is reached through, and its factory.
- :mod:`backends.backend`: :class:`~backends.backend.Backend`, a chat model plus what this process has
  learnt about the server behind it (quirks), with the two calls the nodes make: a chat
  completion and a schema-constrained JSON object.
- :mod:`backends.pool`: several backends by name and their fallback chains; the nodes call a
  chain (:class:`~backends.pool.Routed`) as if it were one backend.
- :mod:`backends.resilience`: the one retry loop and the circuit breaker.
- :mod:`backends.failures`: the one classifier of backend failures (transient or not, the client's fault
  or not, which HTTP status a client should see).
- :mod:`backends.telemetry`: the metrics registry, LLM metrics and the per-call log line.
- :mod:`backends.messages`: message helpers shared by the backend and the nodes.
- :mod:`backends.stub`: a stub OpenAI-compatible server for tests and benchmarks.

Nothing here knows which server it talks to, and nothing here imports the server or the nodes.
"""
