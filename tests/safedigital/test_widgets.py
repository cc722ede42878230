import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from safedigital.widgets import Select

CHOICES = {
    "flat": [("", "---------"), ("en", "English"), ("es", gettext_lazy("Spanish")), (3, 3)],
    "groups": [
        (None, "None chosen"),
        ("Europe", [("fr", "France"), ("de", "Germany")]),
        ("South America", [("co", "Colombia")]),
        ("", [("xx", "In a group without a name")]),
    ],
    "unsafe": [('a"b<c>', "Tom & Jerry's <b>"), ("safe", mark_safe("<em>kept</em>"))],
    "repeated": [("a", "First"), ("a", "Again")],
}


def django_markup(widget, name, value, attrs):
    # Django's option template ends each option with a line break; Select leaves out the empty lines.
    return "\n".join(line for line in widget.render(name, value, attrs).split("\n") if line.strip())


@pytest.mark.parametrize("choices", CHOICES)
@pytest.mark.parametrize("value", [None, "", "es", "de", 3, 'a"b<c>', "a", "not offered"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_language", "required": True, "disabled": False}])
def test_a_select_is_written_as_django_writes_it(choices, value, attrs):
    ours = Select(choices=CHOICES[choices]).render("language", value, attrs)
    assert ours == django_markup(forms.Select(choices=CHOICES[choices]), "language", value, attrs)


def test_values_and_labels_are_escaped_and_one_option_is_selected():
    markup = Select(choices=CHOICES["unsafe"] + CHOICES["repeated"]).render("x", "a")

    assert '<option value="a&quot;b&lt;c&gt;">Tom &amp; Jerry&#x27;s &lt;b&gt;</option>' in markup
    assert "<em>kept</em>" in markup
    assert markup.count(" selected") == 1
    assert '<option value="a" selected>First</option>' in markup


def test_a_select_of_many_values_is_left_to_django():
    class Many(Select):
        allow_multiple_selected = True

    markup = Many(choices=CHOICES["flat"]).render("x", ["en", "es"])
    assert markup == forms.SelectMultiple(choices=CHOICES["flat"]).render("x", ["en", "es"])
