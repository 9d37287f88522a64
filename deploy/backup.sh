#!/usr/bin/env bash
# Buurtkracht backup: the PostgreSQL database in pg_dump's custom format, and the media
# files (photos) as a tar archive, both stamped with the time (UTC), into
# BUURTKRACHT_BACKUP_DIR. Backups older than BUURTKRACHT_BACKUP_KEEP_DAYS are removed.
# buurtkracht-backup.timer runs it nightly; restore with deploy/restore.sh.
#
# Reads: DATABASE_URL (postgres://...), BUURTKRACHT_VAR_DIR (/var/lib/buurtkracht),
#        BUURTKRACHT_BACKUP_DIR (/var/backups/buurtkracht), BUURTKRACHT_BACKUP_KEEP_DAYS (14).
# Prints the path of the new database dump.
set -euo pipefail
umask 077

database_url="${DATABASE_URL:?DATABASE_URL is not set (see /etc/buurtkracht/env)}"
case "$database_url" in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh backs up PostgreSQL; DATABASE_URL is not a postgres:// URL" >&2; exit 2 ;;
esac
var_dir="${BUURTKRACHT_VAR_DIR:-/var/lib/buurtkracht}"
backup_dir="${BUURTKRACHT_BACKUP_DIR:-/var/backups/buurtkracht}"
keep_days="${BUURTKRACHT_BACKUP_KEEP_DAYS:-14}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$backup_dir"

dump="$backup_dir/buurtkracht-$stamp.dump"
# Written under a temporary name and renamed when complete and readable, so a half-written
# file never looks like a backup.
pg_dump --format=custom --no-owner --no-privileges --dbname="$database_url" --file="$dump.partial"
pg_restore --list "$dump.partial" >/dev/null
mv "$dump.partial" "$dump"

if [ -d "$var_dir/media" ]; then
  media="$backup_dir/media-$stamp.tar.gz"
  tar --create --gzip --file="$media.partial" --directory="$var_dir" media
  mv "$media.partial" "$media"
fi

find "$backup_dir" -maxdepth 1 -type f \( -name 'buurtkracht-*.dump' -o -name 'media-*.tar.gz' \) \
  -mtime +"$keep_days" -delete
echo "$dump"
