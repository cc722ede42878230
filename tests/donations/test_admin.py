import csv
import datetime
import html
import importlib
import io
import json
import re

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from donations.admin import safe_cell
from donations.models import DonationEnquiry, StatusChange
from events.models import Event
from safedigital.roles import ADMINISTRATORS
from tests.factories import DonationEnquiryFactory, EventFactory, StaffUserFactory, StatusChangeFactory

from .conftest import grant

pytestmark = pytest.mark.django_db

Status = DonationEnquiry.Status
CHANGELIST = "admin:donations_donationenquiry_changelist"
EXPORT = "admin:donations_donationenquiry_export"


def change_url(enquiry):
    return reverse("admin:donations_donationenquiry_change", args=[enquiry.pk])


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="donation-enquiries-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def run_action(client, action, enquiries, query="", **extra):
    """Runs an admin action on the enquiries, from the changelist as `query` filters it."""
    data = {"action": action, "_selected_action": [enquiry.pk for enquiry in enquiries], **extra}
    return client.post(reverse(CHANGELIST) + query, data)


# Who may use it.


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_the_donations_permissions_cannot_see_enquiries(client):
    enquiry = DonationEnquiryFactory()
    editor = StaffUserFactory(username="editor")
    client.force_login(editor)

    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(change_url(enquiry)).status_code == 403
    assert client.get(reverse(EXPORT)).status_code == 403
    assertNotContains(client.get(reverse("admin:index")), "Donation enquiries")


@pytest.mark.parametrize("who", ["superuser", "fundraiser"])
def test_superuser_and_fundraiser_can_list_view_change_and_export(client, request, who):
    client.force_login(request.getfixturevalue(who))
    enquiry = DonationEnquiryFactory(name="Ana Gómez", organisation="Fundación Horizonte")

    listing = client.get(reverse(CHANGELIST))
    assertContains(listing, f'<a href="{change_url(enquiry)}">Ana Gómez</a>', html=True)
    assertContains(listing, "Fundación Horizonte")

    form = client.get(change_url(enquiry))
    assertContains(form, 'name="status"')
    assertContains(form, "We would like to fund work on safety by design.")

    changed = client.post(
        change_url(enquiry),
        {
            **admin_form_data(enquiry),
            "status": Status.CONTACTED,
            "notes": "Called on Monday.",
            "status_changes-TOTAL_FORMS": "0",
            "status_changes-INITIAL_FORMS": "0",
        },
    )
    assert changed.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.notes) == (Status.CONTACTED, "Called on Monday.")

    exported = read_csv(client.get(reverse(EXPORT)))
    assert [row["Name"] for row in exported] == ["Ana Gómez"]


def test_a_fundraiser_without_the_export_permission_cannot_export(client):
    viewer = grant(StaffUserFactory(username="viewer"), "view_donationenquiry")
    DonationEnquiryFactory()
    client.force_login(viewer)

    listing = client.get(reverse(CHANGELIST))

    assert listing.status_code == 200
    assertNotContains(listing, "as CSV")
    assertNotContains(listing, 'value="export_csv"')
    assert client.get(reverse(EXPORT)).status_code == 403


def test_nobody_adds_enquiries_by_hand(client, superuser):
    client.force_login(superuser)

    assert client.get(reverse("admin:donations_donationenquiry_add")).status_code == 403


# The changelist.


def test_changelist_shows_the_pipeline_and_highlights_overdue_actions(client, fundraiser):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    DonationEnquiryFactory(name="Late", next_action_on=yesterday, owner=fundraiser, status=Status.CONTACTED)
    DonationEnquiryFactory(name="On time", next_action_on=tomorrow)
    DonationEnquiryFactory(name="Closed late", next_action_on=yesterday, status=Status.CLOSED)
    client.force_login(fundraiser)

    response = client.get(reverse(CHANGELIST))

    # Every date in the column reads the same way, overdue or not: "30 November 2026", not "2026-11-30".
    assertContains(
        response,
        f'<td class="field-next_action"><span class="enquiry-overdue">{yesterday.day} {yesterday:%B %Y} (overdue)</span></td>',
        html=True,
        count=1,
    )
    assertContains(
        response, f'<td class="field-next_action">{tomorrow.day} {tomorrow:%B %Y}</td>', html=True, count=1
    )
    assertContains(response, "/static/css/donations-admin.css")
    assertContains(response, '<td class="field-status">Contacted</td>', html=True)
    assertContains(response, '<td class="field-kind">Foundation or trust</td>', html=True)
    assertContains(response, '<td class="field-budget">US$50,000 to US$250,000</td>', html=True)
    assertContains(response, '<td class="field-country">United Kingdom</td>', html=True)


def test_spam_stays_out_of_the_list_until_asked_for(client, fundraiser):
    DonationEnquiryFactory(name="Real donor")
    DonationEnquiryFactory(name="Pill seller", spam=True)
    client.force_login(fundraiser)

    default = client.get(reverse(CHANGELIST))
    spam_only = client.get(reverse(CHANGELIST) + "?spam=yes")
    everything = client.get(reverse(CHANGELIST) + "?spam=all")

    assertContains(default, "Real donor")
    assertNotContains(default, "Pill seller")
    assertNotContains(spam_only, "Real donor")
    assertContains(spam_only, "Pill seller")
    assertContains(everything, "Real donor")
    assertContains(everything, "Pill seller")


