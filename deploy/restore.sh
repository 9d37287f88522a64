#!/usr/bin/env bash
# Buurtkracht restore: put a dump made by deploy/backup.sh into a PostgreSQL database.
#
#   deploy/restore.sh DUMP [TARGET_DATABASE_URL]
#
# TARGET_DATABASE_URL defaults to DATABASE_URL. The target must exist and be empty
# (createdb it first): the restore runs in one transaction and stops at the first error,
# so it either restores everything or changes nothing. To replace the site's database,
# stop the units, restore into a new database, point DATABASE_URL at it, start the units
# (docs/deploy.md). Media: tar --extract --file=media-STAMP.tar.gz --directory=VAR_DIR
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 DUMP [TARGET_DATABASE_URL]" >&2
  exit 2
fi
dump="$1"
target="${2:-${DATABASE_URL:-}}"
if [ ! -r "$dump" ]; then
  echo "cannot read the dump $dump" >&2
  exit 2
fi
case "$target" in
  postgres://* | postgresql://*) ;;
  *) echo "give a postgres:// URL for the target database (or set DATABASE_URL)" >&2; exit 2 ;;
esac

pg_restore --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$target" "$dump"
echo "restored $dump"
