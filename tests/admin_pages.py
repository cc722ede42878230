"""What tests read off the admin's pages."""

import re


def filter_choices(response, title):
    """The choices of a changelist's filter, by its title ("By country"), as the sidebar lists them."""
    found = re.search(rf"<summary>\s*{re.escape(title)}\s*</summary>\s*<ul>(.*?)</ul>", response.text, re.S)
    assert found, f"no filter {title!r} in the sidebar"
    return re.findall(r'<a href="\?[^"]*">([^<]+)</a>', found.group(1))
