"""The order of the lists: the village register's order, household by household. No Qt here.

Households by household number. Persons household by household, each household's head first, then
the members in the order of relations on the form (spouse, children, their spouses, grandchildren,
parents, …), older before younger; income household by household, the latest year first, sources
in the form's order; services household by household, the latest first. Records whose household is
gone come last.

Each entity's order is a list of SQL sort keys over the same ``FROM`` the search index is read
with, so one query streams the index in list order, and a record written later finds its place by
a binary search over the index, reading the keys of about 17 records for 100,000 (SQLite compares
text as UTF-8 bytes, which orders as Python compares ``str``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sync.schema import Forms


@dataclass(frozen=True)
class ListOrder:
    alias: str
    from_: str
    """``FROM`` with the joins the search text and the sort keys need."""
    live: str
    """The condition for a record to be listed."""
    keys: tuple[str, ...]
    """Ascending SQL sort keys, the record's id last (so the order is total)."""
    by_household: str = ""
    """For the household's records: the ``FROM`` that walks households in number order and reads
    each one's records by index (a sort of one household at a time, not of the whole list: no
    10 MB sorter for 100,000 persons), and its ``ORDER BY``."""
    household_order: str = ""

    @property
    def order_by(self) -> str:
        return ", ".join(self.keys)

    def select(self, columns: str, where: str = "") -> str:
        """``SELECT columns`` of the listed records, in list order (``where``: extra conditions)."""
        more = f" AND {where}" if where else ""
        return f"SELECT {columns} FROM {self.from_} WHERE {self.live}{more} ORDER BY {self.order_by}"

    def stream(self, columns: str) -> list[str]:
        """Queries that read every listed record in list order, one after the other."""
        if not self.by_household:
            return [self.select(columns)]
        return [
            f"SELECT {columns} FROM {self.by_household} WHERE h.deleted = 0 AND {self.live}"
            f" ORDER BY {self.household_order}",
            # Records whose household is gone: last, and few.
            self.select(columns, "h.id IS NULL"),
        ]

    def key_sql(self) -> str:
        """The sort keys of one record (one parameter: its id)."""
        return f"SELECT {self.order_by} FROM {self.from_} WHERE {self.alias}.id = ?"


def _rank(forms: Forms, entity: str, field: str, column: str) -> str:
    """A choice field's place in the form's list of choices (unknown or empty: after them all)."""
    choices = [c.value for c in forms[entity].field(field).choices]
    whens = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(choices) if "'" not in v)
    return f"(CASE {column} {whens} ELSE {len(choices)} END)"


_HOUSEHOLD_JOIN = " LEFT JOIN household h ON h.id = {a}.household_id AND h.deleted = 0"
_BY_HOUSEHOLD = ("(h.id IS NULL)", "coalesce(h.household_no, '')", "coalesce(h.id, {a}.household_id, '')")


def _by_household(alias: str) -> tuple[str, ...]:
    return tuple(k.format(a=alias) for k in _BY_HOUSEHOLD)


def _walk(table: str, alias: str) -> str:
    """Households by number (their index), each one's records by their household index."""
    return (
        "household h INDEXED BY idx_household_household_no"
        f" CROSS JOIN {table} {alias} INDEXED BY idx_{table}_household_id ON {alias}.household_id = h.id"
    )


def _household_order(keys: tuple[str, ...]) -> str:
    """The keys of a record in a live household: its household's number and id, then its own."""
    return ", ".join(("h.household_no", "h.id", *keys[len(_BY_HOUSEHOLD) :]))


def _household_list(table: str, alias: str, more_joins: str, own_keys: tuple[str, ...]) -> ListOrder:
    keys = (*_by_household(alias), *own_keys)
    return ListOrder(
        alias,
        f"{table} {alias}" + _HOUSEHOLD_JOIN.format(a=alias) + more_joins,
        f"{alias}.deleted = 0",
        keys,
        _walk(table, alias) + more_joins,
        _household_order(keys),
    )


def list_orders(forms: Forms) -> dict[str, ListOrder]:
    """The order of each entity's list."""
    return {
        "household": ListOrder(
            "household",
            "household",
            "household.deleted = 0",
            ("coalesce(household.household_no, '')", "household.id"),
        ),
        "person": _household_list(
            "person",
            "p",
            "",
            (_rank(forms, "person", "relation", "p.relation"), "coalesce(p.birth_date, '9999')", "p.id"),
        ),
        "income": _household_list(
            "income",
            "i",
            "",
            ("-coalesce(i.year, 0)", _rank(forms, "income", "source", "i.source"), "i.id"),
        ),
        "service": _household_list(
            "service",
            "s",
            " LEFT JOIN person sp ON sp.id = s.person_id AND sp.deleted = 0",
            ("-coalesce(julianday(s.date), 0)", "s.id"),
        ),
    }


def where_sql(order: ListOrder, forms: Forms, entity: str, where: dict[str, Any]) -> tuple[str, list[Any]]:
    """Equality conditions on the entity's own fields (names checked against its form)."""
    fields = set(forms[entity].field_names)
    clauses, params = [], []
    for name, value in where.items():
        if name not in fields:
            raise ValueError("filter on a field the form does not have")
        if value is None:
            clauses.append(f"{order.alias}.{name} IS NULL")
        else:
            clauses.append(f"{order.alias}.{name} = ?")
            params.append(value)
    return " AND ".join(clauses), params
