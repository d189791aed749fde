"""A laptop's sync run in a process of its own, to be killed with SIGKILL by test_sync_kill.

    python -m tests.acceptance.sync_child STORE MODE

MODE ``hang_after_commit``: after the server has answered the first push (so it has committed),
print COMMITTED and wait to be killed before the answer is applied locally. MODE ``run``: sync
normally, printing a line at every progress step, and DONE at the end.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from desktop.services.sync_service import RemoteConfig, SyncService, http_remote
from desktop.storage import Store
from tests.sync_world import PASSPHRASE


class HangAfterCommit:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def push(self, body: bytes) -> Any:
        answer = self.inner.push(body)
        print("COMMITTED", flush=True)
        time.sleep(600)
        return answer

    def pull(self, cursor: int, limit: int) -> Any:
        return self.inner.pull(cursor, limit)


def main() -> None:
    path, mode = sys.argv[1], sys.argv[2]
    store = Store.unlock(path, "wang", PASSPHRASE)

    def factory(config: RemoteConfig) -> Any:
        remote = http_remote(config)
        return HangAfterCommit(remote) if mode == "hang_after_commit" else remote

    service = SyncService(store, factory)
    print("READY", flush=True)
    service.run_sync(progress=lambda phase, done, total: print(phase, done, total, flush=True))
    print("DONE", flush=True)
    store.close()


if __name__ == "__main__":
    main()