def test_show_counts_counts_each_spam_choice_within_the_search_and_filters(client, fundraiser):
    DonationEnquiryFactory(name="Lucía Ramos")
    DonationEnquiryFactory(name="Lucía Vega", status=Status.CONTACTED)
    DonationEnquiryFactory(name="Lucia Pills", spam=True)
    DonationEnquiryFactory(name="Other donor")
    DonationEnquiryFactory(name="Casino", spam=True)
    client.force_login(fundraiser)

    listing = client.get(reverse(CHANGELIST), {"_facets": "True"})
    searched = client.get(reverse(CHANGELIST), {"_facets": "True", "q": "lucia"})
    narrowed = client.get(reverse(CHANGELIST), {"_facets": "True", "q": "lucia", "status__exact": "new"})

    assertContains(listing, '<li class="selected"><a href="?_facets=True">Not spam (3)</a></li>', html=True)
    assertContains(listing, '<li><a href="?_facets=True&amp;spam=yes">Suspected spam (2)</a></li>', html=True)
    assertContains(
        listing, '<li><a href="?_facets=True&amp;spam=all">All, spam included (5)</a></li>', html=True
    )
    assertContains(
        searched, '<li><a href="?_facets=True&amp;q=lucia&amp;spam=no">Not spam (2)</a></li>', html=True
    )
    assertContains(
        searched,
        '<li><a href="?_facets=True&amp;q=lucia&amp;spam=yes">Suspected spam (1)</a></li>',
        html=True,
    )
    assertContains(
        narrowed,
        '<li><a href="?_facets=True&amp;q=lucia&amp;spam=all&amp;status__exact=new">All, spam included (2)</a></li>',
        html=True,
    )
    # Without "Show counts", no counts.
    assertContains(
        client.get(reverse(CHANGELIST)), '<li class="selected"><a href="?">Not spam</a></li>', html=True
    )


def test_a_search_finds_a_donor_wrongly_marked_as_spam_and_says_so(client, fundraiser):
    wrongly = DonationEnquiryFactory(name="Lucía Vega", email="lucia@fundacion.example", spam=True)
    genuine = DonationEnquiryFactory(name="Lucía Ramos")
    client.force_login(fundraiser)

    found = client.get(reverse(CHANGELIST), {"q": "lucia"})

    assert [enquiry.name for enquiry in found.context["cl"].result_list] == ["Lucía Ramos", "Lucía Vega"]
    assertContains(
        found,
        f'<th class="field-who"><a href="{change_url(wrongly)}?_changelist_filters=q%3Dlucia">Lucía Vega '
        '<span class="enquiry-spam">(suspected spam)</span></a></th>',
        html=True,
    )
    assertContains(
        found,
        f'<th class="field-who"><a href="{change_url(genuine)}?_changelist_filters=q%3Dlucia">Lucía Ramos</a></th>',
        html=True,
    )
    # What a search shows by itself is no choice: spam stays out of "select all" until one is made.
    assertContains(found, '<li><a href="?q=lucia&amp;spam=all">All, spam included</a></li>', html=True)
    assertContains(found, '<li><a href="?q=lucia&amp;spam=no">Not spam</a></li>', html=True)
    assertContains(found, '<li><a href="?q=lucia&amp;spam=yes">Suspected spam</a></li>', html=True)
    by_email = client.get(reverse(CHANGELIST), {"q": "LUCIA@fundacion.example"})
    assert [enquiry.name for enquiry in by_email.context["cl"].result_list] == ["Lucía Vega"]
    not_spam = client.get(reverse(CHANGELIST), {"q": "lucia", "spam": "no"})
    assert [enquiry.name for enquiry in not_spam.context["cl"].result_list] == ["Lucía Ramos"]
    assertContains(
        not_spam, '<li class="selected"><a href="?q=lucia&amp;spam=no">Not spam</a></li>', html=True
    )
    listing = client.get(reverse(CHANGELIST))
    assert [enquiry.name for enquiry in listing.context["cl"].result_list] == ["Lucía Ramos"]
    assertContains(listing, '<li class="selected"><a href="?">Not spam</a></li>', html=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status__exact=contacted", ["Contacted"]),
        ("kind__exact=company", ["Company"]),
        ("country=CO", ["Colombian"]),
        ("next_action=overdue", ["Contacted"]),
        ("q=horizonte", ["Colombian"]),
        ("q=COMPANY%40example.org", ["Company"]),
    ],
)
def test_filters_and_search(client, fundraiser, query, expected):
    DonationEnquiryFactory(
        name="Contacted",
        status=Status.CONTACTED,
        next_action_on=timezone.localdate() - datetime.timedelta(days=2),
    )
    DonationEnquiryFactory(name="Company", kind="company", email="company@example.org")
    DonationEnquiryFactory(name="Colombian", country="CO", organisation="Fundación Horizonte")
    client.force_login(fundraiser)

    response = client.get(f"{reverse(CHANGELIST)}?{query}")

    shown = [enquiry.name for enquiry in response.context["cl"].result_list]
    assert shown == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lucia", ["Lucía Vega"]),
        ("LUCÍA VEGA", ["Lucía Vega"]),
        ("fundacion", ["Lucía Vega"]),
        ("gómez", ["Ana Gomez"]),
        ("peña", ["Ana Gomez"]),
        ("мария", ["Мария Петрова"]),
        ("ΕΛΕΝΗ", ["Ελένη Παππά"]),
    ],
)
def test_search_ignores_accents_and_capitals(client, fundraiser, query, expected):
    DonationEnquiryFactory(name="Lucía Vega", organisation="Fundación Horizonte")
    DonationEnquiryFactory(name="Ana Gomez", email="ana@pena.example")
    DonationEnquiryFactory(name="Luca Rossi", organisation="Rossi Trust")
    DonationEnquiryFactory(name="Мария Петрова", organisation="Фонд Надежда")
    DonationEnquiryFactory(name="Ελένη Παππά", organisation="Ίδρυμα Ελπίδα")
    client.force_login(fundraiser)

    response = client.get(reverse(CHANGELIST), {"q": query})

    assert [enquiry.name for enquiry in response.context["cl"].result_list] == expected


