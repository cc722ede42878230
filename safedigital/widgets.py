"""
Form widgets the site's forms and the admin share.
"""

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.forms.utils import flatatt
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django_prose_editor.widgets import AdminProseEditorWidget, prose_editor_admin_media
from js_asset import Media, Script

from safedigital.richtext import EDITOR_EXTENSIONS


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


def described_by(*references):
    """An aria-describedby value naming each of `references` (space-separated ids, or empty) once, in order."""
    ids = [id_ for reference in references for id_ in (reference or "").split()]
    return " ".join(dict.fromkeys(ids))


class KeepsItsDescriptions:
    """
    For the admin's date and time inputs. Django's set the input's aria-describedby to the id of the time-zone
    warning its JavaScript may add, dropping what the form put there: the ids of the field's help text and of its
    error list, so that a screen reader read neither with the input (WCAG 1.3.1, 3.3.1). The input names them all.
    """

    def get_context(self, name, value, attrs):
        given = self.build_attrs(self.attrs, attrs).get("aria-describedby")
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["aria-describedby"] = described_by(given, widget_attrs.get("aria-describedby"))
        return context


class AdminDateWidget(KeepsItsDescriptions, admin_widgets.AdminDateWidget):
    pass


class AdminTimeWidget(KeepsItsDescriptions, admin_widgets.AdminTimeWidget):
    pass


class AdminSplitDateTime(admin_widgets.AdminSplitDateTime):
    """
    The admin's date and time inputs of one moment, each naming the field's error list, when the field has errors,
    before the time-zone warning. Django's name the warning alone; and as the two inputs are a fieldset, the form
    puts no description on them (the admin names the help text on the fieldset, which stays so).
    """

    def get_context(self, name, value, attrs):
        given = self.build_attrs(self.attrs, attrs)
        context = super().get_context(name, value, attrs)
        # aria-invalid is the form's sign that the field has errors; their list is "<the field's id>_error".
        errors = f"{given['id']}_error" if given.get("id") and given.get("aria-invalid") == "true" else ""
        for widget in context["widget"]["subwidgets"]:
            widget["attrs"]["aria-describedby"] = described_by(
                given.get("aria-describedby"), errors, widget["attrs"].get("aria-describedby")
            )
        return context


class RichTextEditor(AdminProseEditorWidget):
    """
    The admin's editor of formatted text (safedigital.models.RichTextField): django-prose-editor's editor, started
    by static/js/admin-richtext.js with what safedigital.richtext keeps (EDITOR_EXTENSIONS), its words translated
    by the admin's JavaScript catalogue (locale/*/LC_MESSAGES/djangojs.po). Without JavaScript it is the textarea,
    which takes HTML.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs, config={"extensions": EDITOR_EXTENSIONS}, preset="safedigital")

    @property
    def media(self):
        return prose_editor_admin_media + Media(
            css={"all": ["css/admin-richtext.css"]},
            js=[Script("js/admin-richtext.js", type="module")],
        )
