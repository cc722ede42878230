"""Production settings refuse to start when misconfigured, and pass check --deploy when configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "k3J9-very-long-random-production-secret-value-for-tests-only-0123456789"


def run_manage(*args, wrapper=(), **env):
    """manage.py with these arguments and environment variables, run by `wrapper` (a command and its options) if given."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}
    }
    environment.update(env)
    return subprocess.run(
        [*wrapper, sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def setting_at_start(name, **env):
    """What `settings.<name>` prints in a fresh manage.py process with these environment variables."""
    result = run_manage(
        "shell", "--no-imports", "-c", f"from django.conf import settings; print(settings.{name})", **env
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "safedigital.example"}, "SECRET_KEY must be set"),
        (
            {
                "ALLOWED_HOSTS": "safedigital.example",
                "SECRET_KEY": "django-insecure-development-only-never-in-production",
            },
            "SECRET_KEY must be set",
        ),
        (
            {
                "ALLOWED_HOSTS": "safedigital.example",
                "SECRET_KEY": "k3J9-random-but-only-49-characters-long-012345678",
            },
            "SECRET_KEY is too weak for DEBUG off: it needs at least 50 characters, 5 of them different "
            "(it has 49 characters, 29 different).",
        ),
        (
            {"ALLOWED_HOSTS": "safedigital.example", "SECRET_KEY": "abcd" * 20},
            "SECRET_KEY is too weak for DEBUG off: it needs at least 50 characters, 5 of them different "
            "(it has 80 characters, 4 different).",
        ),
        ({"ALLOWED_HOSTS": "", "SECRET_KEY": GOOD_SECRET}, "ALLOWED_HOSTS must list"),
        (
            {"ALLOWED_HOSTS": "safedigital.example", "SECRET_KEY": GOOD_SECRET, "DEBUG": "perhaps"},
            "DEBUG must be",
        ),
        (
            {"ALLOWED_HOSTS": "safedigital.example", "SECRET_KEY": GOOD_SECRET, "CONTENT_LANGUAGE": 'en"><x'},
            'CONTENT_LANGUAGE must be a language tag such as "en", not \'en"><x\'.',
        ),
    ],
)
def test_production_refuses_to_start_when_misconfigured(env, message):
    result = run_manage("check", DEBUG=env.pop("DEBUG", "false"), **env)

    assert result.returncode != 0
    assert message in result.stderr


def test_a_secret_just_strong_enough_for_django_is_accepted():
    result = run_manage(
        "check", "--deploy", DEBUG="false", SECRET_KEY="abcde" * 10, ALLOWED_HOSTS="safedigital.example"
    )

    assert result.returncode == 0, result.stderr
    assert "security.W009" not in result.stdout + result.stderr


def test_production_settings_pass_check_deploy_with_no_warning():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        DEBUG="false",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="safedigital.example",
        SITE_URL="https://safedigital.example",
        FUNDRAISING_EMAILS="fundraising@safedigital.example",
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("env", "warnings"),
    [
        (
            {},
            [
                "(safedigital.W001) SITE_URL is 'http://127.0.0.1:8000': the links in the enquiry e-mails (the "
                "record in the admin, the privacy notice) lead there.",
                "(donations.W001) FUNDRAISING_EMAILS is empty: nobody is told of a new enquiry.",
            ],
        ),
        (
            {
                "SITE_URL": "https://www.safedigital.example",
                "FUNDRAISING_EMAILS_COMPANY": "partners@safedigital.example",
            },
            [
                "(safedigital.W001) SITE_URL is 'https://www.safedigital.example'",
                "(donations.W001) FUNDRAISING_EMAILS is empty: nobody is told of a new enquiry of these kinds: "
                "individual, foundation, government, other.",
            ],
        ),
    ],
    ids=["neither", "wrong-host-and-one-kind"],
)
def test_check_deploy_warns_of_e_mails_that_would_go_nowhere_or_link_nowhere(env, warnings):
    """README's production example set neither: the team was never told of an enquiry, and links led to 127.0.0.1."""
    result = run_manage(
        "check", "--deploy", DEBUG="false", SECRET_KEY=GOOD_SECRET, ALLOWED_HOSTS="safedigital.example", **env
    )

    assert result.returncode == 0, result.stderr
    for warning in warnings:
        assert warning in result.stderr
    assert "System check identified 2 issues (0 silenced)." in result.stderr


def test_development_defaults_need_no_environment():
    result = run_manage("diffsettings", "--output", "unified", DEBUG="")

    assert result.returncode == 0, result.stderr
    assert "+ DEBUG = True" in result.stdout
    assert "sqlite3" in result.stdout


def test_media_storage_takes_its_options_from_the_environment(tmp_path):
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.core.files.storage import default_storage as s; print(s.location, s.base_url)",
        MEDIA_STORAGE_OPTIONS=f'{{"location": "{tmp_path}", "base_url": "https://media.example/files/"}}',
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(tmp_path), "https://media.example/files/"]


def test_media_storage_options_that_are_not_json_are_refused():
    result = run_manage("check", MEDIA_STORAGE_OPTIONS="{bucket_name: media}")

    assert result.returncode != 0
    assert "MEDIA_STORAGE_OPTIONS must be JSON" in result.stderr


