"""toolloom's own tables, migrations, cross-replica coordination, and the Redis-backed limits and cache."""
