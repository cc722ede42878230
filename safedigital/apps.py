import gc

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models import CharField, TextField
from django.db.models.signals import post_migrate


class SafeDigitalConfig(AppConfig):
    name = "safedigital"
    verbose_name = "Safe Digital"

    def ready(self):
        from . import checks, lookups  # noqa: F401 (checks registers the deploy checks)
        from .cache import connect_signals
        from .roles import sync_roles_after_migrate

        connect_signals()

        # iexact ignores every alphabet's capitals on SQLite too (safedigital/lookups.py).
        CharField.register_lookup(lookups.UnicodeIExact)
        TextField.register_lookup(lookups.UnicodeIExact)
        # unaccent ignores accents, on SQLite too (safedigital/lookups.py): the enquiries' search uses it.
        CharField.register_lookup(lookups.Unaccent)
        TextField.register_lookup(lookups.Unaccent)
        connection_created.connect(lookups.register, dispatch_uid="safedigital.sqlite_functions")

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="safedigital.sync_roles")

        # What start-up loaded (modules, models, the admin: some 100,000 objects) lives as long as the process.
        # Frozen, the garbage collector's full collections no longer walk it all again: in a web worker or the
        # e-mail worker each one took a pause of hundreds of milliseconds on a slow machine.
        gc.freeze()
