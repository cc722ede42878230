"""
CSV import of media mentions as a monitoring agency exports them (django-import-export).

Every row becomes a mention of one event, chosen on the import form. Outlets are matched by name, ignoring
case, or created. A row that is already there (the same link, or the same outlet and headline, for the event)
is updated, or skipped when nothing changed, so importing the same file twice changes nothing. An empty cell of a
row that updates a mention keeps what the mention has (a file without links does not wipe the stored ones). The
whole file is imported in one transaction: one bad row and nothing is written.
"""

import csv
import datetime
import functools
import io
import re

from diff_match_patch import diff_match_patch
from django.conf import global_settings, settings
from django.core.exceptions import ValidationError
from django.utils.encoding import force_str
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_countries import countries
from import_export import resources, widgets
from import_export.fields import Field

from .models import MediaMention, Outlet

REQUIRED_COLUMNS = ("outlet", "headline", "link", "date", "medium", "language", "reach")
OPTIONAL_COLUMNS = ("kind", "excerpt", "country")
# The mention's columns a row may leave empty; an empty one keeps what a mention already stored has.
KEPT_WHEN_EMPTY = ("link", "date", "language", "reach", "kind", "excerpt")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
WHOLE_NUMBER = re.compile(r"^\d{1,3}([,. \u00a0]\d{3})+$|^\d+$")


def normalise_header(name):
    return (name or "").strip().lower()


def _choice(value, choices):
    """The stored value of a choice given as its value or its label, ignoring case; None if unknown."""
    wanted = value.strip().lower()
    for stored, label in choices:
        if wanted in {str(stored).lower(), str(label).lower()}:
            return stored
    return None


def parse_medium(value):
    if value.strip().lower() == "tv":
        return Outlet.Medium.TV
    return _choice(value, Outlet.Medium.choices)


def check_csv_upload(upload):
    """
    Refuse, with a message an editor can act on, a file that is too large, not UTF-8 CSV text, or not laid
    out as the import expects (its first line names the columns; every line has as many values).
    """
    limit = settings.COVERAGE_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("This file is %(size)s KB; the limit is %(limit)s KB. Split it into smaller files.")
            % {"size": f"{upload.size / 1024:,.0f}", "limit": f"{limit / 1024:,.0f}"},
            code="file_too_large",
        )
    upload.seek(0)
    raw = upload.read()
    upload.seek(0)
    try:
        if b"\x00" in raw:
            raise UnicodeDecodeError("utf-8", raw, 0, 1, "binary content")
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _(
                "This file is not CSV text in UTF-8 (a spreadsheet file perhaps). "
                "Save it from the spreadsheet as “CSV UTF-8” and upload that."
            ),
            code="not_csv",
        ) from None
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline="")) if row]
    except csv.Error as error:
        raise ValidationError(
            _("This file is not valid CSV: %(error)s.") % {"error": error}, code="not_csv"
        ) from None
    expected = ", ".join(REQUIRED_COLUMNS)
    if not rows:
        raise ValidationError(
            _("The file is empty. Its first line names the columns: %(columns)s.") % {"columns": expected},
            code="empty",
        )
    header = [normalise_header(name) for name in rows[0]]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown = [
        name or _("(a column without a name)")
        for name in header
        if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    ]
    repeated = sorted({name for name in header if header.count(name) > 1})
    problems = []
    if missing:
        problems.append(_("The file has no column %(names)s.") % {"names": ", ".join(missing)})
    if unknown:
        problems.append(_("The import does not know the column %(names)s.") % {"names": ", ".join(unknown)})
    if repeated:
        problems.append(_("The column %(names)s appears twice.") % {"names": ", ".join(repeated)})
    if problems:
        problems.append(
            _("The first line must name the columns %(required)s, and may add %(optional)s.")
            % {"required": expected, "optional": ", ".join(OPTIONAL_COLUMNS)}
        )
        raise ValidationError(" ".join(problems), code="columns")
    if len(rows) == 1:
        raise ValidationError(_("The file has column names but no rows under them."), code="no_rows")
    if len(rows) - 1 > settings.COVERAGE_IMPORT_MAX_ROWS:
        raise ValidationError(
            _("This file has %(rows)s rows; the limit is %(limit)s. Split it into smaller files.")
            % {"rows": f"{len(rows) - 1:,}", "limit": f"{settings.COVERAGE_IMPORT_MAX_ROWS:,}"},
            code="too_many_rows",
        )
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ValidationError(
                _(
                    "Row %(number)s (line %(line)s of the file) has %(values)s values but the first line names "
                    "%(columns)s columns. "
                    "A value with a comma in it must be in double quotes."
                )
                % {"number": number - 1, "line": number, "values": len(row), "columns": len(header)},
                code="ragged",
            )


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return force_str(value if value is not None else "").strip()


