"""A field a county form version makes required flags the records that lack it for completion
(issue 17): they stay, sync and can be edited; the list says which they are."""

from __future__ import annotations

import copy
from typing import Any

from desktop.services.session import Session
from sync.form_versions import builtin_document
from tests.desktop.storage.conftest import household


def version_2() -> dict[str, Any]:
    document = copy.deepcopy(builtin_document())
    document["version"] = 2
    form = next(f for f in document["forms"] if f["entity"] == "household")
    form["fields"].append(
        {"name": "members_away", "type": "int", "required": True, "min": 0, "max": 20,
         "label": {"zh_CN": "外出务工人数", "en": "Members working away"}}
    )  # fmt: skip
    form["fields"].append({"name": "note_v2", "type": "text", "label": {"zh_CN": "备注", "en": "Note"}})
    return document


def test_records_lacking_a_newly_required_field_are_listed(store) -> None:
    old = store.household.create(household("001", "张三"))
    gone = store.household.create(household("002", "李四"))
    assert store.household.incomplete_ids() == []  # the built-in forms: nothing lacks a value
    store.household.delete(gone)
    store.take_forms(version_2())
    new = store.household.create(household("003", "王五") | {"members_away": 0})  # 0 is a value
    assert store.household.incomplete_ids() == [old]  # not the deleted one, not the complete one
    assert store.person.incomplete_ids() == []
    store.household.update(old, {"note_v2": "入户"})  # an old record is not blocked by the new field
    assert store.household.incomplete_ids() == [old]
    store.household.update(old, {"members_away": 2})
    assert store.household.incomplete_ids() == []
    assert new not in store.household.incomplete_ids()


def test_the_session_counts_and_lists_them(store) -> None:
    old = store.household.create(household("001", "张三"))
    store.take_forms(version_2())
    session = Session(store)
    assert session.incomplete("household") == {old}
    assert session.incomplete_count() == 1
    assert session.incomplete_fields("household", old) == ["members_away"]
