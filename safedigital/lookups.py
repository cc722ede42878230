"""
`iexact` that ignores the capitals of every alphabet on SQLite too, as it does on PostgreSQL.

Django's `iexact` is UPPER(column) = UPPER(value) on PostgreSQL, whose UPPER knows every alphabet, but LIKE on
SQLite, which folds ASCII alone: "JOSÉ@…" did not find "josé@…" (erasure and subject access requests) and
"CARACOL TELEVISIÓN" did not find "Caracol Televisión" (the coverage import, which then made a second outlet).
On SQLite this lookup compares both sides through UNICODE_UPPER, Python's str.upper, which `register` gives each
SQLite connection; on other databases it is Django's own. The project registers it as every text field's
`iexact` (SafeDigitalConfig.ready), so `name__iexact=` means the same everywhere.

UNICODE_UPPER serves queries only: an index or constraint built on it would be unreadable to a tool without it
(SQLite's own UPPER and LOWER, which indexes such as Lower("name") use, are left as they are).
"""

from django.db.models import lookups


class UnicodeIExact(lookups.IExact):
    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # The value as it is: Django's own iexact escapes it for LIKE.
        rhs, rhs_params = lookups.BuiltinLookup.process_rhs(self, compiler, connection)
        if self.rhs_is_direct_value():
            rhs_params = [str(param) for param in rhs_params]  # as Django's own (prep_for_like_query)
        return f"UNICODE_UPPER({lhs}) = UNICODE_UPPER({rhs})", (*lhs_params, *rhs_params)


def unicode_upper(value):
    return None if value is None else str(value).upper()


def register(sender, connection, **kwargs):
    """connection_created: gives a new SQLite connection UNICODE_UPPER."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("UNICODE_UPPER", 1, unicode_upper, deterministic=True)
