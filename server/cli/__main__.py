"""``python -m server.cli``: the same as the ``toolloom`` command."""

from server.cli import main

main()
