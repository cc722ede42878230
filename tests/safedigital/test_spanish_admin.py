"""
The back office in Spanish. A member of staff whose browser asks for Spanish gets Django's own admin in Spanish,
so the project's words in it must be Spanish too: model and field names, help texts, fieldsets, statuses and
other choices, actions and their messages, filters, columns, validation messages, the admin's own templates.

Every string the project marks for translation (in its Python code and its templates) must have a Spanish
translation in one of the two catalogues: the project's (locale/es) or the donations app's (donations/locale/es).
The strings are read from the source here, as `makemessages` reads them, so a string added without its Spanish
fails this test, whichever page shows it.
"""

import ast
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.translation.template import templatize

from tests.factories import DonationEnquiryFactory, EventFactory, GalleryFactory, SessionFactory
from tests.test_spanish_pages import DONATIONS_CATALOGUE, PROJECT_CATALOGUE, is_translated, read_po

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Not the project's source: the virtual environment, the benchmark, the tests (makemessages is run without them)
# and what packaging, collectstatic and the tests leave behind.
NOT_SOURCE = {".venv", "bench", "tests", "build", "node_modules", "staticfiles", "media", "test-output"}

# Python: xgettext's own keywords and those Django's makemessages adds; for each, the positions of the
# msgid (and of the plural), counted from 0. The contexts of pgettext and npgettext are not kept by read_po.
PYTHON_KEYWORDS = {
    "_": [0],
    "gettext": [0],
    "gettext_lazy": [0],
    "gettext_noop": [0],
    "ngettext": [0, 1],
    "ngettext_lazy": [0, 1],
    "pgettext": [1],
    "pgettext_lazy": [1],
    "npgettext": [1, 2],
    "npgettext_lazy": [1, 2],
}
# Templates, as Django's templatize() writes their {% translate %}, {% blocktranslate %} and _("…") for xgettext.
TEMPLATE_KEYWORDS = {"_": [0], "gettext": [0], "ngettext": [0, 1], "pgettext": [1], "npgettext": [1, 2]}
TEMPLATE_CALL = re.compile(r"\b(_|gettext|ngettext|pgettext|npgettext)\(")


def source_files(*suffixes):
    for folder, folders, files in os.walk(BASE_DIR):
        folders[:] = sorted(
            name
            for name in folders
            if name not in NOT_SOURCE and not name.startswith(".") and not name.endswith(".egg-info")
        )
        for name in sorted(files):
            if name.endswith(suffixes):
                yield Path(folder) / name


def python_msgids(path):
    """(msgid, where) for each literal string passed to a translation function in a Python file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        for position in PYTHON_KEYWORDS.get(name, []):
            if position < len(node.args):
                argument = node.args[position]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str) and argument.value:
                    yield argument.value, f"{path.relative_to(BASE_DIR)}:{node.lineno}"


def template_msgids(path):
    """(msgid, where) for each string a template marks: {% translate %}, {% blocktranslate %}, _("…")."""
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    # templatize() writes each as a call on one line, e.g. ngettext(u'…', u'…', count), amid filler.
    for number, line in enumerate(code.splitlines(), start=1):
        for match in TEMPLATE_CALL.finditer(line):
            call = first_call(line, match.start())
            arguments = [argument.value for argument in call.args if isinstance(argument, ast.Constant)]
            for position in TEMPLATE_KEYWORDS[match.group(1)]:
                if position < len(arguments) and arguments[position]:
                    yield arguments[position], f"{path.relative_to(BASE_DIR)}:{number}"


def first_call(line, start):
    """The call that starts at `start` in `line`: the shortest text from there that reads as one."""
    for end in range(start, len(line)):
        if line[end] == ")":
            try:
                return ast.parse(line[start : end + 1], mode="eval").body
            except SyntaxError:
                continue
    raise AssertionError(f"No complete call in {line[start:]!r}")


def project_msgids():
    """Every msgid of the project's source, with the first place it is found."""
    found = {}
    for path in source_files(".py"):
        for msgid, where in python_msgids(path):
            found.setdefault(msgid, where)
    for path in source_files(".html", ".txt"):
        for msgid, where in template_msgids(path):
            found.setdefault(msgid, where)
    return found


def translated():
    """The msgids (and plural msgids) with Spanish in either catalogue."""
    return {
        msgid
        for catalogue in (PROJECT_CATALOGUE, DONATIONS_CATALOGUE)
        for entry in read_po(catalogue)
        if is_translated(entry)
        for msgid in (entry["msgid"], entry["msgid_plural"])
        if msgid
    }


