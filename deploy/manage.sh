#!/usr/bin/env bash
# Run a buurtkracht command the way the systemd units do: as the site's user, with the
# settings of /etc/buurtkracht/env. For the steps of docs/deploy.md, e.g.
#
#   sudo /opt/buurtkracht/deploy/manage.sh migrate
#   sudo /opt/buurtkracht/deploy/manage.sh createsuperuser
#
# BUURTKRACHT_ENV_FILE, BUURTKRACHT_USER and BUURTKRACHT_BIN point elsewhere if needed.
set -euo pipefail

env_file="${BUURTKRACHT_ENV_FILE:-/etc/buurtkracht/env}"
user="${BUURTKRACHT_USER:-buurtkracht}"
bin="${BUURTKRACHT_BIN:-/opt/buurtkracht/.venv/bin/buurtkracht}"
if [ ! -r "$env_file" ]; then
  echo "cannot read $env_file (run this with sudo)" >&2
  exit 2
fi

# The units' defaults, then the file (which overrides them, as in systemd).
export DJANGO_SETTINGS_MODULE=buurtkracht.settings BUURTKRACHT_VAR_DIR=/var/lib/buurtkracht
set -a
# shellcheck source=/dev/null
. "$env_file"
set +a
cd "$BUURTKRACHT_VAR_DIR"
if [ "$(id -un)" = "$user" ]; then
  exec "$bin" "$@"
fi
exec runuser -u "$user" -- "$bin" "$@"
