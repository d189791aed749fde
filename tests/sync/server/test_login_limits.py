"""Staff sign-in limits (issue 10, item 8): by client address and account together, kept in the
database (a restart and a second server process see them), and never a lock-out for good.

Real HTTP on loopback; each "computer" is its own source address in 127.0.0.0/8.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from sync.server import admin, embedded
from sync.server.app import create_app
from sync.server.embedded import EmbeddedServer
from sync.server.login_limits import Limits
from sync.server.store import Store

from .conftest import COUNTY, V1, Clock

PASSWORD = "correct horse battery"
# Small address limit, so the spray case needs few slow (Argon2id) attempts; the rest as shipped.
LIMITS = Limits(address_limit=12)


class _FromAddress(HTTPAdapter):
    """Connections from a chosen loopback source address: another computer, to the server."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__(pool_maxsize=16)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Computer:
    def __init__(self, address: str) -> None:
        self.session = requests.Session()
        self.session.mount("http://", _FromAddress(address))

    def sign_in(self, srv: EmbeddedServer, username: str, password: str = PASSWORD) -> requests.Response:
        return self.session.post(
            srv.url + "/api/v1/staff/login", json={"username": username, "password": password}, timeout=60
        )


@contextmanager
def county_server(store: Store) -> Iterator[EmbeddedServer]:
    """A server over ``store`` (a fresh app: nothing of an earlier one's memory)."""
    with embedded.serve(create_app(store, login_limits=LIMITS), store) as srv:
        yield srv


@pytest.fixture
def staff_store(villages: Store) -> Store:
    admin.add_user(villages, "township1", PASSWORD, "township", V1[:9])
    admin.add_user(villages, "county", PASSWORD, "county", COUNTY)
    return villages


def _refused(reply: requests.Response) -> int:
    """The wait a 429 asks for (checked to be in the header and in words)."""
    assert reply.status_code == 429 and reply.json()["error"] == "too_many_attempts", reply.text
    wait = int(reply.headers["Retry-After"])
    assert reply.json()["retry_after"] == wait and "try again in" in reply.json()["message"]
    assert "后再试" in reply.json()["message_zh"]
    return wait


def test_a_guessing_address_is_refused_while_staff_elsewhere_sign_in(
    staff_store: Store, clock: Clock
) -> None:
    attacker, office = Computer("127.0.0.2"), Computer("127.0.0.3")
    with county_server(staff_store) as srv:
        for _ in range(LIMITS.pair_limit):
            assert attacker.sign_in(srv, "township1", "wrong password").status_code == 401
        wait = _refused(attacker.sign_in(srv, "township1"))  # even with the right password
        assert 0 < wait <= LIMITS.window
        assert attacker.sign_in(srv, "county").status_code == 200  # other names: not affected
        assert office.sign_in(srv, "township1").status_code == 200  # the account: not locked
        clock.advance(wait)
        assert attacker.sign_in(srv, "township1").status_code == 200  # and the pair's time passes


def test_the_limits_survive_a_restart_and_are_shared_by_two_server_processes(
    staff_store: Store, clock: Clock
) -> None:
    attacker = Computer("127.0.0.2")
    with county_server(staff_store) as first, county_server(staff_store) as second:
        for n in range(LIMITS.pair_limit):  # guesses spread over two servers of one database
            srv = first if n % 2 else second
            assert attacker.sign_in(srv, "township1", "wrong password").status_code == 401
        _refused(attacker.sign_in(first, "township1", "wrong password"))
        _refused(attacker.sign_in(second, "township1", "wrong password"))
    with county_server(staff_store) as restarted:
        _refused(attacker.sign_in(restarted, "township1", "wrong password"))


def test_many_addresses_guessing_one_account_only_slow_it_and_never_lock_the_office(
    staff_store: Store, clock: Clock
) -> None:
    office, newcomer = Computer("127.0.0.3"), Computer("127.0.0.4")
    attackers = [Computer(f"127.0.1.{n}") for n in range(1, 30)]
    with county_server(staff_store) as srv:
        assert office.sign_in(srv, "township1").status_code == 200  # the office is known
        waits = []
        for n, attacker in enumerate(attackers):
            reply = attacker.sign_in(srv, "township1", f"guess {n}")
            if reply.status_code == 429:
                wait = _refused(reply)
                waits.append(wait)
                assert wait <= LIMITS.max_delay  # a delay, never a lock
                clock.advance(wait)
                reply = attacker.sign_in(srv, "township1", f"guess {n}")
            assert reply.status_code == 401
            # Meanwhile the office signs in at once, every time.
            assert office.sign_in(srv, "township1").status_code == 200
        # The delay grew to its cap (less the second or so the requests themselves took), not beyond.
        assert waits and LIMITS.max_delay - 3 <= max(waits) <= LIMITS.max_delay
        # A new computer of the staff member waits at most the capped delay, then signs in.
        reply = newcomer.sign_in(srv, "township1")
        if reply.status_code == 429:
            clock.advance(_refused(reply))
            reply = newcomer.sign_in(srv, "township1")
        assert reply.status_code == 200


def test_a_spray_of_names_from_one_address_is_refused_there_only(staff_store: Store, clock: Clock) -> None:
    sprayer, office = Computer("127.0.0.5"), Computer("127.0.0.3")
    with county_server(staff_store) as srv:
        for n in range(LIMITS.address_limit):
            assert sprayer.sign_in(srv, f"made-up-{n}", "guess").status_code == 401
        _refused(sprayer.sign_in(srv, "another-made-up-name", "guess"))
        _refused(sprayer.sign_in(srv, "county"))
        assert office.sign_in(srv, "county").status_code == 200


def test_parallel_guesses_are_all_counted(staff_store: Store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    attacker = Computer("127.0.0.6")
    with county_server(staff_store) as srv, ThreadPoolExecutor(12) as pool:
        replies = list(pool.map(lambda n: attacker.sign_in(srv, "township1", f"guess {n}"), range(12)))
    statuses = sorted(r.status_code for r in replies)
    # Each attempt is counted before its password is checked: at most pair_limit get a check.
    assert statuses.count(401) <= LIMITS.pair_limit and statuses.count(429) >= 12 - LIMITS.pair_limit
