"""One sync run: push the outbox in adaptive batches, then pull pages until the server has no more.

The engine knows nothing of SQL or HTTP. It drives two interfaces (``sync.laptop.interfaces``):

* ``LocalReplica`` — the laptop's store: pending changes, the frozen batch, applying results/pages.
* ``Remote`` — the county server: ``push(body)`` and ``pull(cursor, limit, since=, own=)``
  (``sync.laptop.client.HttpRemote`` over HTTPS; tests may pass an in-process one).

Crash safety. A batch is *frozen* in the local database before it is sent: its id, its exact encoded
body and the body's hash, and the outbox rows it carries are marked with the batch id. Until the
server's answer has been applied locally, every run starts by sending that frozen batch again,
byte for byte. The server keeps its answer under (device, batch id) and replays it, so a batch
whose answer was lost (killed process, dropped link, timeout after commit) is applied exactly once.
A frozen batch is dropped unanswered only when the server says it is too large (it stored nothing);
it is then split, or when it was never sent.

Restores. A push names the server epoch the laptop last synced with; a server restored from a
backup has a new one and refuses the batch whole (``epoch_changed``). A pull page that names a new
epoch, or a village counter behind this laptop's cursor, says the same. The run then re-syncs: the
replica forgets its cursors (``LocalReplica.resync``), pulls a snapshot while queueing again what the
server lacks, and pushes and pulls once more.

Pipelining. While the server applies one batch, the engine prepares and freezes the next; when the
answer comes, it sends that next batch at once and settles the answered one while the server is
busy with it. So up to two batches are frozen; the replica never puts a record in both, and the
server still receives them one after the other, in outbox order. A run that is cancelled, or
fails, sends no batch that was frozen ahead: it is unfrozen and its records wait for the next run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field

from sync import protocol, stamps
from sync.errors import Cancelled, RejectedError, ServerError, SyncTimeout, TooLargeError
from sync.ids import uuid7
from sync.laptop.interfaces import FrozenBatch, LocalReplica, Pending, RecordNote, Remote

ProgressCallback = Callable[[str, int, int], None]
"""``progress(phase, done, total)``; phase is ``push`` or ``pull``; total 0 means unknown."""


class CancelToken:
    """Set from any thread; the engine stops between batches, and retry waits end early."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()

    def sleep(self, seconds: float) -> None:
        """A ``sleep`` for ``RetryPolicy`` that a cancel interrupts (raising ``Cancelled``)."""
        if self._event.wait(max(0.0, seconds)):
            raise Cancelled()


@dataclass
class SyncReport:
    pushed: int = 0
    """Changes the server acknowledged (applied, merged, in conflict or already equal)."""
    pulled: int = 0
    """Records received from the server."""
    conflicts: list[RecordNote] = field(default_factory=list)
    rejected: list[RecordNote] = field(default_factory=list)
    quarantined: list[RecordNote] = field(default_factory=list)
    """Records from the county kept aside because the store cannot hold a value of theirs."""
    batches: int = 0
    pages: int = 0
    resumed: bool = False
    """An unanswered batch from an earlier, interrupted run was sent again first."""
    cursor: int = 0
    server_seq: int = 0
    open_conflicts: int | None = None
    """Open conflicts of the village at the server after the run, when the remote can tell."""
    clock_offset: float = 0.0
    """Server time minus this laptop's time in seconds, as the remote learned it (0 if unknown)."""
    resynced: bool = False
    """The server had gone back (restored from a backup): this run re-synced from a snapshot."""
    forms_taken: int = 0
    """A county form version this run took (0: none)."""
    forms_refused: tuple[str, str] | None = None
    """Why a county form version offered was not taken (zh, en); the laptop keeps its forms."""


