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

    @property
    def order_by(self) -> str:
        return ", ".join(self.keys)

    def select(self, columns: str, where: str = "") -> str:
        """``SELECT columns`` of the listed records, in list order (``where``: extra conditions)."""
        more = f" AND {where}" if where else ""
        return f"SELECT {columns} FROM {self.from_} WHERE {self.live}{more} ORDER BY {self.order_by}"

    def key_sql(self) -> str:
        """The sort keys of one record (one parameter: its id)."""
        return f"SELECT {self.order_by} FROM {self.from_} WHERE {self.alias}.id = ?"


def _rank(forms: Forms, entity: str, field: str, column: str) -> str:
    """A choice field's place in the form's list of choices (unknown or empty: after them all)."""
    choices = [c.value for c in forms[entity].field(field).choices]
    whens = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(choices) if "'" not in v)
    return f"(CASE {column} {whens} ELSE {len(choices)} END)"


_HOUSEHOLD_JOIN = " LEFT JOIN household h ON h.id = {a}.household_id AND h.deleted = 0"
_BY_HOUSEHOLD = ("(h.household_no IS NULL)", "coalesce(h.household_no, '')", "coalesce({a}.household_id, '')")


def _by_household(alias: str) -> tuple[str, ...]:
    return tuple(k.format(a=alias) for k in _BY_HOUSEHOLD)


def list_orders(forms: Forms) -> dict[str, ListOrder]:
    """The order of each entity's list."""
    return {
        "household": ListOrder(
            "household",
            "household",
            "household.deleted = 0",
            ("coalesce(household.household_no, '')", "household.id"),
        ),
        "person": ListOrder(
            "p",
            "person p" + _HOUSEHOLD_JOIN.format(a="p"),
            "p.deleted = 0",
            (
                *_by_household("p"),
                _rank(forms, "person", "relation", "p.relation"),
                "coalesce(p.birth_date, '9999')",
                "p.id",
            ),
        ),
        "income": ListOrder(
            "i",
            "income i" + _HOUSEHOLD_JOIN.format(a="i"),
            "i.deleted = 0",
            (
                *_by_household("i"),
                "-coalesce(i.year, 0)",
                _rank(forms, "income", "source", "i.source"),
                "i.id",
            ),
        ),
        "service": ListOrder(
            "s",
            "service s"
            + _HOUSEHOLD_JOIN.format(a="s")
            + " LEFT JOIN person sp ON sp.id = s.person_id AND sp.deleted = 0",
            "s.deleted = 0",
            (*_by_household("s"), "-coalesce(julianday(s.date), 0)", "s.id"),
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
