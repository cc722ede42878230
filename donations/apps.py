from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def register_sqlite_functions(sender, connection, **kwargs):
    """SQLite's UPPER folds ASCII alone: give it one that folds every alphabet (donations.models.Capitals)."""
    if connection.vendor == "sqlite":
        from .models import unicode_upper

        connection.connection.create_function("UNICODE_UPPER", 1, unicode_upper, deterministic=True)


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = _("Donations")

    def ready(self):
        connection_created.connect(register_sqlite_functions, dispatch_uid="donations.sqlite_functions")