class HeadlineWidget(TextWidget):
    """A headline, which every row must give: said in plain words, not as the model's "cannot be blank"."""

    def clean(self, value, row=None, **kwargs):
        headline = super().clean(value, row, **kwargs)
        if not headline:
            raise ValueError(_("A mention needs its headline."))
        return headline


class MediumWidget(widgets.Widget):
    """
    The outlet's medium. It is not imported into the mention: the outlet's widget reads it to create an outlet, and
    MediaMentionResource.import_instance() checks it, so that a medium that is not one is told under its column.
    """

    def clean(self, value, row=None, **kwargs):
        text = force_str(value or "").strip()
        if not text:
            return None
        medium = parse_medium(text)
        if medium is None:
            raise ValueError(
                _("“%(medium)s” is not a medium; write print, digital, TV or radio.") % {"medium": text}
            )
        return medium


def country_named(name):
    """
    The ISO code of the country written as its name in one of the site's languages ("Spain", "España"),
    ignoring case; "" when it names none. An agency's file is in English or in Spanish as the editors are.
    """
    return _country_named(name, tuple(dict(settings.LANGUAGES)))


@functools.lru_cache(maxsize=4096)
def _country_named(name, languages):
    # Remembered: django-countries reads through every country's name in each language, about 0.4 ms for an
    # English name and 0.8 ms for a Spanish one or none, and a new outlet's country is read twice per row (by the
    # outlet's widget and by the country's), in the preview and again in the confirmation, of up to 5,000 rows.
    for language in languages:
        if code := countries.by_name(name, language=language):
            return code
    return ""


class CountryWidget(widgets.Widget):
    """
    A new outlet's country, as its ISO code (CO, COL, 170) or its name in one of the site's languages. Like the
    medium, it is not imported into the mention: the outlet's widget reads it to create an outlet, and
    MediaMentionResource.import_instance() checks it, so that a country that is not one is told under its column.
    """

    def clean(self, value, row=None, **kwargs):
        text = force_str(value or "").strip()
        if not text:
            return ""
        code = countries.alpha2(text) or country_named(text)
        if not code:
            raise ValueError(
                _(
                    "“%(country)s” is not a country; write its ISO code, such as ES, or its name in English or "
                    "in Spanish, such as Spain or España."
                )
                % {"country": text}
            )
        return code


def outlet_named(name):
    """The outlet of this name, ignoring case; None when an import would make it."""
    return Outlet.objects.filter(name__iexact=name).first()


