"""The township desk labels and shows fields with the county's published forms (issue 17): a field
the county added is shown by its label, a new choice by its label, not by the raw names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from desktop.services.setup import STATE_SIGNING_KEY
from desktop.services.township.desk import TownshipService
from sync import form_versions as fv
from sync.provisioning import generate_signing_keypair
from tests.acceptance.test_county_forms import PASS, household, publish
from tests.sync.form_workbooks import v2_household
from tests.sync_world import STAFF_PASSWORD, STAFF_USER, County, Laptop


def test_desk_labels_the_county_fields(
    county: County, laptops: Callable[..., Laptop], tmp_path: Path
) -> None:
    private, _ = generate_signing_keypair(PASS)
    a, b = laptops("a"), laptops("b")
    key = fv.sign(fv.builtin_document(), private, PASS)["signature"]["key"]
    for lap in (a, b):
        lap.store.state_set(STATE_SIGNING_KEY, key)
    publish(county, tmp_path, 2, v2_household, private)
    assert a.sync().forms_taken == 2 and b.sync().forms_taken == 2
    made = a.store.household.create(household("0001", members_away=1))
    a.sync()
    b.sync()
    a.store.household.update(made, {"members_away": 3, "family_doctor": "signed"})
    b.store.household.update(made, {"members_away": 4, "family_doctor": "not_signed"})
    a.sync()
    b.sync()

    desk = TownshipService(county.url, county.ca_pem, language="zh_CN")
    try:
        desk.sign_in(STAFF_USER, STAFF_PASSWORD)
        assert "members_away" in desk.forms["household"].field_names
        items = {i.field: i for i in desk.items().items}
        assert set(items) == {"members_away", "family_doctor"}
        assert items["members_away"].field_label == "外出务工人数"
        doctor = items["family_doctor"]
        assert doctor.field_label == "家庭医生签约"
        assert doctor.county.display == "已签约"
        assert [v.display for v in doctor.village_values] == ["未签约"]
        # The removed phone is still known to the desk (hidden), so its history keeps its label.
        assert desk.forms["household"].field("phone").hidden
        # Signed out, the next sign-in fetches the forms again (a version published meanwhile).
        desk.sign_out()
        desk.sign_in(STAFF_USER, STAFF_PASSWORD)
        assert desk.forms["household"].field("members_away").label("zh_CN") == "外出务工人数"
    finally:
        desk.close()


def test_desk_without_published_forms_keeps_the_built_in_ones(county: County) -> None:
    desk = TownshipService(county.url, county.ca_pem, language="zh_CN")
    try:
        desk.sign_in(STAFF_USER, STAFF_PASSWORD)
        assert "members_away" not in desk.forms["household"].field_names
        assert desk.forms["household"].field("phone").hidden is False
    finally:
        desk.close()
