"""The village official's side of township review, without Qt: which of my values wait on the
township, what the county holds meanwhile, and what the township decided.

Rows come from the encrypted store (``desktop.storage.review``); a sync run refreshes them from the
server. Everything here is a quick local read, safe to call from the status bar's refresh.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

from desktop.services import display as show
from desktop.storage import Store
from desktop.storage.review import DECIDED, WAITING, loads
from sync.ids import item_number
from sync.messages import pair

CHOICE_LABELS = {
    choice: pair(f"review.choice.{choice}")
    for choice in ("county", "village", "typed", "stay_deleted", "restore")
}
"""Each decision's name as (zh_CN, en)."""

_COLUMNS = (
    "entity",
    "record_id",
    "field",
    "my_value",
    "my_fields",
    "county_value",
    "base_value",
    "user",
    "status",
    "item_id",
    "choice",
    "decided_value",
    "note",
    "decided_by",
    "decided_at",
    "created_at",
    "updated_at",
    "seen",
)
"""The columns of ``review_wait`` this service reads, by name."""


@dataclass(frozen=True)
class WaitingRecord:
    """One of the official's values the county did not take."""

    entity: str
    entity_label: str
    record_id: str
    record_title: str
    field: str
    field_label: str
    my_value: Any
    my_display: str
    county_value: Any
    county_display: str
    status: str
    """``waiting`` (on the township) or ``decided``."""
    user: str
    created_at: float
    updated_at: float
    my_fields: dict[str, str]
    """Delete against edit: the fields I edited (label -> my value, displayed)."""
    choice: str = ""
    choice_label: str = ""
    decided_value: Any = None
    decided_display: str = ""
    note: str = ""
    decided_by: str = ""
    decided_at: float = 0.0
    seen: bool = False
    not_taken: dict[str, str] = dataclasses.field(default_factory=dict)
    """A restore: the official's edited fields the township did not restore (label -> my value)."""
    number: str = ""
    """The item's short number as the township desk shows it (empty until the server named the item)."""


