"""After a sync took a new county form version, the session works with it (issue 17): new dialogs,
lists and saves see the new fields without restarting the app."""

from __future__ import annotations

import pytest

from desktop.services.session import Session
from desktop.storage import KdfParams, Store, ValidationFailed
from desktop.storage.replica import StoreReplica
from tests.desktop.storage.conftest import PASS, VILLAGE, household
from tests.desktop.storage.test_incomplete import version_2


def test_the_session_follows_forms_taken_on_sync(tmp_path) -> None:
    store = Store.create(tmp_path / "v.db", "wang", PASS, VILLAGE, kdf=KdfParams.fast_for_tests())
    session = Session(store)
    before = session.forms
    store.take_forms(version_2())  # what a sync run does (SyncService._follow_forms)
    session.after_sync()
    assert "members_away" in session.forms["household"].field_names
    assert "members_away" not in before["household"].field_names  # a dialog's forms stay as opened
    made = session.save("household", None, household("009", "钱七") | {"members_away": 2})
    assert store.household.get(made)["members_away"] == 2
    assert "members_away" in session.entry.new_record("household")
    session.close()


def test_a_pinned_save_is_checked_with_its_version_and_names_it(tmp_path) -> None:
    """A record opened before a sync took version 2 is saved with version 1 (it lacks the field v2
    requires, and is not refused for it); its outbox row names version 1, and a push of it and of a
    record made with version 2 goes in two batches, each naming its version."""
    store = Store.create(tmp_path / "v.db", "wang", PASS, VILLAGE, kdf=KdfParams.fast_for_tests())
    session = Session(store)
    pin = session.pin()
    assert pin.version == 1
    store.take_forms(version_2())
    assert session.after_sync() is True and session.after_sync() is False
    assert session.forms_version == 2 and "members_away" not in pin.forms["household"].field_names
    with pytest.raises(ValidationFailed):  # the current version requires members_away
        session.save("household", None, household("010", "周八"))
    old = session.save("household", None, household("010", "周八"), pin=pin)
    new = session.save("household", None, household("011", "吴九") | {"members_away": 1})
    assert "members_away" not in session.new_record("household", pin)
    assert "members_away" in session.new_record("household")
    rows = dict(store.db.query("SELECT record_id, forms_version FROM outbox"))
    assert rows == {old: 1, new: 2}
    replica = StoreReplica(store)
    first = replica.pending_changes(100)
    assert [c.id for c in first.changes] == [old] and first.forms_version == 1
    session.save("household", old, {"address": "二组"}, pin=pin)  # still version 1
    assert [c.id for c in replica.pending_changes(100).changes] == [old]
    session.close()
