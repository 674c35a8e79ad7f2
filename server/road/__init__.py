"""The one road: where a request becomes a run, for every surface."""
