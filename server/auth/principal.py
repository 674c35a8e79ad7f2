"""Who is calling, as every route and the one road see it.

``name`` is the caller's identity: the API key's name, or the identity a custom ``Auth``
handler's ``@auth.authenticate`` returned ('' on an open server). Resources belong to it: a
thread's ``owner`` is the name of the identity that made it, and another identity gets 404.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from server.auth.filters import matches
from server.storage.key_store import SCOPES

Kind = Literal["open", "key", "custom"]


@dataclass(frozen=True)
class Principal:
    """The caller of one request."""

    name: str
    """The identity: the key's name, the custom handler's ``identity``, or '' (open server)."""
    scopes: frozenset[str] = frozenset(SCOPES)
    """What the caller may do on toolloom's own routes: ``runs``, ``read``, ``admin``."""
    kind: Kind = "open"
    permissions: tuple[str, ...] = ()
    """A custom handler's permissions (``ctx.permissions`` in its ``@auth.on`` handlers)."""
    user: Any = None
    """A custom handler's user (``ctx.user``)."""
    filters: Mapping[str, Any] | None = None
    """The metadata filters the request's ``@auth.on`` handler returned: a resource whose
    metadata does not match them is, for this request, a 404 (or left out of a search)."""
    new_thread_metadata: Mapping[str, Any] = field(default_factory=dict)
    """Metadata a handler added for a thread this request makes (``value["metadata"]``)."""

    def allows(self, metadata: Mapping[str, Any] | None) -> bool:
        """Whether a resource with ``metadata`` passes this request's filters."""
        return matches(metadata, self.filters)


ANONYMOUS = Principal("")
