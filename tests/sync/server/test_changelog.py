"""Record history on the server (SQLite and PostgreSQL): every accepted write is logged once, with its
old and new values, in the transaction of the write; staff and laptops read it within their scope."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from sqlalchemy import select, text

from sync.hlc import HybridClock
from sync.ids import uuid7
from sync.protocol import Change, PushRequest, encode
from sync.server import admin, changelog, cli, prune
from sync.server.embedded import EmbeddedServer
from sync.server.store import Store
from sync.server.tables import change_log, records

from .conftest import COUNTY, V1, V2, V3, Laptop, Reply, enroll_laptop, household_fields, person_fields

PASSWORD = "correct horse battery"


def _log(store: Store, record_id: str | None = None) -> list[Any]:
    lc = change_log.c
    query = select(change_log).order_by(lc.seq, lc.record_id)
    if record_id is not None:
        query = query.where(lc.record_id == record_id)
    with store.read() as conn:
        return list(conn.execute(query).all())


def _entries(store: Store, record_id: str, field: str | None = None) -> list[dict[str, Any]]:
    with store.read() as conn:
        return changelog.record_history(conn, COUNTY, record_id, field)[1]


def _token(server: EmbeddedServer, username: str) -> dict[str, str]:
    reply = requests.post(
        server.url + "/api/v1/staff/login", json={"username": username, "password": PASSWORD}, timeout=30
    )
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json()['token']}"}


@pytest.fixture
def staff(server: EmbeddedServer) -> EmbeddedServer:
    admin.add_user(server.store, "township1", PASSWORD, "township", V1[:9])
    admin.add_user(server.store, "township2", PASSWORD, "township", V3[:9])
    return server


def _person(laptop: Laptop, **over: Any) -> tuple[str, str]:
    hid, pid = uuid7(), uuid7()
    stamp = HybridClock().now()
    result = laptop.push(
        [
            laptop.change("household", hid, household_fields(head_name="王五"), hlc=stamp),
            laptop.change(
                "person",
                pid,
                {**person_fields(hid, "head", name="王五"), **over, "household_id": hid},
                hlc=stamp,
            ),
        ]
    )
    assert [r.status for r in result.results] == ["applied", "applied"]
    return hid, pid


def test_a_push_is_logged_once_per_write_with_old_and_new_values(
    server: EmbeddedServer, laptop: Laptop
) -> None:
    store = server.store
    _hid, pid = _person(laptop, occupation="农民")
    version = laptop.pull_all()[0][pid]["versions"]["occupation"]
    stamp = HybridClock().now()
    laptop.push(
        [laptop.change("person", pid, {"occupation": "司机"}, base={"occupation": version}, hlc=stamp)]
    )
    # Sent again as a new batch: the value is already there, nothing is written, nothing logged.
    again = laptop.push([laptop.change("person", pid, {"occupation": "司机"}, base={"occupation": version})])
    assert again.results[0].status == "unchanged"

    rows = _log(store, pid)
    assert [r.how for r in rows] == ["push", "push"]
    assert all(r.device_id == laptop.device_id and r.author == "村干部" for r in rows)
    assert rows[1].hlc == stamp and rows[1].server_at > 0
    occupation = _entries(store, pid, "occupation")
    assert [(e["old"], e["new"]) for e in occupation] == [(None, "农民"), ("农民", "司机")]
    assert occupation[1]["device_name"] == "laptop-a"
    assert occupation[1]["laptop_at"] == (stamp >> 16) // 1000
    # The creation logged every field the laptop sent, once.
    created = [e for e in _entries(store, pid) if e["seq"] == rows[0].seq]
    assert {e["field"] for e in created} >= {"name", "resident_id", "occupation", "household_id"}
    # Every logged seq is the record's version of that field at the time: the log and data agree.
    with store.read() as conn:
        seq = conn.execute(select(records.c.seq).where(records.c.id == pid)).scalar()
    assert rows[-1].seq == seq


def test_two_changes_to_one_record_in_a_batch_are_two_entries(server: EmbeddedServer, laptop: Laptop) -> None:
    hid = uuid7()
    answer = laptop.push(
        [
            laptop.change("household", hid, household_fields(address="一组")),
            # On the version the first took (a fresh village's counter starts at 0).
            laptop.change("household", hid, {"address": "二组"}, base={"address": 1}, base_seq=1),
        ]
    )
    assert [r.status for r in answer.results] == ["applied", "applied"]
    assert [(e["old"], e["new"]) for e in _entries(server.store, hid, "address")] == [
        (None, "一组"),
        ("一组", "二组"),
    ]


def test_a_staff_decision_is_logged_once_as_a_decision(
    staff: EmbeddedServer, laptop: Laptop, laptop_b: Laptop
) -> None:
    store = staff.store
    _hid, pid = _person(laptop, occupation="农民")
    version = laptop.pull_all()[0][pid]["versions"]["occupation"]
    laptop.push([laptop.change("person", pid, {"occupation": "司机"}, base={"occupation": version})])
    laptop_b.push([laptop_b.change("person", pid, {"occupation": "教师"}, base={"occupation": version})])
    headers = _token(staff, "township1")
    items = requests.get(staff.url + "/api/v1/staff/items", headers=headers, timeout=30).json()["items"]
    (item,) = items
    before = len(_log(store))
    body = {"choice": "typed", "value": "医生", "version": item["county"]["version"], "note": "入户核实"}
    reply = requests.post(
        f"{staff.url}/api/v1/staff/items/{item['id']}/decide", json=body, headers=headers, timeout=30
    )
    assert reply.status_code == 200, reply.text
    rows = _log(store)[before:]
    assert [(r.how, r.author, r.device_id, r.hlc) for r in rows] == [("decision", "township1", "", 0)]
    last = _entries(store, pid, "occupation")[-1]
    assert (last["old"], last["new"], last["how"]) == ("司机", "医生", "decision")
    # Deciding again is refused: nothing more is written or logged.
    again = requests.post(
        f"{staff.url}/api/v1/staff/items/{item['id']}/decide", json=body, headers=headers, timeout=30
    )
    assert again.status_code == 409 and len(_log(store)) == before + 1


def test_a_duplicate_decision_is_logged_once_per_record_moved_out(
    staff: EmbeddedServer, laptop: Laptop
) -> None:
    store = staff.store
    other = enroll_laptop(staff, V2, "laptop-west")
    person = person_fields("", "head", name="孙七")
    _h1, kept = _person(laptop, **person)
    _h2, moved = _person(other, **person)
    assert [r.how for r in _log(store, kept)] == ["push"]
    headers = _token(staff, "township1")
    (group,) = requests.get(staff.url + "/api/v1/staff/duplicates", headers=headers, timeout=30).json()[
        "duplicates"
    ]
    before = len(_log(store))
    reply = requests.post(
        f"{staff.url}/api/v1/staff/duplicates/{group['id']}/decide",
        json={"keep": kept, "note": "同一人"},
        headers=headers,
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    rows = _log(store)[before:]
    assert [(r.how, r.record_id, r.author) for r in rows] == [("duplicate", moved, "township1")]
    last = _entries(store, moved, "status")[-1]
    assert (last["old"], last["new"]) == ("present", "moved_out")


def _fail_inserts_into(store: Store, table: str) -> None:
    """A real failing statement inside the write transaction (a trigger that aborts the insert)."""
    with store.engine.begin() as conn:
        if store.engine.dialect.name == "sqlite":
            conn.execute(
                text(
                    f"CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'x'); END"
                )
            )
        else:
            conn.execute(
                text(
                    "CREATE OR REPLACE FUNCTION fail_insert() RETURNS trigger AS "
                    "$$ BEGIN RAISE EXCEPTION 'x'; END $$ LANGUAGE plpgsql"
                )
            )
            conn.execute(
                text(
                    f"CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION fail_insert()"
                )
            )


def _drop_trigger(store: Store, table: str) -> None:
    with store.engine.begin() as conn:
        if store.engine.dialect.name == "sqlite":
            conn.execute(text(f"DROP TRIGGER fail_{table}"))
        else:
            conn.execute(text(f"DROP TRIGGER fail_{table} ON {table}"))


@pytest.mark.parametrize("failing", ["batches", "change_log"])
def test_the_log_and_the_data_commit_together(server: EmbeddedServer, laptop: Laptop, failing: str) -> None:
    """A write that fails leaves no log row; a log that cannot be written leaves no write."""
    store = server.store
    _fail_inserts_into(store, failing)
    try:
        hid = uuid7()
        reply = laptop.push_raw([laptop.change("household", hid, household_fields())])
        assert reply.status == 500
    finally:
        _drop_trigger(store, failing)
    assert _log(store) == []
    with store.read() as conn:
        assert conn.execute(select(records.c.id)).all() == []
    # Nothing half-done: the same laptop's next push is applied and logged normally.
    _person(laptop)
    assert len(_log(store)) == 2


def _push(laptop: Laptop, changes: list[Change], epoch: str) -> Reply:
    return laptop.request("POST", "/api/v1/push", encode(PushRequest(uuid7(), changes, epoch=epoch)))


def test_a_restore_then_resync_leaves_a_log_that_says_so(server: EmbeddedServer, laptop: Laptop) -> None:
    store = server.store
    hid, _pid = _person(laptop)
    epoch = laptop.pull().epoch
    version = laptop.pull_all()[0][hid]["versions"]["address"]
    # Edited on the laptop a while before the restore, not yet sent.
    made_before = HybridClock(lambda: int(time.time() * 1000) - 5000).now()
    edit = laptop.change("household", hid, {"address": "三组"}, base={"address": version}, hlc=made_before)
    assert cli.main(["--db", store.url, "restored"]) == 0
    assert _push(laptop, [edit], epoch).error == "epoch_changed"
    marks = [r for r in _log(store) if r.how == "restore"]
    assert sorted(r.village_code for r in marks) == [V1, V2, V3]  # one per village
    assert all(r.record_id.startswith("restore:") for r in marks)
    # The laptop re-syncs and sends what the copy lacks: logged as a re-sync.
    new_epoch = laptop.pull().epoch
    assert new_epoch != epoch
    assert _push(laptop, [edit], new_epoch).status == 200
    version = laptop.pull_all()[0][hid]["versions"]["address"]
    made_after = HybridClock(lambda: int(time.time() * 1000) + 5000).now()
    laptop.push(
        [laptop.change("household", hid, {"address": "四组"}, base={"address": version}, hlc=made_after)]
    )
    entries = _entries(store, hid, "address")
    assert [(e["how"], e["new"]) for e in entries] == [
        ("push", "东村一组1号"),
        ("resync", "三组"),
        ("push", "四组"),
    ]


def test_pruning_push_answers_never_touches_the_log(server: EmbeddedServer, laptop: Laptop) -> None:
    store = server.store
    for _ in range(4):
        _person(laptop)
    before = _log(store)
    store.clock.advance(400 * 86400)  # type: ignore[attr-defined]
    assert prune.prune_answers(store, days=0) > 0
    assert _log(store) == before


def test_retention_can_only_be_lengthened(store: Store) -> None:
    assert changelog.retention_days(store, COUNTY) == changelog.DEFAULT_RETENTION_DAYS
    assert changelog.set_retention(store, COUNTY, 5000) == 5000
    with pytest.raises(changelog.RetentionError, match="only be lengthened"):
        changelog.set_retention(store, COUNTY, 4000)
    with pytest.raises(changelog.RetentionError):
        changelog.set_retention(store, COUNTY, 0)
    assert changelog.retention_days(store, COUNTY) == 5000


def test_staff_read_a_records_history_within_their_township_only(
    staff: EmbeddedServer, laptop: Laptop
) -> None:
    _hid, pid = _person(laptop, occupation="农民")
    url = f"{staff.url}/api/v1/staff/records/{pid}/history"
    mine = requests.get(url, headers=_token(staff, "township1"), timeout=30)
    assert mine.status_code == 200
    assert {e["field"] for e in mine.json()["history"]} >= {"name", "occupation"}
    one = requests.get(url + "?field=occupation", headers=_token(staff, "township1"), timeout=30).json()
    assert [(e["old"], e["new"]) for e in one["history"]] == [(None, "农民")]
    theirs = requests.get(url, headers=_token(staff, "township2"), timeout=30)
    assert theirs.status_code == 403 and "农民" not in theirs.text
    assert requests.get(url, timeout=30).status_code == 401


def test_a_laptop_reads_history_of_its_own_village_only(server: EmbeddedServer, laptop: Laptop) -> None:
    _hid, pid = _person(laptop, occupation="农民")
    own = laptop.request("GET", f"/api/v1/history?record={pid}&field=occupation")
    assert own.status == 200 and own.json is not None
    assert [(e["old"], e["new"], e["device_name"]) for e in own.json["history"]] == [
        (None, "农民", "laptop-a")
    ]
    elsewhere = enroll_laptop(server, V3, "laptop-south")
    reply = elsewhere.request("GET", f"/api/v1/history?record={pid}")
    assert reply.status == 403 and reply.error == "out_of_village"
    unsigned = laptop.request("GET", f"/api/v1/history?record={pid}", sign=False)
    assert unsigned.status == 401


def test_a_protocol_1_laptop_keeps_syncing_and_its_writes_are_logged(
    server: EmbeddedServer, laptop: Laptop
) -> None:
    """History is new endpoints only: push and pull of the previous protocol are unchanged."""
    from sync.protocol import decode_dict
    from sync.signing import sign_headers

    hid = uuid7()
    body = encode(
        PushRequest(uuid7(), [laptop.change("household", hid, household_fields(address="一组"))], v=1)
    )
    headers = sign_headers(laptop.key, laptop.device_id, "POST", "/api/v1/push", body, version=1)
    reply = laptop.request("POST", "/api/v1/push", body, headers=headers, sign=False)
    assert reply.status == 200 and decode_dict(reply.body)["v"] == 1
    assert [(e["new"], e["how"]) for e in _entries(server.store, hid, "address")] == [("一组", "push")]
    path = f"/api/v1/history?record={hid}"
    headers = sign_headers(laptop.key, laptop.device_id, "GET", path, b"", version=1)
    old_laptop = laptop.request("GET", path, headers=headers, sign=False)
    assert old_laptop.status == 200 and old_laptop.json is not None and old_laptop.json["history"]


def test_a_delete_and_a_restore_by_decision_are_logged(
    staff: EmbeddedServer, laptop: Laptop, laptop_b: Laptop
) -> None:
    store = staff.store
    _hid, pid = _person(laptop, occupation="农民")
    base_seq = laptop_b.pull_all()[0][pid]["seq"]
    version = laptop.pull_all()[0][pid]["versions"]["occupation"]
    laptop.push([laptop.change("person", pid, {}, deleted=True, base_seq=base_seq)])
    laptop_b.push(
        [
            laptop_b.change(
                "person", pid, {"occupation": "司机"}, base={"occupation": version}, base_seq=base_seq
            )
        ]
    )
    headers = _token(staff, "township1")
    (item,) = requests.get(staff.url + "/api/v1/staff/items", headers=headers, timeout=30).json()["items"]
    body = {
        "choice": "restore",
        "version": item["county"]["version"],
        "note": "核实在册",
        "fields": {"occupation": "司机"},
    }
    reply = requests.post(
        f"{staff.url}/api/v1/staff/items/{item['id']}/decide", json=body, headers=headers, timeout=30
    )
    assert reply.status_code == 200, reply.text
    deleted = [(e["old"], e["new"], e["how"]) for e in _entries(store, pid, "_deleted")]
    assert deleted == [(False, True, "push"), (True, False, "decision")]
    occupation = [(e["old"], e["new"], e["how"]) for e in _entries(store, pid, "occupation")]
    assert occupation == [(None, "农民", "push"), ("农民", "司机", "decision")]


def test_a_server_found_gone_back_is_logged_as_a_restore_of_that_village(
    server: EmbeddedServer, laptop: Laptop
) -> None:
    store = server.store
    hid, _pid = _person(laptop)
    made_before = HybridClock(lambda: int(time.time() * 1000) - 5000).now()
    body = encode(
        PushRequest(uuid7(), [laptop.change("household", uuid7(), household_fields())], known=10_000)
    )
    assert laptop.request("POST", "/api/v1/push", body).error == "epoch_changed"
    (mark,) = [r for r in _log(store) if r.how == "restore"]
    assert (mark.village_code, mark.author) == (V1, "server went back")
    version = laptop.pull_all()[0][hid]["versions"]["address"]
    edit = laptop.change("household", hid, {"address": "五组"}, base={"address": version}, hlc=made_before)
    assert _push(laptop, [edit], laptop.pull().epoch).status == 200
    assert [e["how"] for e in _entries(store, hid, "address")] == ["push", "resync"]
