"""Staff sign-ins at once: 20 (right and wrong passwords, unknown names) against one server
process, with a laptop pushing meanwhile; each figure beside the same thing done alone in the run.

    python -m benchmarks.bench_signin [--at-once 20] [--legacy 3]

``--legacy N``: N of the users keep a password hash made before one-lane Argon2id (4 lanes), which
the server derives one at a time (and rewrites at the first sign-in; the first round pays that).

Goal: every sign-in answers within a few seconds; pushes keep being served.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from sqlalchemy import update

from benchmarks.bench_sync import CountyProcess
from sync import ids, protocol, sample_data
from sync.server import admin, enroll
from sync.server.store import Store as CountyStore
from sync.server.tables import users
from sync.signing import public_key_b64, sign_headers

VILLAGE = "110105001001"
PASSWORD = "benchmark password"


def sign_in(url: str, username: str, password: str) -> tuple[int, float]:
    started = time.perf_counter()
    reply = requests.post(
        f"{url}/api/v1/staff/login", json={"username": username, "password": password}, timeout=120
    )
    return reply.status_code, time.perf_counter() - started


class Pusher:
    def __init__(self, url: str, code: str) -> None:
        self.url, self.key = url, Ed25519PrivateKey.generate()
        body = {"code": code, "public_key": public_key_b64(self.key), "name": "bench"}
        self.device_id = requests.post(f"{url}/api/v1/enroll", json=body, timeout=30).json()["device_id"]
        self.households = [f for e, _, f in sample_data.village(VILLAGE, 200) if e == "household"]

    def push(self) -> float:
        fields = dict(self.households[0], household_no=ids.uuid7()[-8:])
        change = protocol.Change("household", ids.uuid7(), VILLAGE, fields=fields, user="bench")
        body = protocol.encode(protocol.PushRequest(ids.uuid7(), [change]))
        headers = sign_headers(self.key, self.device_id, "POST", "/api/v1/push", body)
        headers["Content-Type"] = protocol.MEDIA_TYPE
        started = time.perf_counter()
        reply = requests.post(f"{self.url}/api/v1/push", data=body, headers=headers, timeout=120)
        assert reply.status_code == 200, reply.text
        return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--at-once", type=int, default=20)
    parser.add_argument("--legacy", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "county.db"
        county = CountyStore(db)
        county.migrate()
        admin.add_village(county, VILLAGE, "东村")
        names = [f"staff{i}" for i in range(6)]
        for name in names:
            admin.add_user(county, name, PASSWORD, "township", VILLAGE[:9])
        old = Argon2id(salt=b"legacy-salt-1234", length=32, iterations=3, lanes=4, memory_cost=64 * 1024)
        legacy_hash = old.derive_phc_encoded(PASSWORD.encode())
        with county.write() as conn:
            for name in names[: args.legacy]:
                conn.execute(update(users).where(users.c.username == name).values(password_hash=legacy_hash))
        code = enroll.issue_code(county, VILLAGE)
        county.close()
        server = CountyProcess(db)
        try:
            pusher = Pusher(server.url, code)
            alone_push = statistics.median(pusher.push() for _ in range(10))
            alone_sign_in = statistics.median(sign_in(server.url, names[-1], PASSWORD)[1] for _ in range(3))
            attempts = [(n, PASSWORD) for n in names] + [(n, "wrong") for n in names]
            attempts += [(f"nobody{i}", "x") for i in range(args.at_once - len(attempts))]
            for round_no in (1, 2):
                with ThreadPoolExecutor(len(attempts) + 1) as pool:
                    pushes = pool.submit(lambda: [pusher.push() for _ in range(10)])
                    answers = list(pool.map(lambda a: sign_in(server.url, *a), attempts))
                    push_times = pushes.result()
                times = [t for _, t in answers]
                codes = sorted({s for s, _ in answers})
                print(
                    f"round {round_no}: {len(attempts)} sign-ins at once: slowest {max(times):.2f} s, "
                    f"median {statistics.median(times):.2f} s (one alone {alone_sign_in:.2f} s); "
                    f"statuses {codes}; pushes meanwhile: "
                    f"median {statistics.median(push_times) * 1000:.0f} ms, "
                    f"max {max(push_times) * 1000:.0f} ms (alone {alone_push * 1000:.0f} ms)"
                )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