@pytest.mark.parametrize(
    ("redis_url", "storage"),
    [
        ("redis://127.0.0.1:6379/0", "import_export.tmp_storages.CacheStorage"),
        ("", "import_export.tmp_storages.TempFolderStorage"),
    ],
    ids=["redis", "local-memory-cache"],
)
def test_the_csv_import_keeps_its_preview_where_every_worker_can_read_it(redis_url, storage):
    """In Redis, shared by every app server; without it, in the temporary folder every gunicorn worker shares."""
    assert setting_at_start("IMPORT_EXPORT_TMP_STORAGE_CLASS", REDIS_URL=redis_url) == storage


@pytest.mark.parametrize(
    ("switch", "options"), [("", ["True", "5"]), ("false", ["None", "None"])], ids=["default", "switched-off"]
)
def test_postgresql_keeps_the_statements_it_repeats_prepared_unless_told_not_to(switch, options):
    result = run_manage(
        "shell", "--no-imports", "-c",
        "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS']; "
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/safedigital",
        DATABASE_PREPARED_STATEMENTS=switch,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == options


def test_admin_emails_are_plain_addresses_as_django_6_wants():
    """(name, address) pairs are deprecated since Django 6.0: every error report warned so (RemovedInDjango2028)."""
    printed = setting_at_start("ADMINS", ADMIN_EMAILS="ops@safedigital.example, oncall@safedigital.example")

    assert printed == "['ops@safedigital.example', 'oncall@safedigital.example']"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DATABASE_URL": "postgres//safedigital:pa55word@db/safedigital"},
            "DATABASE_URL must be a database URL such as postgres://user:password@host:5432/name",
        ),
        (
            {"DATABASE_URL": "postgres://safedigital:pa55word@db:port/safedigital"},
            "DATABASE_URL must be a database URL such as postgres://user:password@host:5432/name",
        ),
        ({"REDIS_URL": "cache:6379"}, "REDIS_URL must be a URL such as redis://host:6379/0"),
        (
            {"REDIS_URL": "redis://:pa55word@cache:6379/cache"},
            "REDIS_URL must be a URL such as redis://host:6379/0",
        ),
        (
            {"REDIS_URL": "redis://:pa55word@cache:port/0"},
            "REDIS_URL must be a URL such as redis://host:6379/0",
        ),
        (
            {"LOG_LEVEL": "verbose"},
            "LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not 'verbose'.",
        ),
    ],
)
def test_a_malformed_url_or_log_level_is_refused_at_start_without_repeating_a_password(env, message):
    """
    Before, a bad DATABASE_URL stopped the site with dj-database-url's words ("Scheme '://' is unknown"), which
    name no variable; a bad REDIS_URL started it, to answer 500 to every page (or to read database 0); a bad
    LOG_LEVEL said "Unable to configure root logger".
    """
    result = run_manage("check", **env)

    assert result.returncode != 0
    assert message in result.stderr
    assert "pa55word" not in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:6379/0",
        "redis://:pa55word@cache:6379",
        "rediss://cache:6380/1",
        "unix:///run/redis.sock?db=2",
    ],
)
def test_every_kind_of_redis_url_is_accepted(url):
    assert setting_at_start("REDIS_URL", REDIS_URL=url) == url


@pytest.mark.parametrize(("proxy_count", "warned"), [("0", True), ("1", False)])
def test_check_deploy_warns_of_a_proxy_whose_address_would_be_every_visitors(proxy_count, warned):
    """Behind a proxy with PROXY_COUNT=0, five failed logins from anyone locked a staff member out for everyone."""
    result = run_manage(
        "check",
        "--deploy",
        DEBUG="false",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="safedigital.example",
        SITE_URL="https://safedigital.example",
        FUNDRAISING_EMAILS="fundraising@safedigital.example",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        PROXY_COUNT=proxy_count,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, result.stderr
    assert ("(safedigital.W002) PROXY_COUNT is 0" in output) == warned
    assert ("System check identified no issues" in output) != warned


@pytest.mark.parametrize(("level", "printed"), [("INFO", True), ("ERROR", False)])
def test_requests_for_a_host_not_served_follow_log_level(level, printed):
    """Their one WARNING line was printed even under LOG_LEVEL=ERROR, which asks for errors only."""
    result = run_manage(
        "shell",
        "-c",
        "import logging; logging.getLogger('django.security.DisallowedHost').error('Invalid HTTP_HOST header')",
        LOG_LEVEL=level,
    )

    assert result.returncode == 0, result.stderr
    assert ("WARNING django.security.DisallowedHost Invalid HTTP_HOST header" in result.stderr) is printed


@pytest.mark.parametrize("minutes", ["0", "-5"])
def test_task_stuck_minutes_below_one_is_refused_at_start(minutes):
    """With 0 every running task was queued again at once, its worker alive or not: its e-mails sent twice."""
    result = run_manage("check", TASK_STUCK_MINUTES=minutes)

    assert result.returncode != 0
    assert f"TASK_STUCK_MINUTES must be a whole number of at least 1, not '{minutes}'." in result.stderr


@pytest.mark.parametrize("minutes", ["525601", "2000000000"])
def test_task_stuck_minutes_above_a_year_is_refused_at_start(minutes):
    """
    The workers look for tasks started before now minus TASK_STUCK_MINUTES: beyond about 1,065,000,000 minutes
    that was before the year 1, and every worker stopped at start (OverflowError), the e-mails left waiting.
    """
    result = run_manage("check", TASK_STUCK_MINUTES=minutes)

    assert result.returncode != 0
    assert f"TASK_STUCK_MINUTES must be a whole number of at most 525600, not '{minutes}'." in result.stderr
