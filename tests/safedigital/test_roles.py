"""The staff roles, walked as a matrix: each role × each admin model × view / add / change / delete."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from safedigital.roles import ADMINISTRATORS, EDITORS, FUNDRAISING, ROLE_APPS
from tests import factories

pytestmark = pytest.mark.django_db

ACTIONS = ["view", "add", "change", "delete"]


def registered_models():
    return sorted(
        (model for model in admin.site._registry if not model._meta.proxy),
        key=lambda model: model._meta.label,
    )


def instance_of(model):
    """One saved row of `model`, made by its factory, or None when the tests have no factory for it."""
    for factory in vars(factories).values():
        if getattr(getattr(factory, "_meta", None), "model", None) is model:
            return factory()
    return model.objects.first()


def admin_url(model, action, instance):
    info = (model._meta.app_label, model._meta.model_name)
    if action == "view":
        return reverse("admin:{}_{}_changelist".format(*info))
    if action == "add":
        return reverse("admin:{}_{}_add".format(*info))
    return reverse(f"admin:{info[0]}_{info[1]}_{action}", args=[instance.pk])


@pytest.fixture
def staff(django_user_model):
    def make(role):
        user = django_user_model.objects.create_user(f"user-{role}", password="x", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


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


def admin_allows_at_all(model, action):
    """Whether the ModelAdmin offers the action to anyone (some, like lock-out logs, have no add page)."""
    from django.contrib.auth.models import User
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    return getattr(admin.site._registry[model], f"has_{action}_permission")(request)


@pytest.mark.parametrize("role", [EDITORS, FUNDRAISING, ADMINISTRATORS])
def test_each_role_sees_exactly_its_own_admin_models(client, staff, role):
    client.force_login(staff(role))
    outcomes = {}
    for model in registered_models():
        instance = instance_of(model)
        for action in ACTIONS:
            if action in {"change", "delete"} and instance is None:
                continue
            if not admin_allows_at_all(model, action):
                continue
            response = client.get(admin_url(model, action, instance))
            outcomes[(model._meta.label, action)] = response.status_code

    allowed = {key for key, status in outcomes.items() if status == 200}
    expected = {key for key in outcomes if key[0].split(".")[0] in ROLE_APPS[role]}
    assert allowed == expected
    assert all(status in {200, 403} for status in outcomes.values()), outcomes
    assert len(outcomes) >= 4 * 10


def test_editors_never_see_enquiries_in_the_admin_index(client, staff):
    client.force_login(staff(EDITORS))

    content = client.get(reverse("admin:index")).content.decode()

    assert "Events" in content
    assert "Donation" not in content
    assert "Users" not in content


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (EDITORS, {"enquiry export": 403, "mention import": 200}),
        (FUNDRAISING, {"enquiry export": 200, "mention import": 403}),
        (ADMINISTRATORS, {"enquiry export": 403, "mention import": 403}),
    ],
)
def test_exports_and_imports_follow_the_roles(client, staff, role, expected):
    factories.DonationEnquiryFactory(organisation="Acme Foundation")
    client.force_login(staff(role))

    export = client.get(reverse("admin:donations_donationenquiry_export"))
    mention_import = client.get(reverse("admin:media_coverage_mediamention_import"))

    assert {"enquiry export": export.status_code, "mention import": mention_import.status_code} == expected
    if export.status_code == 200:
        assert "Acme Foundation" in b"".join(export.streaming_content).decode()
