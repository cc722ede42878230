from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SafeDigitalConfig(AppConfig):
    name = "safedigital"
    verbose_name = "Safe Digital"

    def ready(self):
        from .cache import connect_signals
        from .roles import sync_roles_after_migrate

        connect_signals()

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="safedigital.sync_roles")
