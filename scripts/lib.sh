# Shared by scripts/demo and scripts/test: system packages, Python, the virtual environment.
# shellcheck shell=bash

RUNTIME_PACKAGES=(python3-venv fonts-noto-core poppler-utils gettext libpango-1.0-0 libpangoft2-1.0-0)
TEST_PACKAGES=(chromium fonts-noto-core poppler-utils gettext softhsm2)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

ensure_debian_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        say "Not a Debian/Ubuntu system: install the equivalent of: ${missing[*]}"
        return 0
    fi
    if [ "$(id -u)" -eq 0 ]; then
        say "Installing Debian packages: ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        say "These Debian packages are missing; install them first, then run this command again:"
        echo "    sudo apt-get install -y ${missing[*]}"
        exit 1
    fi
}

find_python() {
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    say "Python 3.11 or newer is needed (Debian 12 and Ubuntu 24.04 ship it)." >&2
    exit 1
}

ensure_venv() {
    local extras="$1"
    if [ ! -x .venv/bin/python ]; then
        say "Creating the virtual environment in .venv"
        "$(find_python)" -m venv .venv
    fi
    local stamp=".venv/.installed-${extras:-runtime}"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        say "Installing Python dependencies${extras:+ ($extras)}"
        .venv/bin/python -m pip install --quiet --upgrade pip
        .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
        touch "$stamp"
    fi
}
