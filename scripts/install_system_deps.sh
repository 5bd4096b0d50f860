#!/usr/bin/env bash
# Install the Debian packages the browser tests need (chromium, nginx) when they are missing.
# Runs apt-get only in CI or as root; anywhere else it says what to install and fails, because
# a browser test that cannot find Chromium must fail, never skip.
set -euo pipefail

packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || packages+=(nginx-light)
fc-list 2>/dev/null | grep -qi dejavu || packages+=(fonts-dejavu-core)

if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi
if [ -n "${CI:-}" ] || [ "$(id -u)" -eq 0 ]; then
  echo "Installing Debian packages: ${packages[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  exit 0
fi
echo "error: the browser tests need Debian packages: ${packages[*]}" >&2
echo "       install them with: sudo apt-get install ${packages[*]}" >&2
exit 1
