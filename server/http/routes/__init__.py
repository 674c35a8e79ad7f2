"""The HTTP API, one router module per resource: ``meta`` (health, readiness, metrics, usage,
tools), ``threads``, ``agent`` (LangServe), ``openai`` (``/v1``), ``web`` (the chat page)."""
