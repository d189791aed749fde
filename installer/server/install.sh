#!/usr/bin/env bash
# Install (or upgrade) the county server as a systemd service on Debian/Ubuntu. Run as root:
#
#   installer/server/install.sh village_data_desk-X.Y.Z-py3-none-any.whl
#
# Makes the system user county-server, a venv in /opt/county-server/venv with the [server] extra,
# /etc/county-server/{county-server.env,backup.env} (kept when present), the service, the nightly
# backup timer and log rotation. An upgrade is the same command with the newer wheel: the data stays,
# and the service runs the schema migrations when it starts (ExecStartPre=county-server init).
set -euo pipefail
wheel="${1:?usage: $0 village_data_desk-*.whl}"
here="$(cd "$(dirname "$0")" && pwd)"
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }

id county-server >/dev/null 2>&1 ||
    useradd --system --home-dir /var/lib/county-server --shell /usr/sbin/nologin county-server
install -d -m 0755 /opt/county-server
install -d -m 0750 -o root -g county-server /etc/county-server /etc/county-server/tls
install -d -m 0750 -o county-server -g county-server /var/backups/county-server
[ -x /opt/county-server/venv/bin/python ] || python3 -m venv /opt/county-server/venv
/opt/county-server/venv/bin/pip install --quiet --upgrade "${wheel}[server]"

install -m 0755 "$here/backup.sh" "$here/restore.sh" /opt/county-server/
install -m 0755 "$here/county-server-admin" /usr/local/sbin/county-server
install -m 0644 "$here/README.md" /opt/county-server/README.md
for f in county-server.env backup.env; do
    [ -e "/etc/county-server/$f" ] || install -m 0640 -o root -g county-server "$here/$f" "/etc/county-server/$f"
done
install -m 0644 "$here/county-server.service" "$here/county-server-backup.service" \
    "$here/county-server-backup.timer" /etc/systemd/system/
install -m 0644 "$here/county-server.logrotate" /etc/logrotate.d/county-server
systemctl daemon-reload
systemctl enable county-server.service county-server-backup.timer
echo "installed. Next: PostgreSQL role and database, TLS files, then: systemctl restart county-server"
echo "(see /opt/county-server/README.md)"
