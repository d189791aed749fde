"""A record open in a dialog keeps the form version it was opened with (issue 17): saved after a sync
took version 2, it is checked with version 1 and its push names version 1, so the server validates
it against version 1 and accepts it; a record made with version 2 in the same run goes in a batch of
its own, validated against version 2. Both backends."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from desktop.services.session import Session
from desktop.services.setup import STATE_SIGNING_KEY
from sync import form_versions as fv
from sync.provisioning import generate_signing_keypair
from tests.acceptance.test_county_forms import PASS, household, publish
from tests.sync.form_workbooks import v2_household
from tests.sync_world import County, Laptop, server_records


def test_a_save_made_with_the_version_it_was_opened_with_syncs(
    county: County, laptops: Callable[..., Laptop], tmp_path: Path
) -> None:
    private, _ = generate_signing_keypair(PASS)
    a = laptops("a")
    a.store.state_set(STATE_SIGNING_KEY, fv.sign(fv.builtin_document(), private, PASS)["signature"]["key"])
    session = Session(a.store)
    kept = a.store.household.create(household("0001", phone="13812345678"))
    a.sync()
    pin = session.pin()  # a dialog opens the household (version 1) and a new one
    publish(county, tmp_path, 2, v2_household, private)
    assert a.sync().forms_taken == 2
    session.after_sync()
    # Saved from the dialogs opened before: version 1's fields (the phone, no members_away).
    session.save("household", kept, {"phone": "13987654321"}, pin=pin)
    old = session.save("household", None, household("0002", phone="13700000000"), pin=pin)
    new = session.save("household", None, household("0003", members_away=2, family_doctor="signed"))
    report = a.sync()
    assert not report.rejected, report.rejected
    on_server = server_records(county)
    assert on_server[kept]["data"]["phone"] == "13987654321"
    assert on_server[old]["data"]["phone"] == "13700000000"
    assert "members_away" not in on_server[old]["data"]  # to complete, not refused
    assert on_server[new]["data"]["members_away"] == 2
    assert a.store.pending_count() == 0
    assert session.incomplete("household") == {kept, old}
    session.close()
