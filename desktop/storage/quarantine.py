"""Pulled records the store cannot hold, kept aside instead of failing the whole sync (issue 10).

A county server may send a value no form allows (a record stored before the server checked deleted
records' fields, a damaged database): an object where text belongs, text past its limit or with
hidden characters. Binding such a value fails the local transaction, so one bad record would stop
every later sync of the laptop. Instead that record is *quarantined*: its pulled state, without the
bad values, goes to the ``quarantine`` table (in the encrypted store) with the problems in zh and en;
the rest of the page is applied and the cursor moves on. A later pull that brings good values for the
bad fields releases the record: the kept state and the new one are applied together.

Only what no release of the form allows is refused here (``sync.schema.Forms.unusable``); fields this
version of the app does not know are ignored, as on any pull.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from sync import jsontext, protocol
from sync.laptop.interfaces import RecordNote
from sync.messages import pair
from sync.schema import Forms

_CHUNK = 500


_MALFORMED = protocol.Problem("_record", "malformed", *pair("sync_run.quarantined_malformed"))


def _is_int(value: Any) -> bool:
    return type(value) is int and -(2**63) <= value < 2**63


def _problems(forms: Forms, state: protocol.RecordState) -> dict[str, protocol.Problem]:
    if not (
        isinstance(state.fields, dict)
        and isinstance(state.versions, dict)
        and _is_int(state.seq)
        and all(_is_int(v) for v in state.versions.values())
        and isinstance(state.village_code, str)
    ):
        return {"_record": _MALFORMED}
    return forms.unusable(state.entity, state.fields)


def sift(
    conn: Any,
    forms: Forms,
    states: list[protocol.RecordState],
    now: float,
) -> list[protocol.RecordState]:
    """The states to apply; the others are kept aside in ``quarantine`` (same transaction)."""
    held: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]] = {}
    if conn.execute("SELECT 1 FROM quarantine LIMIT 1").fetchone():  # usually none at all
        ids = [s.id for s in states]
        for i in range(0, len(ids), _CHUNK):
            part = ids[i : i + _CHUNK]
            for entity, record_id, record, problems in conn.execute(
                f"SELECT entity, record_id, record, problems FROM quarantine"
                f" WHERE record_id IN ({', '.join('?' * len(part))})",
                part,
            ).fetchall():
                held[(entity, record_id)] = (jsontext.loads(record), json.loads(problems))
    out: list[protocol.RecordState] = []
    for state in states:
        problems = _problems(forms, state)
        kept = held.get((state.entity, state.id))
        if not problems and kept is None:
            out.append(state)
            continue
        if "_record" in problems:
            good, versions, seq = {}, {}, 0  # nothing of it can be trusted
        else:
            good = {k: v for k, v in state.fields.items() if k not in problems}
            versions = {k: v for k, v in state.versions.items() if k not in problems}
            seq = state.seq
        waiting: dict[str, Any] = {}
        if kept is not None:
            record, old = kept
            good = {**record["fields"], **good}
            versions = {**record["versions"], **versions}
            # A field stays bad until a good value for it arrives.
            waiting = {k: p for k, p in old.items() if k not in good or k == "_record"}
        waiting.update({k: dataclasses.asdict(p) for k, p in problems.items()})
        merged = dataclasses.replace(state, fields=good, versions=versions, seq=seq)
        if not waiting:
            conn.execute(
                "DELETE FROM quarantine WHERE entity = ? AND record_id = ?", (state.entity, state.id)
            )
            out.append(merged)
            continue
        aside = {"fields": good, "versions": versions, "deleted": bool(state.deleted)}
        record_text = jsontext.dumps(aside)
        conn.execute(
            "INSERT OR REPLACE INTO quarantine (entity, record_id, seq, record, problems, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (state.entity, state.id, seq, record_text, jsontext.dumps(waiting), now),
        )
    return out


def listing(db: Any) -> list[RecordNote]:
    """Records kept aside, with the problems of their values (for the official and the sync report)."""
    return [
        RecordNote(
            entity,
            record_id,
            fields=tuple(problems),
            problems=tuple(protocol.Problem(**p) for p in problems.values()),
        )
        for entity, record_id, problems_text in db.query(
            "SELECT entity, record_id, problems FROM quarantine ORDER BY at, entity, record_id"
        )
        for problems in [json.loads(problems_text)]
    ]
