"""
The staff roles, walked as a matrix: each role × each admin model × view / add / change / delete, plus the
enquiries' CSV export and the media mentions' CSV import; and every public page as an anonymous visitor.

The expected rights are written out by hand below, not derived from safedigital.roles: a change to the
roles that widens what someone may do has to be made here too, on purpose.
"""

import itertools

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safedigital.roles import ADMINISTRATORS, EDITORS, FUNDRAISING
from tests import factories

pytestmark = pytest.mark.django_db

SUPERUSER = "superuser"
ROLES = (EDITORS, FUNDRAISING, ADMINISTRATORS, SUPERUSER)
ALL = "view add change delete"
NOTHING = ""

# What each role may do with each admin model, written out. Columns: Editors, Fundraising, Administrators,
# superuser. The superuser column shows what the admin offers nobody (no one adds an enquiry or a lock-out).
# fmt: off
MATRIX = {
    "auth.Group":                     (NOTHING, NOTHING,                       ALL,                  ALL),
    "auth.User":                      (NOTHING, NOTHING,                       ALL,                  ALL),
    "axes.AccessAttempt":             (NOTHING, NOTHING,                       "view change delete", "view change delete"),
    "axes.AccessFailureLog":          (NOTHING, NOTHING,                       "view change delete", "view change delete"),
    "axes.AccessLog":                 (NOTHING, NOTHING,                       "view change delete", "view change delete"),
    "django_tasks_database.DBTaskResult":   (NOTHING, NOTHING,                       "view",               "view"),
    "donations.DonationEnquiry":      (NOTHING, "view change delete export",   NOTHING,              "view change delete export"),
    "events.CountryPledge":           (ALL,     NOTHING,                       NOTHING,              ALL),
    "events.Event":                   (ALL,     NOTHING,                       NOTHING,              ALL),
    "events.Gallery":                 (ALL,     NOTHING,                       NOTHING,              ALL),
    "events.Organisation":            (ALL,     NOTHING,                       NOTHING,              ALL),
    "events.Resource":                (ALL,     NOTHING,                       NOTHING,              ALL),
    "events.Session":                 (ALL,     NOTHING,                       NOTHING,              ALL),
    "events.Speaker":                 (ALL,     NOTHING,                       NOTHING,              ALL),
    "events.Theme":                   (ALL,     NOTHING,                       NOTHING,              ALL),
    "events.Video":                   (ALL,     NOTHING,                       NOTHING,              ALL),
    "media_coverage.CoverageFigures": (ALL,     NOTHING,                       NOTHING,              ALL),
    "media_coverage.MediaMention":    (ALL + " import", NOTHING,               NOTHING,              ALL + " import"),
    "media_coverage.Outlet":          (ALL,     NOTHING,                       NOTHING,              ALL),
    "media_coverage.SocialFigures":   (ALL,     NOTHING,                       NOTHING,              ALL),
}
# fmt: on
ACTIONS = ["view", "add", "change", "delete"]
# The models with an action of their own, and the URL name it has.
EXTRA_ACTIONS = {
    "donations.DonationEnquiry": {"export": "admin:donations_donationenquiry_export"},
    "media_coverage.MediaMention": {"import": "admin:media_coverage_mediamention_import"},
}

numbers = itertools.count()
ROWS = {
    "auth.Group": lambda: Group.objects.create(name=f"Volunteers {next(numbers)}"),
    "auth.User": factories.StaffUserFactory,
    "axes.AccessAttempt": lambda: AccessAttempt.objects.create(
        **axes_row(), get_data="", post_data="username=locked", failures_since_start=5
    ),
    "axes.AccessFailureLog": lambda: AccessFailureLog.objects.create(**axes_row(), locked_out=True),
    "axes.AccessLog": lambda: AccessLog.objects.create(**axes_row()),
    "django_tasks_database.DBTaskResult": lambda: DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="donations.tasks.send_enquiry_emails",
        backend_name="default",
        run_after=timezone.now(),
    ),
    "donations.DonationEnquiry": lambda: factories.DonationEnquiryFactory(organisation="Acme Foundation"),
    "events.CountryPledge": factories.CountryPledgeFactory,
    "events.Event": factories.EventFactory,
    "events.Gallery": factories.GalleryFactory,
    "events.Organisation": factories.OrganisationFactory,
    "events.Resource": factories.ResourceFactory,
    "events.Session": factories.SessionFactory,
    "events.Speaker": factories.SpeakerFactory,
    "events.Theme": factories.ThemeFactory,
    "events.Video": factories.VideoFactory,
    "media_coverage.CoverageFigures": factories.CoverageFiguresFactory,
    "media_coverage.MediaMention": factories.MediaMentionFactory,
    "media_coverage.Outlet": factories.OutletFactory,
    "media_coverage.SocialFigures": factories.SocialFiguresFactory,
}


def axes_row():
    return {
        "username": f"locked-{next(numbers)}",
        "ip_address": "203.0.113.5",
        "user_agent": "pytest",
        "http_accept": "*/*",
        "path_info": "/admin/login/",
    }


