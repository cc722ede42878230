"""What the server error reports e-mailed to ADMIN_EMAILS may show of a request, and which are sent at all."""

import logging

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

# The request's variables that hold an address with its query string (gunicorn's RAW_URI, the page before's).
ADDRESSES_IN_META = {"RAW_URI", "REQUEST_URI", "HTTP_REFERER"}


def without_query(address, substitute):
    """The address with `substitute` in place of its query string, if it has one."""
    path, _mark, query = address.partition("?")
    return f"{path}?{substitute}" if query else address


class NoFormDataFilter(SafeExceptionReporterFilter):
    """
    Django's filter, hiding every field of a form sent (POST) instead of only those a view names as sensitive:
    an enquiry's name, e-mail address and message, a fundraiser's notes about a donor, an editor's password.
    The report still says which fields were sent, and everything else Django shows (path, traceback, headers).
    The query string is hidden likewise (its variables here, the rest in QueryHidingReporter): a search of the
    enquiries holds a donor's name or address. With DEBUG on (development), the error page shows them all, as
    Django's does.
    """

    def get_post_parameters(self, request):
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        if request is None or not self.is_active(request):
            return meta
        if meta.get("QUERY_STRING"):
            meta["QUERY_STRING"] = self.cleansed_substitute
        for key in ADDRESSES_IN_META & meta.keys():
            if isinstance(meta[key], str):
                meta[key] = without_query(meta[key], self.cleansed_substitute)
        return meta


class QueryHidingReporter(ExceptionReporter):
    """
    Django's report, with the query string hidden in the request's URL and its values in the GET data (which
    names the parameters, as NoFormDataFilter names a form's fields): Django's filter has no say over either.
    """

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None and self.filter.is_active(self.request):
            substitute = self.filter.cleansed_substitute
            data["request_GET_items"] = [(key, substitute) for key in self.request.GET]
            data["request_insecure_uri"] = without_query(data["request_insecure_uri"], substitute)
        return data


def not_unavailable(record):
    """
    A logging filter: leaves out the 503 answers (the database away, a change not announced), which are logged
    once with their cause where they are made (safedigital.middleware). E-mailed, an outage would send one per
    request, each while its visitor waits for the mail server.
    """
    return getattr(record, "status_code", None) != 503


class AsOneLineWarning(logging.Filter):
    """
    A logging filter that passes a copy of each record on as a WARNING without its traceback. For requests
    naming a host the site does not serve (Django's DisallowedHost, logged as an ERROR with its traceback):
    scanners send them to any public address all day, and the 400 they get is no error of the site. `level` is
    the site's LOG_LEVEL: above WARNING, the line is not printed at all.
    """

    def __init__(self, level="WARNING"):
        super().__init__()
        self.level = logging.getLevelNamesMapping()[level]

    def filter(self, record):
        if self.level > logging.WARNING:
            return False
        record = logging.makeLogRecord(record.__dict__)
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        record.exc_info = record.exc_text = None
        return record
