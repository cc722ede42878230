"""
Staff accounts in the admin: Administrators manage staff, but cannot make anyone a superuser, grant single
permissions, change what a group may do, raise their own rights or take over a superuser's account; the
fundraising team is told whenever an account is given access to donors' data or such an account's password is set.
"""

import logging
import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from simple_history.admin import SimpleHistoryAdmin

from safedigital.roles import ADMINISTRATORS, EDITORS, FUNDRAISING, sync_roles
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(django_user_model):
    user = django_user_model.objects.create_user("ada", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=ADMINISTRATORS))
    return user


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("eddie", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


@pytest.fixture
def boss(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.org", "x")


def donor_data_permissions():
    return list(Permission.objects.filter(content_type__app_label="donations").values_list("pk", flat=True))


def change_user(client, user, **changes):
    """POST the user's change form as the admin renders it, with `changes` on top."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "groups": list(user.groups.values_list("pk", flat=True)),
        "date_joined_0": user.date_joined.date().isoformat(),
        "date_joined_1": "00:00:00",
        "last_login_0": "",
        "last_login_1": "",
    } | changes
    return client.post(reverse("admin:auth_user_change", args=[user.pk]), data)


@pytest.mark.parametrize("target", ["administrator", "editor"])
def test_administrator_cannot_make_anyone_a_superuser_or_grant_permissions(
    client, request, administrator, target
):
    user = request.getfixturevalue(target)
    client.force_login(administrator)

    response = change_user(
        client, user, first_name="Changed", is_superuser="on", user_permissions=donor_data_permissions()
    )

    assert response.status_code == 302  # the form was saved: only the rights were left out
    user.refresh_from_db()
    assert user.first_name == "Changed"
    assert user.is_superuser is False
    assert list(user.user_permissions.all()) == []
    assert not user.has_perm("donations.view_donationenquiry")


def test_administrator_cannot_give_themselves_another_role(client, administrator):
    client.force_login(administrator)

    change_user(client, administrator, groups=[Group.objects.get(name=FUNDRAISING).pk])

    assert list(administrator.groups.values_list("name", flat=True)) == [ADMINISTRATORS]


def test_administrator_assigns_the_three_roles_to_other_staff_and_nothing_else(client, administrator, editor):
    Group.objects.create(name="Everything").permissions.set(Permission.objects.all())
    client.force_login(administrator)

    form = client.get(reverse("admin:auth_user_change", args=[editor.pk])).context["adminform"].form
    response = change_user(client, editor, groups=[Group.objects.get(name=FUNDRAISING).pk])

    assert sorted(form.fields["groups"].queryset.values_list("name", flat=True)) == [
        ADMINISTRATORS,
        EDITORS,
        FUNDRAISING,
    ]
    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields
    assert response.status_code == 302
    assert list(editor.groups.values_list("name", flat=True)) == [FUNDRAISING]


def test_administrator_cannot_take_over_a_superuser_account(client, administrator, boss):
    client.force_login(administrator)

    password = client.post(
        reverse("admin:auth_user_password_change", args=[boss.pk]),
        {"password1": "taken-over-password-123", "password2": "taken-over-password-123"},
    )
    change = change_user(client, boss, email="attacker@example.org")
    delete = client.post(reverse("admin:auth_user_delete", args=[boss.pk]), {"post": "yes"})

    assert (password.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    boss.refresh_from_db()
    assert boss.check_password("x")
    assert boss.email == "boss@example.org"


def test_administrator_cannot_change_what_a_group_may_do(client, administrator):
    administrators = Group.objects.get(name=ADMINISTRATORS)
    before = set(administrators.permissions.values_list("pk", flat=True))
    client.force_login(administrator)

    response = client.post(
        reverse("admin:auth_group_change", args=[administrators.pk]),
        {"name": ADMINISTRATORS, "permissions": donor_data_permissions()},
    )

    assert response.status_code == 302
    assert set(administrators.permissions.values_list("pk", flat=True)) == before


def test_administrator_cannot_gain_a_role_by_renaming_or_deleting_role_groups(client, administrator):
    client.force_login(administrator)
    fundraising = Group.objects.get(name=FUNDRAISING)
    own = Group.objects.get(name=ADMINISTRATORS)
    client.post(reverse("admin:auth_group_change", args=[fundraising.pk]), {"name": "Old fundraising"})
    client.post(reverse("admin:auth_group_change", args=[own.pk]), {"name": FUNDRAISING})
    deleted = client.post(reverse("admin:auth_group_delete", args=[fundraising.pk]), {"post": "yes"})

    assert deleted.status_code == 403
    assert set(Group.objects.values_list("name", flat=True)) == {EDITORS, FUNDRAISING, ADMINISTRATORS}
    sync_roles()
    assert not type(administrator).objects.get(pk=administrator.pk).has_perm("donations.view_donationenquiry")
    other = Group.objects.create(name="Volunteers")
    renamed = client.post(reverse("admin:auth_group_change", args=[other.pk]), {"name": "Event volunteers"})
    assert renamed.status_code == 302
    assert Group.objects.filter(name="Event volunteers").exists()


def test_superuser_may_rename_a_role_group(client, boss):
    client.force_login(boss)
    editors = Group.objects.get(name=EDITORS)

    client.post(reverse("admin:auth_group_change", args=[editors.pk]), {"name": "Editors (old)"})

    assert Group.objects.filter(pk=editors.pk, name="Editors (old)").exists()


def test_superuser_still_grants_superuser_status_and_permissions(client, boss, editor):
    client.force_login(boss)

    response = change_user(client, editor, is_superuser="on", user_permissions=donor_data_permissions())

    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.is_superuser is True
    assert editor.user_permissions.count() == len(donor_data_permissions())


@pytest.mark.parametrize(
    ("role", "redirected"), [(EDITORS, True), (FUNDRAISING, False), (ADMINISTRATORS, False)]
)
def test_view_on_site_leads_only_staff_who_may_view_the_object_to_its_page(
    client, django_user_model, role, redirected
):
    """Django's own "view on site" sent any staff member to any object's page: a fundraiser learnt a draft's address."""
    draft = factories.EventFactory(draft=True, title="Embargoed summit", slug="embargoed-summit-2026")
    user = django_user_model.objects.create_user("someone", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)

    response = client.get(
        reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(draft).pk, draft.pk])
    )

    if redirected:
        assert (response.status_code, response["Location"]) == (
            302,
            "http://testserver/events/embargoed-summit-2026/",
        )
    else:
        assert response.status_code == 404
        assert "embargoed" not in response.content.decode()
        assert "Location" not in response


