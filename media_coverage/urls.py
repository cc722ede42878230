from django.urls import path

from . import views

app_name = "media_coverage"

urlpatterns = [
    path("events/<slug:slug>/coverage/", views.EventCoverageView.as_view(), name="event-coverage"),
]
