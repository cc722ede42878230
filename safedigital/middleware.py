import logging

from django.conf import settings
from django.core.exceptions import BadRequest
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

from .cache import accepted_encoding

logger = logging.getLogger(__name__)

COMPRESSIBLE_TYPES = ("text/", "application/json", "application/javascript")


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header, which Django does not set itself, to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class NulCharacterMiddleware:
    """
    Answers 400 to an address that holds a NUL character (%00 in its query string): none of the site's does, and
    PostgreSQL refuses one in any query, so a value passed on to the database (the admin's list filters and its
    autocomplete, the enquiries' export) was a server error. A form's fields (POST) say so beside the field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            raise BadRequest("A NUL character in the address.")
        return self.get_response(request)


class TextCompressionMiddleware(GZipMiddleware):
    """
    gzip for the text responses the page cache does not compress: pages rendered afresh (for staff, for a
    visitor with a session or a message, with the page cache off), the admin, the enquiry form, CSV exports.
    Pages from the page cache already carry their encoding and pass through. Images and other media are
    compressed already: gzip would cost CPU for nothing. Django's GZipMiddleware pads each response with random
    bytes against BREACH, since these pages may carry a CSRF token. Unlike it, "gzip;q=0" refuses gzip.
    """

    def process_response(self, request, response):
        # First what answers most requests at once: a page from the page cache, already encoded.
        if response.has_header("Content-Encoding"):
            return response
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES):
            return response
        if accepted_encoding(request, {"gzip"}):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
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
