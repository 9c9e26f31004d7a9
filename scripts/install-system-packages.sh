#!/usr/bin/env bash
# Installs the Debian packages the portal needs, if they are missing.
#   always:  libmagic (python-magic checks the type of evidence files by their content)
#   --test:  Chromium and CJK fonts for the browser tests, gettext for the translation checks,
#            the PostgreSQL client tools (pg_dump, pg_restore) for the backup tests, LibreOffice Calc
#            and poppler-utils to print the exported 一览表 to PDF and read it back, LibreOffice
#            Writer to render the 通报 (.docx) to PDF and PNG pages
set -euo pipefail
missing=()
ldconfig -p | grep -q libmagic.so.1 || missing+=(libmagic1)
if [ "${1:-}" = "--test" ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
  command -v msgfmt >/dev/null || missing+=(gettext)
  command -v pg_dump >/dev/null || missing+=(postgresql-client)
  command -v libreoffice >/dev/null || missing+=(libreoffice-calc)
  [ -e /usr/lib/libreoffice/program/libswlo.so ] || missing+=(libreoffice-writer)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Please install: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]} …"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
