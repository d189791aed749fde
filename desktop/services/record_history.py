"""A record's history for people, without Qt: rows with Chinese (or English) labels, values as people
read them (choices by label, money in yuan), who and from which device, when.

Staff read it from the county server within their scope; the official reads a field's history from
the server when it can be reached (``GET /history``, signed by the laptop, own village only) and
otherwise this laptop's own edits not yet sent (``desktop.storage.history``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from desktop.storage.history import pending_edits
from sync.errors import SyncError
from sync.history_labels import field_label, how_label, value_text, when_text
from sync.schema import Forms


@dataclass(frozen=True)
class HistoryRow:
    field: str
    field_label: str
    old: str
    new: str
    how: str
    who: str
    device: str
    server_time: str
    laptop_time: str
    pending: bool = False
    """An edit of this laptop the county server has not acknowledged yet."""


def rows(forms: Forms, entity: str, entries: Iterable[Mapping[str, Any]], lang: str) -> list[HistoryRow]:
    out = []
    for e in entries:
        name = str(e.get("field", ""))
        out.append(
            HistoryRow(
                field=name,
                field_label=field_label(forms, entity, name, lang),
                old=value_text(forms, entity, name, e.get("old"), lang),
                new=value_text(forms, entity, name, e.get("new"), lang),
                how=how_label(str(e.get("how", "")), lang),
                who=str(e.get("author") or ""),
                device=str(e.get("device_name") or ""),
                server_time=when_text(int(e.get("server_at") or 0), tz=None),  # local, as on the desk
                laptop_time=when_text(int(e.get("laptop_at") or 0), tz=None),
                pending=e.get("how") == "local",
            )
        )
    return out


def staff_history(desk: Any, entity: str, record_id: str, field: str | None = None) -> list[HistoryRow]:
    """A record's history from the county server (the signed-in staff member's scope)."""
    data = desk._guard(lambda: desk.client.record_history(record_id, field))
    return rows(desk.forms, entity, data.get("history", []), desk.language)


@dataclass(frozen=True)
class FieldHistory:
    rows: list[HistoryRow]
    online: bool
    """False: the server could not be asked; only this laptop's edits not yet sent are shown."""
    problem: str = ""


def field_history(session: Any, entity: str, record_id: str, field: str, lang: str) -> FieldHistory:
    """The official's view of one field: the server's history when reachable, then this laptop's
    edits still waiting to be sent."""
    local = pending_edits(session.store.db, entity, record_id, field)
    service = getattr(session, "sync", None)
    if service is None:
        return FieldHistory(rows(session.forms, entity, local, lang), False)
    try:
        entries = service.record_history(record_id, field)
    except SyncError as exc:
        return FieldHistory(rows(session.forms, entity, local, lang), False, exc.message(lang.lower()))
    return FieldHistory(rows(session.forms, entity, [*entries, *local], lang), True)
