from django.conf import settings
from django.utils import translation
from django.utils.html import format_html


def site(request):
    """What every page needs to know about the site itself."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
        "CONTENT_LANG": content_lang(),
    }


def content_lang():
    """
    ` lang="en"`, for the elements that hold text written by the editors, when the page is in another language
    (`<h1{{ CONTENT_LANG }}>`); "" when the page is in the editors' language, which the page's own lang says.
    """
    if (translation.get_language() or "").lower() == settings.CONTENT_LANGUAGE.lower():
        return ""
    return format_html(' lang="{}"', settings.CONTENT_LANGUAGE)
