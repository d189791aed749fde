"""Errors of the local store, grouped by what the UI does with them.

StoreError
├── UnlockError                 ask again for the passphrase (show the message)
│   ├── WrongPassphrase         .delay_seconds until the next try is allowed
│   ├── UnlockDelayed           tried again too soon; .delay_seconds left
│   └── UnknownUser
├── StoreLocked                 used after close (auto-lock): unlock again, then retry
├── RecoveryFailed              the county key does not open this store
├── StoreCorrupt                environment problem: the file or its key ring is damaged
├── StoreFull                   environment problem: the disk is full; nothing of that write was kept
├── StoreUnavailable            environment problem: the disk refused a read or write (I/O, read-only)
├── StoreInUse                  the store is open in another window (or another try is running there)
└── ValidationFailed            show .problems inline next to the fields; nothing was written

Messages never contain personal data or secrets: they may reach a log or a crash report.
"""

from __future__ import annotations

from sync.protocol import Problem


class StoreError(Exception):
    """Base of every error the local store raises on purpose."""


class UnlockError(StoreError):
    pass


class WrongPassphrase(UnlockError):
    def __init__(self, delay_seconds: float) -> None:
        super().__init__(f"wrong passphrase; next try allowed in {delay_seconds:.0f} s")
        self.delay_seconds = delay_seconds


class UnlockDelayed(UnlockError):
    def __init__(self, delay_seconds: float) -> None:
        super().__init__(f"too many wrong passphrases; wait {delay_seconds:.0f} s")
        self.delay_seconds = delay_seconds


class UnknownUser(UnlockError):
    def __init__(self) -> None:
        super().__init__("no such local user on this laptop")


class StoreLocked(StoreError):
    def __init__(self) -> None:
        super().__init__("the store is locked; unlock it first")


class RecoveryFailed(StoreError):
    pass


class StoreCorrupt(StoreError):
    pass


class StoreFull(StoreError):
    def __init__(self) -> None:
        super().__init__("the disk is full; the change was not saved")


class StoreUnavailable(StoreError):
    def __init__(self) -> None:
        super().__init__("the data file could not be read or written (disk error or read-only)")


class StoreInUse(StoreError):
    def __init__(self) -> None:
        super().__init__("the data file is already open in another window")


class ValidationFailed(StoreError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.en}" for p in problems))
        self.problems = problems
