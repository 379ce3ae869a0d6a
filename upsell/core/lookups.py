"""``field__any_of=values``: the field is one of ``values`` (ids or texts), sent as one
parameter.

Django's ``__in`` writes one placeholder per value. Moving a whole import's new clients to their
managers asks about tens of thousands of ids at once, and building, quoting and parsing such a
statement costs several times the lookup itself. Here the values travel as one array on
PostgreSQL (``= ANY(%s)``) and as one JSON array on SQLite (``IN (SELECT value FROM
json_each(%s))``), whatever their number. No kept library offers this lookup for both
databases; django.contrib.postgres has array fields, not this.
"""

import json
from collections.abc import Iterable
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, ForeignObject, Lookup
from django.db.models.sql.compiler import SQLCompiler


class AnyOf(Lookup[Any]):
    lookup_name = "any_of"
    # The values go to the database as they are, one parameter for all of them.
    prepare_rhs = False

    def get_prep_lookup(self) -> list[Any]:
        if isinstance(self.rhs, str) or not isinstance(self.rhs, Iterable):
            raise TypeError("any_of takes a list of values")
        return [self.lhs.output_field.get_prep_value(value) for value in self.rhs]

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, self.rhs)
        # ``lhs`` is the compiled column; the values are the one parameter.
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608
        return sql, (*lhs_params, json.dumps(self.rhs))


Field.register_lookup(AnyOf)
# A relation keeps lookups of its own and does not inherit those of ``Field``.
ForeignObject.register_lookup(AnyOf)
