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

`unaccent` compares text without its accents, on both sides: `name__unaccent__icontains="lucia"` finds "Lucía", and
"Lucía" finds "Lucia". On PostgreSQL it is the unaccent extension's UNACCENT (donations' migration 0003 creates the
extension); on SQLite, the UNACCENT that `register` gives each connection, Python's Unicode decomposition without
its combining marks, plus the letters PostgreSQL's unaccent rules also fold though Unicode does not decompose them
("ø", "ł", "ß"). It serves queries only, as UNICODE_UPPER does.

SQLite's UNACCENT also folds capitals, of every alphabet (str.casefold): `icontains` is LIKE there, which folds
ASCII alone, so "мария" did not find "Мария", nor "ελενη" "Ελένη", where PostgreSQL's `icontains` (UPPER on both
sides) found them. Both sides pass through it, so the case-insensitive lookups (`icontains`, `iexact`, ...) agree
with PostgreSQL's; a case-sensitive one after `unaccent` ignores capitals on SQLite alone, so none is used.
"""

import unicodedata

from django.db.models import Transform, lookups


class UnicodeIExact(lookups.IExact):
    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # The value as it is: Django's own iexact escapes it for LIKE.
        rhs, rhs_params = lookups.BuiltinLookup.process_rhs(self, compiler, connection)
        if self.rhs_is_direct_value():
            rhs_params = [str(param) for param in rhs_params]  # as Django's own (prep_for_like_query)
        return f"UNICODE_UPPER({lhs}) = UNICODE_UPPER({rhs})", (*lhs_params, *rhs_params)


class Unaccent(Transform):
    lookup_name = "unaccent"
    function = "UNACCENT"
    bilateral = True  # the value searched for loses its accents too


def unicode_upper(value):
    return None if value is None else str(value).upper()


# Letters without a Unicode decomposition that PostgreSQL's unaccent.rules fold all the same.
UNDECOMPOSED_LETTERS = str.maketrans(
    {
        "Æ": "AE",
        "æ": "ae",
        "Đ": "D",
        "đ": "d",
        "Ð": "D",
        "ð": "d",
        "ı": "i",
        "Ł": "L",
        "ł": "l",
        "Œ": "OE",
        "œ": "oe",
        "Ø": "O",
        "ø": "o",
        "ß": "ss",
        "Þ": "TH",
        "þ": "th",
    }
)


def unaccent(value):
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(value)).translate(UNDECOMPOSED_LETTERS)
    return unicodedata.normalize(
        "NFC", "".join(char for char in decomposed if not unicodedata.combining(char))
    )


def unaccent_casefold(value):
    """SQLite's UNACCENT: the text without its accents, nor capitals (see above for why)."""
    return None if value is None else unaccent(value).casefold()


def register(sender, connection, **kwargs):
    """connection_created: gives a new SQLite connection UNICODE_UPPER and UNACCENT."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("UNICODE_UPPER", 1, unicode_upper, deterministic=True)
        connection.connection.create_function("UNACCENT", 1, unaccent_casefold, deterministic=True)
