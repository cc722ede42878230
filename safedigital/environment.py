"""
Whole numbers read from the environment, for the Django settings and for gunicorn.conf.py alike.

No Django import here: gunicorn reads its configuration without loading the site's settings.
"""

import os


def env_int(name, default, *, error=ValueError, minimum=None, maximum=None):
    """
    The variable as a whole number (from `minimum` and up to `maximum`, when given), or the default when it is
    unset or empty (as in a copied .env.example). Otherwise `error` is raised with one line naming the variable:
    the settings raise ImproperlyConfigured, gunicorn's configuration SystemExit (which gunicorn prints alone,
    without a traceback).
    """
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise error(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise error(f"{name} must be a whole number of at least {minimum}, not {value!r}.")
    if maximum is not None and number > maximum:
        raise error(f"{name} must be a whole number of at most {maximum}, not {value!r}.")
    return number
