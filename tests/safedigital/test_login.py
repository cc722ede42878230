import io
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.safedigital.test_settings import run_manage, setting_at_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password="right-password-123", is_staff=True)


def attempt(client, password, **headers):
    return client.post(
        reverse("admin:login"),
        {"username": "editor", "password": password, "next": reverse("admin:index")},
        headers=headers,
    )


@contextmanager
def minutes_later(minutes):
    """The clock that many minutes ahead, axes' own too (it reads the time of an attempt once, as it starts)."""
    later = timezone.now() + timedelta(minutes=minutes)
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        mock.patch("axes.handlers.proxy.now", return_value=later),
    ):
        yield


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


def test_the_lock_lifts_by_itself_half_an_hour_after_the_last_attempt(client, editor):
    """Before, a staff member locked out stayed locked out until an administrator deleted the access attempt."""
    for _ in range(5):
        attempt(client, "wrong")

    with minutes_later(31):
        response = attempt(client, "right-password-123")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_an_attempt_while_locked_starts_the_wait_again_as_the_page_says(client, editor):
    for _ in range(5):
        attempt(client, "wrong")

    with minutes_later(20):
        retried = attempt(client, "right-password-123")
    with minutes_later(45):  # 25 minutes after the attempt made while locked
        still_locked = attempt(client, "right-password-123")
    with minutes_later(45 + 31):
        response = attempt(client, "right-password-123")

    assert (retried.status_code, still_locked.status_code) == (429, 429)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


@pytest.mark.parametrize(
    ("language", "wait", "sooner"),
    [
        (
            "en",
            "You may try again in 30\xa0minutes. Each attempt before then starts the wait again.",
            "An administrator can unlock it sooner (Admin → Axes → Access attempts).",
        ),
        (
            "es",
            "Podrá volver a intentarlo dentro de 30\xa0minutos. Cada intento antes de ese momento vuelve a empezar "
            "la espera.",
            "Una persona administradora puede desbloquearlo antes (Admin → Axes → Access attempts).",
        ),
    ],
    ids=["en", "es"],
)
def test_the_locked_out_page_says_how_long_to_wait(client, editor, language, wait, sooner):
    for _ in range(4):
        attempt(client, "wrong")

    locked = attempt(client, "wrong", accept_language=language)

    assert locked.status_code == 429
    assert f"<p>{wait}</p>" in locked.content.decode()
    assert f"<p>{sooner}</p>" in locked.content.decode()


def test_the_wait_is_said_in_hours_and_minutes(client, editor, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=90)
    for _ in range(4):
        attempt(client, "wrong")

    locked = attempt(client, "wrong")

    assert "You may try again in 1\xa0hour, 30\xa0minutes." in locked.content.decode()


def test_a_wait_of_a_year_is_said_in_years(client, editor, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=525600)  # the most AXES_COOLOFF_MINUTES may be
    for _ in range(4):
        attempt(client, "wrong")

    locked = attempt(client, "wrong")
    right = attempt(client, "right-password-123")

    assert locked.status_code == 429
    assert "You may try again in 1\xa0year." in locked.content.decode()
    assert right.status_code == 429


@pytest.mark.parametrize(
    ("minutes", "printed"),
    [("", "0:30:00"), ("120", "2:00:00"), ("525600", "365 days, 0:00:00")],
    ids=["default", "from-the-environment", "a-year"],
)
def test_the_wait_comes_from_axes_cooloff_minutes(minutes, printed):
    assert setting_at_start("AXES_COOLOFF_TIME", AXES_COOLOFF_MINUTES=minutes) == printed


def test_a_wait_of_no_minutes_is_refused_at_start():
    """A cool-off of 0 would count no failure at all: the login would never lock."""
    result = run_manage("check", AXES_COOLOFF_MINUTES="0")

    assert result.returncode != 0
    assert "AXES_COOLOFF_MINUTES must be a whole number of at least 1, not '0'." in result.stderr


@pytest.mark.parametrize("minutes", ["525601", "2000000000"])
def test_a_wait_of_more_than_a_year_is_refused_at_start(minutes):
    """
    Axes counts the failures since now minus the wait: beyond about 1,065,000,000 minutes that was before the year
    1, and every staff login, right password or not, failed with a 500 (OverflowError).
    """
    result = run_manage("check", AXES_COOLOFF_MINUTES=minutes)

    assert result.returncode != 0
    assert f"AXES_COOLOFF_MINUTES must be a whole number of at most 525600, not '{minutes}'." in result.stderr


@pytest.mark.parametrize("limit", ["0", "-1"])
def test_a_failure_limit_below_one_is_refused_at_start(limit):
    """Axes locks a login whose failures reach the limit: with 0, every staff member was locked out at once."""
    result = run_manage("check", AXES_FAILURE_LIMIT=limit)

    assert result.returncode != 0
    assert f"AXES_FAILURE_LIMIT must be a whole number of at least 1, not '{limit}'." in result.stderr


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


def test_an_ipv6_host_gets_five_guesses_for_its_whole_64_not_five_per_address(client, editor, settings):
    """A host usually holds a whole /64 of IPv6 addresses: counted by address, it could guess without end."""
    settings.PROXY_COUNT = 1

    def attempt_from(visitor, password):
        return client.post(
            reverse("admin:login"),
            {"username": "editor", "password": password, "next": reverse("admin:index")},
            HTTP_X_FORWARDED_FOR=visitor,
            REMOTE_ADDR="10.0.0.2",
        )

    for number in range(1, 6):
        attempt_from(f"2001:db8:1:1::{number}", "wrong")
    same_host = attempt_from("2001:db8:1:1:ffff::9", "right-password-123")
    other_network = attempt_from("2001:db8:1:2::1", "right-password-123")

    assert same_host.status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["2001:db8:1:1::"]
    assert other_network.status_code == 302


def test_the_demo_logins_password_logs_nobody_in_when_debug_is_off(client, settings, django_user_model):
    """`make run` filled db.sqlite3 with the demo logins; `make serve` served the same file in production."""
    from safedigital.auth import DEMO_PASSWORD

    settings.DEBUG = True
    call_command("load_demo_data", stdout=io.StringIO())
    settings.DEBUG = False
    django_user_model.objects.create_user("someone", password=DEMO_PASSWORD, is_staff=True)

    def log_in(username, password):
        return client.post(
            reverse("admin:login"),
            {"username": username, "password": password, "next": reverse("admin:index")},
        )

    refused = [log_in(username, DEMO_PASSWORD) for username in ["admin", "editor", "someone"]]
    assert [response.status_code for response in refused] == [200, 200, 200]
    assert "Please enter the correct username and password" in refused[0].content.decode()
    assert "_auth_user_id" not in client.session

    # Any other password still works, and in development the demo's does.
    admin = django_user_model.objects.get(username="admin")
    admin.set_password("a-real-password-4-production")
    admin.save()
    assert log_in("admin", "a-real-password-4-production").status_code == 302
    client.logout()
    settings.DEBUG = True
    assert log_in("editor", DEMO_PASSWORD).status_code == 302
