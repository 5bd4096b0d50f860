#!/usr/bin/env bash
# Install the Debian packages the browser and hosting tests need when they are missing:
# chromium (browser tests), nginx-light and apache2 (the shipped server configurations are
# tested on each), and a font. Unasked only in CI (CI is set by the CI service). Anywhere
# else it says what it would install and why, and asks on a terminal; with no terminal it
# fails with the command, because a browser test that cannot find Chromium must fail, never
# skip.
set -euo pipefail

packages=()
reasons=()
if ! command -v chromium >/dev/null 2>&1; then
  packages+=(chromium); reasons+=("chromium: the browser tests drive it through Playwright")
fi
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  packages+=(nginx-light); reasons+=("nginx-light: the hosting tests serve the site with deploy/nginx")
fi
if ! command -v apache2 >/dev/null 2>&1 && [ ! -x /usr/sbin/apache2 ]; then
  packages+=(apache2); reasons+=("apache2: the hosting tests serve the site with deploy/apache")
fi
if ! fc-list 2>/dev/null | grep -qi dejavu; then
  packages+=(fonts-dejavu-core); reasons+=("fonts-dejavu-core: screenshots and PDFs need a font")
fi

if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
command_line="${sudo_cmd[*]:+${sudo_cmd[*]} }apt-get install --no-install-recommends ${packages[*]}"

echo "The tests need these Debian packages, which are missing:"
printf '  %s\n' "${reasons[@]}"

if [ -z "${CI:-}" ]; then
  if [ -t 0 ] && [ -t 1 ]; then
    read -r -p "Run 'apt-get update' and '$command_line' now? [y/N] " answer
    case "$answer" in
      [yY] | [yY][eE][sS]) ;;
      *) echo "error: not installed; install them with: $command_line" >&2; exit 1 ;;
    esac
  else
    echo "error: not installed (no terminal to ask, and CI is not set)." >&2
    echo "       install them with: $command_line" >&2
    exit 1
  fi
fi

echo "Installing: ${packages[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}"
