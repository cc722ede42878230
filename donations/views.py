import logging
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, get_supported_language_variant
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from events.models import Event
from safedigital.cache import cache_public_page
from safedigital.ratelimit import is_over_limit

from . import spam, tasks
from .forms import EnquiryForm

logger = logging.getLogger(__name__)

SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def over_limit(request, group, rate, key=None):
    """
    Counts this request against a rate limit and says whether it is over (safedigital.ratelimit.is_over_limit).
    When the cache cannot be reached the request goes through: a cache outage must not turn donors away.
    """
    try:
        return is_over_limit(request, group, rate, key=key)
    except Exception:
        logger.exception("Rate limit %s could not be checked; letting the request through", group)
        return False


def referring_path(request):
    """The path of the page of this site the visitor came from, or ""."""
    referer = request.headers.get("Referer", "")
    try:
        if not url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
            return ""
        path = urlsplit(referer).path
    except ValueError:
        return ""
    if CONTROL_CHARACTERS.search(path) or path == request.path:
        return ""
    return path[:500]


def event_slug_for(path):
    """The slug of the event whose page (or a page under it) `path` is, or ""."""
    try:
        match = resolve(path)
    except Resolver404:
        return ""
    if match.namespace != "events":
        return ""
    slug = match.kwargs.get("event_slug") or (
        match.kwargs.get("slug", "") if (match.url_name or "").startswith("event") else ""
    )
    return slug if SLUG.match(slug) else ""


def published_event_id(slug):
    """The id of the published event with this slug, or None (its id is all an enquiry needs)."""
    if not slug or not SLUG.match(slug):
        return None
    # A slug names one event at most: no ordering to apply (first() would sort by the events' dates).
    ids = Event.objects.published().filter(slug=slug).order_by().values_list("pk", flat=True)
    return next(iter(ids), None)


def page_language():
    try:
        return get_supported_language_variant(get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


@method_decorator(never_cache, name="dispatch")
class EnquiryView(FormView):
    """
    The "Let's chat" form. Every submission that passes validation is stored (suspect ones flagged as spam), once
    per form served, before any e-mail goes out; the visitor then lands on the thank-you page either way.
    """

    form_class = EnquiryForm
    template_name = "donations/enquiry_form.html"
    success_url = reverse_lazy("donations:thanks")

    def query_event_slug(self):
        slug = self.request.GET.get("event", "")
        return slug if SLUG.match(slug) else ""

    def get_initial(self):
        if self.request.method == "POST":
            # A form sent back is shown with what was sent, its own stamp included: a new one would go unused.
            return super().get_initial()
        source_path = referring_path(self.request)
        event_slug = self.query_event_slug() or event_slug_for(source_path)
        return {"stamp": spam.issue_stamp(source_path=source_path, event_slug=event_slug)}

    def post(self, request, *args, **kwargs):
        if over_limit(request, "donations.enquiry", settings.DONATION_RATE_LIMIT):
            return self.rate_limited(self.get_form())
        return super().post(request, *args, **kwargs)

    def refill(self, form, stamp):
        """
        A form served too long ago: sent back as it was filled in, with a new stamp, to be sent again. Taking it
        for spam would leave a person who kept the tab open (over a weekend, say) without an answer. The new
        stamp keeps the form's token: it is still the one form served, stored once however often it comes back.
        """
        data = form.data.copy()
        data["stamp"] = spam.issue_stamp(
            token=stamp.token, source_path=stamp.source_path, event_slug=stamp.event_slug, refilled=True
        )
        return self.form_again(
            self.get_form_class()(data=data),
            _(
                "This form had been open for a long time, so it was not sent. "
                "Check what you wrote and press Send again."
            ),
        )

    def form_again(self, form, reason, status=200, retry_after=None):
        """
        The form again, with what was typed and `reason`, why it was not sent, above it: a page of the site's own
        (its 429 or 503 page) would lose it all, and going back shows a new, empty form (the form is never
        cached).
        """
        form.add_error(None, reason)
        response = self.render_to_response(self.get_context_data(form=form), status=status)
        if retry_after:
            response["Retry-After"] = str(retry_after)
        return response

    def rate_limited(self, form):
        return self.form_again(
            form,
            _(
                "We have received several messages from your connection in a short time. "
                "Please try again in a few minutes."
            ),
            status=429,
            retry_after=300,
        )

    def form_valid(self, form):
        try:
            return self.store(form)
        except (OperationalError, InterfaceError):
            return self.database_unavailable(form)

    def database_unavailable(self, form):
        """The database could not be reached. Sending it again is safe: the form's token stores it once at most."""
        logger.exception("Database unavailable: an enquiry could not be stored; the form went back filled in")
        return self.form_again(
            form,
            _(
                "We could not send your message just now, because of a problem on our side. What you wrote "
                "is still here: please press Send again in a minute."
            ),
            status=503,
            retry_after=30,
        )

    def store(self, form):
        """Stores the enquiry (once per form served) and queues its e-mails; then the thank-you page."""
        stamp = spam.read_stamp(form.cleaned_data["stamp"])
        if stamp.expired:
            return self.refill(form, stamp)
        problems = form.spam_problems(stamp)
        enquiry = form.save(commit=False)
        enquiry.form_token = stamp.token
        enquiry.source_path = stamp.source_path
        enquiry.event_id = published_event_id(stamp.event_slug or self.query_event_slug())
        enquiry.language = page_language()
        enquiry.is_spam = bool(problems)
        enquiry.spam_reason = "; ".join(problems)[:500]

        def queue_emails():
            if enquiry.is_spam:
                return
            acknowledge = not over_limit(
                self.request,
                "donations.acknowledgement",
                settings.DONATION_ACKNOWLEDGEMENT_RATE_LIMIT,
                key=lambda group, request: enquiry.email.lower(),
            )
            tasks.queue_enquiry_emails(enquiry.pk, acknowledge=acknowledge)

        stored = enquiry.save_once(then=queue_emails)
        if stored:
            logger.info(
                "Donation enquiry %s stored%s", enquiry.pk, " as suspected spam" if enquiry.is_spam else ""
            )
        # As FormView's form_valid(): redirect() would first try the address as the name of a URL pattern.
        return HttpResponseRedirect(self.get_success_url())


# Both change only with a release: browsers and proxies may keep them an hour.
@method_decorator(cache_public_page(max_age=60 * 60), name="dispatch")
class ThanksView(TemplateView):
    template_name = "donations/thanks.html"


@method_decorator(cache_public_page(max_age=60 * 60), name="dispatch")
class PrivacyView(TemplateView):
    template_name = "donations/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            retention_days=settings.DONATION_RETENTION_DAYS,
            spam_retention_days=settings.DONATION_SPAM_RETENTION_DAYS,
            privacy_email=settings.PRIVACY_EMAIL,
            **kwargs,
        )
