"""What the UI calls to sync: enrollment, reachability, one sync run, what is waiting. No Qt.

Everything here blocks; the UI runs it through its task runner (network on a pool). A run touches
the store only in short transactions between network calls, so the user can keep typing.

State kept in the encrypted store's ``sync_state``: ``server_url`` and ``ca_bundle_pem`` (written
by first-run setup), ``device_id``, ``device_key`` (the Ed25519 private key, raw, base64),
``county_code``, ``last_sync`` (unix time), ``clock_offset`` (server time minus this laptop's, as
last learned: requests are signed with the server's time, so a wrong laptop clock never blocks
sync; the official is told instead), and the engine's ``cursor`` and ``frozen_batch``.
The county CA certificate (public, no personal data) is written beside the store file so that
``requests`` can pin it by path.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from desktop.services.setup import STATE_SIGNING_KEY
from desktop.storage import Store, StoreError, sync_state
from desktop.storage import review as review_store
from desktop.storage.replica import StoreReplica
from desktop.storage.store import FORMS_STATE
from sync import form_versions
from sync.errors import AuthError, RejectedError, SyncError
from sync.form_versions import BUILTIN_VERSION
from sync.laptop.engine import CancelToken, ProgressCallback, SyncEngine, SyncReport
from sync.laptop.interfaces import RecordNote, Remote
from sync.messages import text
from sync.retry import RetryPolicy

if TYPE_CHECKING:
    from sync.laptop import client

# ``sync.laptop.client`` (requests, urllib3, ssl: about 12 MB) is imported where it is used: it loads with
# the first reachability check, enrollment or sync, and never on a laptop with no server set up.

STATE_SERVER_URL = "server_url"
STATE_CA_BUNDLE = "ca_bundle_pem"
STATE_DEVICE_ID = "device_id"
STATE_DEVICE_KEY = "device_key"
STATE_COUNTY = "county_code"
STATE_LAST_SYNC = "last_sync"
STATE_CLOCK_OFFSET = "clock_offset"
CLOCK_WARN_SECONDS = 120.0
"""A laptop clock further than this from the server's is reported (sync goes on regardless)."""


@dataclass(frozen=True)
class RemoteConfig:
    """What a Remote needs; handed to the ``remote_factory``."""

    server_url: str
    ca_bundle: Path | None
    device_id: str
    key: Ed25519PrivateKey
    cancel: CancelToken
    clock_offset: float = 0.0
    """Server time minus this laptop's, as last learned: the remote signs with the server's time."""


RemoteFactory = Callable[[RemoteConfig], Remote]


def http_remote(config: RemoteConfig) -> client.HttpRemote:
    """The default factory: HTTPS with the pinned county CA; retry waits end early on cancel."""
    from sync.laptop import client

    retry = RetryPolicy(sleep=config.cancel.sleep)
    return client.HttpRemote(
        config.server_url,
        config.ca_bundle,
        config.device_id,
        config.key,
        retry=retry,
        clock_offset=config.clock_offset,
    )


@dataclass(frozen=True)
class EnrollmentInfo:
    device_id: str
    village_code: str
    county_code: str
    server_url: str


def _amount(seconds: float, lang: str) -> str:
    seconds = abs(seconds)
    if seconds >= 2 * 86400:
        return text("sync_run.days", lang, n=round(seconds / 86400))
    if seconds >= 2 * 3600:
        return text("sync_run.hours", lang, n=round(seconds / 3600))
    return text("sync_run.minutes", lang, n=max(1, round(seconds / 60)))


def describe_clock(offset: float, lang: str = "zh") -> str:
    """A sentence for the official when this laptop's clock is off the server's, else ''."""
    if abs(offset) <= CLOCK_WARN_SECONDS:
        return ""
    return text(
        "sync_run.clock_behind" if offset > 0 else "sync_run.clock_ahead", lang, amount=_amount(offset, lang)
    )