def test_filter_for_enquiries_whose_emails_failed(client, fundraiser):
    DonationEnquiryFactory(name="Bounced", notification_error="Team notification: SMTPException: refused")
    DonationEnquiryFactory(name="Told", notified_at=timezone.now(), acknowledged_at=timezone.now())
    DonationEnquiryFactory(name="Spam that bounced", spam=True, notification_error="Acknowledgement: timeout")
    client.force_login(fundraiser)

    everything = client.get(reverse(CHANGELIST))
    problems = client.get(reverse(CHANGELIST) + "?mail=problem")
    spam_problems = client.get(reverse(CHANGELIST) + "?mail=problem&spam=yes")

    assertContains(everything, '<a href="?mail=problem">With an e-mail problem</a>', html=True)
    assert [enquiry.name for enquiry in problems.context["cl"].result_list] == ["Bounced"]
    assert [enquiry.name for enquiry in spam_problems.context["cl"].result_list] == ["Spam that bounced"]


def test_the_list_says_whose_emails_went(client, fundraiser):
    # A person not thanked (too many enquiries from their address in a day) is told apart from one who was.
    now = timezone.now()
    DonationEnquiryFactory(name="Thanked", notified_at=now, acknowledged_at=now)
    DonationEnquiryFactory(name="Not thanked", notified_at=now)
    DonationEnquiryFactory(name="Waiting")
    client.force_login(fundraiser)

    response = client.get(reverse(CHANGELIST))

    rows = {
        enquiry.name: response.context["cl"].model_admin.emails_sent(enquiry)
        for enquiry in response.context["cl"].result_list
    }
    assert rows == {"Thanked": "sent", "Not thanked": "to the team only", "Waiting": "—"}
    assertContains(response, '<td class="field-emails_sent">to the team only</td>', html=True)


def test_filter_by_owner_lists_only_owners(client, fundraiser):
    owner = StaffUserFactory(first_name="Olga", last_name="Owner")
    DonationEnquiryFactory(name="Owned", owner=owner)
    DonationEnquiryFactory(name="Unowned")
    client.force_login(fundraiser)

    response = client.get(f"{reverse(CHANGELIST)}?owner__id__exact={owner.pk}")
    unowned = client.get(f"{reverse(CHANGELIST)}?owner__isnull=True")

    assert [enquiry.name for enquiry in response.context["cl"].result_list] == ["Owned"]
    # The enquiries nobody has taken yet, by that name.
    assertContains(response, '<a href="?owner__isnull=True">No owner</a>', html=True)
    assert [enquiry.name for enquiry in unowned.context["cl"].result_list] == ["Unowned"]


def make_rows(count):
    owner = StaffUserFactory()
    event = EventFactory()
    for _number in range(count):
        enquiry = DonationEnquiryFactory(owner=owner, event=event, next_action_on=timezone.localdate())
        StatusChangeFactory(enquiry=enquiry, changed_by=owner)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", ["", "?q=donor"])
@pytest.mark.parametrize("url_name", [CHANGELIST, EXPORT])
def test_changelist_and_export_make_as_many_queries_for_three_rows_as_for_one(
    client, fundraiser, url_name, query
):
    client.force_login(fundraiser)
    make_rows(1)
    count_queries(client, reverse(url_name) + query)  # warm the session and content types
    one = count_queries(client, reverse(url_name) + query)

    make_rows(2)
    three = count_queries(client, reverse(url_name) + query)

    assert DonationEnquiry.objects.count() == 3
    assert one == three


# Changing an enquiry.


def admin_form_data(enquiry, **changes):
    data = {
        "status": enquiry.status,
        "owner": enquiry.owner_id or "",
        "next_action_on": enquiry.next_action_on or "",
        "notes": enquiry.notes,
        "name": enquiry.name,
        "email": enquiry.email,
        "organisation": enquiry.organisation,
        "country": enquiry.country.code or "",
        "phone": str(enquiry.phone or ""),
        "kind": enquiry.kind,
        "budget": enquiry.budget,
        "spam_reason": enquiry.spam_reason,
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
    }
    if enquiry.is_spam:
        data["is_spam"] = "on"
    data.update(changes)
    return data


def test_changing_the_status_records_who_and_when(client, fundraiser):
    enquiry = DonationEnquiryFactory()
    client.force_login(fundraiser)

    client.post(
        change_url(enquiry), admin_form_data(enquiry, status=Status.IN_DISCUSSION, owner=fundraiser.pk)
    )

    change = StatusChange.objects.get()
    assert (change.from_status, change.to_status, change.changed_by) == (
        Status.NEW,
        Status.IN_DISCUSSION,
        fundraiser,
    )
    history = client.get(change_url(enquiry))
    assertContains(history, "Status history")
    assertContains(history, '<td class="field-to_status"><p>In discussion</p></td>', html=True)


def test_saving_without_a_status_change_records_none(client, fundraiser):
    enquiry = DonationEnquiryFactory()
    client.force_login(fundraiser)

    client.post(change_url(enquiry), admin_form_data(enquiry, notes="Left a voicemail."))

    assert StatusChange.objects.count() == 0
    enquiry.refresh_from_db()
    assert enquiry.notes == "Left a voicemail."


def test_marking_spam_needs_a_reason(client, fundraiser):
    enquiry = DonationEnquiryFactory()
    client.force_login(fundraiser)

    response = client.post(change_url(enquiry), admin_form_data(enquiry, is_spam="on", spam_reason=""))

    assert response.status_code == 200
    assertContains(response, "Say why this looks like spam.", count=1)
    enquiry.refresh_from_db()
    assert enquiry.is_spam is False


def test_internal_notes_have_a_length_limit_said_beside_them(client, fundraiser):
    enquiry = DonationEnquiryFactory(notes="Called on Monday.")
    client.force_login(fundraiser)

    too_long = client.post(change_url(enquiry), admin_form_data(enquiry, notes="x" * 10_001))

    assert too_long.status_code == 200
    assertContains(
        too_long,
        '<ul class="errorlist" id="id_notes_error"><li>Internal notes can be at most 10000 characters long; '
        "these have 10001.</li></ul>",
        html=True,
    )
    assert too_long.context["adminform"].form["notes"].value() == "x" * 10_001  # what was typed is kept
    enquiry.refresh_from_db()
    assert enquiry.notes == "Called on Monday."

    client.post(change_url(enquiry), admin_form_data(enquiry, notes="x" * 10_000))

    enquiry.refresh_from_db()
    assert enquiry.notes == "x" * 10_000


