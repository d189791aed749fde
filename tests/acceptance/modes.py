"""Short mode (the default, for CI) and long mode (``VDD_LONG=1``) of the crash and fault tests.

Long mode: at least 500 laptop kills and 100 server kills (``test_sync_kill``), and the hypothesis
state machine on PostgreSQL as well as SQLite with many more examples (``test_sync_stateful``).
``VDD_LAPTOP_KILLS``, ``VDD_SERVER_KILLS`` and ``VDD_STATEFUL_EXAMPLES`` override the counts.
"""

from __future__ import annotations

import os

LONG = os.environ.get("VDD_LONG", "").strip().lower() not in ("", "0", "false", "no")
LONG_TIMEOUT = 6 * 3600
"""Per-test timeout in long mode (seconds); short mode keeps the suite's own."""


def count(name: str, short: int, long: int) -> int:
    """``short`` normally, ``long`` with ``VDD_LONG=1``; the environment variable ``name`` wins."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else (long if LONG else short)
