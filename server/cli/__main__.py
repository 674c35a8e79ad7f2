"""``python -m server.cli``: the ``toolloom`` command (the tests start servers this way)."""

from server.cli import main

main()
