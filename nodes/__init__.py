"""toolloom nodes."""
