"""``python -m server.cli``: the ``toolloom`` command (the package moved from ``server/cli.py``)."""

from server.cli import main

main()
