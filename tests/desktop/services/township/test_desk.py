"""The staff desk service against the real server on loopback: labels, yuan and choice labels in
zh_CN and en, record titles, and every refusal as a clear error that changed nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services import display
from desktop.services.township.desk import TownshipService
from desktop.services.township.model import AlreadyDecided, Forbidden, InvalidValue, NotFound
from sync.errors import AuthError, RejectedError
from sync.schema import load_forms
from sync.server import admin
from sync.staff.client import SignInRequired
from tests.sync_world import STAFF_PASSWORD, STAFF_USER, VILLAGE, County, Laptop, start_county


@pytest.fixture
def county(tmp_path: Path) -> Iterator[County]:
    c = start_county(tmp_path / "county.db")
    admin.add_village(c.store, "110105002001", "南村")
    admin.add_user(c.store, "other", STAFF_PASSWORD, "township", "110105002")
    try:
        yield c
    finally:
        c.stop()


@pytest.fixture
def income_item(tmp_path: Path, county: County) -> Iterator[str]:
    """An open item on an income's amount: 1,234.50 yuan at the county, 2,000.00 from laptop b."""
    a = Laptop(tmp_path / "a.db", county, "a")
    b = Laptop(tmp_path / "b.db", county, "b")
    h = a.store.household.create(
        {
            "household_no": "0031",
            "head_name": "欧阳春花",
            "address": "三组",
            "category": "ordinary",
            "status": "active",
        }
    )
    i = a.store.income.create({"household_id": h, "year": 2024, "source": "wages", "amount_fen": 100000})
    a.sync()
    b.sync()
    a.store.income.update(i, {"amount_fen": 123450})
    b.store.income.update(i, {"amount_fen": 200000})
    a.sync()
    b.sync()
    yield i
    a.close()
    b.close()


def _desk(county: County, lang: str = "zh_CN", user: str = STAFF_USER) -> TownshipService:
    desk = TownshipService(county.url, county.ca_pem, language=lang)
    desk.sign_in(user, STAFF_PASSWORD)
    return desk


def test_items_read_as_people_read_them_in_both_languages(county: County, income_item: str) -> None:
    with _desk(county) as zh, _desk(county, "en") as en:
        (item,) = zh.items().items
        assert (item.entity_label, item.field_label, item.record_title) == (
            "家庭收入",
            "金额（元）",
            "0031 · 欧阳春花 · 2024年 · 工资性收入",  # an income record: its year and source
        )
        assert (item.base.display, item.county.display) == ("1,000.00 元", "1,234.50 元")
        assert [v.display for v in item.village_values] == ["2,000.00 元"]
        assert item.village_values[0].device_name == "b" and item.age == "刚刚"
        (eng,) = en.items().items
        english = (eng.entity_label, eng.field_label, eng.county.display)
        assert english == ("Income", "Amount (yuan)", "¥1,234.50")
        assert eng.age == "just now"
        assert zh.sign_in(STAFF_USER, STAFF_PASSWORD).villages == {VILLAGE: "东村", "110105001002": "西村"}


def test_refusals_are_clear_and_change_nothing(county: County, income_item: str) -> None:
    with _desk(county) as desk, _desk(county, user="other") as outsider:
        (item,) = desk.items().items
        with pytest.raises(InvalidValue) as bad:
            desk.decide(item, "typed", value=-5, note="更正")
        assert bad.value.problems and bad.value.message("zh") and bad.value.message("en")
        with pytest.raises(Forbidden) as forbidden:
            outsider.decide(item, "county", note="越权")
        assert "无权" in forbidden.value.message("zh")
        with pytest.raises(Forbidden):
            outsider.item(item.id)
        assert outsider.items().total == 0
        with pytest.raises(NotFound):
            desk.item("01a22b26-0000-7000-8000-000000000000")
        assert desk.item(item.id).status == "open"
        done = desk.decide(item, "typed", value=150000, note="按工资单")
        assert done.decision is not None and done.decision.display == "1,500.00 元"
        (entry,) = desk.history()
        assert (entry.display, entry.note, entry.field_label, entry.record_title) == (
            "1,500.00 元",
            "按工资单",
            "金额（元）",
            "0031 · 欧阳春花 · 2024年 · 工资性收入",  # an income record: its year and source
        )
        assert sorted(a.display for a in entry.set_aside) == ["1,234.50 元", "2,000.00 元"]
        assert outsider.history() == []
        with pytest.raises(AlreadyDecided) as twice:
            desk.decide(item, "county", note="再次")
        assert twice.value.item is not None and twice.value.item.decision is not None
        desk.sign_out()
        with pytest.raises(SignInRequired):
            desk.items()
        with pytest.raises(AuthError) as wrong:
            desk.sign_in(STAFF_USER, "wrong password")
        assert wrong.value.code == "bad_login" and "密码" in wrong.value.message("zh")
        for _ in range(4):  # five failures in all lock the name for a while
            with pytest.raises(AuthError):
                desk.sign_in(STAFF_USER, "wrong password")
        with pytest.raises(RejectedError) as locked:
            desk.sign_in(STAFF_USER, STAFF_PASSWORD)
        assert locked.value.code == "too_many_attempts" and "15" in locked.value.message("en")