@dataclass
class BatchSizer:
    """Adaptive batch size: start small, double while round trips are fast, halve when slow or
    timed out, never above ``cap``."""

    size: int = 200
    minimum: int = 10
    cap: int = 2000
    fast_seconds: float = 1.5
    slow_seconds: float = 8.0

    def observe(self, count: int, seconds: float, asked: int | None = None) -> None:
        """A round trip of ``count`` records took ``seconds``; ``asked`` is the size the batch was
        made with (a batch that came out smaller, the outbox's last, says nothing about speed)."""
        if seconds >= self.slow_seconds:
            self.shrink()
        elif seconds <= self.fast_seconds and count >= (asked or self.size):
            self.size = min(self.cap, self.size * 2)

    def shrink(self) -> None:
        self.size = max(self.minimum, self.size // 2)

    def limit(self, most: int) -> None:
        """Never again above ``most`` (learned from a "too large" answer)."""
        self.cap = max(1, min(self.cap, most))
        self.minimum = min(self.minimum, self.cap)
        self.size = min(self.size, self.cap)


@dataclass
class _Prepared:
    pending: Pending
    batch: FrozenBatch
    limit: int

    @property
    def ids(self) -> set[str]:
        return {c.id for c in self.pending.changes}


class SyncEngine:
    def __init__(
        self,
        replica: LocalReplica,
        remote: Remote,
        progress: ProgressCallback | None = None,
        *,
        push_sizer: BatchSizer | None = None,
        pull_sizer: BatchSizer | None = None,
        max_timeouts: int = 3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.replica = replica
        self.remote = remote
        self.progress = progress or (lambda phase, done, total: None)
        self.push_sizer = push_sizer or BatchSizer()
        self.pull_sizer = pull_sizer or BatchSizer(size=1000, cap=5000)
        self.max_timeouts = max_timeouts
        self.clock = clock
        self._name_all = True
        """The next request names every stamp kept (``_seen``)."""

    def run(self, cancel: CancelToken | None = None) -> SyncReport:
        cancel = cancel or CancelToken()
        report = SyncReport()
        self._name_all = True
        cancel.raise_if_cancelled()
        if self._resyncing():
            # A re-sync is under way (a run cut short in its snapshot pull, or a laptop pointed to
            # another server): pending edits are rebased by that pull, so it goes first.
            report.resynced = True
            self._pull_all(cancel, report)
        try:
            self._push_all(cancel, report)
        except RejectedError as exc:
            if exc.code != "epoch_changed":
                raise
            # Restored from a backup: nothing of the batch was stored. Its records wait again and
            # are rebased by the snapshot pull below before they go up.
            for frozen in self.replica.frozen_batches():
                self.replica.unfreeze(frozen.batch_id)
        if self._pull_all(cancel, report):
            report.resynced = True
            self._push_all(cancel, report)  # what the restored server lacks
            self._pull_all(cancel, report)
        return report

    def _seen(self, *, named: bool = True) -> list[stamps.Pair]:
        """The stamps to name: every one kept on the run's first request (where the server finds the
        floor if it went back), only the newest after it (enough to notice; a few bytes on a slow
        link instead of a few hundred per request). ``named``: the request will be sent (an empty
        batch is not)."""
        seen = self.replica.seen()
        if not self._name_all:
            return seen[:1]
        self._name_all = not named
        return seen

    def _resyncing(self) -> bool:
        resyncing = getattr(self.replica, "resyncing", None)
        return bool(resyncing()) if callable(resyncing) else False

    # ---------------------------------------------------------------------------------------- push

    def _push_all(self, cancel: CancelToken, report: SyncReport) -> None:
        resumed = self.replica.frozen_batches()
        total = self.replica.pending_count()
        done = 0
        self.progress("push", 0, total)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-push") as link:
            for k, frozen in enumerate(resumed):
                # Unanswered batches of an interrupted run, byte for byte and in order.
                report.resumed = True
                try:
                    answer = self._await(link, frozen, link.submit(self._timed_push, frozen.body))
                except RejectedError as exc:
                    if exc.code != "batch_pruned":
                        raise
                    # Applied long ago, its answer pruned (a laptop back from months away, or from a
                    # copy of its file): its records go again as new batches. The server never
                    # applies a batch id twice; values it holds already come back "unchanged".
                    for stale in resumed[k:]:
                        self.replica.unfreeze(stale.batch_id)
                    break
                if answer is None:
                    # Refused whole, so the server never applied it, and a batch frozen after it is
                    # sent only once its answer came: those were never sent either. Unfreeze them
                    # too, so that no later record overtakes this batch's records.
                    self._split(frozen)
                    for later in resumed[k + 1 :]:
                        self.replica.unfreeze(later.batch_id)
                    break
                self._observe(frozen, *answer)
                done += self._settle(frozen, answer[0], report)
                self.progress("push", done, max(total, done))
            ahead: _Prepared | None = None  # frozen, not sent
            try:
                sent: tuple[_Prepared, Future[tuple[protocol.PushResponse, float]]] | None = None
                while True:
                    if sent is None:
                        cancel.raise_if_cancelled()
                        first = self._prepare()
                        if not first.pending.changes:
                            break
                        self.replica.freeze(first.batch, first.pending)
                        sent = first, link.submit(self._timed_push, first.batch.body)
                    current, future = sent
                    if ahead is None:
                        # While the server works on this batch: the next one, frozen but not sent.
                        ahead = self._prepare()
                        if ahead.pending.changes and not ahead.ids & current.ids:
                            self.replica.freeze(ahead.batch, ahead.pending)
                        else:
                            ahead = None  # nothing left, or it must wait for this batch's answer
                    batch = current.batch
                    answer = self._await(link, batch, future)
                    if answer is None:
                        self._split(batch)
                        self._unsent(ahead)  # keep the order: prepare anew
                        sent = ahead = None
                        continue
                    if answer[0].batch_id != batch.batch_id:
                        raise ServerError(code="batch_mismatch")
                    self._observe(batch, *answer, asked=current.limit)
                    answered = len({r.id for r in answer[0].results} & current.ids)
                    self.progress("push", done + answered, max(total, done + answered))
                    if ahead is not None and (cancel.cancelled or ahead.batch.count > self.push_sizer.size):
                        self._unsent(ahead)  # cancelled, or the size shrank meanwhile
                        ahead = None
                    sent = None
                    if ahead is not None:
                        # Sent before this answer is settled: the server works while we do.
                        sent, ahead = (ahead, link.submit(self._timed_push, ahead.batch.body)), None
                    settled = self._settle(batch, answer[0], report)
                    if settled == 0:
                        raise ServerError(code="no_progress")  # answered, yet nothing settled: never loop
                    done += settled
            except BaseException:
                with suppress(Exception):  # if this fails too, it stays frozen and is sent next run
                    self._unsent(ahead)
                raise

    def _prepare(self) -> _Prepared:
        limit = self.push_sizer.size
        pending = self.replica.pending_changes(limit)
        batch_id = uuid7()
        # ``known``: the highest counter this laptop saw (and the stamps it saw), so a server that went
        # back without a new epoch notices it before storing anything under numbers other laptops hold.
        known, seen = self.replica.known(), self._seen(named=bool(pending.changes))
        request = protocol.PushRequest(
            batch_id=batch_id,
            changes=pending.changes,
            compact=True,
            elide=True,
            epoch=self.replica.epoch(),
            forms_version=pending.forms_version
            if pending.forms_version is not None
            else self.replica.forms_version()
            if hasattr(self.replica, "forms_version")
            else 0,
            known=known,
            seen=list(seen),
        )
        body = protocol.encode(request)
        batch = FrozenBatch(batch_id, body, protocol.body_digest(body), len(pending.changes))
        return _Prepared(pending, batch, limit)

    def _unsent(self, prepared: _Prepared | None) -> None:
        """Unfreeze a batch frozen ahead that was never sent: its records wait again, in order."""
        if prepared is not None:
            self.replica.unfreeze(prepared.batch.batch_id)

    def _split(self, batch: FrozenBatch) -> None:
        """The server refused the batch whole and stored nothing: its records go again, in halves."""
        self.replica.unfreeze(batch.batch_id)
        self.push_sizer.limit(batch.count // 2)

    def _timed_push(self, body: bytes) -> tuple[protocol.PushResponse, float]:
        started = self.clock()
        response = self.remote.push(body)
        return response, self.clock() - started

    def _await(
        self,
        link: ThreadPoolExecutor,
        batch: FrozenBatch,
        future: Future[tuple[protocol.PushResponse, float]],
    ) -> tuple[protocol.PushResponse, float, int] | None:
        """The answer to a sent batch, resending it byte for byte after a timeout: (response, seconds,
        timeouts). None when the server refused it as too large."""
        timeouts = 0
        while True:
            try:
                response, elapsed = future.result()
            except SyncTimeout:
                timeouts += 1
                self.push_sizer.shrink()
                if timeouts >= self.max_timeouts:
                    raise
                future = link.submit(self._timed_push, batch.body)
                continue
            except TooLargeError:
                if batch.count <= 1:
                    raise
                return None
            return response, elapsed, timeouts

    def _observe(
        self,
        batch: FrozenBatch,
        response: protocol.PushResponse,
        elapsed: float,
        timeouts: int,
        *,
        asked: int | None = None,
    ) -> None:
        if timeouts == 0 and not response.replayed:
            # A replayed answer costs the server nothing: it says nothing about speed.
            self.push_sizer.observe(batch.count, elapsed, asked)

    def _settle(self, batch: FrozenBatch, response: protocol.PushResponse, report: SyncReport) -> int:
        """Apply an answer locally; returns how many records it settled."""
        if response.batch_id != batch.batch_id:
            raise ServerError(code="batch_mismatch")
        outcome = self.replica.apply_push(batch, response)
        report.batches += 1
        report.pushed += outcome.acknowledged
        report.conflicts.extend(outcome.conflicts)
        report.rejected.extend(outcome.rejected)
        report.server_seq = max(report.server_seq, response.server_seq)
        return outcome.acknowledged + len(outcome.rejected)

    # ---------------------------------------------------------------------------------------- pull

    def _pull_all(self, cancel: CancelToken, report: SyncReport) -> bool:
        """Pull to the end; True when the server turned out to have gone back (a new epoch, or a
        counter behind this laptop's cursor) and the pull was a snapshot re-sync."""
        start = cursor = self.replica.cursor()
        since, own = self.replica.pull_since(), self.replica.own_upto()
        resynced = False
        total = max(0, report.server_seq - start)
        self.progress("pull", 0, total)
        timeouts = 0
        while True:
            cancel.raise_if_cancelled()
            limit = self.pull_sizer.size
            started = self.clock()
            try:
                known, seen = self.replica.known(), self._seen()
                page = self.remote.pull(
                    cursor,
                    limit,
                    since=since,
                    own=own,
                    epoch=self.replica.epoch(),
                    known=known,
                    seen=seen,
                )
            except SyncTimeout:
                timeouts += 1
                self.pull_sizer.shrink()
                if timeouts >= self.max_timeouts:
                    raise
                continue
            self.pull_sizer.observe(len(page.records), self.clock() - started)
            if not resynced and self._went_back(page, cursor):
                epoch = self.replica.epoch()
                floor = page.epoch_seq if epoch and page.epoch != epoch else page.server_seq
                self.replica.resync(page.epoch or self.replica.epoch(), int(floor or 0))
                start = cursor = since = own = 0
                resynced = True
                continue
            if page.cursor < cursor:
                raise ServerError(code="cursor_backwards")
            report.pulled += self.replica.apply_pull(page)
            report.pages += 1
            if page.more and page.cursor == cursor and not page.records:
                raise ServerError(code="no_progress")
            cursor = page.cursor
            report.cursor = cursor
            total = max(total, cursor - start)
            self.progress("pull", cursor - start, total)
            if not page.more:
                break
        return resynced

    def _went_back(self, page: protocol.PullResponse, cursor: int) -> bool:
        known = self.replica.epoch()
        if page.epoch and known and page.epoch != known:
            return True  # restored from a backup (``county-server restored``), or another server
        # The safety net: a counter behind this laptop's cursor means the server went back, even if
        # no new epoch was made.
        return page.server_seq is not None and cursor > page.server_seq
