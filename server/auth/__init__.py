"""Who is calling: API keys (and, configured, a LangGraph Auth handler)."""
