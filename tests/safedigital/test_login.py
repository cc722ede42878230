import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password="right-password-123", is_staff=True)


def attempt(client, password):
    return client.post(
        reverse("admin:login"), {"username": "editor", "password": password, "next": reverse("admin:index")}
    )


def test_a_staff_session_lasts_a_working_day(client, editor):
    response = attempt(client, "right-password-123")

    assert response.status_code == 302
    assert response.cookies["sessionid"]["max-age"] == 10 * 60 * 60
    assert client.session.get_expiry_age() == 10 * 60 * 60


def test_five_failures_lock_the_login_with_a_clear_message(client, editor):
    for _ in range(4):
        response = attempt(client, "wrong")
        assert "Please enter the correct username and password" in response.content.decode()

    locked = attempt(client, "wrong")
    after = attempt(client, "right-password-123")

    assert locked.status_code == 429
    assert "This login is locked" in locked.content.decode()
    assert after.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_administrator_unlocks_it(client, editor):
    for _ in range(5):
        attempt(client, "wrong")
    assert AccessAttempt.objects.filter(username="editor").exists()

    AccessAttempt.objects.filter(username="editor").delete()  # what "delete" in the Axes admin does
    response = attempt(client, "right-password-123")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_password_validators_refuse_weak_staff_passwords(editor):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        validate_password("password1", user=editor)

    assert "This password is too short. It must contain at least 12 characters." in error.value.messages
    assert "This password is too common." in error.value.messages


def test_admin_address_is_configurable():
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django;django.setup();from django.urls import reverse;print(reverse('admin:index'))",
        ],
        env={"DJANGO_SETTINGS_MODULE": "safedigital.settings", "ADMIN_URL": "back-office-7f3", "PATH": ""},
        capture_output=True,
        text=True,
        cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]),
        check=True,
    )

    assert result.stdout.strip() == "/back-office-7f3/"


def test_behind_a_proxy_the_lock_out_is_of_the_visitors_address_not_the_proxys(client, editor, settings):
    """
    With PROXY_COUNT set, axes counts failures under the visitor's address (as the enquiry form's rate limit does):
    counted under the proxy's, five failures from anyone on the internet locked the user out for every visitor.
    """
    settings.PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    def attempt_from(visitor, password):
        return client.post(
            reverse("admin:login"),
            {"username": "editor", "password": password, "next": reverse("admin:index")},
            HTTP_X_FORWARDED_FOR=visitor,
            **proxy,
        )

    for _ in range(5):
        attempt_from("203.0.113.66", "wrong")
    locked = attempt_from("203.0.113.66", "right-password-123")
    editor_elsewhere = attempt_from("198.51.100.7", "right-password-123")

    assert locked.status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.66"]
    assert editor_elsewhere.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)
