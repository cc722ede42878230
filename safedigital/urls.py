from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from . import views
from .admin import view_on_site

admin.site.site_header = _("Safe Digital back office")
admin.site.site_title = _("Safe Digital")
admin.site.index_title = _("Content, enquiries and staff")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(".well-known/security.txt", views.security_txt, name="security-txt"),
    path("language/<str:language>/", views.choose_language, name="choose-language"),
    path(
        f"{settings.ADMIN_URL}r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="view-on-site",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("donations.urls")),
    path("", include("events.urls")),
    path("", include("media_coverage.urls")),
]

if settings.SERVE_MEDIA:
    # django.conf.urls.static.static() serves nothing when DEBUG is off; SERVE_MEDIA says so explicitly.
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}
        ),
    ]
