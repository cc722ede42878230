"""
Spam checks for the enquiry form, with no third-party CAPTCHA.

Each form served carries a signed stamp (django.core.signing.TimestampSigner) holding a one-time token and the
page the visitor came from. A form sent back too soon after it was served, or with a stamp that does not
verify, is suspect; so is a filled-in honeypot field and a message full of links. Suspect enquiries are stored
and flagged, never dropped: the checks only say why something looks like spam. The reasons are stored for
staff, in English, whatever the language of the page. A form sent too long after it was served goes back to
the person, filled in, to be sent again (see EnquiryView.refill).
"""

import re
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner

SALT = "donations.enquiry-form"
LINK = re.compile(r"https?://|www\.|\[url|<a\s", re.IGNORECASE)
# A bare domain or e-mail address ("prize.example/win", "bit.ly/x", "me@x.example"): mail programs make links of them.
DOMAIN = re.compile(r"[a-z0-9-]\.[a-z]{2,}\b", re.IGNORECASE)


@dataclass
class Stamp:
    """What a form's stamp says: its token, where the visitor came from, and anything wrong with it."""

    token: uuid.UUID = field(default_factory=uuid.uuid4)
    source_path: str = ""
    event_slug: str = ""
    problems: list[str] = field(default_factory=list)
    # Signed by us, but longer ago than DONATION_FORM_MAX_AGE_HOURS: a person may well have left the tab open.
    expired: bool = False


def issue_stamp(token=None, source_path="", event_slug="", refilled=False):
    """
    A signed, timestamped stamp for a freshly served form. `refilled`: the form goes back to someone with what
    they had already typed in it, which they may send again at once, so the "sent too soon" check is left out.
    """
    payload = {"t": str(token or uuid.uuid4()), "p": source_path, "e": event_slug}
    if refilled:
        payload["r"] = 1
    return TimestampSigner(salt=SALT).sign_object(payload)


def read_stamp(value):
    """
    Reads a stamp sent back with a form. A missing or forged one gets a new token (so the enquiry can still be
    stored) and says so in `problems`; an expired or too-young one keeps its token.
    """
    signer = TimestampSigner(salt=SALT)
    if not value:
        return Stamp(problems=["the form's stamp was missing"])
    try:
        payload = signer.unsign_object(value, max_age=settings.DONATION_FORM_MAX_AGE_HOURS * 3600)
        problems, expired = [], False
    except SignatureExpired:
        payload = signer.unsign_object(value)
        problems = [
            f"the form was sent more than {settings.DONATION_FORM_MAX_AGE_HOURS} h after it was served"
        ]
        expired = True
    except (BadSignature, ValueError, UnicodeError):
        return Stamp(problems=["the form's stamp had been tampered with"])
    try:
        token = uuid.UUID(str(payload["t"]))
        source_path = str(payload.get("p", ""))
        event_slug = str(payload.get("e", ""))
    except (KeyError, TypeError, ValueError, AttributeError):
        return Stamp(problems=["the form's stamp had been tampered with"])
    refilled = payload.get("r") == 1
    if not problems and not refilled and _younger_than(signer, value, settings.DONATION_FORM_MIN_SECONDS):
        problems.append(f"the form was sent within {settings.DONATION_FORM_MIN_SECONDS} s of being served")
    return Stamp(
        token=token, source_path=source_path, event_slug=event_slug, problems=problems, expired=expired
    )


def _younger_than(signer, value, seconds):
    """True when the stamp was signed less than `seconds` ago (it still verifies with that maximum age)."""
    try:
        signer.unsign(value, max_age=seconds)
    except SignatureExpired:
        return False
    return True


def count_links(text):
    return len(LINK.findall(text or ""))


def content_problems(name, organisation, message):
    """Why what the person wrote looks like spam: links where no one puts them, or too many of them."""
    problems = []
    if count_links(name) or count_links(organisation):
        problems.append("a link in the name or organisation")
    links = count_links(message)
    if links > settings.DONATION_MAX_LINKS:
        problems.append(f"{links} links in the message")
    return problems


def may_be_echoed(name):
    """
    Whether the donor's acknowledgement may greet them by this name. It goes to an address nobody has
    confirmed, so a name holding a link or a domain would let anyone send our e-mail, carrying their link,
    to anyone: such an enquiry still reaches the team, without the acknowledgement.
    """
    return not (count_links(name) or DOMAIN.search(name or ""))


def honeypot_problems(value):
    return ["the hidden field was filled in"] if value else []
