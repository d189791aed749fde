"""A frozen batch's changes as the replica settles the server's answer to it (``StoreReplica.apply_push``)."""

from __future__ import annotations

import dataclasses

from sync import protocol, protocol_decode


class SentBatch:
    """The changes of a frozen batch, decoded from its body only if a record needs more than the
    usual bookkeeping (a conflict, a later local edit, a shadow)."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self._by_id: dict[str, protocol.Change] | None = None

    def change(self, record_id: str) -> protocol.Change:
        if self._by_id is None:
            self._by_id = {c.id: c for c in protocol_decode.decode_push_request(self.body).changes}
        return self._by_id[record_id]


@dataclasses.dataclass(frozen=True, slots=True)
class Sent:
    """One record of the batch."""

    entity: str
    id: str
    batch: SentBatch

    def change(self) -> protocol.Change:
        return self.batch.change(self.id)
