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
# what it lacks (county-server restored, which also brings the schema up to date). Its note goes to
# stderr: stdout keeps the one summary line below.
county_server="${COUNTY_SERVER:-$(dirname "$0")/venv/bin/county-server}"
[ -x "$county_server" ] || county_server="$(command -v county-server || true)"
if [ -z "$county_server" ] ||
    ! COUNTY_SERVER_DB="postgresql+psycopg:///$database" "$county_server" restored >&2; then
    echo "NOT DONE: run 'county-server --db <URL of $database> restored' before serving it" >&2
fi
psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$database" --command "
    SELECT 'restored into $database: '
        || (SELECT count(*) FROM villages) || ' villages, '
        || (SELECT count(*) FROM records) || ' records, '
        || (SELECT count(*) FROM devices) || ' devices'"
