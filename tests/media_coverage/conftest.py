import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The staff users these tests log in need no slow, secure hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
