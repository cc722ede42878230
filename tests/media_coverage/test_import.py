import datetime
import re
import tempfile
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from import_export.tmp_storages import CacheStorage

from media_coverage.models import MediaMention, Outlet
from media_coverage.resources import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, CountryWidget
from tests.factories import EventFactory, MediaMentionFactory, OutletFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:media_coverage_mediamention_import"
PROCESS_URL = "admin:media_coverage_mediamention_process_import"

GOOD_CSV = """outlet,headline,link,date,medium,language,reach
El Tiempo,Colombia lidera la protección infantil en línea,https://www.eltiempo.example/a,2024-11-07,print,es,"1,200,000"
Semana,Ministros se reúnen en Bogotá,https://www.semana.example/b,07/11/2024,digital,Spanish,450000
Caracol,Entrevista con los coanfitriones,,2024-11-06,TV,es,
"""


def csv_file(text, name="mentions.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def staff(admin_client):
    return admin_client


@pytest.fixture
def event():
    return EventFactory(title="Safe Digital Futures for Children")


def upload(client, event, text, name="mentions.csv"):
    return client.post(
        reverse(IMPORT_URL),
        {
            "event": event.pk if event else "",
            "import_file": csv_file(text, name),
            "format": "0",
            "resource": "0",
        },
    )


def confirm(client, response):
    form = response.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return client.post(reverse(PROCESS_URL), data, follow=True)


def mentions_of(event):
    return sorted(
        (m.outlet.name, m.outlet.medium, m.headline, m.link, str(m.date), m.language, m.reach)
        for m in MediaMention.objects.filter(event=event).select_related("outlet")
    )


def row_errors(response):
    return [
        (row.number, {name: list(errors) for name, errors in row.field_specific_errors.items()})
        for row in response.context["result"].invalid_rows
    ]


def test_a_good_file_is_previewed_then_imported(staff, event):
    OutletFactory(name="EL TIEMPO", medium=Outlet.Medium.PRINT)

    preview = upload(staff, event, GOOD_CSV)

    assert MediaMention.objects.count() == 0  # the preview writes nothing
    assert Outlet.objects.count() == 1
    content = preview.content.decode()
    assert "Below is a preview of data to be imported." in content
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["new", "new", "new"]
    assert "<ins>Colombia lidera la protección infantil en línea</ins>" in content

    done = confirm(staff, preview)

    assert (
        "Import finished: 3 new, 0 updated, 0 deleted and 0 skipped media mentions." in done.content.decode()
    )
    assert done.redirect_chain[-1][0].endswith(f"?event__id__exact={event.pk}")
    assert mentions_of(event) == [
        ("Caracol", "tv", "Entrevista con los coanfitriones", "", "2024-11-06", "es", None),
        ("EL TIEMPO", "print", "Colombia lidera la protección infantil en línea", "https://www.eltiempo.example/a",
         "2024-11-07", "es", 1_200_000),
        ("Semana", "digital", "Ministros se reúnen en Bogotá", "https://www.semana.example/b", "2024-11-07", "es",
         450_000),
    ]  # fmt: skip
    assert sorted(Outlet.objects.values_list("name", "medium")) == [
        ("Caracol", "tv"),
        ("EL TIEMPO", "print"),
        ("Semana", "digital"),
    ]


def test_the_file_waits_in_the_shared_cache_between_the_preview_and_the_confirmation(staff, event, settings):
    """With Redis (REDIS_URL), any app server can confirm what another one previewed."""
    settings.IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"

    preview = upload(staff, event, GOOD_CSV)

    name = preview.context["confirm_form"].initial["import_file_name"]
    assert cache.get(CacheStorage.CACHE_PREFIX + name) == GOOD_CSV.encode()
    assert not (Path(tempfile.gettempdir()) / name).exists()

    done = confirm(staff, preview)

    assert (
        "Import finished: 3 new, 0 updated, 0 deleted and 0 skipped media mentions." in done.content.decode()
    )
    assert [headline for _outlet, _medium, headline, *_rest in mentions_of(event)] == [
        "Entrevista con los coanfitriones",
        "Colombia lidera la protección infantil en línea",
        "Ministros se reúnen en Bogotá",
    ]
    assert cache.get(CacheStorage.CACHE_PREFIX + name) is None  # the waiting file is removed


@pytest.mark.parametrize(
    "storage", ["import_export.tmp_storages.CacheStorage", "import_export.tmp_storages.TempFolderStorage"]
)
def test_a_confirmation_whose_file_has_expired_asks_for_the_file_again(staff, event, settings, storage):
    settings.IMPORT_EXPORT_TMP_STORAGE_CLASS = storage
    preview = upload(staff, event, GOOD_CSV)
    name = preview.context["confirm_form"].initial["import_file_name"]
    cache.delete(CacheStorage.CACHE_PREFIX + name)  # expired, evicted, or on another server's disk
    Path(tempfile.gettempdir(), name).unlink(missing_ok=True)

    done = confirm(staff, preview)

    assert done.redirect_chain == [(reverse(IMPORT_URL), 302)]
    assert [str(message) for message in done.context["messages"]] == [
        "Nothing was imported: the preview has expired. Upload the file again."
    ]
    assert MediaMention.objects.count() == 0


@pytest.mark.parametrize("name", ["/etc/passwd", "../../../etc/hostname", "/dev/zero"])
@pytest.mark.parametrize(
    "storage", ["import_export.tmp_storages.CacheStorage", "import_export.tmp_storages.TempFolderStorage"]
)
def test_a_confirmation_naming_a_file_outside_the_waiting_ones_reads_nothing(
    staff, event, settings, storage, name
):
    # The name is the form's: taken whole, it had the server read any file (and /dev/zero without end).
    settings.IMPORT_EXPORT_TMP_STORAGE_CLASS = storage
    preview = upload(staff, event, GOOD_CSV)
    data = {
        field: preview.context["confirm_form"].initial.get(field, "")
        for field in preview.context["confirm_form"].fields
    }

    done = staff.post(reverse(PROCESS_URL), data | {"import_file_name": name}, follow=True)

    assert done.redirect_chain == [(reverse(IMPORT_URL), 302)]
    assert [str(message) for message in done.context["messages"]] == [
        "Nothing was imported: the preview has expired. Upload the file again."
    ]
    assert MediaMention.objects.count() == 0


def test_bad_rows_are_each_reported_in_plain_words_and_nothing_is_written(staff, event):
    OutletFactory(name="El Tiempo", medium=Outlet.Medium.PRINT)
    text = """outlet,headline,link,date,medium,language,reach
Nuevo Diario,A good row whose outlet would be created,https://new.example/1,2024-11-07,digital,es,10
El Tiempo,Medium disagrees,https://new.example/2,2024-11-07,TV,es,10
Semana,Bad date and reach,https://new.example/3,7 Nov,digital,Klingon,lots
,No outlet,not-a-link,2024-11-07,digital,es,
Radio Nueva,New outlet without medium,,2024-11-07,,es,
"""

    response = upload(staff, event, text)

    assert row_errors(response) == [
        (2, {"outlet": ["“El Tiempo” is recorded as print, but this row says television. "
                        "Correct the file, or the outlet in the back office."]}),
        (3, {"date": ["“7 Nov” is not a date; write it as 2024-11-07 (year-month-day) or 07/11/2024 (day/month/year)."],
             "language": ["“Klingon” is not a language we know; write a code such as es or en, or a name such as Spanish."],
             "reach": ["“lots” is not a whole number of people; write it like 150000 or 150,000."]}),
        (4, {"outlet": ["Give the outlet's name."], "link": ["Enter a valid URL."]}),
        (5, {"outlet": ["“Radio Nueva” is a new outlet: give its medium (print, digital, TV or radio)."]}),
    ]  # fmt: skip
    content = response.content.decode()
    assert "4 rows have errors" in content
    assert "<strong>Row 3 (line 4 of the file)</strong>" in content
    assert "Nothing was imported. Correct these rows in the file, then upload it again" in content
    assert (
        '<li><span class="import-error-field">reach</span>: “lots” is not a whole number of people;'
        in content
    )
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert MediaMention.objects.count() == 0
    assert list(Outlet.objects.values_list("name", flat=True)) == ["El Tiempo"]  # Nuevo Diario rolled back


def test_a_medium_that_is_not_one_is_told_under_the_medium_column(staff, event):
    OutletFactory(name="El Tiempo", medium=Outlet.Medium.PRINT)
    text = """outlet,headline,link,date,medium,language,reach
El Tiempo,A known outlet,https://n.example/1,2024-11-07,newspaper,es,10
Radio Nueva,A new outlet,https://n.example/2,2024-11-07,telegraph,es,10
,No outlet,https://n.example/3,2024-11-07,telegraph,es,10
"""

    response = upload(staff, event, text)

    assert row_errors(response) == [
        (1, {"medium": ["“newspaper” is not a medium; write print, digital, TV or radio."]}),
        (2, {"medium": ["“telegraph” is not a medium; write print, digital, TV or radio."]}),
        (3, {"outlet": ["Give the outlet's name."],
             "medium": ["“telegraph” is not a medium; write print, digital, TV or radio."]}),
    ]  # fmt: skip
    assert (
        '<li><span class="import-error-field">medium</span>: “newspaper” is not a medium;'
        in response.content.decode()
    )
    assert MediaMention.objects.count() == 0
    assert list(Outlet.objects.values_list("name", flat=True)) == ["El Tiempo"]


def test_a_country_that_is_not_one_is_told_under_the_country_column(staff, event):
    OutletFactory(name="El Tiempo", medium=Outlet.Medium.PRINT)
    text = """outlet,headline,link,date,medium,language,reach,country
Radio Nueva,A new outlet,https://n.example/1,2024-11-07,radio,es,10,Narnia
El Tiempo,A known outlet: its country is not read,https://n.example/2,2024-11-07,print,es,10,Narnia
Radio Otra,A new outlet without a medium,https://n.example/3,2024-11-07,,es,10,Atlantis
Radio Tercera,A new outlet with neither,https://n.example/4,2024-11-07,telegraph,es,10,Atlantis
"""

    response = upload(staff, event, text)

    not_a_country = (
        "“{}” is not a country; write its ISO code, such as ES, or its name in English or in Spanish, such as "
        "Spain or España."
    )
    assert row_errors(response) == [
        (1, {"country": [not_a_country.format("Narnia")]}),
        (3, {"outlet": ["“Radio Otra” is a new outlet: give its medium (print, digital, TV or radio)."],
             "country": [not_a_country.format("Atlantis")]}),
        (4, {"medium": ["“telegraph” is not a medium; write print, digital, TV or radio."],
             "country": [not_a_country.format("Atlantis")]}),
    ]  # fmt: skip
    assert (
        '<li><span class="import-error-field">country</span>: “Narnia” is not a country;'
        in response.content.decode()
    )
    assert MediaMention.objects.count() == 0
    assert list(Outlet.objects.values_list("name", flat=True)) == ["El Tiempo"]


@pytest.mark.parametrize("country", ["CO", "col", "Colombia"])
def test_a_new_outlets_country_is_its_iso_code_or_its_english_name(staff, event, country):
    text = f"""outlet,headline,link,date,medium,language,reach,country
Radio Nueva,A new outlet,https://n.example/1,2024-11-07,radio,es,10,{country}
"""

    confirm(staff, upload(staff, event, text))

    assert list(Outlet.objects.values_list("name", "country")) == [("Radio Nueva", "CO")]


def test_a_new_outlets_country_may_be_its_name_in_spanish(staff, event):
    """The site's languages are English and Spanish, and so are the agencies' files: either name is a country."""
    text = """outlet,headline,link,date,medium,language,reach,country
El País,Un nuevo medio,https://n.example/1,2024-11-07,print,es,10,España
The Guardian,A new outlet,https://n.example/2,2024-11-07,print,en,10,reino unido
Reforma,Otro nuevo medio,https://n.example/3,2024-11-07,print,es,10,MÉXICO
Le Monde,Un nouveau média,https://n.example/4,2024-11-07,print,fr,10,France
"""

    preview = upload(staff, event, text)

    assert row_errors(preview) == []
    confirm(staff, preview)
    assert sorted(Outlet.objects.values_list("name", "country")) == [
        ("El País", "ES"),
        ("Le Monde", "FR"),
        ("Reforma", "MX"),
        ("The Guardian", "GB"),
    ]


def test_a_country_that_is_not_one_is_told_in_spanish_with_the_spanish_names_it_may_use():
    """Told to write the name "en inglés", an editor working in Spanish would not know that España is read too."""
    with translation.override("es"), pytest.raises(ValueError) as refused:
        CountryWidget().clean("Narnia")

    assert str(refused.value) == (
        "«Narnia» no es un país; escriba su código ISO, como ES, o su nombre en español o en inglés, como España o "
        "Spain."
    )


def test_a_country_column_costs_no_query_of_its_own(staff, event):
    """The country is looked at only when it is not one: a file with a country in every row is not slower to check."""
    for name, medium in [("El Tiempo", "print"), ("Semana", "digital"), ("Caracol", "tv")]:
        OutletFactory(name=name, medium=medium)
    rows = [
        ("El Tiempo", "print", "CO"), ("Semana", "digital", "Colombia"), ("Caracol", "TV", "CO"),
        ("Radio Nueva", "radio", "col"),
    ]  # fmt: skip

    def queries_to_preview(country_column):
        header = "outlet,headline,link,date,medium,language,reach" + (",country" if country_column else "")
        lines = [
            f"{outlet},Headline {number},https://n.example/{number},2024-11-07,{medium},es,10"
            + (f",{country}" if country_column else "")
            for number, (outlet, medium, country) in enumerate(rows)
        ]
        text = "\n".join([header, *lines]) + "\n"
        with CaptureQueriesContext(connection) as queries:
            response = upload(staff, event, text)
        assert not response.context["result"].has_validation_errors()
        return len(queries)

    queries_to_preview(country_column=True)  # warm the session and content types

    assert queries_to_preview(country_column=True) == queries_to_preview(country_column=False)


def test_a_row_without_a_headline_is_told_so_once(staff, event):
    text = """outlet,headline,link,date,medium,language,reach
Semana,,https://s.example/1,2024-11-07,digital,es,10
Semana,   ,https://s.example/2,2024-11-07,digital,es,10
"""

    response = upload(staff, event, text)

    assert row_errors(response) == [
        (1, {"headline": ["A mention needs its headline."]}),
        (2, {"headline": ["A mention needs its headline."]}),
    ]
    assert response.content.decode().count("A mention needs its headline.") == 2
    assert MediaMention.objects.count() == 0


def test_a_bad_row_rolls_back_the_whole_import_even_when_confirmed_directly(event):
    """The resource itself refuses partial imports, whoever calls it."""
    import tablib

    from media_coverage.resources import MediaMentionResource

    dataset = tablib.Dataset(headers=["outlet", "headline", "link", "date", "medium", "language", "reach"])
    dataset.append(["Semana", "Good", "https://a.example/1", "2024-11-07", "digital", "es", "5"])
    dataset.append(["Semana", "Bad", "https://a.example/2", "tomorrow", "digital", "es", "5"])

    result = MediaMentionResource(event=event).import_data(dataset, dry_run=False)

    assert result.has_validation_errors()
    assert MediaMention.objects.count() == 0
    assert Outlet.objects.count() == 0


def test_rows_of_one_file_that_are_the_same_mention_are_refused_not_merged(staff, event):
    """The later row would overwrite the earlier one: the file would lose a mention without a word."""
    text = """outlet,headline,link,date,medium,language,reach
Semana,Ministros se reúnen en Bogotá,https://www.semana.example/b,2024-11-07,digital,es,450000
El Tiempo,Colombia lidera la protección infantil,,2024-11-07,print,es,
Semana,Ministros firman compromisos,https://www.semana.example/b,2024-11-08,digital,es,500000
EL TIEMPO,colombia lidera la protección infantil,https://www.eltiempo.example/a,2024-11-07,print,es,
"""

    response = upload(staff, event, text)

    assert row_errors(response) == [
        (3, {"link": ["Row 1 of the file has this link too: give each mention once."]}),
        (4, {"headline": ["Row 2 of the file has this outlet and headline too: give each mention once."]}),
    ]
    assert MediaMention.objects.count() == 0


def test_importing_the_same_file_again_changes_nothing(staff, event):
    confirm(staff, upload(staff, event, GOOD_CSV))
    before = mentions_of(event)
    history = MediaMention.history.count()

    preview = upload(staff, event, GOOD_CSV)

    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["skip", "skip", "skip"]
    done = confirm(staff, preview)
    assert (
        "Import finished: 0 new, 0 updated, 0 deleted and 3 skipped media mentions." in done.content.decode()
    )
    assert mentions_of(event) == before
    assert MediaMention.history.count() == history
    assert Outlet.objects.count() == 3


def test_a_changed_row_updates_the_mention_it_matches(staff, event):
    confirm(staff, upload(staff, event, GOOD_CSV))
    changed = GOOD_CSV.replace('"1,200,000"', "1300000").replace(
        "Caracol,Entrevista con los coanfitriones,,",
        "CARACOL,ENTREVISTA con los coanfitriones,https://caracol.example/e,",
    )

    preview = upload(staff, event, changed)

    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["update", "skip", "update"]
    confirm(staff, preview)
    assert MediaMention.objects.count() == 3
    caracol = MediaMention.objects.get(outlet__name="Caracol")
    assert (caracol.headline, caracol.link) == (
        "ENTREVISTA con los coanfitriones",
        "https://caracol.example/e",
    )
    assert MediaMention.objects.get(outlet__name="El Tiempo").reach == 1_300_000


def test_the_same_file_for_another_event_makes_that_event_its_own_mentions(staff, event):
    other = EventFactory()
    confirm(staff, upload(staff, event, GOOD_CSV))

    confirm(staff, upload(staff, other, GOOD_CSV))

    assert MediaMention.objects.filter(event=event).count() == 3
    assert MediaMention.objects.filter(event=other).count() == 3
    assert Outlet.objects.count() == 3


def test_the_import_must_target_an_event(staff):
    response = upload(staff, None, GOOD_CSV)

    assert response.context["form"].errors["event"] == ["This field is required."]
    assert MediaMention.objects.count() == 0


def test_the_event_can_be_chosen_from_the_link(staff, event):
    response = staff.get(reverse(IMPORT_URL) + f"?event={event.pk}")

    assert (
        f'<option value="{event.pk}" selected>Safe Digital Futures for Children</option>'
        in response.content.decode()
    )


def test_a_huge_file_is_refused_with_a_message(staff, event, settings):
    settings.COVERAGE_IMPORT_MAX_BYTES = 1024
    text = (
        "outlet,headline,link,date,medium,language,reach\n"
        + "Semana,A headline,,2024-11-07,digital,es,1\n" * 60
    )

    response = upload(staff, event, text)

    assert response.context["form"].errors["import_file"] == [
        "This file is 3 KB; the limit is 1 KB. Split it into smaller files."
    ]
    assert "This file is 3 KB; the limit is 1 KB." in response.content.decode()
    assert MediaMention.objects.count() == 0


def test_too_many_rows_are_refused_with_a_message(staff, event, settings):
    settings.COVERAGE_IMPORT_MAX_ROWS = 2
    text = "outlet,headline,link,date,medium,language,reach\n" + "".join(
        f"Semana,Headline {n},,2024-11-07,digital,es,1\n" for n in range(3)
    )

    response = upload(staff, event, text)

    assert response.context["form"].errors["import_file"] == [
        "This file has 3 rows; the limit is 2. Split it into smaller files."
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00binary spreadsheet",
            "This file is not CSV text in UTF-8 (a spreadsheet file perhaps). "
            "Save it from the spreadsheet as “CSV UTF-8” and upload that.",
        ),
        (
            "outlet,headline\nSemana,Título\n".encode("latin-1"),
            "This file is not CSV text in UTF-8 (a spreadsheet file perhaps). "
            "Save it from the spreadsheet as “CSV UTF-8” and upload that.",
        ),
        (b"", "The submitted file is empty."),
        (
            b"\n\n",
            "The file is empty. Its first line names the columns: "
            "outlet, headline, link, date, medium, language, reach.",
        ),
        (
            b"outlet,headline,link,date,medium,language,reach\n",
            "The file has column names but no rows under them.",
        ),
        (
            b"outlet,hedline,link,date,medium,language,reach\nSemana,A,,2024-11-07,digital,es,\n",
            "The file has no column headline. The import does not know the column hedline. "
            "The first line must name the columns outlet, headline, link, date, medium, language, reach, "
            "and may add kind, excerpt, country.",
        ),
        (
            b"outlet,headline,link,date,medium,language,reach\nSemana,Ministers, meet,,2024-11-07,digital,es,\n",
            "Row 1 (line 2 of the file) has 8 values but the first line names 7 columns. "
            "A value with a comma in it must be in double quotes.",
        ),
    ],
    ids=["xlsx", "latin-1", "empty", "blank-lines", "header-only", "wrong-columns", "ragged"],
)
def test_malformed_files_are_refused_with_a_message(staff, event, content, message):
    response = staff.post(
        reverse(IMPORT_URL),
        {"event": event.pk, "format": "0", "import_file": SimpleUploadedFile("m.csv", content, "text/csv")},
    )

    assert response.context["form"].errors["import_file"] == [message]
    assert escape(message) in response.content.decode()  # shown beside the file field
    assert "confirm_form" not in response.context
    assert MediaMention.objects.count() == 0