class ReviewService:
    def __init__(self, store: Store, *, language: str = "zh_CN") -> None:
        self.store = store
        self.language = language

    def waiting_count(self) -> int:
        """Fields still waiting on the township (the status bar's count)."""
        return int(self.store.db.query("SELECT count(*) FROM review_wait WHERE status = ?", (WAITING,))[0][0])

    def unseen_decided_count(self) -> int:
        """Decisions the official has not looked at yet."""
        return int(
            self.store.db.query("SELECT count(*) FROM review_wait WHERE status = ? AND seen = 0", (DECIDED,))[
                0
            ][0]
        )

    def records(self, status: str = "all") -> list[WaitingRecord]:
        """Waiting first (oldest first), then decided (newest decision first)."""
        if status not in ("waiting", "decided", "all"):
            raise ValueError("status is waiting, decided or all")
        sql = f"SELECT {', '.join(_COLUMNS)} FROM review_wait"  # by name: a column added later is no harm
        params: tuple[Any, ...] = ()
        if status != "all":
            sql += " WHERE status = ?"
            params = (status,)
        sql += (
            " ORDER BY status = 'decided', CASE WHEN status = 'decided' THEN -decided_at ELSE created_at END"
        )
        cur = self.store.db.query(sql, params)
        return [self._row(r) for r in cur]

    def under_review(self, entity: str) -> set[str]:
        """Ids of ``entity`` records with a value waiting on the township (for list markers)."""
        rows = self.store.db.query(
            "SELECT DISTINCT record_id FROM review_wait WHERE entity = ? AND status = ?", (entity, WAITING)
        )
        return {r[0] for r in rows}

    def is_under_review(self, entity: str, record_id: str) -> bool:
        return bool(
            self.store.db.query(
                "SELECT 1 FROM review_wait WHERE entity = ? AND record_id = ? AND status = ? LIMIT 1",
                (entity, record_id, WAITING),
            )
        )

    def fields_under_review(self, entity: str, record_id: str) -> dict[str, WaitingRecord]:
        """Field -> waiting row, for marking fields on the record's form."""
        return {
            r.field: r for r in self.records("waiting") if r.entity == entity and r.record_id == record_id
        }

    def mark_seen(self) -> int:
        """The official has looked at the decisions: they stop counting as new."""
        with self.store.atomic() as conn:
            return int(
                conn.execute(
                    "UPDATE review_wait SET seen = 1 WHERE status = ? AND seen = 0", (DECIDED,)
                ).rowcount
            )

    def dismiss_decided(self, older_than_days: float = 30.0) -> int:
        """Forget decisions the official has seen, older than ``older_than_days``."""
        cutoff = time.time() - older_than_days * 86400
        with self.store.atomic() as conn:
            return int(
                conn.execute(
                    "DELETE FROM review_wait WHERE status = ? AND seen = 1 AND decided_at < ?",
                    (DECIDED, cutoff),
                ).rowcount
            )

    # ------------------------------------------------------------------------------ mapping

    def _title(self, entity: str, record_id: str) -> str:
        db = self.store.db
        context: dict[str, Any] = {}
        if entity == "household":
            rows = db.query("SELECT household_no, head_name FROM household WHERE id = ?", (record_id,))
            if rows:
                context = {"household_no": rows[0][0], "head_name": rows[0][1]}
        else:
            name_col = "name" if entity == "person" else "NULL"
            rows = db.query(
                f"SELECT {name_col}, h.household_no, h.head_name FROM {entity} r"
                " LEFT JOIN household h ON h.id = r.household_id WHERE r.id = ?",
                (record_id,),
            )
            if rows:
                context = {"name": rows[0][0], "household_no": rows[0][1], "head_name": rows[0][2]}
        return show.record_title(entity, context)

    def _row(self, r: Any) -> WaitingRecord:
        d = dict(zip(_COLUMNS, r, strict=True))
        lang, forms = self.language, self.store.forms
        entity, name = d["entity"], d["field"]
        my_value, county_value = loads(d["my_value"]), loads(d["county_value"])
        decided_value = loads(d["decided_value"])
        restored: dict[str, Any] = {}
        if isinstance(decided_value, dict) and name == show.DELETED:
            restored = decided_value.get("fields") or {}
            decided_value = decided_value.get("deleted")
        mine = loads(d["my_fields"]) or {}
        my_fields = {
            show.field_label(forms, entity, f, lang): show.display(forms, entity, f, v, lang)
            for f, v in mine.items()
        }
        choice = d["choice"] or ""
        # A restore takes the ticked fields only: the official's other edits were not taken.
        not_taken = (
            {
                show.field_label(forms, entity, f, lang): show.display(forms, entity, f, v, lang)
                for f, v in mine.items()
                if f not in restored or restored[f] != v
            }
            if choice == "restore"
            else {}
        )
        labels = CHOICE_LABELS.get(choice)
        return WaitingRecord(
            entity=entity,
            entity_label=show.entity_label(forms, entity, lang),
            record_id=d["record_id"],
            record_title=self._title(entity, d["record_id"]),
            field=name,
            field_label=show.field_label(forms, entity, name, lang),
            my_value=my_value,
            my_display=show.display(forms, entity, name, my_value, lang),
            county_value=county_value,
            county_display=show.display(forms, entity, name, county_value, lang),
            status=d["status"],
            user=d["user"],
            created_at=float(d["created_at"]),
            updated_at=float(d["updated_at"]),
            my_fields=my_fields,
            choice=choice,
            choice_label=(labels[0] if show.zh(lang) else labels[1]) if labels else choice,
            decided_value=decided_value,
            decided_display=show.display(forms, entity, name, decided_value, lang) if choice else "",
            note=d["note"] or "",
            decided_by=d["decided_by"] or "",
            decided_at=float(d["decided_at"] or 0),
            seen=bool(d["seen"]),
            number=item_number(d["item_id"]) if d["item_id"] else "",
            not_taken=not_taken,
        )
