"""
The e-mails about an enquiry, sent after it is committed (see EnquiryView.form_valid).

A failure never reaches the visitor and never loses the enquiry: it is logged (without personal data) and
recorded on the enquiry, where staff see it in the back office.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import spam
from .models import DonationEnquiry

logger = logging.getLogger(__name__)


def fundraising_recipients(kind):
    """The addresses told of an enquiry of this kind: the kind's own list when configured, else the team's."""
    return settings.FUNDRAISING_EMAILS_BY_KIND.get(kind) or settings.FUNDRAISING_EMAILS


def admin_url(enquiry):
    return settings.SITE_URL + reverse("admin:donations_donationenquiry_change", args=[enquiry.pk])


def one_line(text):
    return " ".join(str(text).split())


def staff_notification(enquiry):
    """
    The fundraising team's e-mail. Its body holds no personal data, only what kind of enquiry it is and the link
    to the record; replying writes to the person (Reply-To).
    """
    with translation.override(settings.LANGUAGE_CODE):
        kind = enquiry.get_kind_display()
        if enquiry.organisation:
            subject = _("New enquiry: %(kind)s, %(organisation)s") % {
                "kind": kind,
                "organisation": one_line(enquiry.organisation),
            }
        else:
            subject = _("New enquiry: %(kind)s") % {"kind": kind}
        context = {"enquiry": enquiry, "admin_url": admin_url(enquiry), "SITE_NAME": settings.SITE_NAME}
        message = EmailMultiAlternatives(
            subject=f"[{settings.SITE_NAME}] {subject}",
            body=render_to_string("donations/emails/staff_notification.txt", context),
            to=fundraising_recipients(enquiry.kind),
            reply_to=[enquiry.email],
        )
        message.attach_alternative(
            render_to_string("donations/emails/staff_notification.html", context), "text/html"
        )
    return message


def acknowledgement(enquiry):
    """
    The thank-you to the person, in the language of the page they used. It greets them by name unless the name
    holds a link or a domain (spam.may_be_echoed): the address is unconfirmed, and our e-mail must not carry
    anyone's link to anyone. The thanks page promised this e-mail, so such a person still gets it, nameless.
    """
    with translation.override(enquiry.language):
        context = {
            "enquiry": enquiry,
            "name": enquiry.name if spam.may_be_echoed(enquiry.name) else "",
            "SITE_NAME": settings.SITE_NAME,
            "privacy_url": settings.SITE_URL + reverse("donations:privacy"),
        }
        message = EmailMultiAlternatives(
            subject=_("Thank you for getting in touch with %(SITE_NAME)s")
            % {"SITE_NAME": settings.SITE_NAME},
            body=render_to_string("donations/emails/acknowledgement.txt", context),
            to=[enquiry.email],
            reply_to=fundraising_recipients(enquiry.kind)[:1],
        )
        message.attach_alternative(
            render_to_string("donations/emails/acknowledgement.html", context), "text/html"
        )
    return message


def _send(enquiry, label, build, connection):
    """Sends one e-mail through `connection`; returns "" or what went wrong, for the record."""
    try:
        message = build(enquiry)
        if not message.to:
            logger.warning("No recipients for the %s e-mail of donation enquiry %s", label, enquiry.pk)
            return _("%(label)s: no recipients are configured (FUNDRAISING_EMAILS).") % {"label": label}
        # Opened here, not by send_messages(), so that it stays open for the next e-mail (a no-op when it is).
        connection.open()
        connection.send_messages([message])
    except Exception as error:
        # Logged without the message, which can hold an address; the record keeps it for staff.
        logger.error(
            "Could not send the %s e-mail for donation enquiry %s: %s",
            label,
            enquiry.pk,
            type(error).__name__,
        )
        # The connection may be unusable now: the next e-mail opens a new one.
        _close(connection)
        return f"{label}: {type(error).__name__}: {error}"[:1000]
    return ""


def _close(connection):
    try:
        connection.close()
    except Exception as error:
        logger.warning("Could not close the connection to the mail server: %s", type(error).__name__)


def send_enquiry_emails(enquiry_id, acknowledge=True):
    """
    Tells the fundraising team of a new (non-spam) enquiry and thanks the person, recording the outcome.
    Both e-mails go through one connection to the mail server: one connection, TLS handshake and login, not two.
    An e-mail already sent is not sent again, so that calling this again after a failure sends only what failed.
    Each is recorded as sent as soon as it has gone, before the next is sent: recorded together after both, a
    database gone after the first had it sent again when the task ran again (the worker runs again a task the
    database went in the middle of, or one whose worker was killed). Never lost, at the cost of twice now and
    then: an e-mail the worker is killed in the middle of, or whose record the database fails just after it went,
    goes again. Recorded before it went, it would have stayed "sent", never sent, for a worker killed while the
    mail server was slow to answer, and nobody would have followed the enquiry up.
    Returns True when an e-mail could not be sent.
    """
    # With its event's title, which the staff e-mail names: one query, and only the event column it needs.
    # Not about an enquiry erased meanwhile: it has nobody to write to or to reply to.
    try:
        enquiry = DonationEnquiry.objects.annotate(event_title=F("event__title")).get(
            pk=enquiry_id, is_spam=False, anonymised_at__isnull=True
        )
    except DonationEnquiry.DoesNotExist:
        return False
    notify = enquiry.notified_at is None
    acknowledge = acknowledge and enquiry.acknowledged_at is None
    if not (notify or acknowledge):
        return False
    problems = []
    with translation.override(settings.LANGUAGE_CODE):
        staff_label, donor_label = _("Team notification"), _("Acknowledgement")
    connection = mailers.default
    try:
        for sending, label, build, field in (
            (notify, staff_label, staff_notification, "notified_at"),
            (acknowledge, donor_label, acknowledgement, "acknowledged_at"),
        ):
            if sending:
                if problem := _send(enquiry, label, build, connection):
                    problems.append(problem)
                else:
                    DonationEnquiry.objects.filter(pk=enquiry.pk, anonymised_at__isnull=True).update(
                        **{field: timezone.now()}
                    )
    finally:
        _close(connection)
    # A problem recorded by an earlier attempt at an e-mail sent now is no longer true; one of an e-mail not
    # sent now still is.
    attempted = tuple(
        f"{label}: " for label, sent in ((staff_label, notify), (donor_label, acknowledge)) if sent
    )
    earlier, dropping = [], False
    for line in enquiry.notification_error.splitlines():
        if line.startswith((f"{staff_label}: ", f"{donor_label}: ")):
            dropping = line.startswith(attempted)  # a message's further lines go with it
        if not dropping:
            earlier.append(line)
    # Not on a record erased while the mail server was being talked to: a refusal names the person's address.
    DonationEnquiry.objects.filter(pk=enquiry.pk, anonymised_at__isnull=True).update(
        notification_error="\n".join(earlier + problems)
    )
    return bool(problems)
