#!/usr/bin/env bash
# Installs what toolloom needs on a fresh machine: uv (if missing), the build tools that
# llama-cpp-python compiles with, and the locked Python environment in .venv.
# Sourced by scripts/serve.sh and scripts/test.sh; safe to run again (it only adds what is missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '\033[1m[toolloom]\033[0m %s\n' "$*" >&2; }

# 1. uv: on PATH, or in .tools/, or installed there now from PyPI.
if command -v uv >/dev/null 2>&1; then
    UV=$(command -v uv)
elif [ -x .tools/bin/uv ]; then
    UV=$PWD/.tools/bin/uv
else
    say "installing uv into .tools/"
    if python3 -m venv .tools >/dev/null 2>&1; then
        .tools/bin/python -m pip install --quiet --disable-pip-version-check uv
        UV=$PWD/.tools/bin/uv
    else
        rm -rf .tools
        python3 -m pip install --quiet --user uv \
            || { say "could not install uv: install python3-venv (apt-get install python3-venv) or uv itself"; exit 1; }
        UV=$(python3 -c 'import sysconfig,os;print(os.path.join(sysconfig.get_path("scripts", f"{os.name}_user"),"uv"))')
    fi
fi
export UV

# 2. A C/C++ compiler and cmake: llama-cpp-python ships as source and compiles (about 4 min, once;
#    uv caches the wheel).
missing=()
for tool in gcc g++ cmake make; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing build tools: ${missing[*]}"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq build-essential cmake >/dev/null
    else
        say "missing build tools (${missing[*]}): run 'sudo apt-get install build-essential cmake' first"
        exit 1
    fi
fi

# 3. The locked environment (.venv). No Python download: use the machine's Python >= 3.11.
export UV_PYTHON_DOWNLOADS=never
say "syncing the environment (uv.lock) ..."
# Offline first: everything already in uv's cache (the compiled llama-cpp-python wheel included)
# is used without asking the index again; only what is missing is fetched (and built).
"$UV" sync --frozen --offline --quiet 2>/dev/null || "$UV" sync --frozen --quiet