@dataclass(frozen=True)
class Reachability:
    online: bool
    error: SyncError | None = None
    clock_offset: float = 0.0
    """Server time minus this laptop's, from the server's answer (0 when offline)."""

    def message(self, lang: str = "zh") -> str:
        if self.online:
            clock = describe_clock(self.clock_offset, lang)
            return (
                text("sync_run.connected_clock", lang, clock=clock)
                if clock
                else text("sync_run.connected", lang)
            )
        assert self.error is not None
        return self.error.message(lang)


class NotConfigured(SyncError):
    code = "not_configured"
    message_code = "sync_run.not_configured"


class NotEnrolled(AuthError):
    code = "not_enrolled"
    message_code = "sync_run.not_enrolled"


class SyncService:
    def __init__(
        self,
        store: Store,
        remote_factory: RemoteFactory | None = None,
        *,
        clock: Callable[[], float] = time.time,
        health_timeout: float = 3.0,
    ) -> None:
        self.store = store
        self._replica: StoreReplica | None = None
        self.remote_factory = remote_factory or http_remote
        self.clock = clock
        self.health_timeout = health_timeout

    @property
    def replica(self) -> StoreReplica:
        """Made on first use: it reads the store, which the UI thread that makes this service must
        not (a sync run may hold the store); first use is on a worker thread."""
        if self._replica is None:
            self._replica = StoreReplica(self.store)
        return self._replica

    # ------------------------------------------------------------------------------ configuration

    @property
    def server_url(self) -> str | None:
        url = self.store.state_get(STATE_SERVER_URL)
        return str(url) if url else None

    def configure(self, server_url: str, ca_bundle_pem: str | None) -> None:
        """Set (or change) the county server. Enrollment is per server: changing it needs a new one."""
        with self.store.atomic():
            if server_url.rstrip("/") != (self.server_url or "").rstrip("/"):
                if self.server_url:
                    # Cursor and epoch were the old server's: its counters mean nothing there.
                    self.replica.start_over()
                self._forget_device()
            self.store.state_set(STATE_SERVER_URL, server_url.rstrip("/"))
            if ca_bundle_pem is not None:
                self.store.state_set(STATE_CA_BUNDLE, ca_bundle_pem)

    def ca_bundle_path(self) -> Path | None:
        """The county CA as a file beside the store (rewritten only when it changed)."""
        pem = self.store.state_get(STATE_CA_BUNDLE)
        if not pem:
            return None
        path = Path(str(self.store.path) + ".county-ca.pem")
        data = str(pem).encode("ascii")
        if not path.is_file() or path.read_bytes() != data:
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        return path

    def _forget_device(self) -> None:
        with self.store.atomic() as conn:
            for key in (STATE_DEVICE_ID, STATE_DEVICE_KEY, STATE_COUNTY):
                sync_state.delete(conn, key)

    def enrollment(self) -> EnrollmentInfo | None:
        device = self.store.state_get(STATE_DEVICE_ID)
        if not device or not self.server_url:
            return None
        return EnrollmentInfo(
            str(device), self.store.village_code, str(self.store.state_get(STATE_COUNTY, "")), self.server_url
        )

    @property
    def enrolled(self) -> bool:
        return self.enrollment() is not None

    def enroll(self, code: str, name: str) -> EnrollmentInfo:
        """Register this laptop with a one-time code. The code must be for this store's village."""
        from sync.laptop import client

        url = self._require_url()
        result = client.enroll(url, self.ca_bundle_path(), code, name)
        if result.village_code != self.store.village_code:
            raise RejectedError(code="wrong_village", message="sync_run.wrong_village")
        with self.store.atomic():
            self.store.state_set(STATE_DEVICE_ID, result.device_id)
            self.store.state_set(STATE_DEVICE_KEY, client.private_key_to_b64(result.private_key))
            self.store.state_set(STATE_COUNTY, result.county_code)
        self.store.audit("enrolled", "device registered with the county server")
        info = self.enrollment()
        assert info is not None
        return info

    def _require_url(self) -> str:
        url = self.server_url
        if not url:
            raise NotConfigured()
        return url

    def _config(self, cancel: CancelToken) -> RemoteConfig:
        from sync.laptop import client

        url = self._require_url()
        device = self.store.state_get(STATE_DEVICE_ID)
        key = self.store.state_get(STATE_DEVICE_KEY)
        if not device or not key:
            raise NotEnrolled()
        offset = self.store.state_get(STATE_CLOCK_OFFSET, 0.0)
        return RemoteConfig(
            url,
            self.ca_bundle_path(),
            str(device),
            client.private_key_from_b64(key),
            cancel,
            float(offset) if isinstance(offset, int | float) else 0.0,
        )

    # ---------------------------------------------------------------------------------- status

    def check_reachable(self, timeout: float | None = None) -> Reachability:
        """GET /health with a short timeout, no retries. Never raises for network trouble."""
        from sync.laptop import client

        try:
            data = client.check_health(
                self._require_url(), self.ca_bundle_path(), timeout=timeout or self.health_timeout
            )
        except SyncError as exc:
            return Reachability(False, exc)
        told = data.get("server_time")
        if isinstance(told, int | float) and not isinstance(told, bool):
            offset = float(told) - self.clock()
            # Kept for the next run, so its first push (maybe megabytes on a slow link) is signed
            # right and not sent twice. Written only when it moved: small changes are the link's.
            with suppress(StoreError):
                kept = self.store.state_get(STATE_CLOCK_OFFSET, 0.0)
                if not isinstance(kept, int | float) or abs(offset - kept) > 5:
                    self.store.state_set(STATE_CLOCK_OFFSET, offset)
            return Reachability(True, clock_offset=offset)
        return Reachability(True)

    def record_history(self, record_id: str, field: str | None = None) -> list[dict[str, Any]]:
        """A record's history from the county server (own village only); raises ``SyncError``."""
        remote: Any = self.remote_factory(self._config(CancelToken()))  # an HttpRemote, or a test's
        try:
            return list(remote.history(record_id, field))
        finally:
            close = getattr(remote, "close", None)
            if close is not None:
                close()

    def pending_count(self) -> int:
        """Records with changes the county server has not acknowledged yet."""
        return self.replica.pending_count()

    @property
    def last_sync(self) -> float | None:
        value = self.store.state_get(STATE_LAST_SYNC)
        return float(value) if value is not None else None

    def rejected(self) -> list[RecordNote]:
        """Records the server refused, with its reasons in zh and en; fixed by editing the record."""
        return self.replica.rejected()

    def retry_rejected(self) -> int:
        return self.replica.retry_rejected()

    def quarantined(self) -> list[RecordNote]:
        """Records from the county kept aside because a value of theirs cannot be stored here."""
        return self.replica.quarantined()

    # ------------------------------------------------------------------------------------- run

    def run_sync(
        self, progress: ProgressCallback | None = None, cancel: CancelToken | None = None
    ) -> SyncReport:
        """Push what is waiting, then pull. Raises the ``sync.errors`` tree (see there)."""
        cancel = cancel or CancelToken()
        config = self._config(cancel)
        remote = self.remote_factory(config)
        try:
            report = SyncEngine(self.replica, remote, progress).run(cancel)
            report.quarantined = self.replica.quarantined()
            report.clock_offset = self._learned_offset(remote, config.clock_offset)
            status = getattr(remote, "status", None)
            if callable(status):
                # One status call after the run: the open conflicts and the county's form version.
                try:
                    answer = status()
                    report.open_conflicts = int(answer.get("open_conflicts", 0))
                except (SyncError, TypeError, ValueError, AttributeError):
                    answer, report.open_conflicts = {}, None
                if report.open_conflicts is not None:  # for the village's data-quality figures
                    self.store.state_set("open_conflicts", report.open_conflicts)
                # Taken after the run (a clean point); a version with new fields pulls every
                # record again, on the next run, so they fill in.
                report.forms_taken, report.forms_refused = self._follow_forms(remote, answer)
                if report.forms_taken:
                    # The new fields fill in now: the records are pulled again in this run (only
                    # when a version was taken; an ordinary run stays three round trips).
                    again = SyncEngine(self.replica, remote, progress).run(cancel)
                    report.pulled += again.pulled
                    report.pages += again.pages
            self._refresh_review(remote)
        finally:
            # Learned even by a run that failed later: the next one signs right from the start.
            self._learned_offset(remote, config.clock_offset)
            close = getattr(remote, "close", None)
            if callable(close):
                close()
        self.store.state_set(STATE_LAST_SYNC, self.clock())
        return report

    def _follow_forms(self, remote: Any, answer: dict[str, Any]) -> tuple[int, tuple[str, str] | None]:
        """Take the county's newer form version when the server offers one signed by the county key
        this laptop trusts (its provisioning file's). A version unsigned, tampered with or signed by
        another key is refused with the reason; the laptop keeps working on the forms it has.
        An older server (no ``forms_version``) or a network hiccup changes nothing. ``answer`` is the
        server's status answer of this run (no request of its own: a sync stays three round trips)."""
        fetch = getattr(remote, "forms", None)
        if not callable(fetch):
            return 0, None
        try:
            offered = answer.get("forms_version", BUILTIN_VERSION)
            if type(offered) is not int or offered <= self.store.forms_version:
                return 0, None
            document = fetch()
        except (SyncError, AttributeError):
            return 0, None
        try:
            pinned = self.store.state_get(STATE_SIGNING_KEY)
            form_versions.verify(document, str(pinned) if pinned else None)
            if form_versions.problems(document, (self.store.state_get(FORMS_STATE) or [None])[-1]):
                raise form_versions.FormVersionRefused("invalid")
        except form_versions.FormVersionRefused as exc:
            self.store.audit("forms_refused", f"version {offered}: {exc.reason}")
            return 0, (exc.zh, exc.en)
        before = {e: set(self.store.repository(e).fields) for e in self.store.forms.entities}
        self.store.take_forms(document)
        self._replica = None  # made again with the new fields
        if any(set(self.store.repository(e).fields) - known for e, known in before.items()):
            self.replica.pull_again()
        self.store.audit("forms_taken", f"version {document['version']}")
        return int(document["version"]), None

    def _refresh_review(self, remote: Any) -> None:
        """Ask the server how the township decided the official's waiting values (issue 7). An older
        server without ``/review``, or a network hiccup, leaves them waiting until the next run."""
        ask = getattr(remote, "review", None)
        ids = review_store.waiting_record_ids(self.store.db)
        if not callable(ask) or not ids:
            return
        states: list[dict[str, Any]] = []
        try:
            for i in range(0, len(ids), 100):
                states.extend(ask(ids[i : i + 100]))
        except SyncError:
            return
        with self.store.atomic() as conn:
            review_store.apply_states(conn, states, self.clock())

    def _learned_offset(self, remote: Remote, before: float) -> float:
        offset = getattr(remote, "clock_offset", None)
        if not isinstance(offset, int | float) or isinstance(offset, bool):
            return before
        if offset != before:
            with suppress(StoreError):  # only a shortcut for the next run
                self.store.state_set(STATE_CLOCK_OFFSET, offset)
        return float(offset)


def describe(report: SyncReport, lang: str = "zh") -> str:
    """One line for the status bar / sync page, without any record data."""
    parts = [text("sync_run.report_counts", lang, pushed=report.pushed, pulled=report.pulled)]
    if report.conflicts:
        parts.append(text("sync_run.report_conflicts", lang, n=len(report.conflicts)))
    if report.rejected:
        parts.append(text("sync_run.report_rejected", lang, n=len(report.rejected)))
    if report.quarantined:
        parts.append(text("sync_run.report_quarantined", lang, n=len(report.quarantined)))
    if report.forms_taken:
        parts.append(text("sync_run.report_forms_taken", lang, version=report.forms_taken))
    if report.forms_refused:
        parts.append(report.forms_refused[0 if lang.startswith("zh") else 1])
    line = text("sync_run.report_separator", lang).join(parts)
    clock = describe_clock(report.clock_offset, lang)
    return (
        text("sync_run.report_line_clock", lang, parts=line, clock=clock)
        if clock
        else text("sync_run.report_line", lang, parts=line)
    )
