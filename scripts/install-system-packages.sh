#!/usr/bin/env bash
# Installs the Debian packages the tests need, if they are missing: Chromium for the browser
# tests, CJK fonts so that it draws Chinese, gettext for the translation checks, and the
# PostgreSQL client tools (pg_dump, pg_restore) for the backup tests.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
command -v msgfmt >/dev/null || missing+=(gettext)
command -v pg_dump >/dev/null || missing+=(postgresql-client)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Please install: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]} …"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
