"""``python -m server.cli``: the command line (what ``toolloom`` runs)."""

from server.cli import main

main()
