"""Record entry: create, update, delete and read records through the store, for the forms.

The store validates every write with the shared form schema and raises ``ValidationFailed`` with
every problem; this service adds what a form needs around that: sensible starting values for a new
record, a save that writes only what changed, the fields a resident ID fills in, and the related
records of a household. Run it on the task runner's database thread. No Qt here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop.services.list_order import list_orders
from desktop.storage import Store, ValidationFailed
from sync.protocol import Problem
from sync.schema import Forms, derive_from_resident_id, load_forms

__all__ = ["DeletePreview", "EntryService", "FormsPin", "Problem", "ValidationFailed", "derive_fields"]

# Starting values of a new record; the form lets the person change all of them.
_DEFAULTS: dict[str, dict[str, Any]] = {
    "household": {"category": "ordinary", "status": "active"},
    "person": {"ethnicity": "01", "status": "present"},
    "income": {"source": "wages"},
    "service": {},
}


@dataclass(frozen=True, slots=True)
class DeletePreview:
    """What a delete takes with it, for the question asked before it: a household's members by
    name, and how many income and service records."""

    title: str
    members: list[str] = field(default_factory=list)
    income: int = 0
    service: int = 0


@dataclass(frozen=True, slots=True)
class FormsPin:
    """A county form version and its forms, as a record dialog was opened with: it shows, checks and
    saves the record with them until it is saved or cancelled, whatever version a sync takes
    meanwhile (issue 17)."""

    version: int
    forms: Forms


def derive_fields(resident_id: str | None) -> dict[str, str]:
    """``birth_date`` and ``sex`` read from a valid resident ID; empty when it is not valid."""
    return derive_from_resident_id(resident_id) or {}


class EntryService:
    def __init__(self, store: Store, forms: Forms | None = None, version: int | None = None) -> None:
        """``version``: the county form version ``forms`` are, when they are not the store's current
        ones (a dialog opened before a sync took a newer version): writes are validated with them
        and name that version for the push."""
        self.store = store
        self.forms = forms or store.forms or load_forms()
        self.version = version

    def _repo(self, entity: str) -> Any:
        if self.version is None:
            return self.store.repository(entity)
        return self.store.pinned_repository(entity, self.forms, self.version)

    # -- reading ----------------------------------------------------------------------------------
    def get(self, entity: str, record_id: str) -> dict[str, Any] | None:
        return self._repo(entity).get(record_id)

    def get_many(self, entity: str, ids: list[str]) -> list[dict[str, Any]]:
        return self._repo(entity).get_many(ids)

    def new_record(self, entity: str, *, today: date | None = None, **context: Any) -> dict[str, Any]:
        """Starting values for the form of a new record; ``context`` fixes fields (e.g. household_id)."""
        today = today or date.today()
        record: dict[str, Any] = {name: None for name in self.forms[entity].field_names}
        record.update(_DEFAULTS.get(entity, {}))
        if entity == "income":
            record["year"] = today.year - 1 if today.month < 7 else today.year
        if entity == "service":
            record["date"] = today.isoformat()
        if entity == "person" and context.get("household_id"):
            # The first member registered is usually the head.
            has_head = self._repo("person").count(household_id=context["household_id"], relation="head")
            if not has_head:
                record["relation"] = "head"
        record.update({k: v for k, v in context.items() if k in record})
        return record

    def household_summary(self, household_id: str) -> dict[str, Any]:
        """Ids of the household's members, income and services, for the detail view."""
        return {
            "person": self._repo("person").ids(household_id=household_id),
            "income": self._repo("income").ids(household_id=household_id),
            "service": self._repo("service").ids(household_id=household_id),
        }

    # -- writing ----------------------------------------------------------------------------------
    def save(self, entity: str, record_id: str | None, values: Mapping[str, Any]) -> str:
        """Create (``record_id`` None) or update with the fields that changed; returns the id.

        Raises ValidationFailed with every problem; nothing is written then.
        """
        fields = set(self.forms[entity].field_names)
        data = {k: v for k, v in values.items() if k in fields}
        if record_id is None:
            return self._repo(entity).create(data)
        current = self._repo(entity).get(record_id)
        if current is None or current.get("deleted"):
            raise KeyError("the record no longer exists")
        normalized = self.forms.normalize(entity, data)
        changes = {k: v for k, v in normalized.items() if current.get(k) != v}
        if changes:
            self._repo(entity).update(record_id, changes)
        return record_id

    def create(self, entity: str, values: Mapping[str, Any]) -> str:
        return self.save(entity, None, values)

    def update(self, entity: str, record_id: str, values: Mapping[str, Any]) -> str:
        return self.save(entity, record_id, values)

    def delete(self, entity: str, record_id: str) -> bool:
        """Tombstone the record (it syncs as a delete). Returns False when it was deleted already.

        A household goes with everything that belongs to it (see ``delete_household``)."""
        if entity == "household":
            return bool(self.delete_household(record_id))
        return bool(self._repo(entity).delete(record_id))

    def _belonging(self, household_id: str) -> dict[str, list[str]]:
        """Live records of a household: members, income, and services (of it or of a member)."""
        members = self._repo("person").ids(household_id=household_id)
        services = set(self._repo("service").ids(household_id=household_id))
        for person_id in members:
            services.update(self._repo("service").ids(person_id=person_id))
        return {
            "person": members,
            "income": self._repo("income").ids(household_id=household_id),
            "service": sorted(services),
        }

    def delete_preview(self, entity: str, record_id: str) -> DeletePreview:
        """What deleting this record takes with it (a household: members, income, services)."""
        record = self.get(entity, record_id)
        if record is None:
            raise KeyError("no such record")
        if entity != "household":
            return DeletePreview(title="")
        belonging = self._belonging(record_id)
        # In the register's order (head first, then spouse, children, …), as the persons list.
        order = list_orders(self.store.forms)["person"]
        ordered = [
            r[0]
            for r in self.store.db.query(
                order.select(f"{order.alias}.id", f"{order.alias}.household_id = ?"), (record_id,)
            )
        ]
        members = [p.get("name") or "" for p in self.get_many("person", ordered)]
        title = f"{record.get('household_no') or ''} {record.get('head_name') or ''}".strip()
        return DeletePreview(title, members, len(belonging["income"]), len(belonging["service"]))

    def delete_household(self, household_id: str) -> list[tuple[str, str]]:
        """Tombstone a household with its members, their and its services, and its income, in one
        transaction (all or nothing), each a tombstone in the outbox. A member left behind would
        be a present person of no household, which no form could save again. Returns the
        (entity, id) deleted, the household last; empty when it was deleted already."""
        deleted: list[tuple[str, str]] = []
        with self.store.atomic():
            household = self.get("household", household_id)
            if household is None:
                raise KeyError("no such record")
            if household.get("deleted"):
                return []
            for entity, ids in self._belonging(household_id).items():
                for record_id in ids:
                    if self._repo(entity).delete(record_id):
                        deleted.append((entity, record_id))
            self._repo("household").delete(household_id)
            deleted.append(("household", household_id))
        return deleted

    # -- checking while typing --------------------------------------------------------------------
    def check_field(self, entity: str, name: str, value: Any) -> list[Problem]:
        """Problems of one field on its own; pure, safe on the UI thread."""
        normalized = self.forms.normalize(entity, {name: value}).get(name)
        return self.forms.validate_field(entity, name, normalized)
