"""The LangGraph Agent Server API's own parts: stored runs, the run worker, event names, shapes."""
