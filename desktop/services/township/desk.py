"""The township desk, without Qt: sign in, work list, one item side by side, decide, history,
duplicate residents.

Everything here blocks (HTTP to the county server); the UI runs it through its task runner.
Items come back labelled in the chosen language (form labels, choice labels, yuan, dates), so a
screen only lays them out.

Errors (all ``sync.errors.SyncError``, with ``message(lang)``):

* ``StaleDecision`` (409 ``stale``): the field moved since the item was shown; ``.item`` is the
  fresh item — show it and ask again. Nothing was changed.
* ``AlreadyDecided`` (409): someone decided it first; ``.item`` shows their decision.
* ``InvalidValue`` (422): a typed value breaks the form rules; ``.problems`` (zh and en, per field).
* ``Forbidden`` (403): the item belongs to a village outside the staff member's township.
* ``NotFound`` (404), ``sync.staff.client.SignInRequired`` (sign in again), ``OfflineError``,
  ``CertificateError``, ``ServerError`` as for sync.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from desktop.services import display as show
from desktop.services.township.model import (
    AlreadyDecided,
    Decision,
    DuplicateGroup,
    DuplicateHolder,
    EditedField,
    FieldValue,
    Forbidden,
    HistoryEntry,
    InvalidValue,
    Item,
    ItemPage,
    NotFound,
    SetAside,
    StaffAccount,
    StaleDecision,
    VillageValue,
)
from sync.errors import RejectedError, SyncError
from sync.form_rules import FormError
from sync.form_versions import effective_forms
from sync.ids import item_number
from sync.protocol import Problem
from sync.schema import Forms, load_forms
from sync.staff.client import StaffClient

CHOICES = ("county", "village", "typed", "stay_deleted", "restore")


# --------------------------------------------------------------------------------------------------
# The service


class TownshipService:
    """One staff session against the county server."""

    def __init__(
        self,
        server_url: str,
        ca_pem: str | None = None,
        *,
        language: str = "zh_CN",
        forms: Forms | None = None,
        session: StaffClient | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.language = language
        self.builtin_forms = forms or load_forms()
        self.forms = self.builtin_forms
        """The county's latest published forms once signed in (labels, displays, typed values)."""
        self.clock = clock
        self._ca_path: Path | None = None
        if session is None:
            ca_bundle = None
            if ca_pem:
                # The county CA is public (no personal data); requests pins it by path.
                fd, name = tempfile.mkstemp(prefix="vdd-county-ca-", suffix=".pem")
                with os.fdopen(fd, "w", encoding="ascii") as f:
                    f.write(ca_pem)
                self._ca_path = Path(name)
                ca_bundle = name
            session = StaffClient(server_url, ca_bundle)
        self.client = session
        self.account: StaffAccount | None = None

    def close(self) -> None:
        self.client.close()
        if self._ca_path is not None:
            self._ca_path.unlink(missing_ok=True)
            self._ca_path = None

    def __enter__(self) -> TownshipService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------------------ sign-in

    def sign_in(self, username: str, password: str) -> StaffAccount:
        data = self.client.login(username, password)
        names = data.get("village_names") or {}
        self.account = StaffAccount(
            str(data["username"]),
            str(data["scope"]),
            str(data["scope_code"]),
            {str(k): str(v) for k, v in names.items()},
            int(data.get("expires_at") or 0),
            str(data.get("scope_name") or ""),
        )
        self.forms = self._county_forms()
        return self.account

    def _county_forms(self) -> Forms:
        """The county's forms as published (every version, so a field a later version left out keeps
        its label, hidden); the app's own forms if the county published none, or from a server that
        does not offer them (answered 404) or whose documents do not read."""
        try:
            documents = self.client.forms().get("documents")
        except RejectedError as exc:
            if exc.status == 404:
                return self.builtin_forms
            raise
        if not isinstance(documents, list) or len(documents) < 2:
            return self.builtin_forms
        try:
            return effective_forms(documents)
        except (FormError, KeyError, TypeError, AttributeError):
            return self.builtin_forms

    def sign_out(self) -> None:
        try:
            self.client.logout()
        finally:
            self.account = None

    # ------------------------------------------------------------------------------ items

    def items(
        self,
        status: str = "open",
        village: str | None = None,
        entity: str | None = None,
        min_age_days: int | None = None,
        sort: str = "age",
        offset: int = 0,
        limit: int = 200,
        query: str | None = None,
    ) -> ItemPage:
        """One page of the work list, filtered and sorted by the server. ``query``: a name, household
        number or resident ID (or part of one); ``sort`` ``household``/``person`` keeps one
        household's (person's) items together."""
        data = self._guard(
            lambda: self.client.items(
                status=status,
                village=village,
                entity=entity,
                min_age_days=min_age_days,
                sort=sort,
                offset=offset,
                limit=limit,
                q=query or None,
            )
        )
        return ItemPage(
            [self._item(d) for d in data["items"]],
            int(data["total"]),
            {str(k): int(v) for k, v in (data.get("counts_by_village") or {}).items()},
        )

    def item(self, item_id: str) -> Item:
        """The item of an id, or of the number the desk shows (``Item.number``)."""
        return self._item(self._guard(lambda: self.client.item(item_id.strip()))["item"])

    def history(
        self, item_or_record: Item | str | None = None, *, offset: int = 0, limit: int = 200
    ) -> list[HistoryEntry]:
        """Decisions of one item (an ``Item``) or of every item of one record (a record id), oldest
        first; with neither, every decision (conflicts and duplicates) of the account's villages,
        newest first, a page of ``limit`` from ``offset``."""
        if isinstance(item_or_record, Item):
            data = self._guard(lambda: self.client.history(item_id=item_or_record.id))
        elif item_or_record:
            data = self._guard(lambda: self.client.history(record_id=item_or_record))
        else:
            data = self._guard(lambda: self.client.history(offset=offset, limit=limit))
        return [self._history(d) for d in data["history"]]

    def decide(
        self,
        item: Item,
        choice: str,
        *,
        conflict_id: str | None = None,
        value: Any = None,
        fields: Mapping[str, Any] | Sequence[str] | None = None,
        note: str,
    ) -> Item:
        """Settle ``item`` on the county version and the village values it was shown with (a newer
        county value or another laptop's value arriving meanwhile makes it ``StaleDecision``).

        ``county``: keep the county value. ``village``: take ``conflict_id``'s value. ``typed``:
        ``value`` (as typed; checked by the form rules). Delete items: ``stay_deleted``, or
        ``restore`` with ``fields`` — names of edited fields to take the village's value for, or a
        mapping field -> value. A note is required.
        """
        if choice not in CHOICES:
            raise ValueError(f"choice must be one of {CHOICES}")
        body: dict[str, Any] = {
            "choice": choice,
            "version": item.county.version,
            "values_seen": len(item.village_values),
            "note": note,
        }
        if conflict_id is not None:
            body["conflict_id"] = conflict_id
        if choice == "typed":
            body["value"] = value
        if fields is not None:
            if isinstance(fields, Mapping):
                body["fields"] = dict(fields)
            else:
                body["fields"] = {name: self._village_field_value(item, name) for name in fields}
        data = self._guard(lambda: self.client.decide(item.id, body))
        return self._item(data["item"])

    @staticmethod
    def _village_field_value(item: Item, name: str) -> Any:
        for edited in item.edited_fields:
            if edited.field == name and edited.village is not None:
                return edited.village.value
        raise ValueError(f"{name} is not an edited field of this item")

    # ------------------------------------------------------------------------------ duplicates

    def duplicates(self, status: str = "open") -> list[DuplicateGroup]:
        data = self._guard(lambda: self.client.duplicates(status))
        return [self._group(d) for d in data["duplicates"]]

    def decide_duplicate(
        self, group_id: str, keep_record_id: str | None, *, not_same: bool = False, note: str
    ) -> DuplicateGroup:
        """Keep one record (the others become moved-out, linked to it) or mark "not the same person"."""
        body = {"keep": keep_record_id, "not_same": not_same, "note": note}
        data = self._guard(lambda: self.client.decide_duplicate(group_id, body))
        return self._group(data["group"])

    def indicators(self, year: int, threshold_fen: int) -> dict[str, Any]:
        """The common-prosperity figures of every village the staff member works for, and rolled up
        (the JSON of ``GET /api/v1/staff/indicators``; ``desktop.ui.township.staff_indicators`` shows it)."""
        return self._guard(lambda: self.client.indicators(year=year, threshold_fen=threshold_fen))

    # ------------------------------------------------------------------------------ mapping

    def _guard(self, call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        try:
            return call()
        except RejectedError as exc:
            raise self._refusal(exc) from None

    def _refusal(self, exc: RejectedError) -> SyncError:
        payload = exc.payload
        en, zh = exc.message_en, exc.message_zh
        if exc.code == "stale" and isinstance(payload.get("item"), dict):
            return StaleDecision(self._item(payload["item"]), en, zh)
        if exc.code in ("already_decided", "already_resolved"):
            item = payload.get("item")
            return AlreadyDecided(self._item(item) if isinstance(item, dict) else None, en, zh)
        if exc.code == "invalid":
            problems = [
                Problem(str(p.get("field", "")), str(p.get("code", "")), str(p["zh"]), str(p["en"]))
                for p in payload.get("problems") or []
                if isinstance(p, dict)
            ]
            return InvalidValue(problems, en, zh)
        if exc.code == "forbidden":
            return Forbidden(en, zh, code="forbidden", status=exc.status)
        if exc.code == "not_found":
            return NotFound(en, zh, code="not_found", status=exc.status)
        return exc

    def _fv(self, entity: str, name: str, d: Mapping[str, Any] | None) -> FieldValue:
        d = d or {}
        value = d.get("value")
        return FieldValue(
            value,
            show.display(self.forms, entity, name, value, self.language),
            int(d.get("version") or 0),
            user=str(d.get("user") or ""),
            device_name=str(d.get("device_name") or ""),
        )

    def _aside(self, entity: str, field_name: str, d: Mapping[str, Any]) -> SetAside:
        name = str(d.get("field") or field_name)
        value = d.get("value")
        return SetAside(
            str(d.get("source", "village")),
            value,
            show.display(self.forms, entity, name, value, self.language),
            name if d.get("field") else "",
            str(d.get("user") or ""),
            str(d.get("device_id") or ""),
            str(d.get("device_name") or ""),
            int(d.get("sent_at") or 0),
            str(d.get("kept_record_id") or ""),
        )

    def _item(self, d: Mapping[str, Any]) -> Item:
        lang, forms = self.language, self.forms
        entity, name = str(d["entity"]), str(d["field"])
        values = []
        for v in d.get("village_values") or []:
            value = v.get("value")
            values.append(
                VillageValue(
                    str(v["conflict_id"]),
                    value,
                    show.display(forms, entity, name, value, lang),
                    str(v.get("user") or ""),
                    str(v.get("device_id") or ""),
                    str(v.get("device_name") or ""),
                    int(v.get("sent_at") or 0),
                    int(v.get("base_version") or 0),
                    {f: self._fv(entity, f, {"value": x}) for f, x in (v.get("fields") or {}).items()},
                )
            )
        edited = [
            EditedField(
                str(e["field"]),
                show.field_label(forms, entity, str(e["field"]), lang),
                self._fv(entity, str(e["field"]), e.get("county")),
                self._fv(entity, str(e["field"]), e["village"]) if e.get("village") else None,
                e.get("conflict_id"),
            )
            for e in d.get("edited_fields") or []
        ]
        decision = None
        dd = d.get("decision")
        if dd:
            decision = Decision(
                str(dd["choice"]),
                dd.get("value"),
                show.display(forms, entity, name, dd.get("value"), lang),
                str(dd.get("note") or ""),
                str(dd.get("decided_by") or ""),
                int(dd.get("decided_at") or 0),
                int(dd.get("seq") or 0),
                {f: self._fv(entity, f, {"value": x}) for f, x in (dd.get("fields") or {}).items()},
                [self._aside(entity, name, a) for a in dd.get("set_aside") or []],
            )
        created = int(d.get("created_at") or 0)
        return Item(
            id=str(d["id"]),
            number=str(d.get("number") or item_number(str(d["id"]))),
            village_code=str(d["village_code"]),
            village_name=str(d.get("village_name") or ""),
            entity=entity,
            entity_label=show.entity_label(forms, entity, lang),
            record_id=str(d["record_id"]),
            record_title=show.record_title(entity, d.get("record"), forms, lang),
            field=name,
            field_label=show.field_label(forms, entity, name, lang),
            kind=str(d.get("kind") or ("delete" if name == show.DELETED else "field")),
            base=self._fv(entity, name, d.get("base")),
            county=self._fv(entity, name, d.get("county")),
            village_values=values,
            edited_fields=edited,
            created_at=created,
            age=show.age_text(self.clock() - created, lang),
            status=str(d["status"]),
            decision=decision,
            record_deleted=bool((d.get("record") or {}).get("deleted", False)),
        )

    def _history(self, d: Mapping[str, Any]) -> HistoryEntry:
        lang, forms = self.language, self.forms
        entity, name = str(d["entity"]), str(d.get("field") or "")
        return HistoryEntry(
            id=str(d["id"]),
            item_id=str(d["item_id"]),
            kind=str(d["kind"]),
            village_code=str(d["village_code"]),
            village_name=str(d.get("village_name") or ""),
            entity=entity,
            record_id=str(d["record_id"]),
            record_title=show.record_title(entity, d.get("record"), forms, lang),
            field=name,
            field_label=show.field_label(forms, entity, name, lang) if name else "",
            choice=str(d["choice"]),
            value=d.get("value"),
            display=show.display(forms, entity, name, d.get("value"), lang) if name else "",
            note=str(d.get("note") or ""),
            decided_by=str(d.get("decided_by") or ""),
            decided_at=int(d.get("decided_at") or 0),
            seq=int(d.get("seq") or 0),
            set_aside=[self._aside(entity, name, a) for a in d.get("set_aside") or []],
        )

    def _group(self, d: Mapping[str, Any]) -> DuplicateGroup:
        lang = self.language
        holders = []
        for h in d.get("holders") or []:
            status = h.get("status")
            label = show.display(self.forms, "person", "status", status, lang) if status else ""
            holders.append(
                DuplicateHolder(
                    str(h["record_id"]),
                    str(h["village_code"]),
                    str(h.get("village_name") or ""),
                    h.get("household_id"),
                    str(h.get("household_no") or ""),
                    str(h.get("head_name") or ""),
                    str(h.get("name") or ""),
                    label,
                    bool(h.get("visible", True)),
                )
            )
        created = int(d.get("created_at") or 0)
        return DuplicateGroup(
            str(d["id"]),
            str(d.get("resident_id_masked") or ""),
            holders,
            str(d["status"]),
            created,
            show.age_text(self.clock() - created, lang),
            str(d.get("decision") or ""),
            d.get("kept_record_id"),
            str(d.get("note") or ""),
            str(d.get("decided_by") or ""),
            int(d.get("decided_at") or 0),
        )
