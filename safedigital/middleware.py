import logging

from django.conf import settings

logger = logging.getLogger(__name__)


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header, which Django does not set itself, to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class ServiceUnavailableMiddleware:
    """
    Answers 503 with a page that says nothing was kept and to try again, when the database cannot be reached
    or a change could not be announced to the page cache (then undone: safedigital.cache.ChangeNotAnnounced),
    instead of a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError
        from django.template.response import TemplateResponse

        from .cache import ChangeNotAnnounced

        if isinstance(exception, OperationalError | InterfaceError | ChangeNotAnnounced):
            logger.exception("Unavailable while serving %s", request.path)
            response = TemplateResponse(request, "503.html", status=503)
            response["Retry-After"] = "30"
            return response.render()
        return None
