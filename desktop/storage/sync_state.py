"""The laptop's sync state: small values under a name in the table ``sync_state``, as JSON text.

What the sync keeps between runs (the server's address and CA bundle, the device key, the pull cursor,
the server epoch, a frozen batch, the county values kept aside as shadows, the form versions taken)
is read and written here, by the store (``Store.state_get``/``state_set``), the replica, the re-sync
and the services. ``conn`` is whatever runs SQL with ``execute``: the ``Database``, a connection of its
``atomic()`` (then in the caller's transaction) or a ``snapshot()``.
"""

from __future__ import annotations

import json
from typing import Any

from sync import jsontext

SHADOW = "shadow/"
"""``sync_state`` key prefix of a record's shadow, ``shadow/<entity>/<id>``: field -> ``[version,
county value]`` pulled while the field had a pending local edit (``StoreReplica.apply_pull``)."""
SHADOW_RANGE = (SHADOW, SHADOW[:-1] + "0")
"""Bounds of every shadow key, for ``key >= ? AND key < ?`` ("0" sorts right after "/")."""


def read(conn: Any, key: str, default: Any = None) -> Any:
    """The value under ``key``; ``default`` when there is none."""
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return default if row is None else json.loads(row[0])


def write(conn: Any, key: str, value: Any) -> None:
    """Put ``value`` under ``key``, in place of any value there."""
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, jsontext.dumps(value)),
    )


def delete(conn: Any, key: str) -> None:
    """Remove the value under ``key`` (nothing happens when there is none)."""
    conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))
