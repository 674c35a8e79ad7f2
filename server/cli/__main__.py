"""``python -m server.cli``: the ``toolloom`` command (tests and benchmarks start servers so)."""

from server.cli import main

main()
