import html

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timesince import timeuntil

from safedigital.context_processors import content_lang
from safedigital.countries import country_name as _country_name
from safedigital.richtext import sanitize, with_headings_from
from safedigital.timezones import utc_offset as _utc_offset
from safedigital.uploads import media_url, media_urls

register = template.Library()


@register.filter
def country_name(country):
    """`{{ pledge.country|country_name }}`: the name as shown, like `country.name`, without its cost per call."""
    return _country_name(country)


@register.simple_tag
def quick_exit_url():
    """The quick exit's address, for a page drawn without the request's context (500.html)."""
    return settings.QUICK_EXIT_URL


@register.filter(expects_localtime=True)
def utc_offset(moment):
    """`{{ event.publish_at|utc_offset }}`: "UTC−05:00", the current time zone's offset at that moment."""
    return _utc_offset(moment) if moment else ""


@register.filter
def duration(length):
    """`{{ cooloff_timedelta|duration }}`: a length of time in words, in the page's language ("30 minutes")."""
    now = timezone.now()
    return timeuntil(now + length, now)


@register.filter(needs_autoescape=True)
def in_content_language(value, autoescape=True):
    """
    `{{ speaker.public_role|in_content_language }}`: the editors' text, in a `<span lang="en">` when the page is
    in another language, so that a screen reader reads it in the right voice; as it is otherwise. For text
    inside an element of its own, the element takes `{{ CONTENT_LANG }}` instead.
    """
    text = conditional_escape(value) if autoescape else value
    attribute = content_lang()
    return mark_safe(f"<span{attribute}>{text}</span>") if attribute else text  # noqa: S308 (escaped above)


@register.filter
def richtext(value, heading_level=3):
    """
    Staff-entered rich text, sanitised again at render time (it was sanitised on save too). `heading_level` is the
    level its heading takes on the page, 3 unless it is shown under an h3 of its own: `{{ session.summary|richtext:4 }}`.
    """
    return mark_safe(with_headings_from(sanitize(value), heading_level))  # noqa: S308 (sanitised by nh3's allow-list)


def _candidates(renditions, kind, largest=None):
    """(width, url) of one kind of rendition, widest first excluded beyond `largest` (keeping at least one)."""
    items = (renditions or {}).get(kind, [])
    if largest:
        fitting = [item for item in items if item[0] <= largest] or items[:1]
        bigger = [item for item in items if item[0] > largest][:1]
        items = fitting + (bigger if fitting[-1][0] < largest else [])
    urls = media_urls([name for _width, name in items])
    return [(width, url) for (width, _name), url in zip(items, urls, strict=True)]


def _srcset(candidates):
    return ", ".join(f"{url} {width}w" for width, url in candidates)


@register.filter
def srcset(renditions, kind="jpeg"):
    """`url 320w, url 640w, …` for one kind of rendition ("webp" or "jpeg")."""
    return _srcset(_candidates(renditions, kind))


@register.filter
def rendition_url(renditions, width=640):
    """The URL of the JPEG rendition closest to `width` and not smaller where possible."""
    candidates = (renditions or {}).get("jpeg", [])
    if not candidates:
        return ""
    width = int(width)
    fitting = [item for item in candidates if item[0] >= width]
    return media_url((fitting[0] if fitting else candidates[-1])[1])


@register.simple_tag
def picture(renditions, alt, sizes="100vw", css_class="", lazy=True, width=None, largest=None, alt_lang=""):
    """
    A responsive <picture>: WebP with a JPEG fallback, srcset/sizes, intrinsic size, lazy loading.
    `width` is the width it is shown at, when fixed: the srcset then stops at three times it (enough for the
    sharpest screens); `largest` caps it otherwise. `alt_lang=CONTENT_LANG` marks an alt text written by the
    editors with their language, on a page in another. Built in Python: a page may hold a hundred of them.
    """
    renditions = renditions or {}
    if not renditions.get("jpeg"):
        return ""
    full_width, full_height = renditions.get("width"), renditions.get("height")
    shown_width = int(width) if width else full_width
    shown_height = (
        round(full_height * shown_width / full_width) if full_width and shown_width else full_height
    )
    largest = int(largest) if largest else (3 * shown_width if width else None)
    jpeg = _candidates(renditions, "jpeg", largest)
    fallback = next((url for item_width, url in jpeg if item_width >= 640), jpeg[-1][1])
    # An f-string with each value escaped, as format_html() would: its lazy-string checks cost more than the
    # markup itself.
    sizes = _escape(sizes)
    css_class = f' class="{_escape(css_class)}"' if css_class else ""
    lazy = ' loading="lazy" decoding="async"' if lazy else ""
    return mark_safe(  # noqa: S308 (every value escaped)
        f'<picture><source type="image/webp" srcset="{_escape(_srcset(_candidates(renditions, "webp", largest)))}" '
        f'sizes="{sizes}"><img src="{_escape(fallback)}" srcset="{_escape(_srcset(jpeg))}" sizes="{sizes}" '
        f'alt="{_escape(alt)}"{_escape(alt_lang) if alt else ""} width="{_escape(shown_width)}" height="{_escape(shown_height)}"{css_class}{lazy}>'
        "</picture>"
    )


def _escape(value):
    """conditional_escape() without its lazy-string wrapper: safe strings as they are, the rest escaped."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))
