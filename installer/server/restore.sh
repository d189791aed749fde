#!/usr/bin/env bash
# Restore a backup archive into a NEW database; the running one is never touched.
#
#   installer/server/restore.sh ARCHIVE.dump NEW_DATABASE [OWNER]
#
# Creates NEW_DATABASE (owned by OWNER, e.g. county-server, when given), restores the archive in one
# transaction (all or nothing), and prints how many villages, records and devices it holds. Then
# point COUNTY_SERVER_DB at NEW_DATABASE and restart the service (README.md, "Restore").
# Connection through libpq's variables (PGHOST, PGPORT, PGUSER), as a role that may create databases.
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 ARCHIVE.dump NEW_DATABASE [OWNER]" >&2
    exit 2
fi
archive="$1" database="$2" owner="${3:-}"
PG_RESTORE="${PG_RESTORE:-pg_restore}"

"$PG_RESTORE" --list "$archive" >/dev/null   # a damaged archive stops here, before anything is made
if [ -n "$owner" ]; then
    createdb --owner="$owner" "$database"
    "$PG_RESTORE" --no-owner --no-privileges --role="$owner" --exit-on-error --single-transaction \
        --dbname="$database" "$archive"
else
    createdb "$database"
    "$PG_RESTORE" --no-owner --no-privileges --exit-on-error --single-transaction \
        --dbname="$database" "$archive"
fi
psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$database" --command "
    SELECT 'restored into $database: '
        || (SELECT count(*) FROM villages) || ' villages, '
        || (SELECT count(*) FROM records) || ' records, '
        || (SELECT count(*) FROM devices) || ' devices'"
