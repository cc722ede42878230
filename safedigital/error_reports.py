"""What the server error reports e-mailed to ADMIN_EMAILS may show of a request, and which are sent at all."""

import logging

from django.views.debug import SafeExceptionReporterFilter


class NoFormDataFilter(SafeExceptionReporterFilter):
    """
    Django's filter, hiding every field of a form sent (POST) instead of only those a view names as sensitive:
    an enquiry's name, e-mail address and message, a fundraiser's notes about a donor, an editor's password.
    The report still says which fields were sent, and everything else Django shows (path, traceback, headers).
    With DEBUG on (development), the error page shows them all, as Django's does.
    """

    def get_post_parameters(self, request):
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        return dict.fromkeys(request.POST, self.cleansed_substitute)


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
