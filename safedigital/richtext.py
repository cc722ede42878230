"""
Staff-entered rich text: one allow-list, applied when it is saved (safedigital.models.RichTextField) and again when
it is shown (the `richtext` filter), and the editor staff write it in, which offers what the allow-list keeps.
"""

import nh3

# Exactly what the editor can make (b and i it reads as strong and em): what it cannot make, it would drop the
# next time the text is edited, so keeping it on saving would only put off the loss.
ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "a", "ul", "ol", "li", "blockquote", "h3", "h4"}
# An ordered list's numbering (1, a, i, …) and first number are the editor's "List properties".
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start", "type", "data-type"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# The admin's editor (django-prose-editor; safedigital.widgets.RichTextEditor): paragraphs, line breaks, headings
# below the page's own (its sections' headings are h2: a text's own start at h3), emphasis, lists, quotations and
# links, nothing the allow-list would remove on saving (tests/safedigital/test_richtext.py holds the two
# together). Links open where they are, as the site's own do.
EDITOR_EXTENSIONS = {
    "Paragraph": True,
    "HardBreak": True,
    "Heading": {"levels": [3, 4]},
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": sorted(ALLOWED_URL_SCHEMES)},
    "History": True,
}


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
