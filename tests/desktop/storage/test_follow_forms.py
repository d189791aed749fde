"""The local tables follow the forms (issue 17): a field the forms add gets its column at open, by
ALTER TABLE (no rewrite), old rows keep their values, and readers use named columns."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from desktop.services.review import ReviewService
from desktop.storage import Store, review
from desktop.storage.migrations import follow_forms
from sync.resources import resources_dir
from sync.schema import load_forms
from tests.desktop.storage.conftest import PASS, VILLAGE, household

NEW_FIELD: dict[str, Any] = {
    "name": "family_doctor",
    "type": "choice",
    "label": {"zh_CN": "家庭医生签约", "en": "Family doctor contract"},
    "choices": [
        {"value": "yes", "label": {"zh_CN": "已签约", "en": "Signed"}},
        {"value": "no", "label": {"zh_CN": "未签约", "en": "Not signed"}},
    ],
}


def forms_with_extra_field(directory: Path) -> Path:
    shutil.copytree(resources_dir() / "forms", directory)
    path = directory / "household.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["fields"].append(NEW_FIELD)
    data["fields"].append(
        {"name": "members_abroad", "type": "int", "label": {"zh_CN": "外出人数", "en": "Away"}}
    )
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return directory


def columns(store: Store, table: str) -> dict[str, str]:
    return {r[1]: r[2] for r in store.db.query(f"PRAGMA table_info({table})")}


def test_a_field_added_to_a_form_gets_its_column_and_old_rows_keep_their_values(db_path, kdf, tmp_path):
    store = Store.create(db_path, "wang", PASS, VILLAGE, kdf=kdf)
    old = store.household.create(household("001", "张三"))
    before = store.household.get(old)
    store.close()

    forms = load_forms(forms_with_extra_field(tmp_path / "forms_v2"))
    store = Store.unlock(db_path, "wang", PASS, forms=forms)
    try:
        cols = columns(store, "household")
        assert cols["family_doctor"] == "TEXT" and cols["members_abroad"] == "INTEGER"
        kept = store.household.get(old)
        assert {k: kept[k] for k in before} == before and kept["family_doctor"] is None
        made = store.household.create(
            household("002", "李四") | {"family_doctor": "yes", "members_abroad": 2}
        )
        assert store.household.get(made)["family_doctor"] == "yes"
        store.household.update(old, {"family_doctor": "no"})
        assert store.household.get(old)["family_doctor"] == "no"
        pending = [json.loads(r[0]) for r in store.db.query("SELECT fields FROM outbox ORDER BY seq")]
        assert pending[-1] == {"family_doctor": "no"}  # syncs like any field
        assert follow_forms(store.db, forms) == []  # nothing more to add: a second open is a no-op
    finally:
        store.close()


def test_the_review_list_reads_named_columns_when_its_table_grows(store: Store) -> None:
    h = store.household.create(household())
    with store.atomic() as conn:
        review.hold(conn, "household", h, "address", "村里改的", county_value="县里改的", user="wang")
        conn.execute("ALTER TABLE review_wait ADD COLUMN added_later TEXT")  # SELECT * broke on this
    (row,) = ReviewService(store).records()
    assert (row.field, row.my_display, row.county_display, row.status) == (
        "address",
        "村里改的",
        "县里改的",
        "waiting",
    )
