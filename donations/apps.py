from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = _("Donations")

    def ready(self):
        from . import checks  # noqa: F401 (registers the deploy check of the team's addresses)
