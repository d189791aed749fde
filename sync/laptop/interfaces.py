"""The two interfaces the sync engine (``sync.laptop.engine``) drives, and the values that cross them.

* ``LocalReplica`` — the laptop's store: pending changes, the frozen batch, applying results/pages
  (``desktop.storage.replica.StoreReplica``).
* ``Remote`` — the county server: ``push(body)`` and ``pull(cursor, limit, since=, own=)``
  (``sync.laptop.client.HttpRemote`` over HTTPS; tests may pass an in-process one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from sync import protocol, stamps


@dataclass(frozen=True)
class FrozenBatch:
    """A push batch fixed in the local database before it is sent."""

    batch_id: str
    body: bytes
    digest: str
    count: int
    """Number of changes (records) in it."""


@dataclass
class Pending:
    """Coalesced pending changes, and an opaque marker of the outbox rows they were made from."""

    changes: list[protocol.Change]
    marker: Any = None
    forms_version: int | None = None
    """The county form version these changes were made with (one per batch; issue 17). None: the
    replica's ``forms_version()`` (or 0, the built-in version, for one without)."""


@dataclass(frozen=True)
class RecordNote:
    """A record the server did not simply accept: conflicting fields, or problems if rejected."""

    entity: str
    id: str
    fields: tuple[str, ...] = ()
    problems: tuple[protocol.Problem, ...] = ()


@dataclass
class PushOutcome:
    acknowledged: int = 0
    conflicts: list[RecordNote] = field(default_factory=list)
    rejected: list[RecordNote] = field(default_factory=list)


class LocalReplica(Protocol):
    def frozen_batches(self) -> list[FrozenBatch]:
        """Every frozen batch, oldest first (at most two)."""
        ...

    def pending_changes(self, limit: int) -> Pending:
        """Up to ``limit`` records' pending edits, each coalesced into one Change (not frozen ones,
        not records whose only pending rows were rejected and not edited since), in outbox order
        and stopping before the first record that also has rows in a frozen batch."""
        ...

    def freeze(self, batch: FrozenBatch, pending: Pending) -> None: ...

    def unfreeze(self, batch_id: str) -> None: ...

    def apply_push(self, batch: FrozenBatch, response: protocol.PushResponse) -> PushOutcome:
        """Apply the server's answer and drop the frozen batch, in one local transaction."""
        ...

    def pending_count(self) -> int: ...

    def cursor(self) -> int: ...

    def pull_since(self) -> int:
        """Where the pull under way began: the cursor of the last pull that completed."""
        ...

    def own_upto(self) -> int:
        """The server counter up to which every field this laptop wrote is known here (from push
        answers settled): a pull may leave those out."""
        ...

    def known(self) -> int:
        """The highest counter value this laptop saw from the server (its cursor or a push answer's
        ``server_seq``)."""
        ...

    def seen(self) -> list[stamps.Pair]:
        """``(counter value, stamp)`` pairs this laptop saw from the server, newest first
        (``sync.stamps``); empty from a server that gives none."""
        ...

    def apply_pull(self, page: protocol.PullResponse) -> int:
        """Apply a page and its cursor in one local transaction; returns records applied."""
        ...

    def epoch(self) -> str:
        """The epoch of the server last synced with ("" when not known)."""
        ...

    def resyncing(self) -> bool:
        """A re-sync's snapshot pull is under way (optional: a replica without it never is)."""
        ...

    def resync(self, epoch: str, floor: int) -> None:
        """The server went back to an earlier copy (counter ``floor`` when it began): forget the
        cursors, pull a snapshot next and send again what the server lacks."""
        ...


class Remote(Protocol):
    def push(self, body: bytes) -> protocol.PushResponse: ...

    def pull(
        self,
        cursor: int,
        limit: int,
        *,
        since: int | None = None,
        own: int = 0,
        epoch: str = "",
        known: int = 0,
        seen: stamps.Seen = (),
    ) -> protocol.PullResponse:
        """A page of records after ``cursor``, each with its fields changed after ``since`` (where
        the whole pull began); with ``own``, without the fields this device wrote in batches
        answered up to that counter value (the laptop has them already). ``epoch``: the one the
        cursor belongs to (a cursor of another epoch is no proof the server went back). ``known``,
        ``seen``: the highest counter value this laptop saw, and the stamps it keeps
        (``PushRequest.known``, ``PushRequest.seen``)."""
        ...