def test_internal_notes_count_each_line_break_once_as_the_fundraiser_does(client, fundraiser):
    """The browser sends line breaks as CRLF: counted twice, notes of 9,999 characters were refused as 10,098."""
    enquiry = DonationEnquiryFactory(notes="Called on Monday.")
    lines = ["x" * 99] * 100  # 9,900 letters and 99 line breaks
    client.force_login(fundraiser)

    response = client.post(change_url(enquiry), admin_form_data(enquiry, notes="\r\n".join(lines)))

    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.notes == "\n".join(lines)
    assert len(enquiry.notes) == 9_999

    client.post(change_url(enquiry), admin_form_data(enquiry, notes="Old Mac\rline break"))

    enquiry.refresh_from_db()
    assert enquiry.notes == "Old Mac\nline break"


def test_notes_stored_with_crlf_and_sent_back_untouched_are_not_a_change(client, fundraiser):
    enquiry = DonationEnquiryFactory(notes="Called on Monday.\r\nSends the report on Friday.")
    client.force_login(fundraiser)

    client.post(change_url(enquiry), admin_form_data(enquiry, status=Status.CONTACTED))

    assert LogEntry.objects.get().get_change_message() == "Changed Status."


def test_notes_stored_longer_than_the_limit_stop_no_other_change_until_edited(client, fundraiser):
    """Notes stored before the limit existed: the status could not be changed until they were shortened."""
    lines = ["x" * 99] * 120  # 11,999 characters, stored with the browser's CRLF as notes were then
    enquiry = DonationEnquiryFactory(notes="\r\n".join(lines))
    client.force_login(fundraiser)

    response = client.post(change_url(enquiry), admin_form_data(enquiry, status=Status.CONTACTED))

    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.notes) == (Status.CONTACTED, "\n".join(lines))

    edited = client.post(change_url(enquiry), admin_form_data(enquiry, notes="x" * 11_000))

    assertContains(
        edited,
        '<ul class="errorlist" id="id_notes_error"><li>Internal notes can be at most 10000 characters long; '
        "these have 11000.</li></ul>",
        html=True,
    )
    enquiry.refresh_from_db()
    assert enquiry.notes == "\n".join(lines)


def test_a_next_action_is_not_set_in_the_past(client, fundraiser):
    enquiry = DonationEnquiryFactory()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    client.force_login(fundraiser)

    response = client.post(
        change_url(enquiry), admin_form_data(enquiry, next_action_on=yesterday.isoformat())
    )

    assert response.status_code == 200
    assertContains(
        response,
        '<ul class="errorlist" id="id_next_action_on_error"><li>Choose today or a later day: a next action in '
        "the past would be overdue at once.</li></ul>",
        html=True,
    )
    enquiry.refresh_from_db()
    assert enquiry.next_action_on is None


def test_a_next_action_today_is_kept(client, fundraiser):
    enquiry = DonationEnquiryFactory()
    client.force_login(fundraiser)

    client.post(
        change_url(enquiry), admin_form_data(enquiry, next_action_on=timezone.localdate().isoformat())
    )

    enquiry.refresh_from_db()
    assert enquiry.next_action_on == timezone.localdate()


def test_an_enquiry_whose_next_action_has_passed_is_saved_with_it(client, fundraiser):
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    enquiry = DonationEnquiryFactory(next_action_on=last_week, status=Status.CONTACTED)
    client.force_login(fundraiser)

    client.post(change_url(enquiry), admin_form_data(enquiry, notes="Left a voicemail."))

    enquiry.refresh_from_db()
    assert (enquiry.notes, enquiry.next_action_on) == ("Left a voicemail.", last_week)


def test_the_owner_is_chosen_among_active_staff(client, fundraiser):
    grant(StaffUserFactory(username="olga", first_name="Olga", last_name="Paz"), "view_donationenquiry")
    grant(StaffUserFactory(username="gone", is_active=False), "view_donationenquiry")
    grant(StaffUserFactory(username="visitor", is_staff=False), "view_donationenquiry")
    client.force_login(fundraiser)

    form = client.get(change_url(DonationEnquiryFactory()))

    owners = [label for _value, label in form.context["adminform"].form.fields["owner"].choices]
    assert "Olga Paz (olga)" in owners
    assert not [label for label in owners if "gone" in label or "visitor" in label]


def test_the_form_says_who_looked_after_an_enquiry_when_they_have_left(client, fundraiser):
    leaver = StaffUserFactory(username="sofia", first_name="Sofía", last_name="Ruiz")
    enquiry = DonationEnquiryFactory(owner=leaver)
    leaver.is_active = False
    leaver.save()
    client.force_login(fundraiser)

    form = client.get(change_url(enquiry))

    assertContains(
        form,
        '<div class="help" id="id_owner_helptext"><div>Sofía Ruiz (sofia) looked after this enquiry but can no '
        "longer work on the enquiries, so cannot be chosen: choose who looks after it now, or saving leaves it "
        "with nobody.</div></div>",
        html=True,
    )


def test_the_name_of_an_owner_who_has_left_is_shown_as_text(client, fundraiser):
    """The admin shows help texts as HTML: a name is written into one, so it must be escaped."""
    leaver = StaffUserFactory(username="max", first_name='<img src=x onerror="alert(1)">', last_name="Ruiz")
    enquiry = DonationEnquiryFactory(owner=leaver)
    leaver.is_active = False
    leaver.save()
    client.force_login(fundraiser)

    form = client.get(change_url(enquiry))

    assertContains(
        form, "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; Ruiz (max) looked after this enquiry"
    )
    assertNotContains(form, '<img src=x onerror="alert(1)">')