def test_the_source_is_read_as_makemessages_reads_it():
    """Strings of each kind the back office shows, from each place they are written."""
    msgids = project_msgids()

    for msgid, where in {
        # A model's verbose name, a field's label and help text, a status, a validation message.
        "donation enquiry": "donations/models.py",
        "internal notes": "donations/models.py",
        "The member of staff looking after this enquiry.": "donations/models.py",
        "In discussion": "donations/models.py",
        "Say why this looks like spam.": "donations/models.py",
        "An event cannot be part of itself, or of an event that is part of it.": "events/models.py",
        # A list filter, a fieldset, an action, its message (ngettext), a column.
        "With an e-mail problem": "donations/admin.py",
        "Pipeline": "donations/admin.py",
        "Mark the selected enquiries as spam": "donations/admin.py",
        "The fundraising team is e-mailed about %(count)d enquiry, as about a new one.": "donations/admin.py",
        "Publish the selected events now": "events/admin.py",
        # A formset's validation message, a validator's message.
        "Another row has this link.": "media_coverage/forms.py",
        "The excerpt is %(show_value)s characters; the limit is %(limit_value)s.": "media_coverage/models.py",
        # The admin's own templates: {% translate %} and {% blocktranslate count %}.
        "Yes, erase it": "templates/admin/donations/donationenquiry/erase_confirmation.html",
        "Export this %(counter)s enquiry as CSV": "templates/admin/donations/donationenquiry/change_list.html",
        "Export these %(counter)s enquiries as CSV": "templates/admin/donations/donationenquiry/change_list.html",
        # A filter's argument in a template, _("…").
        "Four pillars for action": "templates/events/event_detail.html",
        # The staff's e-mail (a .txt template).
        "Open it in the back office (you will be asked to sign in):": (
            "templates/donations/emails/staff_notification.txt"
        ),
    }.items():
        assert msgids.get(msgid, "").startswith(where), msgid
    assert len(msgids) > 600


def test_every_string_of_the_project_has_its_spanish():
    spanish = translated()

    untranslated = {msgid: where for msgid, where in project_msgids().items() if msgid not in spanish}

    # Strings of donations/ (and of its templates) go in donations/locale/es, the others in locale/es; then
    # `msgfmt --check -o django.mo django.po` for each catalogue changed.
    assert untranslated == {}


# --- the back office's pages -----------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")
    client.force_login(user)
    return client


def get_in_spanish(client, url):
    response = client.get(url, headers={"accept-language": "es"})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_donation_enquiries_in_the_back_office_speak_spanish(superuser_client):
    enquiry = DonationEnquiryFactory()

    changelist = get_in_spanish(superuser_client, reverse("admin:donations_donationenquiry_changelist"))
    change = get_in_spanish(
        superuser_client, reverse("admin:donations_donationenquiry_change", args=[enquiry.pk])
    )

    for spanish in [
        "Consultas de donación",
        "Marcar las consultas seleccionadas como spam",
        "Cambiar el estado de las consultas seleccionadas a «Contactado»",
        "Busque por nombre, correo electrónico u organización.",
        "Con un problema de correo",
        "Próxima acción",
    ]:
        assert spanish in changelist, spanish
    for spanish in [
        "Seguimiento",
        "Notas internas",
        "La persona del equipo que se encarga de esta consulta.",
        "En conversación",
        "Historial de estados",
    ]:
        assert spanish in change, spanish
    for english in ["Mark the selected enquiries as spam", "Pipeline", "Internal notes", "In discussion"]:
        assert english not in changelist + change, english


@pytest.mark.django_db
def test_djangos_own_words_that_it_has_not_translated_yet_are_spanish_in_the_back_office(superuser_client):
    # Django 6.1's Spanish leaves its newest strings in English: the empty choice of every select (the actions
    # too), the actions' button, the deletion's question, headings read by screen readers.
    event = EventFactory()
    SessionFactory(event=event)

    changelist = get_in_spanish(superuser_client, reverse("admin:events_event_changelist"))
    add = get_in_spanish(superuser_client, reverse("admin:events_event_add"))
    delete = get_in_spanish(superuser_client, reverse("admin:events_event_delete", args=[event.pk]))

    assert '<option value="" selected>- Seleccione una opción -</option>' in changelist
    assert ">Ejecutar</button>" in changelist
    assert "Paginación de eventos" in changelist
    assert "- Seleccione una opción -" in add
    assert f"¿Está seguro de que quiere eliminar evento “{event.title}”?" in delete
    for english in ["Select an option", ">Run<", "Pagination", "Are you sure you want to delete"]:
        assert english not in changelist + add + delete, english


@pytest.mark.django_db
def test_the_back_offices_messages_in_spanish_agree_with_feminine_names(superuser_client):
    # Django's Spanish puts a masculine article before every model's name: "El organización “…” fue agregado",
    # "El galería", and "Elgalería" (no space) once deleted. The project's are worded without one.
    spanish = {"headers": {"accept-language": "es"}, "follow": True}
    gallery = GalleryFactory(title="Recepción")

    added = superuser_client.post(
        reverse("admin:events_organisation_add"), {"name": "Fundación Niñez", "kind": "ngo"}, **spanish
    ).content.decode()
    deleted = superuser_client.post(
        reverse("admin:events_gallery_delete", args=[gallery.pk]), {"post": "yes"}, **spanish
    ).content.decode()
    add_event = get_in_spanish(superuser_client, reverse("admin:events_event_add"))

    assert "Se agregó correctamente: organización “Fundación Niñez”." in re.sub(r"<[^>]+>", "", added)
    assert "Se eliminó correctamente: galería “Recepción”." in deleted
    assert "&quot;addText&quot;: &quot;Agregar Aliado&quot;" in add_event  # the partners' button
    # A list's title, which names the model without an article too.
    galleries = get_in_spanish(superuser_client, reverse("admin:events_gallery_changelist"))
    assert "<h1>Elija qué galería modificar</h1>" in galleries
    assert "Seleccione galería a modificar" not in galleries
    for wrong in ["El organización", "Elgalería", "El galería", "adicional."]:
        assert wrong not in added + deleted + add_event, wrong
