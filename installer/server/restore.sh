#!/usr/bin/env bash
# Restore a backup archive into a NEW database; the running one is never touched.
#
#   installer/server/restore.sh ARCHIVE.dump NEW_DATABASE [OWNER]
#
# Creates NEW_DATABASE (owned by OWNER, e.g. county-server, when given), restores the archive in one
# transaction (all or nothing), and prints how many villages, records and devices it holds. Then
# point COUNTY_SERVER_DB at NEW_DATABASE and restart the service (README.md, "Restore").
# It also renews the server epoch (county-server restored), so laptops re-sync from the copy.
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
# A new epoch: laptops that synced after the backup was taken re-sync from this copy and send again
# what it lacks (county-server restored; the server's schema is brought up to date on the way).
if command -v county-server >/dev/null 2>&1; then
    COUNTY_SERVER_DB="postgresql+psycopg:///$database" county-server restored
else
    echo "county-server not on PATH: run 'county-server --db <NEW_DATABASE URL> restored' before serving" >&2
fi
psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$database" --command "
    SELECT 'restored into $database: '
        || (SELECT count(*) FROM villages) || ' villages, '
        || (SELECT count(*) FROM records) || ' records, '
        || (SELECT count(*) FROM devices) || ' devices'"
