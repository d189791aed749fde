#!/usr/bin/env bash
# Back up the county database: one pg_dump archive (custom format) per run; older ones removed.
#
#   PGDATABASE=village_desk BACKUP_DIR=/var/backups/county-server installer/server/backup.sh
#
# The database is named by libpq's variables (PGHOST, PGPORT, PGUSER, PGDATABASE); BACKUP_DIR is
# where the archives go, KEEP_DAYS how long they stay (default 30). Prints the archive's path.
# Run nightly by county-server-backup.timer; copy BACKUP_DIR off the machine as well.
set -euo pipefail
: "${PGDATABASE:?set PGDATABASE to the county database}"
: "${BACKUP_DIR:?set BACKUP_DIR}"
KEEP_DAYS="${KEEP_DAYS:-30}"
PG_DUMP="${PG_DUMP:-pg_dump}"
PG_RESTORE="${PG_RESTORE:-pg_restore}"

mkdir -p "$BACKUP_DIR"
target="$BACKUP_DIR/$PGDATABASE-$(date -u +%Y%m%dT%H%M%SZ).dump"
# pg_dump takes one consistent snapshot; the server keeps serving meanwhile. Written beside the
# final name and renamed once it reads back, so a half-written file never looks like a backup.
"$PG_DUMP" --format=custom --compress=6 --no-owner --no-privileges --file="$target.partial" "$PGDATABASE"
"$PG_RESTORE" --list "$target.partial" >/dev/null
mv "$target.partial" "$target"
find "$BACKUP_DIR" -maxdepth 1 -name "$PGDATABASE-*.dump" -mtime "+$KEEP_DAYS" -delete
echo "$target"
