"""The sync state (desktop.storage.sync_state): one way to read, write and remove a value, whoever asks
(the store's state_get/state_set, the replica, the re-sync, a snapshot)."""

from __future__ import annotations

import pytest

from desktop.storage import Store, sync_state


def test_a_value_is_written_read_replaced_and_removed(store: Store) -> None:
    db = store.db
    assert sync_state.read(db, "server_url") is None and sync_state.read(db, "cursor", 0) == 0
    with db.atomic() as conn:
        sync_state.write(conn, "server_url", "https://县.example")
        sync_state.write(conn, "shadow/person/1", {"name": [3, "王芳"], "_deleted": [2, False]})
        assert sync_state.read(conn, "server_url") == "https://县.example"  # in the same transaction
    assert store.state_get("server_url") == "https://县.example"
    assert sync_state.read(db, "shadow/person/1") == {"name": [3, "王芳"], "_deleted": [2, False]}
    store.state_set("server_url", "https://county.example")  # replaces, never a second row
    assert db.query("SELECT value FROM sync_state WHERE key = 'server_url'") == [
        ('"https://county.example"',)
    ]
    with db.atomic() as conn:
        sync_state.delete(conn, "server_url")
        sync_state.delete(conn, "never_written")
    assert store.state_get("server_url", "none") == "none"


def test_a_write_in_a_transaction_that_fails_leaves_the_old_value(store: Store) -> None:
    store.state_set("cursor", 7)
    with pytest.raises(RuntimeError), store.db.atomic() as conn:
        sync_state.write(conn, "cursor", 8)
        raise RuntimeError("the run died")
    assert store.state_get("cursor") == 7


def test_a_snapshot_reads_the_committed_value(store: Store) -> None:
    store.state_set("open_conflicts", 3)
    with store.db.snapshot() as snap:
        assert sync_state.read(snap, "open_conflicts") == 3
