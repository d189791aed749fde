"""List columns follow the county's forms (issue 17): a relabelled field and a relabelled choice show
as published, a removed field's column goes, a field the county added comes after the app's own."""

from __future__ import annotations

import copy

from desktop.ui.official.columns import columns_for
from sync.form_versions import builtin_document, effective_forms


def test_columns_follow_a_version() -> None:
    document = copy.deepcopy(builtin_document())
    document["version"] = 2
    form = next(f for f in document["forms"] if f["entity"] == "household")
    form["fields"] = [f for f in form["fields"] if f["name"] != "phone"]
    address = next(f for f in form["fields"] if f["name"] == "address")
    address["label"] = {"zh_CN": "居住地址", "en": "Home address"}
    category = next(f for f in form["fields"] if f["name"] == "category")
    category["choices"][0]["label"] = {"zh_CN": "普通农户", "en": "Ordinary farm household"}
    helper = {"name": "helper", "type": "text", "label": {"zh_CN": "帮扶责任人", "en": "Helper"}}
    form["fields"].append(helper)
    forms = effective_forms([builtin_document(), document])
    columns = columns_for(forms, "household")
    assert [c.header("zh_CN") for c in columns] == [
        "户号", "户主姓名", "居住地址", "家庭类别", "户状态", "帮扶责任人"
    ]  # fmt: skip
    value = category["choices"][0]["value"]
    shown = next(c for c in columns if c.name == "category").display({"category": value}, "zh_CN")
    assert shown == "普通农户"
    # The members' list in the household detail follows too (nothing added to persons: unchanged).
    assert [c.name for c in columns_for(forms, "person", in_household=True)] == [
        "name", "resident_id", "relation", "sex", "birth_date", "status"
    ]  # fmt: skip
