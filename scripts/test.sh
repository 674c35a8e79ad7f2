#!/usr/bin/env bash
# Set up (first run only) and run every check: lint, types, the import contracts, unit tests,
# integration tests on the real embedded model over real HTTP. Extra arguments go to pytest
# (e.g. -m "not integration").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# The browser tests (tests/integration/test_web_page.py) drive Debian's chromium through Playwright;
# Playwright's own browser download needs the internet. CJK fonts so Korean renders as text.
# The storage tests (harness/pg.py) start a throwaway cluster of Debian's PostgreSQL 15 with initdb and
# pg_ctl (as the postgres user when run as root); the package's own cluster is not used. The limit
# and cache tests start their own redis-server (harness/redis_server.py) on a loopback port. The
# multi-replica test puts Debian's nginx with deploy/nginx.conf in front of three servers
# (benchmarks/balancer.py runs it on a loopback port; the package's own service is not used).
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing ${need[*]} for the tests (once)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
        say "the tests need: sudo apt-get install ${need[*]}"
    fi
fi
say "ruff"
"$UV" run --frozen ruff check .
"$UV" run --frozen ruff format --check .
say "mypy"
"$UV" run --frozen mypy
say "import contracts (docs/architecture.md)"
"$UV" run --frozen lint-imports
say "pytest"
exec "$UV" run --frozen pytest "$@"
