"""
Form widgets the site's forms and the admin share.
"""

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe
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


# Django's templates that are its one line of input.html (an <input> and its attributes): FormRenderer writes them.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "input", "checkbox", "color", "date", "datetime", "email", "file", "hidden", "number", "password", "search",
        "tel", "text", "time", "url",
    )
)  # fmt: skip
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
ERROR_LIST_TEMPLATES = frozenset(
    ("django/forms/errors/list/default.html", "django/forms/errors/list/ul.html")
)


class FormRenderer(DjangoTemplates):
    """
    Django's form renderer (settings.FORM_RENDERER), with the markup of its most frequent templates written out in
    Python, as Django's templates write it: text, number, date, hidden, checkbox and the other <input>s, <textarea>,
    and a field's error list when it is empty. Every field of every form renders its widget and its error list
    through a template, and the admin's page of an event with its sessions, pledges and mentions renders about 1,450
    of them: the benchmark's event spent most of its time there. Any other template (selects, the admin's own
    widgets, a list with errors in it) is Django's.
    """

    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            widget = context["widget"]
            value = "" if widget["value"] is None else f' value="{as_attribute(widget["value"])}"'
            markup = f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
            return mark_safe(f"{markup}{value}{attributes(widget['attrs'])}>")  # noqa: S308 (escaped, as Django does)
        if template_name == TEXTAREA_TEMPLATE:
            widget = context["widget"]
            # As `{% if widget.value %}{{ widget.value }}{% endif %}` writes it.
            text = render_value_in_context(widget["value"], Context()) if widget["value"] else ""
            markup = f'<textarea name="{conditional_escape(widget["name"])}"{attributes(widget["attrs"])}>'
            return mark_safe(f"{markup}\n{text}</textarea>")  # noqa: S308 (escaped, as Django does)
        if template_name in ERROR_LIST_TEMPLATES and not context["errors"]:
            return ""
        return super().render(template_name, context, request)


def as_attribute(value):
    """A value as `{{ value|stringformat:'s' }}` writes it: escaped, unless it was marked safe."""
    text = stringformat(value, "s")
    return mark_safe(text) if isinstance(value, SafeData) else escape(text)  # noqa: S308 (it was safe)


def attributes(attrs):
    """
    A widget's attributes as django/forms/widgets/attrs.html writes them: True as the name alone, False left out,
    None as "None" (Django's `flatatt` leaves None out, so it would not write the same markup).
    """
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{as_attribute(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


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