def test_optional_columns_and_capitalised_headers_are_understood(staff, event):
    text = """Outlet,Headline,Link,Date,Medium,Language,Reach,Kind,Excerpt,Country
Radio Nacional,Una entrevista,https://rn.example/1,2024-11-08,radio,es,300,Interview,"Hay que actuar ya, dijo",CO
"""
    confirm(staff, upload(staff, event, text))

    mention = MediaMention.objects.select_related("outlet").get()
    assert (mention.kind, mention.excerpt) == ("interview", "Hay que actuar ya, dijo")
    assert (mention.outlet.name, mention.outlet.medium, mention.outlet.country.code) == (
        "Radio Nacional",
        "radio",
        "CO",
    )


def test_an_excerpt_longer_than_the_mention_form_allows_is_a_bad_row(staff, event):
    text = f"""outlet,headline,link,date,medium,language,reach,excerpt
Semana,Una nota,https://s.example/1,2024-11-07,digital,es,10,{"a" * 600}
Semana,Otra nota,https://s.example/2,2024-11-07,digital,es,10,{"b" * 900}
"""

    response = upload(staff, event, text)

    assert row_errors(response) == [(2, {"excerpt": ["The excerpt is 900 characters; the limit is 600."]})]
    assert (
        "Nothing was imported. Correct these rows in the file, then upload it again"
        in response.content.decode()
    )
    assert MediaMention.objects.count() == 0