def test_display_helpers() -> None:
    forms = load_forms()
    assert display.display(forms, "person", "education", "junior", "zh_CN") == "初中"
    assert display.display(forms, "person", "education", "junior", "en") == "Junior secondary"
    assert display.display(forms, "income", "amount_fen", -5, "zh_CN") == "-0.05 元"
    assert display.display(forms, "person", "phone", None, "zh_CN") == display.EMPTY
    assert display.display(forms, "person", "_deleted", True, "en") == "Deleted"
    assert display.display(forms, "person", "birth_date", "1968-05-17", "zh_CN") == "1968-05-17"
    assert display.display(forms, "person", "x", True, "zh_CN") == "是"
    assert display.age_text(3 * 86400 + 5, "zh_CN") == "3 天" and display.age_text(7200, "en") == "2 hours"
    assert display.field_label(forms, "person", "occupation", "en") == "Occupation"
    assert display.record_title("person", {"name": "王五", "household_no": "0001", "head_name": "王大"}) == (
        "王五 · 0001 · 王大"
    )


def test_duplicate_residents_keep_one_through_the_service(tmp_path: Path, county: County) -> None:
    from datetime import date

    from sync.resident_id import make_resident_id
    from tests.sync_world import VILLAGE_2

    east = Laptop(tmp_path / "east.db", county, "east")
    west = Laptop(tmp_path / "west.db", county, "west", VILLAGE_2)
    rid = make_resident_id("110105", date(1970, 3, 4), 17)
    ids = {}
    for lap, no in ((east, "0001"), (west, "0901")):
        h = lap.store.household.create(
            {
                "household_no": no,
                "head_name": "钱八",
                "address": "一组",
                "category": "ordinary",
                "status": "active",
            }
        )
        ids[lap.name] = lap.store.person.create(
            {
                "household_id": h,
                "name": "钱八",
                "resident_id": rid,
                "relation": "head",
                "sex": "male",
                "birth_date": "1970-03-04",
                "ethnicity": "01",
                "status": "present",
            }
        )
        lap.sync()
    with _desk(county) as desk:
        (group,) = desk.duplicates()
        assert group.age == "刚刚" and rid not in group.resident_id_masked
        assert {(h.village_name, h.household_no, h.status) for h in group.holders} == {
            ("东村", "0001", "在册"),
            ("西村", "0901", "在册"),
        }
        done = desk.decide_duplicate(group.id, ids["east"], note="同一人，户籍在东村")
        assert done.status == "decided" and done.kept_record_id == ids["east"]
        west.sync()
        assert west.store.person.get(ids["west"])["status"] == "moved_out"
        (entry,) = desk.history(ids["west"])
        assert entry.kind == "duplicate" and entry.set_aside[0].kept_record_id == ids["east"]
        assert desk.duplicates() == []
    east.close()
    west.close()


def test_the_account_names_its_township_when_the_server_knows_the_name(county: County) -> None:
    from sync.server import admin as county_admin

    with _desk(county) as desk:
        assert desk.account is not None and desk.account.scope_name == ""
        county_admin.set_township_name(county.store, VILLAGE[:9], "建外街道")
        assert desk.sign_in(STAFF_USER, STAFF_PASSWORD).scope_name == "建外街道"
