"""toolloom evals."""
