from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaCoverageConfig(AppConfig):
    name = "media_coverage"
    verbose_name = _("Media coverage")