@pytest.fixture
def fundraising_team(settings):
    settings.FUNDRAISING_EMAILS = ["team@example.org"]
    settings.SITE_URL = "https://safedigital.example"


@pytest.fixture
def fundraiser(django_user_model):
    user = django_user_model.objects.create_user("fran", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=FUNDRAISING))
    return user


def test_the_fundraising_team_is_told_who_gave_an_account_access_to_donors_data(
    client, administrator, editor, fundraising_team, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(administrator)

    with django_capture_on_commit_callbacks(execute=True):
        response = change_user(client, editor, groups=[Group.objects.get(name=FUNDRAISING).pk])

    assert response.status_code == 302
    assert [(message.to, message.subject) for message in mailoutbox] == [
        (["team@example.org"], "[Safe Digital] ada gave eddie access to donors' enquiries")
    ]
    body = mailoutbox[0].body
    assert "ada gave the account eddie access to donors' enquiries (the Fundraising role, or more)." in body
    assert f"https://safedigital.example/admin/auth/user/{editor.pk}/change/" in body
    assert f"https://safedigital.example/admin/auth/user/{editor.pk}/history/" in body


def test_a_superuser_granting_the_permission_by_hand_is_named_too(
    client, boss, editor, fundraising_team, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(boss)

    with django_capture_on_commit_callbacks(execute=True):
        change_user(client, editor, user_permissions=donor_data_permissions())

    assert [message.subject for message in mailoutbox] == [
        "[Safe Digital] boss gave eddie access to donors' enquiries"
    ]


def test_changes_that_give_no_new_access_to_donors_data_send_nothing(
    client,
    administrator,
    editor,
    fundraiser,
    fundraising_team,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(administrator)

    with django_capture_on_commit_callbacks(execute=True):
        renamed = change_user(client, fundraiser, first_name="Francesca")
        made_administrator = change_user(client, editor, groups=[Group.objects.get(name=ADMINISTRATORS).pk])
        password = client.post(
            reverse("admin:auth_user_password_change", args=[editor.pk]),
            {"password1": "a-new-password-for-eddie", "password2": "a-new-password-for-eddie"},
        )

    assert (renamed.status_code, made_administrator.status_code, password.status_code) == (302, 302, 302)
    assert mailoutbox == []


def test_the_fundraising_team_is_told_when_someone_sets_a_fundraisers_password(
    client, administrator, fundraiser, fundraising_team, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(administrator)

    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            reverse("admin:auth_user_password_change", args=[fundraiser.pk]),
            {"password1": "short", "password2": "short"},
        )
        response = client.post(
            reverse("admin:auth_user_password_change", args=[fundraiser.pk]),
            {"password1": "a-new-password-for-fran", "password2": "a-new-password-for-fran"},
        )

    assert (refused.status_code, response.status_code) == (200, 302)
    assert [message.subject for message in mailoutbox] == [
        "[Safe Digital] ada set the password of fran, who can read donors' enquiries"
    ]
    assert "Whoever knows that password can now sign in as fran." in mailoutbox[0].body


def test_a_mail_server_that_fails_does_not_undo_the_change(
    client, administrator, editor, fundraising_team, django_capture_on_commit_callbacks, caplog
):
    client.force_login(administrator)

    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        ),
        caplog.at_level(logging.ERROR, logger="safedigital.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = change_user(client, editor, groups=[Group.objects.get(name=FUNDRAISING).pk])

    assert response.status_code == 302
    assert list(editor.groups.values_list("name", flat=True)) == [FUNDRAISING]
    assert [record.getMessage() for record in caplog.records] == [
        "The e-mail telling the fundraising team of a change of access could not be sent."
    ]


@pytest.mark.django_db(transaction=True)
def test_with_tasks_in_the_database_the_notice_is_queued_with_the_change_and_sent_again_later(
    client, administrator, editor, fundraising_team, task_worker
):
    """It was sent in the admin's request, once: a mail server down then lost it, but for a log line."""
    client.force_login(administrator)
    change_user(client, editor, groups=[Group.objects.get(name=FUNDRAISING).pk])
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "safedigital.tasks.send_fundraising_notice"

    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    ):
        task_worker()

    assert mail.outbox == []
    retry = DBTaskResult.objects.get(status="READY")
    assert timezone.now() + timedelta(minutes=4) < retry.run_after < timezone.now() + timedelta(minutes=6)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    task_worker()
    assert [message.subject for message in mail.outbox] == [
        "[Safe Digital] ada gave eddie access to donors' enquiries"
    ]


def test_the_team_is_told_when_an_account_that_holds_fundraising_is_made_active_or_staff_again(
    client, administrator, fundraiser, fundraising_team, mailoutbox, django_capture_on_commit_callbacks
):
    """
    The e-mail's remedy is to untick Active: ticking it again gave the account back its access to donors' data,
    and nobody was told, since the account had held Fundraising all along. An account that cannot sign in to
    the admin (inactive, or not staff) does not read donors' data; made able to again, it is given access.
    """
    client.force_login(administrator)

    with django_capture_on_commit_callbacks(execute=True):
        deactivated = change_user(client, fundraiser, is_active="")
        reactivated = change_user(client, fundraiser)
        not_staff = change_user(client, fundraiser, is_staff="")
        staff_again = change_user(client, fundraiser)

    responses = (deactivated, reactivated, not_staff, staff_again)
    assert [response.status_code for response in responses] == [302] * 4
    assert [message.subject for message in mailoutbox] == [
        "[Safe Digital] ada gave fran access to donors' enquiries"
    ] * 2


def test_a_grant_of_changing_enquiries_alone_is_access_to_donors_data_too(
    client, boss, editor, fundraising_team, mailoutbox, django_capture_on_commit_callbacks
):
    """The admin opens a model's records to whoever may change them, without the permission to view them."""
    change = Permission.objects.get(content_type__app_label="donations", codename="change_donationenquiry")
    client.force_login(boss)

    with django_capture_on_commit_callbacks(execute=True):
        change_user(client, editor, user_permissions=[change.pk])

    client.force_login(editor)
    assert client.get(reverse("admin:donations_donationenquiry_changelist")).status_code == 200
    assert [message.subject for message in mailoutbox] == [
        "[Safe Digital] boss gave eddie access to donors' enquiries"
    ]


def test_a_superuser_letting_a_group_read_donors_data_is_named_for_each_of_its_members(
    client, boss, editor, django_user_model, fundraising_team, mailoutbox, django_capture_on_commit_callbacks
):
    """Giving the Editors' group a permission on the enquiries gave every editor access, and nobody was told."""
    editors = Group.objects.get(name=EDITORS)
    gone = django_user_model.objects.create_user("gone", password="x", is_staff=True, is_active=False)
    gone.groups.add(editors)
    client.force_login(boss)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:auth_group_change", args=[editors.pk]),
            {
                "name": EDITORS,
                "permissions": [*editors.permissions.values_list("pk", flat=True), *donor_data_permissions()],
            },
        )
        again = client.post(
            reverse("admin:auth_group_change", args=[editors.pk]),
            {"name": EDITORS, "permissions": list(editors.permissions.values_list("pk", flat=True))},
        )

        added = client.post(
            reverse("admin:auth_group_add"), {"name": "Donor care", "permissions": donor_data_permissions()}
        )

    assert (response.status_code, again.status_code, added.status_code) == (302, 302, 302)
    assert [message.subject for message in mailoutbox] == [
        "[Safe Digital] boss gave eddie access to donors' enquiries"
    ]


def test_the_team_is_not_told_of_a_password_set_when_none_was(
    client, administrator, fundraiser, fundraising_team, mailoutbox, django_capture_on_commit_callbacks
):
    """
    Django's password page also redirects when it sets nothing (conflicting choices, sent without JavaScript), and
    when it disables the account's password: the team read that the Administrator had set a new password, which
    whoever knew it could sign in with.
    """
    url = reverse("admin:auth_user_password_change", args=[fundraiser.pk])
    client.force_login(administrator)

    with django_capture_on_commit_callbacks(execute=True):
        conflicting = client.post(url, {"usable_password": "false", "password1": "", "password2": ""})
        fundraiser.refresh_from_db()
        still_usable = fundraiser.has_usable_password()
        disabled = client.post(url, {"usable_password": "false", "unset-password": "1"})

    assert (conflicting.status_code, disabled.status_code) == (302, 302)
    fundraiser.refresh_from_db()
    assert (still_usable, fundraiser.has_usable_password()) == (True, False)
    assert mailoutbox == []


HISTORY_ADMINS = sorted(
    f"{model._meta.app_label}_{model._meta.model_name}"
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, SimpleHistoryAdmin)
)