def test_only_staff_who_may_open_the_enquiries_are_offered_as_owners_by_name(client, fundraiser):
    """An enquiry given to an editor, who cannot open the enquiries, would be given to nobody."""
    colleague = grant(
        StaffUserFactory(username="lucia", first_name="Lucía", last_name="Vega"), "view_donationenquiry"
    )
    editor = StaffUserFactory(username="eddie")
    enquiry = DonationEnquiryFactory(owner=editor)
    client.force_login(fundraiser)

    form = client.get(change_url(enquiry))

    assertContains(form, f'<option value="{colleague.pk}">Lucía Vega (lucia)</option>', html=True)
    assertContains(
        form, f'<option value="{fundraiser.pk}">{fundraiser.get_full_name()} (fundraiser)</option>', html=True
    )
    assertNotContains(form, f'<option value="{editor.pk}"')
    assertContains(
        form, f"{editor.get_full_name()} (eddie) looked after this enquiry but can no longer work on"
    )


def test_the_form_says_nothing_of_an_owner_who_is_still_here(client, fundraiser):
    client.force_login(fundraiser)

    form = client.get(change_url(DonationEnquiryFactory(owner=fundraiser)))

    assertContains(form, "The member of staff looking after this enquiry.")
    assertNotContains(form, "can no longer work on the enquiries")


def test_an_anonymised_enquiry_is_read_only(client, fundraiser):
    enquiry = DonationEnquiryFactory()
    enquiry.anonymise()
    client.force_login(fundraiser)

    response = client.get(change_url(enquiry))

    assertContains(response, f"Anonymised enquiry #{enquiry.pk}")
    assertNotContains(response, 'name="_save"')
    assert client.post(change_url(enquiry), admin_form_data(enquiry, name="Back")).status_code == 403


# Actions.


def test_bulk_status_change_moves_the_selected_and_records_it(client, fundraiser):
    first, second = DonationEnquiryFactory(), DonationEnquiryFactory(status=Status.CONTACTED)
    untouched = DonationEnquiryFactory()
    client.force_login(fundraiser)

    response = run_action(client, "set_status_contacted", [first, second])

    assert response.status_code == 302
    assert set(DonationEnquiry.objects.values_list("pk", "status")) == {
        (first.pk, Status.CONTACTED),
        (second.pk, Status.CONTACTED),
        (untouched.pk, Status.NEW),
    }
    assert list(StatusChange.objects.values_list("enquiry", "changed_by")) == [(first.pk, fundraiser.pk)]
    assert LogEntry.objects.get().get_change_message() == "Changed Status."
    assertContains(client.get(response["Location"]), "1 enquiry moved to “Contacted”.")


def test_a_status_change_over_all_of_a_search_leaves_suspected_spam_out_and_says_so(client, fundraiser):
    """ "Select all" during a search also selected the spam it reaches, on pages the fundraiser had not seen."""
    first, second = DonationEnquiryFactory(name="Lucía Vega"), DonationEnquiryFactory(name="Lucía Ramos")
    spam = DonationEnquiryFactory(name="Lucia Pills", spam=True)
    other = DonationEnquiryFactory(name="Ana Gómez")
    client.force_login(fundraiser)

    response = run_action(client, "set_status_contacted", [first], query="?q=lucia", select_across="1")

    assert set(DonationEnquiry.objects.values_list("pk", "status")) == {
        (first.pk, Status.CONTACTED),
        (second.pk, Status.CONTACTED),
        (spam.pk, Status.NEW),
        (other.pk, Status.NEW),
    }
    assert set(StatusChange.objects.values_list("enquiry", flat=True)) == {first.pk, second.pk}
    page = client.get(response["Location"])
    assert [(message.level_tag, message.message) for message in page.context["messages"]] == [
        ("success", "2 enquiries moved to “Contacted”."),
        (
            "warning",
            "1 enquiry found by the search is suspected spam and was left out: to change it too, choose "
            "“All, spam included” in the spam filter and select all again, or tick it in the list.",
        ),
    ]


def test_the_warning_about_spam_left_out_speaks_the_language_of_the_admin(client, fundraiser):
    genuine = DonationEnquiryFactory(name="Lucía Vega")
    DonationEnquiryFactory(name="Lucia Pills", spam=True)
    DonationEnquiryFactory(name="Lucia Casino", spam=True)
    client.force_login(fundraiser)

    response = client.post(
        reverse(CHANGELIST) + "?q=lucia",
        {"action": "set_status_contacted", "_selected_action": [genuine.pk], "select_across": "1"},
        headers={"accept-language": "es"},
    )

    messages = client.get(response["Location"], headers={"accept-language": "es"}).context["messages"]
    assert [message.message for message in messages if message.level_tag == "warning"] == [
        "2 consultas encontradas por la búsqueda son posible spam y se dejaron fuera: para cambiarlas también, "
        "elija «Todas, incluido el spam» en el filtro de spam y vuelva a seleccionar todas, o márquelas en la lista."
    ]


def test_a_status_change_reaches_spam_in_a_search_when_it_is_ticked_or_its_filter_chosen(client, fundraiser):
    genuine = DonationEnquiryFactory(name="Lucía Vega")
    ticked = DonationEnquiryFactory(name="Lucia Pills", spam=True)
    chosen = DonationEnquiryFactory(name="Lucia Casino", spam=True)
    client.force_login(fundraiser)

    one_by_one = run_action(client, "set_status_closed", [ticked], query="?q=lucia")
    told_one_by_one = client.get(one_by_one["Location"]).context["messages"]
    spam_filter = run_action(
        client, "set_status_closed", [chosen], query="?q=lucia&spam=yes", select_across="1"
    )
    told_spam_filter = client.get(spam_filter["Location"]).context["messages"]

    assert set(DonationEnquiry.objects.values_list("pk", "status")) == {
        (genuine.pk, Status.NEW),
        (ticked.pk, Status.CLOSED),
        (chosen.pk, Status.CLOSED),
    }
    assert [message.message for message in told_one_by_one] == ["1 enquiry moved to “Closed”."]
    assert [message.message for message in told_spam_filter] == ["1 enquiry moved to “Closed”."]


