#!/usr/bin/env bash
# Installs the real parts the tests and the chaos suite talk to (a Mosquitto broker, a PostgreSQL server for the
# central store, socat pseudo-terminals, Chromium, openssl for test certificates, libfaketime for one process's clock
# step) from Debian's packages. As root it installs what is missing; otherwise it names exactly what to install and
# fails, because a test must never skip silently for want of a part.
set -euo pipefail

PACKAGES=(mosquitto socat chromium openssl faketime postgresql)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "qrgate tests need these Debian packages, which are missing: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "test-deps: installing ${missing[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "test-deps: apt-get could not install ${missing[*]} (full log: $log)" >&2
  exit 1
fi
rm -f "$log"
