"""Throwaway services and fakes that the tests and the benchmarks share: a PostgreSQL cluster, a Redis server, a small MCP server, a scripted chat model. Never imported by the server."""
