from django import template
from django.core.files.storage import default_storage
from django.utils.safestring import mark_safe

from safedigital.richtext import sanitize

register = template.Library()


@register.filter
def richtext(value):
    """Staff-entered rich text, sanitised again at render time (it was sanitised on save too)."""
    return mark_safe(sanitize(value))  # noqa: S308 (sanitised by nh3's allow-list)


@register.filter
def srcset(renditions, kind="jpeg"):
    """`url 320w, url 640w, …` for one kind of rendition ("webp" or "jpeg")."""
    return ", ".join(
        f"{default_storage.url(name)} {width}w" for width, name in (renditions or {}).get(kind, [])
    )


@register.filter
def rendition_url(renditions, width=640):
    """The URL of the JPEG rendition closest to `width` and not smaller where possible."""
    candidates = (renditions or {}).get("jpeg", [])
    if not candidates:
        return ""
    width = int(width)
    fitting = [item for item in candidates if item[0] >= width]
    return default_storage.url((fitting[0] if fitting else candidates[-1])[1])


@register.inclusion_tag("includes/picture.html")
def picture(renditions, alt, sizes="100vw", css_class="", lazy=True, width=None):
    """A responsive <picture>: WebP with a JPEG fallback, srcset/sizes, intrinsic size, lazy loading."""
    renditions = renditions or {}
    full_width, full_height = renditions.get("width"), renditions.get("height")
    shown_width = int(width) if width else full_width
    shown_height = (
        round(full_height * shown_width / full_width) if full_width and shown_width else full_height
    )
    return {
        "renditions": renditions,
        "alt": alt,
        "sizes": sizes,
        "css_class": css_class,
        "lazy": lazy,
        "width": shown_width,
        "height": shown_height,
    }
