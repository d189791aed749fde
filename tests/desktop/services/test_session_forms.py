"""After a sync took a new county form version, the session works with it (issue 17): new dialogs,
lists and saves see the new fields without restarting the app."""

from __future__ import annotations

from desktop.services.session import Session
from desktop.storage import KdfParams, Store
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