class OutletWidget(widgets.ForeignKeyWidget):
    """An outlet matched by name, ignoring case, or created from the row's name, medium and country."""

    def __init__(self):
        super().__init__(Outlet, field="name")

    def clean(self, value, row=None, **kwargs):
        name = force_str(value or "").strip()
        if not name:
            raise ValueError(_("Give the outlet's name."))
        medium_text = force_str((row or {}).get("medium") or "").strip()
        medium = parse_medium(medium_text) if medium_text else None
        outlet = outlet_named(name)
        if outlet is not None:
            if medium and outlet.medium != medium:
                raise ValueError(
                    _(
                        "“%(outlet)s” is recorded as %(stored)s, but this row says %(given)s. "
                        "Correct the file, or the outlet in the back office."
                    )
                    % {
                        "outlet": outlet.name,
                        "stored": outlet.get_medium_display().lower(),
                        "given": Outlet.Medium(medium).label.lower(),
                    }
                )
            return outlet
        if medium_text and medium is None:
            return None  # No outlet is made; the medium's column tells why (MediumWidget).
        if not medium:
            raise ValueError(
                _("“%(outlet)s” is a new outlet: give its medium (print, digital, TV or radio).")
                % {"outlet": name}
            )
        try:
            country = CountryWidget().clean((row or {}).get("country"))
        except ValueError:
            return None  # No outlet is made; the country's column tells why (MediaMentionResource.import_instance).
        outlet = Outlet(name=name, medium=medium, country=country)
        try:
            outlet.full_clean()
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from None
        outlet.save()
        return outlet

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class DayWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = force_str(value or "").strip()
        if not text:
            return None
        for date_format in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, date_format).date()
            except ValueError:
                continue
        raise ValueError(
            _(
                "“%(value)s” is not a date; write it as 2024-11-07 (year-month-day) or 07/11/2024 (day/month/year)."
            )
            % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class ReachWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = force_str(value if value is not None else "").strip()
        if not text:
            return None
        if not WHOLE_NUMBER.match(text):
            raise ValueError(
                _("“%(value)s” is not a whole number of people; write it like 150000 or 150,000.")
                % {"value": text}
            )
        return int(re.sub(r"\D", "", text))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class LanguageWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = force_str(value or "").strip()
        if not text:
            return ""
        code = _choice(text, global_settings.LANGUAGES)
        if code is None:
            raise ValueError(
                _(
                    "“%(value)s” is not a language we know; write a code such as es or en, or a name such as Spanish."
                )
                % {"value": text}
            )
        return code


class KindWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = force_str(value or "").strip()
        if not text:
            return None
        kind = _choice(text, MediaMention.Kind.choices)
        if kind is None:
            raise ValueError(
                _("“%(value)s” is not a kind of mention; write one of: %(kinds)s.")
                % {
                    "value": text,
                    "kinds": ", ".join(str(label).lower() for label in MediaMention.Kind.labels),
                }
            )
        return kind


class PlainDiff(resources.Diff):
    """The preview's changes as <ins>/<del> without inline styles (the site's CSP allows none)."""

    def as_html(self):
        matcher = diff_match_patch()
        cells = []
        for before, after in zip(self.left, self.right, strict=False):
            if before != after and self.new:
                before = ""
            changes = matcher.diff_main(force_str(before), force_str(after))
            matcher.diff_cleanupSemantic(changes)
            tags = {matcher.DIFF_INSERT: "ins", matcher.DIFF_DELETE: "del", matcher.DIFF_EQUAL: "span"}
            cells.append(
                mark_safe(  # noqa: S308 (every piece is escaped by format_html)
                    "".join(format_html("<{0}>{1}</{0}>", tags[op], text) for op, text in changes if text)
                )
            )
        return cells


class MediaMentionResource(resources.ModelResource):
    """The columns of the CSV file; the event comes from the import form, not from the file."""

    outlet = Field(attribute="outlet", column_name="outlet", widget=OutletWidget())
    headline = Field(attribute="headline", column_name="headline", widget=HeadlineWidget())
    link = Field(attribute="link", column_name="link", widget=TextWidget())
    date = Field(attribute="date", column_name="date", widget=DayWidget())
    medium = Field(attribute="outlet__medium", column_name="medium", widget=MediumWidget(), readonly=True)
    language = Field(attribute="language", column_name="language", widget=LanguageWidget())
    reach = Field(attribute="reach", column_name="reach", widget=ReachWidget())
    kind = Field(attribute="kind", column_name="kind", widget=KindWidget(), saves_null_values=False)
    excerpt = Field(attribute="excerpt", column_name="excerpt", widget=TextWidget())
    # Read, like the medium, by the outlet's widget when it creates an outlet.
    country = Field(attribute="outlet__country", column_name="country", widget=CountryWidget(), readonly=True)

    class Meta:
        model = MediaMention
        # Every column a file may have: the import page lists these to the editor.
        fields = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
        # A mention is the same when it has the same link, or (without a link) the same outlet and headline,
        # within the chosen event: see get_instance().
        import_id_fields = ("link", "headline")
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def __init__(self, event=None, **kwargs):
        super().__init__(**kwargs)
        self.event = event
        self.rows_of_mentions = {}

    @classmethod
    def get_diff_class(cls):
        return PlainDiff

    def import_data(self, dataset, **kwargs):
        # Never a partial import: a row that fails validation rolls back the whole file, not only a bad row.
        kwargs["rollback_on_validation_errors"] = True
        kwargs["use_transactions"] = True
        return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs):
        if self.event is None:
            raise ValueError(_("Choose the event these mentions are about."))
        dataset.headers = [normalise_header(name) for name in dataset.headers]
        self.rows_of_mentions = {}  # mention pk -> the number of the row of this file that wrote or matched it

    def after_init_instance(self, instance, new, row, **kwargs):
        """
        A row that finds a mention an earlier row of the same file wrote is refused: it would overwrite that row's
        mention, and the file would import one mention fewer than it has rows without a word (as the event form
        refuses two rows with the same link).
        """
        earlier = None if new else self.rows_of_mentions.get(instance.pk)
        if earlier is None:
            return
        link = force_str(row.get("link") or "").strip()
        if link and link == instance.link:
            raise ValidationError(
                {
                    "link": _("Row %(row)s of the file has this link too: give each mention once.")
                    % {"row": earlier}
                }
            )
        raise ValidationError(
            {
                "headline": _(
                    "Row %(row)s of the file has this outlet and headline too: give each mention once."
                )
                % {"row": earlier}
            }
        )

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        """
        As import-export's, but an empty cell of a row that updates a saved mention keeps the mention's value: an
        editor who re-imports a spreadsheet without, say, its links filled would otherwise wipe the stored links.
        """
        value = row.get(field.column_name)
        if (
            not instance._state.adding
            and field.column_name in KEPT_WHEN_EMPTY
            and (value is None or not force_str(value).strip())
        ):
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        """
        As import-export's, and a medium that is not one is told under the medium column, and a new outlet's country
        that is not one under the country column: import-export never reads a read-only column, and the outlet's
        widget, which does, would have told them under the outlet. The country of an outlet already recorded is
        not read.
        """
        errors = {}
        try:
            self.fields["medium"].widget.clean(row.get("medium"), row=row)
        except ValueError as error:
            errors["medium"] = [ValidationError(force_str(error), code="invalid")]
        outlet = force_str(row.get("outlet") or "").strip()
        country = force_str(row.get("country") or "").strip()
        if outlet and country:
            try:
                self.fields["country"].widget.clean(country, row=row)
            except ValueError as error:
                # Only a country that is not one costs a look for the outlet (one query a row otherwise).
                if outlet_named(outlet) is None:
                    errors["country"] = [ValidationError(force_str(error), code="invalid")]
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """
        As import-export's, but a row whose new outlet was not made, its medium or country not being one, is not told
        that it has no outlet as well: the medium's or country's message says what to correct.
        """
        errors = dict(import_validation_errors or {})
        exclude = set(errors)
        if instance.outlet_id is None and errors.keys() & {"medium", "country"}:
            exclude.add("outlet")
        if self._meta.clean_model_instances:
            try:
                instance.full_clean(exclude=exclude, validate_unique=validate_unique)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def after_import_row(self, row, row_result, **kwargs):
        if row_result.object_id is not None:
            self.rows_of_mentions.setdefault(row_result.object_id, kwargs["row_number"])

    def get_instance(self, instance_loader, row):
        mentions = MediaMention.objects.filter(event=self.event)
        link = force_str(row.get("link") or "").strip()
        if link and (found := mentions.filter(link=link).first()):
            return found
        headline = force_str(row.get("headline") or "").strip()
        outlet = force_str(row.get("outlet") or "").strip()
        if headline and outlet:
            return mentions.filter(headline__iexact=headline, outlet__name__iexact=outlet).first()
        return None

    def init_instance(self, row=None):
        return MediaMention(event=self.event)