@pytest.fixture
def staff(django_user_model):
    def make(role):
        if role == SUPERUSER:
            return django_user_model.objects.create_superuser("root", "root@example.org", "x")
        user = django_user_model.objects.create_user(f"user-{role}", password="x", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


def test_matrix_names_every_admin_model():
    assert sorted(MATRIX) == sorted(model._meta.label for model in admin.site._registry)
    assert sorted(ROWS) == sorted(MATRIX)


def allowed_actions(client, label):
    """What the logged-in user can actually do with one model in the admin, each action on a fresh row."""
    app_label, model_name = label.lower().split(".")
    url = f"admin:{app_label}_{model_name}_%s"
    done = set()

    if client.get(reverse(url % "changelist")).status_code == 200:
        done.add("view")
    if client.get(reverse(url % "add")).status_code == 200:
        done.add("add")

    row = ROWS[label]()
    change = client.get(reverse(url % "change", args=[row.pk]))
    if change.status_code == 200 and change.context["has_change_permission"]:
        done.add("change")
    else:
        assert change.status_code in {200, 403}

    row = ROWS[label]()
    delete = client.post(reverse(url % "delete", args=[row.pk]), {"post": "yes"})
    gone = not type(row).objects.filter(pk=row.pk).exists()
    assert (delete.status_code == 302) == gone, delete.status_code
    if gone:
        done.add("delete")
    else:
        assert delete.status_code == 403

    for action, name in EXTRA_ACTIONS.get(label, {}).items():
        response = client.get(reverse(name))
        assert response.status_code in {200, 403}
        if response.status_code == 200:
            done.add(action)
            if action == "export":
                assert "Acme Foundation" in b"".join(response.streaming_content).decode()
    return done


@pytest.mark.parametrize("label", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_does_exactly_what_the_matrix_says(client, staff, role, label):
    client.force_login(staff(role))

    assert allowed_actions(client, label) == set(MATRIX[label][ROLES.index(role)].split())


@pytest.mark.parametrize(
    ("role", "unlocked"), [(ADMINISTRATORS, True), (EDITORS, False), (FUNDRAISING, False)]
)
def test_only_administrators_unlock_a_locked_out_login(client, staff, django_user_model, role, unlocked):
    django_user_model.objects.create_user("locked-out", password="right-password-123", is_staff=True)
    visitor = type(client)()

    def log_in(password):
        return visitor.post(reverse("admin:login"), {"username": "locked-out", "password": password})

    for _ in range(5):
        log_in("wrong")
    attempt = AccessAttempt.objects.get(username="locked-out")
    client.force_login(staff(role))

    opened = client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk]))
    deleted = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    after = log_in("right-password-123")

    if unlocked:
        assert (opened.status_code, deleted.status_code, after.status_code) == (200, 302, 302)
        assert "locked-out" in opened.content.decode()
        assert not AccessAttempt.objects.filter(username="locked-out").exists()
    else:
        assert (opened.status_code, deleted.status_code, after.status_code) == (403, 403, 429)
        assert "This login is locked" in after.content.decode()


def test_roles_exist_after_migrate():
    Group.objects.all().delete()

    call_command("migrate", verbosity=0)

    assert set(Group.objects.values_list("name", flat=True)) >= {EDITORS, FUNDRAISING, ADMINISTRATORS}


def test_roles_are_restored_when_changed_by_hand():
    editors = Group.objects.get(name=EDITORS)
    editors.permissions.clear()

    call_command("migrate", verbosity=0)

    assert editors.permissions.filter(codename="change_event").exists()
    assert not editors.permissions.filter(content_type__app_label="donations").exists()


def test_editors_never_see_enquiries_in_the_admin_index(client, staff):
    client.force_login(staff(EDITORS))

    content = client.get(reverse("admin:index")).content.decode()

    assert "Events" in content
    assert "Donation" not in content
    assert "Users" not in content


@pytest.fixture
def public_site():
    event = factories.EventFactory(title="Bogotá Summit 2024", slug="bogota-2024")
    factories.ParticipationFactory(
        session__event=event, speaker=factories.SpeakerFactory(full_name="Ana Pérez", slug="ana-perez")
    )
    factories.CountryPledgeFactory(event=event, commitment="Pass a law on online child protection.")
    factories.MediaMentionFactory(event=event, headline="Ministers pledge action on online harm")
    return event


# Every public address, and something a visitor must find there.
PUBLIC_PAGES = {
    "/": "Every child safe in the digital world",
    "/events/": "Bogotá Summit 2024",
    "/events/bogota-2024/": "Bogotá Summit 2024",
    "/events/bogota-2024/coverage/": "Ministers pledge action on online harm",
    "/speakers/ana-perez/": "Ana Pérez",
    "/pledges/": "Pass a law on online child protection.",
    "/lets-chat/": "<h1>We'd love to have a chat</h1>",
    "/lets-chat/thank-you/": "Thank you for getting in touch",
    "/privacy/": "Privacy notice",
    "/.well-known/security.txt": "Contact: mailto:security@safedigital.example",
    "/healthz": '"status": "ok"',
}


@pytest.mark.parametrize("path", list(PUBLIC_PAGES))
def test_every_public_page_answers_an_anonymous_visitor(client, public_site, path):
    response = client.get(path)

    assert response.status_code == 200
    assert PUBLIC_PAGES[path] in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={reverse('admin:index')}"
