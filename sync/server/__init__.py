"""The county data centre server: HTTP API over PostgreSQL (production) or SQLite (embedded default).

Modules, by what they hold:

* ``app`` - ``create_app``: the routers below under ``/api/v1``, error format ``{"error", "message",
  "message_zh"}``, body size limit, the 500 guard.
* ``routes.device`` (health, enroll, push, pull, status), ``routes.forms``, ``routes.staff``
  (staff/*), ``routes.review``, ``routes.history`` - one router per area; ``deps`` - what routes take
  (``Depends``): the store, a device's signed request, the staff member and the villages they see.
* ``auth`` - signed device requests (Ed25519, time, nonce), staff passwords (Argon2id) and tokens.
* ``enroll`` - one-time, expiring enrollment codes bound to one village, stored hashed.
* ``push`` / ``merge`` / ``keys`` / ``writes`` - applying a batch: the field-level merge, uniqueness
  lookups for a whole batch, bulk writes; the answer stored with the batch for replays.
* ``pull`` - pages of a village's records after a cursor (the village counter).
* ``conflicts`` - listing and resolving conflicts, duplicate residents across villages.
* ``indicators`` / ``export`` - village indicators and the Excel export.
* ``store`` / ``tables`` / ``migrations`` - engines, transactions, schema and its Alembic history.
* ``admin`` / ``cli`` - county IT's operations and the ``county-server`` command.
* ``embedded`` - a real server in a background thread on loopback (demo mode, tests, benchmarks).
"""
