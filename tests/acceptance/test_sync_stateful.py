"""The whole sync as a hypothesis state machine: two laptops edit, create and delete offline and sync
over a link that drops requests, drops answers after the server committed, duplicates and delays
(replays old) batches. The real server (SQLite, and PostgreSQL), the real stores, the real client and engine.

Checked after everyone has synced cleanly at the end:

* no acknowledged write is lost: every value the server acknowledged is still the server's value,
  or was overwritten by a later change made on top of it, or sits in a conflict row;
* every change is applied exactly once: the village counter equals the number of writes the
  server reported across distinct batches;
* every laptop equals the server;
* every collision (two changes of one field from the same base, different values) is a conflict row;
* no value is lost: an edit of a record the county deleted keeps its values in the conflict.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from sync import protocol, protocol_decode
from sync.errors import OfflineError
from sync.laptop.client import HttpRemote
from sync.laptop.engine import CancelToken
from sync.resident_id import make_resident_id
from sync.retry import RetryPolicy
from sync.server.store import village_seq
from tests.acceptance.modes import LONG, LONG_TIMEOUT, count
from tests.no_value_lost import Sent, where_is
from tests.sync_world import (
    COUNTY,
    VILLAGE,
    Laptop,
    Link,
    assert_laptop_equals_server,
    postgres_database,
    server_records,
    start_county,
)

pytestmark = pytest.mark.slow
FAULTS = ["ok", "ok", "drop_request", "drop_response", "duplicate", "timeout_after"]


def fast_retry_link() -> Link:
    def factory(config: Any) -> HttpRemote:
        retry = RetryPolicy(total=1, backoff_factor=0.001)
        return HttpRemote(config.server_url, None, config.device_id, config.key, retry=retry)

    return Link(inner_factory=factory)


class SyncMachine(RuleBasedStateMachine):
    BACKEND = "sqlite"
    """The county database: ``sqlite`` (a file) or ``postgres`` (a fresh database per example)."""

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="vdd-stateful-"))
        self.databases = contextlib.ExitStack()
        if self.BACKEND == "postgres":
            self.county = start_county(self.databases.enter_context(postgres_database()))
        else:
            self.county = start_county(self.dir / "county.db")
        self.laptops = [
            Laptop(self.dir / f"{n}.db", self.county, n, link=fast_retry_link()) for n in ("a", "b")
        ]
        self.serial = itertools.count(1)
        self.persons: list[str] = []
        self.household = ""
        self.writes_before = 0

    @initialize()
    def seed(self) -> None:
        a, b = self.laptops
        self.household = a.store.household.create(
            {
                "household_no": "0001",
                "head_name": "张三",
                "address": "一组1号",
                "category": "ordinary",
                "status": "active",
            }
        )
        for _ in range(3):
            self._create(a)
        a.sync()
        b.sync()

    def _create(self, lap: Laptop) -> None:
        n = next(self.serial)
        rid = make_resident_id("110105", date(1990, 1, 1 + n % 28), (n * 2 + 1) % 1000)
        self.persons.append(
            lap.store.person.create(
                {
                    "household_id": self.household,
                    "name": "李四",
                    "resident_id": rid,
                    "relation": "child",
                    "sex": "male",
                    "birth_date": f"1990-01-{1 + n % 28:02d}",
                    "ethnicity": "01",
                    "status": "present",
                }
            )
        )

    def _shared(self, index: int) -> str | None:
        return self.persons[index % len(self.persons)] if self.persons else None

    @rule(lap=st.integers(0, 1), index=st.integers(0, 50), field=st.sampled_from(["occupation", "phone"]))
    def edit(self, lap: int, index: int, field: str) -> None:
        record = self._shared(index)
        laptop = self.laptops[lap]
        if record is None or laptop.store.person.get(record) is None:
            return  # not on this laptop yet
        n = next(self.serial)
        value = f"职业{n}" if field == "occupation" else f"139{n:08d}"
        with contextlib.suppress(KeyError):  # deleted here meanwhile
            laptop.store.person.update(record, {field: value})

    @rule(lap=st.integers(0, 1))
    def create(self, lap: int) -> None:
        self._create(self.laptops[lap])

    @rule(lap=st.integers(0, 1), index=st.integers(0, 50))
    def delete(self, lap: int, index: int) -> None:
        record = self._shared(index)
        laptop = self.laptops[lap]
        if record is not None and laptop.store.person.get(record) is not None:
            laptop.store.person.delete(record)

    @rule(
        lap=st.integers(0, 1),
        faults=st.lists(st.sampled_from(FAULTS), max_size=3),
        midway=st.none() | st.tuples(st.integers(0, 50), st.sampled_from(["occupation", "phone"])),
    )
    def sync(self, lap: int, faults: list[str], midway: tuple[int, str] | None) -> None:
        """Sync; with ``midway`` the user saves an edit while the run is between push and pull."""
        laptop = self.laptops[lap]
        laptop.link.script = list(faults)

        def progress(phase: str, done: int, total: int) -> None:
            if midway is not None and phase == "pull" and done == 0:
                self.edit(lap, *midway)

        with contextlib.suppress(OfflineError):  # dropped: the next run picks up where this one stopped
            laptop.service.run_sync(progress=progress)
        laptop.link.script = []

    @rule(lap=st.integers(0, 1), which=st.integers(0, 100))
    def delayed_duplicate(self, lap: int, which: int) -> None:
        """The network delivers an old push again, late: the server must answer from its store."""
        laptop = self.laptops[lap]
        if not laptop.link.pushes:
            return
        body = laptop.link.pushes[which % len(laptop.link.pushes)]
        before = village_seq(self.county.store, COUNTY, VILLAGE)
        config = laptop.service._config(CancelToken())
        remote = HttpRemote(config.server_url, None, config.device_id, config.key, retry=RetryPolicy(total=0))
        answer = remote.push(body)
        if answer.replayed:
            assert village_seq(self.county.store, COUNTY, VILLAGE) == before
        else:  # a batch the server had never received (its request was dropped): applied now
            laptop.link.answers.append(answer)

    @invariant()
    def counter_matches_reported_writes(self) -> None:
        assert village_seq(self.county.store, COUNTY, VILLAGE) == self._reported_writes()

    def _batches(self) -> tuple[dict[str, list[protocol.Change]], dict[str, protocol.PushResponse]]:
        bodies: dict[str, list[protocol.Change]] = {}
        answers: dict[str, protocol.PushResponse] = {}
        for lap in self.laptops:
            for body in lap.link.pushes:
                req = protocol_decode.decode_push_request(body)
                bodies.setdefault(req.batch_id, req.changes)
            for ans in lap.link.answers:
                answers.setdefault(ans.batch_id, ans)
        return bodies, answers

    def _reported_writes(self) -> int:
        _, answers = self._batches()
        return sum(1 for a in answers.values() for r in a.results if r.status in ("applied", "partial"))

    def teardown(self) -> None:
        try:
            for lap in self.laptops:
                lap.link.script = []
            for lap in (*self.laptops, *self.laptops):
                lap.sync()
            self._check_final()
        finally:
            for lap in self.laptops:
                lap.close()
            self.county.stop()
            self.databases.close()
            shutil.rmtree(self.dir, ignore_errors=True)

    def _check_final(self) -> None:
        server = server_records(self.county)
        for lap in self.laptops:
            assert lap.service.pending_count() == 0
            assert_laptop_equals_server(lap, self.county)
        assert village_seq(self.county.store, COUNTY, VILLAGE) == self._reported_writes()
        bodies, answers = self._batches()
        conflicts = self.county.staff().conflicts(status="all")
        in_conflict = {(c["record_id"], c["field"], _key(c["village_value"])) for c in conflicts}
        conflict_fields = {(c["record_id"], c["field"]) for c in conflicts}
        written: dict[tuple[str, str], list[tuple[int, Any]]] = {}  # (record, field) -> (base, value)
        for batch_id, changes in bodies.items():
            answer = answers.get(batch_id)
            if answer is None:
                continue  # never reached the server
            results = {r.id: r for r in answer.results}
            for change in changes:
                r = results[change.id]
                if r.status == "rejected":
                    continue
                if change.deleted:
                    if "_deleted" in r.conflicts:
                        assert (change.id, "_deleted") in conflict_fields
                    else:
                        assert server[change.id]["deleted"]
                if "_deleted" in r.conflicts and not change.deleted:
                    # An edit of a record the county deleted: its values wait in the conflict.
                    for name, value in change.fields.items():
                        sent = Sent(VILLAGE, change.entity, change.id, name, value)
                        assert where_is(self.county.store, sent) is not None, (
                            "an edit against a delete was lost"
                        )
                for name, value in change.fields.items():
                    if not change.deleted and "_deleted" not in r.conflicts:  # else no field was weighed
                        written.setdefault((change.id, name), []).append((change.base.get(name, 0), value))
                    if name in r.conflicts:
                        assert (change.id, name, _key(value)) in in_conflict, "a collision without a row"
                    elif name in r.versions and "_deleted" not in r.conflicts:
                        version = r.versions[name]
                        current = server[change.id]["data"].get(name)
                        overwritten = any(
                            c2.base.get(name, 0) == version and name in results2.versions
                            for c2, results2 in _acknowledged(bodies, answers, change.id)
                            if c2 is not change and name in c2.fields
                        )
                        assert current == value or overwritten, "an acknowledged write was lost"
        # No spurious conflicts: a conflict row needs writes to that field from both laptops.
        writers: dict[tuple[str, str], set[int]] = {}
        for n, lap in enumerate(self.laptops):
            for body in lap.link.pushes:
                for change in protocol_decode.decode_push_request(body).changes:
                    for name in (*change.fields, *(["_deleted"] if change.deleted else [])):
                        writers.setdefault((change.id, name), set()).add(n)
        for c in conflicts:
            if c["field"] != "_deleted":
                assert len(writers.get((c["record_id"], c["field"]), ())) == 2, "a conflict with itself"
        for (record, name), edits in written.items():
            for (b1, v1), (b2, v2) in itertools.combinations(edits, 2):
                if b1 == b2 and v1 != v2 and record in server:
                    assert (record, name) in conflict_fields, f"a collision without a conflict row {edits}"


def _key(value: Any) -> str:
    return repr(value)


def _acknowledged(
    bodies: dict[str, list[protocol.Change]], answers: dict[str, protocol.PushResponse], record: str
) -> list[tuple[protocol.Change, protocol.ChangeResult]]:
    out = []
    for batch_id, changes in bodies.items():
        answer = answers.get(batch_id)
        if answer is None:
            continue
        results = {r.id: r for r in answer.results}
        out.extend(
            (c, results[c.id]) for c in changes if c.id == record and results[c.id].status != "rejected"
        )
    return out


class PostgresSyncMachine(SyncMachine):
    BACKEND = "postgres"


@pytest.mark.parametrize(
    "machine",
    [SyncMachine, pytest.param(PostgresSyncMachine, marks=pytest.mark.postgres)],
    ids=["sqlite", "postgres"],
)
@pytest.mark.timeout(LONG_TIMEOUT if LONG else 300)
def test_sync_state_machine(machine: type[SyncMachine]) -> None:
    """Short mode: 10 examples on SQLite, 3 on PostgreSQL; long mode (VDD_LONG=1): 200 on each."""
    short = 10 if machine.BACKEND == "sqlite" else 3
    examples = count("VDD_STATEFUL_EXAMPLES", short, 200)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=14,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