def test_mentions_typed_in_the_back_office_are_matched_by_outlet_and_headline(staff, event):
    typed = MediaMentionFactory(
        event=event, outlet=OutletFactory(name="Caracol", medium="tv"), headline="Entrevista con los coanfitriones",
        link="", reach=None, date=None, language="es",
    )  # fmt: skip

    confirm(staff, upload(staff, event, GOOD_CSV))

    assert MediaMention.objects.filter(event=event).count() == 3
    typed.refresh_from_db()
    assert str(typed.date) == "2024-11-06"


def test_a_row_with_empty_cells_keeps_what_the_mention_it_matches_has(staff, event):
    """An editor re-imports a spreadsheet whose link, date, … cells were never filled: nothing stored is lost."""
    saved = MediaMentionFactory(
        event=event, outlet=OutletFactory(name="Caracol", medium="tv"), headline="Entrevista con los coanfitriones",
        link="https://caracol.example/e", date=datetime.date(2024, 11, 6), language="es", reach=300_000,
        kind=MediaMention.Kind.INTERVIEW, excerpt="Hay que actuar ya",
    )  # fmt: skip
    history = MediaMention.history.count()
    text = """outlet,headline,link,date,medium,language,reach,kind,excerpt
Caracol,Entrevista con los coanfitriones,,,TV,,,,
"""

    preview = upload(staff, event, text)

    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["skip"]
    done = confirm(staff, preview)
    assert (
        "Import finished: 0 new, 0 updated, 0 deleted and 1 skipped media mentions." in done.content.decode()
    )
    saved.refresh_from_db()
    assert (saved.link, saved.date, saved.language, saved.reach, saved.kind, saved.excerpt) == (
        "https://caracol.example/e", datetime.date(2024, 11, 6), "es", 300_000, "interview", "Hay que actuar ya",
    )  # fmt: skip
    assert MediaMention.history.count() == history