@pytest.mark.parametrize("admin_name", HISTORY_ADMINS)
@pytest.mark.parametrize("ids", [("abc",), ("1\x00",), ("1", "abc"), ("abc", "1")], ids=repr)
def test_a_history_address_whose_ids_are_not_ones_answers_404(admin_client, admin_name, ids):
    # django-simple-history looked them up as they were: a server error on every database.
    url = reverse(f"admin:{admin_name}_history", args=ids[:1])
    if len(ids) == 2:
        url = reverse(f"admin:{admin_name}_simple_history", args=ids)

    response = admin_client.get(url)

    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


@pytest.mark.parametrize(
    "address",
    [
        "/admin/events/event/?status__exact=%00",
        "/admin/events/speaker/?q=%00",
        "/admin/donations/donationenquiry/?country=%00",
        "/admin/donations/donationenquiry/export/?kind__exact=%00",
        "/admin/autocomplete/?term=%00&app_label=events&model_name=event&field_name=parent",
        "/events/?country=%00",
        "/pledges/?event=a%00b",
    ],
)
def test_an_address_with_a_nul_character_is_a_bad_request(admin_client, address):
    # PostgreSQL refuses a NUL in any query: a list filter or a search passing one on was a server error there.
    factories.EventFactory()

    response = admin_client.get(address)

    assert response.status_code == 400


@pytest.mark.parametrize("value", ["abc", "1.5", "-"])
def test_an_add_form_filled_in_from_the_address_with_a_key_that_is_not_one_leaves_it_unchosen(
    admin_client, value
):
    # Django's autocomplete box looked the record up by the value as it came: a server error.
    event = factories.EventFactory(title="Summit of the address")

    response = admin_client.get(reverse("admin:events_video_add"), {"event": value})
    chosen = admin_client.get(reverse("admin:events_video_add"), {"event": event.pk})

    assert response.status_code == 200
    assert "Summit of the address" not in response.content.decode()
    assert chosen.status_code == 200
    assert f'<option value="{event.pk}" selected>Summit of the address' in chosen.content.decode()
