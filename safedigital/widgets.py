"""
Form widgets the site's forms and the admin share.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe


class Select(forms.Select):
    """
    Django's single select with Django's markup, written out in Python. Django renders each option through two
    templates; a form with a list of countries or languages, and an admin inline that repeats such a list on
    every row, spent most of its time there.
    """

    def render(self, name, value, attrs=None, renderer=None):
        if self.allow_multiple_selected:  # a subclass that selects many: Django's templates
            return super().render(name, value, attrs, renderer)
        # The plain widget's context (name, attributes, the selected value as a list), without the option
        # dictionaries a ChoiceWidget builds for its templates.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        selected = widget["value"]
        has_selected = False
        parts = [f'<select name="{escape(name)}"{flatatt(widget["attrs"])}>']
        for option_value, option_label in self.choices:
            group = None
            choices = [(option_value, option_label)]
            if isinstance(option_label, (list, tuple)):
                group, choices = option_value, option_label
                if group:
                    parts.append(f'\n  <optgroup label="{conditional_escape(localize(group))}">')
            for subvalue, sublabel in choices:
                subvalue = "" if subvalue is None else str(subvalue)
                is_selected = not has_selected and subvalue in selected  # as Django: the first that matches
                has_selected |= is_selected
                parts.append(
                    f'\n  <option value="{escape(subvalue)}"{" selected" if is_selected else ""}>'
                    f"{conditional_escape(localize(sublabel))}</option>"
                )
            if group:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value and label is escaped above)