def test_a_row_without_a_link_that_changes_a_mention_keeps_its_link(staff, event):
    saved = MediaMentionFactory(
        event=event, outlet=OutletFactory(name="Caracol", medium="tv"), headline="Entrevista con los coanfitriones",
        link="https://caracol.example/e", reach=300_000,
    )  # fmt: skip
    text = """outlet,headline,link,date,medium,language,reach
Caracol,Entrevista con los coanfitriones,,2024-11-07,TV,es,350000
"""

    preview = upload(staff, event, text)

    result = preview.context["result"]
    [row] = result.valid_rows()
    assert row.import_type == "update"
    changes = dict(zip(result.diff_headers, row.diff, strict=True))
    assert (changes["link"], changes["reach"]) == (
        "<span>https://caracol.example/e</span>",
        "<span>3</span><del>0</del><ins>5</ins><span>0000</span>",
    )
    confirm(staff, preview)
    saved.refresh_from_db()
    assert (saved.link, saved.reach) == ("https://caracol.example/e", 350_000)


def test_outlets_and_headlines_are_matched_whatever_the_capitals_of_their_accented_letters(staff, event):
    # "CARACOL TELEVISIÓN" is the outlet stored as "Caracol Televisión" (on SQLite too, whose own case folding
    # knows ASCII alone), and "ENTREVISTA EN BOGOTÁ" the mention typed as "Entrevista en Bogotá".
    caracol = OutletFactory(name="Caracol Televisión", medium="tv")
    typed = MediaMentionFactory(
        event=event, outlet=caracol, headline="Entrevista en Bogotá", link="", date=None
    )

    response = confirm(
        staff,
        upload(
            staff,
            event,
            "outlet,headline,link,date,medium,language,reach\nCARACOL TELEVISIÓN,ENTREVISTA EN BOGOTÁ,,2024-11-06,TV,,\n",
        ),
    )

    assert response.status_code == 200
    assert list(Outlet.objects.values_list("name", flat=True)) == ["Caracol Televisión"]
    assert list(MediaMention.objects.filter(event=event)) == [typed]
    typed.refresh_from_db()
    assert str(typed.date) == "2024-11-06"


def test_the_import_page_explains_the_columns(staff):
    content = staff.get(reverse(IMPORT_URL)).content.decode()

    assert "<code>outlet, headline, link, date, medium, language, reach</code>" in content
    assert re.search(r"if any row has an error, nothing is imported", content)
    assert (
        "an empty cell keeps what the mention has (to clear a value, edit the mention in the back office)"
        in content
    )


def test_the_import_page_lists_every_column_the_import_reads(staff):
    response = staff.get(reverse(IMPORT_URL))

    columns = "outlet, headline, link, date, medium, language, reach, kind, excerpt, country"
    assert [", ".join(fields) for _resource, fields in response.context["fields_list"]] == [columns]
    assert columns == ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)  # every column a file may have
    assert re.search(
        rf"This importer will import the following fields:\s*<code>{columns}</code>",
        response.content.decode(),
    )
