"""HTTP surfaces: routes, dependencies, error rendering, SSE, the MCP endpoint, the web page."""
