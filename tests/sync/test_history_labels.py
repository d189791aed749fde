"""History values for people: choices by label, money in yuan, none as a dash, how a change came."""

from __future__ import annotations

from datetime import datetime

from sync.history_labels import field_label, how_label, value_text, when_text
from sync.schema import load_forms


def test_values_read_as_people_read_them() -> None:
    forms = load_forms()
    assert value_text(forms, "income", "amount_fen", 1_200_000) == "12,000.00"
    assert value_text(forms, "income", "amount_fen", -150) == "-1.50"
    assert field_label(forms, "income", "amount_fen") == "金额（元）"
    assert value_text(forms, "household", "category", "ordinary") == "一般户"
    assert value_text(forms, "household", "category", "ordinary", "en") == "Ordinary"
    assert value_text(forms, "person", "name", None) == "—"
    assert value_text(forms, "person", "_deleted", True) == "已删除"
    assert field_label(forms, "person", "no_such_field") == "no_such_field"
    assert how_label("resync") == "恢复备份后重新同步" and how_label("decision", "en") == "township decision"
    assert when_text(0) == "" and when_text(1_700_000_000) == "2023-11-15 06:13"
    # On the desks, times are the machine's local time like every other time shown there.
    local = datetime.fromtimestamp(1_700_000_000).strftime("%Y-%m-%d %H:%M")
    assert when_text(1_700_000_000, tz=None) == local
