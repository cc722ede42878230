"""Staff-entered rich text: one allow-list, applied when it is saved and again when it is shown."""

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "a", "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "abbr", "cite", "q",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize(html):
    """Return `html` with every tag, attribute and URL scheme outside the allow-list removed."""
    if not html:
        return ""
    return nh3.clean(
        str(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
