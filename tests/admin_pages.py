"""What tests read off the admin's pages."""

import re
from html.parser import HTMLParser


def filter_choices(response, title):
    """The choices of a changelist's filter, by its title ("By country"), as the sidebar lists them."""
    found = re.search(rf"<summary>\s*{re.escape(title)}\s*</summary>\s*<ul>(.*?)</ul>", response.text, re.S)
    assert found, f"no filter {title!r} in the sidebar"
    return re.findall(r'<a href="\?[^"]*">([^<]+)</a>', found.group(1))


class _TabularRows(HTMLParser):
    """Reads each tabular inline's column headings and its rows' fields (not the hidden row Django copies)."""

    def __init__(self):
        super().__init__()
        self.inlines, self.depth, self.heading = [], 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "div" and "tabular" in classes:
            self.inlines.append({"headings": [], "fields": []})
            self.depth = 1
        elif self.depth and tag == "div":
            self.depth += 1
        if not self.depth:
            return
        if tag == "th" and "column-" in (attrs.get("class") or ""):
            self.heading = ""
        is_field = tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden"
        if is_field and "__prefix__" not in (attrs.get("name") or ""):
            self.inlines[-1]["fields"].append((attrs.get("name"), attrs.get("aria-label")))

    def handle_data(self, data):
        if self.heading is not None:
            self.heading += data

    def handle_endtag(self, tag):
        if self.depth and tag == "div":
            self.depth -= 1
        if tag == "th" and self.heading is not None:
            self.inlines[-1]["headings"].append(" ".join(self.heading.split()))
            self.heading = None


def tabular_inline_fields(response):
    """Each tabular inline on an admin page: its column headings, and its rows' fields as (name, aria-label)."""
    parser = _TabularRows()
    parser.feed(response.content.decode())
    return parser.inlines
