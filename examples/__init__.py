"""Examples: an MCP server with its config file, and a Python tool module."""
