from django.conf import settings
from django.utils import translation
from django.utils.html import format_html

from .cache import page_path, public_page_query


def site(request):
    """What every page needs to know about the site itself."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
        "CONTENT_LANG": content_lang(),
        "PAGE_PATH": own_path(request),
    }


def own_path(request):
    """
    The path of the page being shown, as it links to itself (its OpenGraph address, the language switch's way
    back): a public page's with only the query parameters its view reads (safedigital.cache.page_path), any
    other page's as requested.
    """
    match = request.resolver_match
    query = public_page_query(match.func) if match else None
    return request.get_full_path() if query is None else page_path(request, query)


def content_lang():
    """
    ` lang="en"`, for the elements that hold text written by the editors, when the page is in another language
    (`<h1{{ CONTENT_LANG }}>`); "" when the page is in the editors' language, which the page's own lang says.
    """
    if (translation.get_language() or "").lower() == settings.CONTENT_LANGUAGE.lower():
        return ""
    return format_html(' lang="{}"', settings.CONTENT_LANGUAGE)
