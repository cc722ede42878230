"""The site's URLs plus an event page, for the tests that need one before the events issue provides it."""

from django.urls import include, path
from django.views.generic import TemplateView

from safedigital.urls import urlpatterns as site_urlpatterns

event_pages = (
    [
        path("", TemplateView.as_view(template_name="events/home.html"), name="home"),
        path(
            "events/<slug:slug>/", TemplateView.as_view(template_name="events/home.html"), name="event-detail"
        ),
    ],
    "events",
)

urlpatterns = [
    *[pattern for pattern in site_urlpatterns if getattr(pattern, "namespace", None) != "events"],
    path("", include(event_pages)),
]
