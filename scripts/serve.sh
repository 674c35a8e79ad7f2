#!/usr/bin/env bash
# Set up (first run only) and start toolloom. With no TOOLLOOM_LLM_BASE_URL it starts the
# embedded model (SmolLM2-135M, CPU, offline). Extra arguments go to `toolloom serve`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
exec "$UV" run --frozen toolloom serve "$@"