def test_all_spam_included_chosen_during_a_search_is_what_select_all_changes(client, fundraiser):
    """
    The search's own showing was "All, spam included", so choosing it took spam=all out of the address: "select
    all" then still left the spam out, and the warning said to choose "Suspected spam".
    """
    genuine = DonationEnquiryFactory(name="Lucía Vega")
    spam = DonationEnquiryFactory(name="Lucia Pills", spam=True)
    other_spam = DonationEnquiryFactory(name="Ana Casino", spam=True)
    client.force_login(fundraiser)
    search = client.get(reverse(CHANGELIST), {"q": "lucia"})
    # The link the fundraiser follows, as the page writes it.
    all_included = html.unescape(
        re.search(r'<a href="([^"]*)">All, spam included</a>', search.content.decode())[1]
    )

    chosen = client.get(reverse(CHANGELIST) + all_included)
    response = run_action(client, "set_status_contacted", [genuine], query=all_included, select_across="1")

    assert {enquiry.name for enquiry in chosen.context["cl"].result_list} == {"Lucía Vega", "Lucia Pills"}
    assertContains(
        chosen, '<li class="selected"><a href="?q=lucia&amp;spam=all">All, spam included</a></li>', html=True
    )
    assertContains(chosen, '<li><a href="?q=lucia&amp;spam=no">Not spam</a></li>', html=True)
    assert set(DonationEnquiry.objects.values_list("pk", "status")) == {
        (genuine.pk, Status.CONTACTED),
        (spam.pk, Status.CONTACTED),
        (other_spam.pk, Status.NEW),
    }
    page = client.get(response["Location"])
    assert [(message.level_tag, message.message) for message in page.context["messages"]] == [
        ("success", "2 enquiries moved to “Contacted”.")
    ]
    assertContains(
        page, '<li class="selected"><a href="?q=lucia&amp;spam=all">All, spam included</a></li>', html=True
    )


def test_every_status_but_new_has_a_bulk_action(client, fundraiser):
    DonationEnquiryFactory()
    client.force_login(fundraiser)

    actions = dict(client.get(reverse(CHANGELIST)).context["action_form"].fields["action"].choices)

    assert [name for name in actions if name.startswith("set_status_")] == [
        "set_status_contacted",
        "set_status_in_discussion",
        "set_status_committed",
        "set_status_declined",
        "set_status_closed",
    ]


def test_mark_not_spam_brings_an_enquiry_back_into_the_pipeline(client, fundraiser):
    caught = DonationEnquiryFactory(name="Real after all", spam=True)
    client.force_login(fundraiser)

    response = run_action(client, "mark_not_spam", [caught], query="?spam=yes")

    caught.refresh_from_db()
    assert caught.is_spam is False
    assertContains(client.get(response["Location"]), "1 enquiry marked as not spam.")
    assertContains(client.get(reverse(CHANGELIST)), "Real after all")


def test_mark_not_spam_tells_the_team_after_commit_but_does_not_thank_the_person(
    client, fundraiser, django_capture_on_commit_callbacks
):
    caught = DonationEnquiryFactory(
        spam=True, organisation="Fundación Horizonte", email="ana@fundacion.example", kind="foundation"
    )
    told_before = DonationEnquiryFactory(
        spam=True, notified_at=timezone.now()
    )  # marked as spam after the e-mail
    anonymised = DonationEnquiryFactory(spam=True)
    DonationEnquiry.objects.filter(pk=anonymised.pk).anonymise()  # nobody left to reply to
    client.force_login(fundraiser)

    with django_capture_on_commit_callbacks() as callbacks:
        response = run_action(client, "mark_not_spam", [caught, told_before, anonymised], query="?spam=yes")
        assert mail.outbox == []  # nothing goes out before the change is committed
    for callback in callbacks:
        callback()

    assert [(message.to, message.reply_to, message.subject) for message in mail.outbox] == [
        (
            ["fundraising@safedigital.example"],
            ["ana@fundacion.example"],
            "[Safe Digital] New enquiry: Foundation or trust, Fundación Horizonte",
        )
    ]
    assert f"/admin/donations/donationenquiry/{caught.pk}/change/" in mail.outbox[0].body
    caught.refresh_from_db()
    assert caught.notified_at is not None
    assert caught.acknowledged_at is None
    page = client.get(response["Location"])
    assertContains(
        page,
        "3 enquiries marked as not spam. The fundraising team is e-mailed about 1 enquiry, as about a new one. "
        "No acknowledgement is sent to the people who wrote (it goes out only when an enquiry arrives): reply "
        "to them yourself.",
    )


def test_unticking_spam_in_the_form_tells_the_team_too(
    client, fundraiser, django_capture_on_commit_callbacks
):
    caught = DonationEnquiryFactory(spam=True)
    client.force_login(fundraiser)
    data = admin_form_data(caught)
    del data["is_spam"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url(caught), data)

    caught.refresh_from_db()
    assert caught.is_spam is False
    assert [message.to for message in mail.outbox] == [["fundraising@safedigital.example"]]
    assert caught.acknowledged_at is None


def test_mark_spam_records_who_did_it(client, fundraiser):
    enquiry = DonationEnquiryFactory()
    client.force_login(fundraiser)

    run_action(client, "mark_spam", [enquiry])

    enquiry.refresh_from_db()
    assert (enquiry.is_spam, enquiry.spam_reason) == (True, "marked as spam by fundraiser")


# CSV export.


