import gc

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.backends.signals import connection_created
from django.db.models import CharField, TextField
from django.db.models.signals import post_delete, post_migrate


class SafeDigitalConfig(AppConfig):
    default = True  # this module holds the admin's too (AdminConfig)
    name = "safedigital"
    verbose_name = "Safe Digital"

    def ready(self):
        from . import checks, lookups  # noqa: F401 (checks registers the deploy checks)
        from .cache import connect_signals
        from .models import delete_renditions_of_deleted_record
        from .roles import sync_roles_after_migrate

        connect_signals()
        post_delete.connect(delete_renditions_of_deleted_record, dispatch_uid="safedigital.delete_renditions")

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


class AdminConfig(admin_apps.AdminConfig):
    """
    Django's admin (in INSTALLED_APPS in its stead), with the site's date and time inputs on every ModelAdmin's
    date and time fields, the project's and the packages' alike: they name the field's help text and errors as well
    as the time-zone warning (safedigital.widgets); and with the editor of formatted text on every RichTextField.
    They go into the admin's table of widgets by model field before the ModelAdmins are found, since each copies
    that table when it is made.
    """

    default = False

    def ready(self):
        from django.contrib.admin.options import FORMFIELD_FOR_DBFIELD_DEFAULTS
        from django.db import models

        from . import widgets
        from .models import RichTextField

        FORMFIELD_FOR_DBFIELD_DEFAULTS[RichTextField] = {"widget": widgets.RichTextEditor}
        FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateTimeField]["widget"] = widgets.AdminSplitDateTime
        FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateField]["widget"] = widgets.AdminDateWidget
        FORMFIELD_FOR_DBFIELD_DEFAULTS[models.TimeField]["widget"] = widgets.AdminTimeWidget
        super().ready()
