"""
Staff-entered rich text: one allow-list, applied when it is saved (safedigital.models.RichTextField) and again when
it is shown (the `richtext` filter), and the editor staff write it in, which offers what the allow-list keeps.
"""

import re

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
# (a text's heading and subheading, h3 and h4 as stored: below the page's sections, whose headings are h2; a text
# shown under a heading of its own moves them down, see with_headings_from), emphasis, lists, quotations and
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


# The allow-list as nh3 applies it, built once: nh3.clean() converts the allow-list's sets anew on every call,
# which costs twice the sanitising of a paragraph.
CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize(html):
    """Return `html` with every tag, attribute and URL scheme outside the allow-list removed."""
    if not html:
        return ""
    return CLEANER.clean(str(html))


# A heading as sanitize() leaves it: one of the editor's levels, with no attributes.
STORED_HEADING = re.compile(r"<(/?)h([34])>")


def with_headings_from(html, level):
    """
    Sanitised `html` with its headings moved down so that its heading is an h`level` and its subheading the level
    below: a session's summary, under the session's own h3, takes `with_headings_from(summary, 4)`, so a screen
    reader's list of headings puts the summary's inside the session instead of beside it.
    """
    shift = int(level) - 3
    if shift <= 0:
        return html
    return STORED_HEADING.sub(lambda tag: f"<{tag[1]}h{min(int(tag[2]) + shift, 6)}>", html)