def test_csv_export_of_the_selection_escapes_formulas(client, fundraiser):
    risky = DonationEnquiryFactory(
        name='=HYPERLINK("http://evil.example","Click")',
        organisation="@SUM(A1:A9)",
        phone="+441632960961",
        message="-2+3",
        notes="\tTabbed",
        owner=fundraiser,
        event=EventFactory(title="Safe Digital Futures"),
    )
    DonationEnquiryFactory(name="Not selected")
    client.force_login(fundraiser)

    rows = read_csv(run_action(client, "export_csv", [risky]))

    assert len(rows) == 1
    row = rows[0]
    assert row["Name"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row["Organisation"] == "'@SUM(A1:A9)"
    assert row["Phone"] == "'+441632960961"
    assert row["Message"] == "'-2+3"
    assert row["Internal notes"] == "'\tTabbed"
    assert row["E-mail"] == risky.email
    assert row["Owner"] == f"{fundraiser.get_full_name()} (fundraiser)"  # as the owner select names them
    assert row["Event"] == "Safe Digital Futures"
    assert row["Status"] == "New"
    assert row["Kind of support"] == "Foundation or trust"
    assert row["Country"] == "United Kingdom"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\nx", "'\nx"),
        (" =1+1", "' =1+1"),
        ("\n=cmd", "'\n=cmd"),
        ("  @SUM(A1)", "'  @SUM(A1)"),
        ("\u00a0-2", "'\u00a0-2"),
        (" +1", "' +1"),
        ("Plain", "Plain"),
        (" Plain", " Plain"),
        ("a =b", "a =b"),
        ("a=b", "a=b"),
        (None, ""),
        (42, "42"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_export_button_exports_exactly_what_the_filters_show(client, fundraiser):
    DonationEnquiryFactory(name="Contacted company", status=Status.CONTACTED, kind="company")
    DonationEnquiryFactory(name="Contacted foundation", status=Status.CONTACTED)
    DonationEnquiryFactory(name="New company", kind="company")
    DonationEnquiryFactory(name="Spam company", status=Status.CONTACTED, kind="company", spam=True)
    client.force_login(fundraiser)
    query = "?kind__exact=company&status__exact=contacted"

    listing = client.get(reverse(CHANGELIST) + query)
    assertContains(
        listing,
        f'<a href="{reverse(EXPORT)}{query}" class="viewlink">Export this 1 enquiry as CSV</a>',
        html=True,
    )
    rows = read_csv(client.get(reverse(EXPORT) + query))

    assert [row["Name"] for row in rows] == ["Contacted company"]
    assert [row["Name"] for row in read_csv(client.get(reverse(EXPORT) + "?spam=yes"))] == ["Spam company"]
    assert len(read_csv(client.get(reverse(EXPORT)))) == 3


@pytest.mark.parametrize(
    ("sort", "expected"), [("1", ["Ana", "Bruno", "Carla"]), ("-1", ["Carla", "Bruno", "Ana"])]
)
def test_the_export_is_in_the_order_of_the_list(client, fundraiser, sort, expected):
    bruno = DonationEnquiryFactory(name="Bruno")
    ana = DonationEnquiryFactory(name="Ana")
    carla = DonationEnquiryFactory(name="Carla")
    client.force_login(fundraiser)
    query = f"?o={sort}"

    listing = client.get(reverse(CHANGELIST) + query)
    everything = read_csv(client.get(reverse(EXPORT) + query))
    selected = read_csv(run_action(client, "export_csv", [ana, bruno, carla], query=query))

    assert [enquiry.name for enquiry in listing.context["cl"].result_list] == expected
    assert [row["Name"] for row in everything] == expected
    assert [row["Name"] for row in selected] == expected


def test_the_export_speaks_the_language_of_the_admin(client, fundraiser):
    enquiry = DonationEnquiryFactory(
        name="Ana Gómez",
        email="ana@fundacion.example",
        organisation="Fundación Horizonte",
        country="CO",
        message="Queremos hablar.",
        newsletter_opt_in=True,
        language="es",
    )
    client.force_login(fundraiser)

    response = client.get(reverse(EXPORT), headers={"accept-language": "es"})

    text = b"".join(response.streaming_content).decode("utf-8")
    received = timezone.localtime(enquiry.created_at).strftime("%Y-%m-%d %H:%M")
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        [
            "ID",
            "Recibida",
            "Estado",
            "Tipo de apoyo",
            "Presupuesto",
            "Nombre",
            "Correo electrónico",
            "Organización",
            "País",
            "Teléfono",
            "Mensaje",
            "Quiere el boletín",
            "Responsable",
            "Próxima acción",
            "Notas internas",
            "Posible spam",
            "Por qué parece spam",
            "Enviada desde la página",
            "Evento",
            "Idioma",
        ],
        [
            str(enquiry.pk),
            received,
            "Nuevo",
            "Fundación o fideicomiso",
            "De 50\xa0000 a 250\xa0000 US$",  # a space that never breaks
            "Ana Gómez",
            "ana@fundacion.example",
            "Fundación Horizonte",
            "Colombia",
            "",
            "Queremos hablar.",
            "sí",
            "",
            "",
            "",
            "no",
            "",
            "",
            "",
            "es",
        ],
    ]


def test_export_with_a_broken_filter_goes_back_to_the_list(client, fundraiser):
    client.force_login(fundraiser)

    response = client.get(reverse(EXPORT) + "?no_such_field=1")

    assert response.status_code == 302
    assert response["Location"] == reverse(CHANGELIST)


# Subject access and erasure.


def test_subject_access_exports_everything_held_about_the_address(client, fundraiser):
    first = DonationEnquiryFactory(email="Ana@Fundacion.example", notes="Keen on safety by design.")
    StatusChangeFactory(enquiry=first, changed_by=fundraiser)
    second = DonationEnquiryFactory(email="ana@fundacion.example", message="Following up.")
    DonationEnquiryFactory(email="someone@else.example")
    client.force_login(fundraiser)

    response = run_action(client, "export_subject_access", [second])

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="subject-access-')
    data = json.loads(response.content)
    assert data["e-mail addresses"] == ["ana@fundacion.example"]
    assert [record["e-mail"] for record in data["enquiries"]] == [
        "Ana@Fundacion.example",
        "ana@fundacion.example",
    ]
    assert data["enquiries"][0]["internal notes"] == "Keen on safety by design."
    assert data["enquiries"][0]["status history"][0]["to"] == "Contacted"
    assert data["enquiries"][1]["message"] == "Following up."
    assert "someone@else.example" not in response.content.decode()


def test_a_look_alike_address_reaches_no_one_elses_enquiries(client, fundraiser):
    # "gmaıl" with a dotless i shares its capitals with "gmail": the database's match alone took it for the same.
    victim = DonationEnquiryFactory(email="victim@gmail.com", message="My phone number is private.")
    asker = DonationEnquiryFactory(email="victim@gmaıl.com", message="Send me what you hold.")
    client.force_login(fundraiser)

    download = run_action(client, "export_subject_access", [asker])
    confirmation = run_action(client, "erase_personal_data", [asker])

    assert [record["message"] for record in json.loads(download.content)["enquiries"]] == [
        "Send me what you hold."
    ]
    assertContains(confirmation, "This erases the personal data of 1 enquiry sent from these addresses:")
    run_action(client, "erase_personal_data", [asker], confirm="yes")
    victim.refresh_from_db()
    assert victim.anonymised_at is None and victim.message == "My phone number is private."


def test_erasure_asks_first_then_anonymises_every_enquiry_from_the_address(client, fundraiser):
    first = DonationEnquiryFactory(email="ana@fundacion.example", name="Ana")
    second = DonationEnquiryFactory(email="ANA@fundacion.example", name="Ana again")
    other = DonationEnquiryFactory(email="someone@else.example", name="Someone")
    client.force_login(fundraiser)

    confirmation = run_action(client, "erase_personal_data", [first])

    assertContains(confirmation, "This erases the personal data of 2 enquiries sent from these addresses:")
    assertContains(confirmation, "<li>ana@fundacion.example</li>", html=True)
    assert DonationEnquiry.objects.filter(anonymised_at__isnull=False).count() == 0

    done = run_action(client, "erase_personal_data", [first], confirm="yes")

    assert done.status_code == 302
    for enquiry in (first, second):
        enquiry.refresh_from_db()
        assert (enquiry.name, enquiry.email, enquiry.message) == ("", "", "")
        assert enquiry.anonymised_at is not None
    other.refresh_from_db()
    assert other.name == "Someone"
    assert set(LogEntry.objects.values_list("object_repr", flat=True)) == {
        f"Anonymised enquiry #{first.pk}",
        f"Anonymised enquiry #{second.pk}",
    }
    assertContains(client.get(done["Location"]), "The personal data of 2 enquiries was erased.")


def test_erasure_needs_the_delete_permission(client):
    viewer = grant(StaffUserFactory(), "view_donationenquiry", "change_donationenquiry")
    enquiry = DonationEnquiryFactory()
    client.force_login(viewer)

    actions = dict(client.get(reverse(CHANGELIST)).context["action_form"].fields["action"].choices)
    run_action(client, "erase_personal_data", [enquiry], confirm="yes")

    assert "erase_personal_data" not in actions
    enquiry.refresh_from_db()
    assert enquiry.anonymised_at is None


def test_the_admin_log_names_enquiries_by_number_so_no_other_staff_read_a_donor(
    client, fundraiser, superuser
):
    kept = DonationEnquiryFactory(name="Ana María Gómez", organisation="Fundación Horizonte")
    deleted = DonationEnquiryFactory(name="Jane Philanthropist", organisation="Family Trust")
    client.force_login(fundraiser)
    changelist = reverse("admin:donations_donationenquiry_changelist")
    client.post(changelist, {"action": "set_status_contacted", "_selected_action": [kept.pk]})
    client.post(reverse("admin:donations_donationenquiry_delete", args=[deleted.pk]), {"post": "yes"})

    assert sorted(LogEntry.objects.values_list("object_repr", flat=True)) == [
        f"Enquiry #{kept.pk}",
        f"Enquiry #{deleted.pk}",
    ]
    administrator = StaffUserFactory(username="administrator")
    administrator.groups.add(Group.objects.get(name=ADMINISTRATORS))
    client.force_login(administrator)
    page = client.get(reverse("admin:auth_user_delete", args=[fundraiser.pk]))
    assert page.status_code == 200
    assert f"Enquiry #{kept.pk}" in page.content.decode()
    assert "Ana María" not in page.content.decode()
    assert "Jane" not in page.content.decode()


def test_names_already_in_the_admin_log_are_replaced_by_numbers(fundraiser):
    migration = importlib.import_module("donations.migrations.0002_enquiry_numbers_in_admin_log")
    enquiry = DonationEnquiryFactory(anonymised_at=None)
    anonymised = DonationEnquiryFactory()
    for pk, name in [
        (enquiry.pk, "Ana María Gómez (Fundación Horizonte)"),
        (anonymised.pk, "Anonymised enquiry #7"),
    ]:
        LogEntry.objects.create(
            user=fundraiser,
            content_type=ContentType.objects.get_for_model(DonationEnquiry),
            object_id=str(pk),
            object_repr=name,
            action_flag=CHANGE,
        )
    LogEntry.objects.create(
        user=fundraiser,
        content_type=ContentType.objects.get_for_model(Event),
        object_id="1",
        object_repr="Safe Digital Futures",
        action_flag=CHANGE,
    )

    migration.number_the_enquiries(apps, None)

    assert list(LogEntry.objects.order_by("pk").values_list("object_repr", flat=True)) == [
        f"Enquiry #{enquiry.pk}",
        "Anonymised enquiry #7",
        "Safe Digital Futures",
    ]


def test_the_enquirys_event_leads_a_fundraiser_to_its_public_page_not_to_a_forbidden_one(client, fundraiser):
    event = EventFactory(title="Safe Digital Futures", slug="safe-digital-futures")
    draft = EventFactory(title="Next summit", draft=True)
    client.force_login(fundraiser)

    published = client.get(change_url(DonationEnquiryFactory(event=event)))
    unpublished = client.get(change_url(DonationEnquiryFactory(event=draft)))

    assertNotContains(published, reverse("admin:events_event_change", args=[event.pk]))
    assertContains(published, f'<a href="{event.get_absolute_url()}">Safe Digital Futures</a>', html=True)
    assertNotContains(unpublished, reverse("admin:events_event_change", args=[draft.pk]))
    assertContains(unpublished, "Next summit")
    assert client.get(reverse("admin:events_event_change", args=[event.pk])).status_code == 403
