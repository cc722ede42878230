"""The site's URLs plus Django's floor: a view returning "ok" through the same middleware and server."""

from django.http import HttpResponse
from django.urls import path

from safedigital.urls import urlpatterns as site_urlpatterns


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok", ok, name="bench-ok"), *site_urlpatterns]
