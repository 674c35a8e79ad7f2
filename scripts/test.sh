#!/usr/bin/env bash
# Set up (first run only) and run every check: lint, types, unit tests, integration tests on the
# real embedded model over real HTTP. Extra arguments go to pytest (e.g. -m "not integration").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
say "ruff"
"$UV" run --frozen ruff check .
"$UV" run --frozen ruff format --check .
say "mypy"
"$UV" run --frozen mypy
say "pytest"
exec "$UV" run --frozen pytest "$@"
