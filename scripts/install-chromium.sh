#!/usr/bin/env bash
# Installs Debian's chromium when it is not on the PATH: the report page's test drives it headless.
# The test and CI call it; it does nothing when chromium is already there.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
echo "installing chromium (for the report page's test)" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium >/dev/null 2>&1 || { echo "could not install chromium" >&2; exit 1; }
