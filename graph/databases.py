"""The databases toolloom keeps its state in: a SQLite file or PostgreSQL, told apart by their
URL; the pool options for PostgreSQL; and :class:`DatabaseUnavailable`, what any database call
raises when PostgreSQL cannot be reached (the checkpoints of :mod:`graph.checkpoints` and the
server's own tables alike)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached (PostgreSQL down, restarting, out of connections, or a
    statement timed out). Temporary: the API answers 503 and the same call works once it is back."""


# SQLSTATEs that mean "the server is away or overloaded", beside class 08 (connection exception):
# admin/crash shutdown, cannot connect now, too many connections, statement timeout.
_UNAVAILABLE_STATES = {"57P01", "57P02", "57P03", "53300", "57014"}


def is_unavailable(error: BaseException) -> bool:
    """Whether a database error means PostgreSQL is unreachable (rather than a bad statement)."""
    import psycopg
    import psycopg_pool

    if isinstance(error, sa_exc.TimeoutError | psycopg_pool.PoolTimeout):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        error = error.orig  # type: ignore[assignment]
    if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
        state = error.sqlstate
        return state is None or state.startswith("08") or state in _UNAVAILABLE_STATES
    return False


def unavailable(error: BaseException) -> DatabaseUnavailable:
    """The :class:`DatabaseUnavailable` for a low-level error, with a short reason."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()
    return DatabaseUnavailable(
        f"the database is unavailable ({reason[0][:200] if reason else type(error).__name__})"
    )


@dataclass(frozen=True)
class PoolOptions:
    """Connection pool and timeouts for PostgreSQL (see the TOOLLOOM_DB_* settings)."""

    pool_size: int = 5
    max_overflow: int = 5
    pool_timeout: float = 5.0
    connect_timeout: int = 5
    statement_timeout: float = 30.0


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.split("://", 1)[0].lower() in {
        "postgresql",
        "postgres",
        "postgresql+psycopg",
    }


def sqlalchemy_url(url: str) -> str:
    """``postgresql://...`` as SQLAlchemy's psycopg 3 URL (``postgresql+psycopg://...``)."""
    scheme, sep, rest = url.partition("://")
    if scheme.lower() in {"postgresql", "postgres"}:
        return f"postgresql+psycopg{sep}{rest}"
    return url


def libpq_url(url: str) -> str:
    """A URL psycopg accepts directly (``postgresql://...``)."""
    scheme, sep, rest = url.partition("://")
    if scheme.lower() in {"postgresql+psycopg", "postgres"}:
        return f"postgresql{sep}{rest}"
    return url


def display_url(url: str) -> str:
    """The URL without its password, for logs."""
    return make_url(url).render_as_string(hide_password=True)
