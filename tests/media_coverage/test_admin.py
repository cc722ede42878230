import re

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse

from events.models import Event
from media_coverage.admin import MediaMentionInline, OutletAdmin, mentions_changelist_url
from media_coverage.models import CoverageFigures, MediaMention, Outlet
from tests.admin_pages import filter_choices
from tests.events.test_admin import event_change_data
from tests.factories import (
    CoverageFiguresFactory,
    EventFactory,
    MediaMentionFactory,
    OutletFactory,
    PlatformFiguresFactory,
    SocialFiguresFactory,
)

pytestmark = pytest.mark.django_db

CSV = "outlet,headline,link,date,medium,language,reach\nSemana,Una noticia,https://s.example/1,2024-11-07,digital,es,10\n"


def assert_fits_the_csp(response):
    """Every script is the site's own and carries this response's nonce; no inline style anywhere."""
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    content = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", content)
    assert scripts, "the page has scripts to check"
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag
        assert re.search(r'src="/', tag), tag
    assert "style-src 'self';" in policy
    assert "<style" not in content
    assert not re.search(r"\sstyle=", content)


def test_import_page_fits_the_content_security_policy(admin_client):
    response = admin_client.get(reverse("admin:media_coverage_mediamention_import"))

    assert response.status_code == 200
    assert_fits_the_csp(response)


def test_import_preview_fits_the_content_security_policy(admin_client):
    response = admin_client.post(
        reverse("admin:media_coverage_mediamention_import"),
        {"event": EventFactory().pk, "format": "0", "import_file": SimpleUploadedFile("m.csv", CSV.encode())},
    )

    assert "Below is a preview of data to be imported." in response.content.decode()
    assert "<ins>Una noticia</ins>" in response.content.decode()
    assert_fits_the_csp(response)


def test_mention_changelist_filters_and_searches(admin_client):
    event = EventFactory(title="Bogotá 2024")
    MediaMentionFactory(
        event=event, headline="Colombia lidera", outlet=OutletFactory(name="El Tiempo", medium="print")
    )
    MediaMentionFactory(headline="Another event's story")
    url = reverse("admin:media_coverage_mediamention_changelist")

    content = admin_client.get(url).content.decode()
    for title in ("By medium", "By language", "By country", "By event", "By date", "By kind"):
        assert title in content

    assert [m.headline for m in admin_client.get(url, {"q": "tiempo"}).context["cl"].result_list] == [
        "Colombia lidera"
    ]
    assert [
        m.headline
        for m in admin_client.get(url, {"outlet__medium__exact": "print"}).context["cl"].result_list
    ] == ["Colombia lidera"]
    filtered = admin_client.get(mentions_changelist_url(event))
    assert [m.headline for m in filtered.context["cl"].result_list] == ["Colombia lidera"]
    # From an event's mentions, the import is already aimed at that event.
    assert f'href="/admin/media_coverage/mediamention/import/?event={event.pk}"' in filtered.content.decode()


def test_the_mentions_language_filter_offers_the_languages_in_use_and_counts_them(admin_client):
    """It offered all hundred of Django's languages."""
    MediaMentionFactory(language="es", headline="Colombia lidera")
    MediaMentionFactory(language="es")
    MediaMentionFactory(language="en")
    url = reverse("admin:media_coverage_mediamention_changelist")

    response = admin_client.get(url)
    counted = admin_client.get(url, {"_facets": "True"})
    in_spanish = admin_client.get(url, {"language__exact": "es", "q": "lidera"})

    assert filter_choices(response, "By language") == ["All", "English", "Spanish"]
    assert filter_choices(counted, "By language") == ["All", "English (1)", "Spanish (2)"]
    assert [mention.headline for mention in in_spanish.context["cl"].result_list] == ["Colombia lidera"]


def test_mentions_and_outlets_are_searched_without_accents_too(admin_client):
    """ "television" did not find Caracol Televisión, nor "camara" a mention headlined "Cámara"."""
    outlet = OutletFactory(name="Caracol Televisión")
    mention = MediaMentionFactory(headline="La Cámara aprueba la ley", outlet=OutletFactory(name="Semana"))

    def found(model, term):
        url = reverse(f"admin:media_coverage_{model}_changelist")
        return list(admin_client.get(url, {"q": term}).context["cl"].result_list)

    assert found("outlet", "television") == [outlet]
    assert found("mediamention", "camara aprueba") == [mention]


def test_mention_changelist_queries_do_not_grow_with_the_rows(admin_client):
    url = reverse("admin:media_coverage_mediamention_changelist")
    counts = []
    for rows in (3, 30):
        MediaMentionFactory.create_batch(rows - (3 if rows == 30 else 0))
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(url)
        assert len(response.context["cl"].result_list) == rows
        counts.append(len(queries))

    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "model_name", ["mediamention", "coveragefigures", "socialfigures"], ids=["mention", "coverage", "social"]
)
def test_the_event_is_chosen_by_autocomplete(admin_client, model_name):
    content = admin_client.get(reverse(f"admin:media_coverage_{model_name}_add")).content.decode()

    select = re.search(r'<select name="event"[^>]*>', content).group(0)
    assert 'class="admin-autocomplete"' in select
    assert 'data-ajax--url="/admin/autocomplete/"' in select
    assert 'data-model-name="' + model_name + '"' in select
    assert 'data-field-name="event"' in select


def test_outlet_changelist_counts_mentions_in_one_query(admin_client):
    semana = OutletFactory(name="Semana")
    MediaMentionFactory.create_batch(2, outlet=semana)

    response = admin_client.get(reverse("admin:media_coverage_outlet_changelist"))

    assert [(o.name, o.number_of_mentions) for o in response.context["cl"].result_list] == [("Semana", 2)]
    assert '<td class="field-mention_count">2</td>' in response.content.decode()


def test_coverage_figures_show_both_reaches_and_the_outlets_counted(admin_client):
    event = EventFactory(title="Bogotá 2024")
    MediaMentionFactory(event=event, reach=1_000)
    MediaMentionFactory(event=event, reach=2_000)
    figures = CoverageFiguresFactory(event=event, reported_reach=15_712_224, outlet_count_override=30)

    changelist = admin_client.get(reverse("admin:media_coverage_coveragefigures_changelist")).content.decode()
    change = admin_client.get(
        reverse("admin:media_coverage_coveragefigures_change", args=[figures.pk])
    ).content.decode()

    assert '<td class="field-summed_reach">3,000</td>' in changelist
    assert "30 (override; 2 counted from the mentions)" in changelist
    assert f'<a href="{mentions_changelist_url(event)}">2 mentions</a>' in changelist
    assert "3,000" in change and "30 (override; 2 counted from the mentions)" in change


def test_coverage_figures_form_explains_a_missing_reported_reach(admin_client):
    event = EventFactory()

    response = admin_client.post(
        reverse("admin:media_coverage_coveragefigures_add"),
        {"event": event.pk, "reported_reach": "", "reach_shown": "reported", "source": "", "source_link": ""},
    )

    assert response.context["adminform"].form.errors["reported_reach"] == [
        "Give the reported total reach, or choose to show the mentions' sum."
    ]
    assert not CoverageFigures.objects.exists()


def test_social_figures_are_edited_with_their_platforms_inline(admin_client):
    social = SocialFiguresFactory()
    PlatformFiguresFactory(social=social, platform="linkedin", impressions_uplift_percent=82)

    content = admin_client.get(
        reverse("admin:media_coverage_socialfigures_change", args=[social.pk])
    ).content.decode()

    assert 'name="platforms-0-impressions_uplift_percent" value="82"' in content
    assert 'name="platforms-TOTAL_FORMS" value="1"' in content


def test_two_new_rows_for_one_platform_are_told_beside_the_second(admin_client):
    # Django's own: "Please correct the duplicate data for platform." above the rows, by the field's code name.
    social = SocialFiguresFactory()
    row = {"platform": "linkedin", "order": "0", "posts": "", "impressions": "", "engagements": ""}
    data = {
        "event": social.event_id,
        "hashtags": social.hashtags,
        "source": social.source,
        "platforms-TOTAL_FORMS": "2",
        "platforms-INITIAL_FORMS": "0",
    }
    for number in range(2):
        data |= {f"platforms-{number}-{name}": value for name, value in row.items()}

    response = admin_client.post(reverse("admin:media_coverage_socialfigures_change", args=[social.pk]), data)

    (formset,) = [inline.formset for inline in response.context["inline_admin_formsets"]]
    assert [form.errors for form in formset.forms] == [
        {},
        {"platform": ["“LinkedIn” already has figures for this event."]},
    ]
    assert formset.non_form_errors() == []
    assert not social.platforms.exists()


# An admin site such as the events admin will make: Event with `inlines = [MediaMentionInline]`.
events_site = admin.AdminSite(name="admin")
events_site.register(Outlet, OutletAdmin)
events_site.register(Event, type("EventAdmin", (admin.ModelAdmin,), {"inlines": [MediaMentionInline]}))
urlpatterns = [path("admin/", events_site.urls)]


@pytest.mark.urls(__name__)
def test_mention_inline_is_ready_for_the_events_admin(client, admin_user):
    assert events_site.check(None) == []
    event = EventFactory()
    MediaMentionFactory(event=event, headline="Colombia lidera", outlet=OutletFactory(name="El Tiempo"))
    client.force_login(admin_user)

    response = client.get(f"/admin/events/event/{event.pk}/change/")

    content = response.content.decode()
    assert 'value="Colombia lidera"' in content
    assert 'name="media_mentions-TOTAL_FORMS" value="1"' in content
    assert 'data-ajax--url="/admin/autocomplete/"' in content  # the outlet is chosen by autocomplete
    assert MediaMentionInline.extra == 0


def test_only_staff_who_may_add_and_change_mentions_may_import(client, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", password="x" * 12, is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_mediamention"]))
    client.force_login(viewer)

    changelist = client.get(reverse("admin:media_coverage_mediamention_changelist"))
    refused = client.get(reverse("admin:media_coverage_mediamention_import"))

    assert "Import CSV" not in changelist.content.decode()
    assert refused.status_code == 403
    assert "403 Forbidden" in refused.content.decode()


def post_mention_rows(client, event, rows):
    """The event's admin change form sent back unchanged but for its media mention rows."""
    return client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_change_data(
            event, {"media_mentions": [{"event": event.pk, "kind": "news_report"} | row for row in rows]}
        ),
    )


def mention_row_errors(response):
    """Each mention row's errors, by field, as the event form shows them beside the fields."""
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "media_mentions"
    )
    return [{name: list(errors) for name, errors in form.errors.items()} for form in formset.forms]


def test_two_new_mention_rows_with_the_same_link_are_refused_beside_the_link(admin_client):
    event = EventFactory()
    outlet = OutletFactory(name="Semana")

    response = post_mention_rows(
        admin_client,
        event,
        [
            {"outlet": outlet.pk, "headline": "Ministros se reúnen", "link": "https://x.example/a"},
            {"outlet": outlet.pk, "headline": "Otra nota", "link": "https://x.example/a"},
        ],
    )

    assert response.status_code == 200
    assert mention_row_errors(response) == [{}, {"link": ["Another row has this link."]}]
    content = response.content.decode()
    assert 'id="id_media_mentions-1-link_error"><li>Another row has this link.</li>' in content
    # Nothing typed is lost.
    assert 'value="Ministros se reúnen"' in content
    assert 'value="Otra nota"' in content
    assert not MediaMention.objects.exists()


def test_two_mention_rows_with_the_same_outlet_and_headline_in_other_capitals_are_refused(admin_client):
    event = EventFactory()
    outlet = OutletFactory(name="Semana")

    response = post_mention_rows(
        admin_client,
        event,
        [
            {"outlet": outlet.pk, "headline": "a", "link": ""},
            {"outlet": outlet.pk, "headline": "A", "link": ""},
        ],
    )

    assert response.status_code == 200
    assert mention_row_errors(response) == [{}, {"headline": ["Another row has this outlet and headline."]}]
    assert not MediaMention.objects.exists()


def test_the_same_headline_in_two_outlets_and_a_deleted_duplicate_are_saved(admin_client):
    event = EventFactory()
    stored = MediaMentionFactory(event=event, headline="Una nota", link="https://x.example/a")
    other = OutletFactory(name="Otro")

    response = post_mention_rows(
        admin_client,
        event,
        [
            {
                "id": stored.pk,
                "outlet": stored.outlet_id,
                "headline": "Una nota",
                "link": "https://x.example/a",
            },
            {"outlet": other.pk, "headline": "Una nota", "link": "https://x.example/b"},
            {"outlet": other.pk, "headline": "UNA NOTA", "link": "https://x.example/b", "DELETE": "on"},
        ],
    )

    assert response.status_code == 302
    assert sorted(event.media_mentions.values_list("outlet__name", "link")) == sorted(
        [(stored.outlet.name, "https://x.example/a"), ("Otro", "https://x.example/b")]
    )


def test_a_mention_row_that_repeats_one_stored_meanwhile_is_refused_beside_the_field(admin_client):
    """Someone else (or an import) stored the mention after the form was opened: it is not among the rows."""
    event = EventFactory()
    stored = MediaMentionFactory(event=event, headline="Una nota", link="https://x.example/a")

    by_link = post_mention_rows(
        admin_client, event, [{"outlet": OutletFactory().pk, "headline": "Otra", "link": stored.link}]
    )
    by_headline = post_mention_rows(
        admin_client, event, [{"outlet": stored.outlet_id, "headline": "UNA NOTA", "link": ""}]
    )

    assert by_link.status_code == by_headline.status_code == 200
    assert mention_row_errors(by_link) == [{"link": ["This event already has a mention with this link."]}]
    assert mention_row_errors(by_headline) == [
        {"headline": ["This outlet already has a mention with this headline for this event."]}
    ]
    assert list(MediaMention.objects.all()) == [stored]


def test_the_mention_form_says_beside_the_field_that_a_mention_is_already_stored(admin_client):
    stored = MediaMentionFactory(headline="Una nota", link="https://x.example/a")
    form = {
        "event": stored.event_id,
        "outlet": stored.outlet_id,
        "headline": "Otra nota",
        "link": stored.link,
        "kind": "news_report",
    }

    by_link = admin_client.post(reverse("admin:media_coverage_mediamention_add"), form)
    by_headline = admin_client.post(
        reverse("admin:media_coverage_mediamention_add"), form | {"headline": "una NOTA", "link": ""}
    )

    assert by_link.status_code == by_headline.status_code == 200
    assert by_link.context["adminform"].form.errors == {
        "link": ["This event already has a mention with this link."]
    }
    assert by_headline.context["adminform"].form.errors == {
        "headline": ["This outlet already has a mention with this headline for this event."]
    }
    assert list(MediaMention.objects.all()) == [stored]


def test_the_mention_form_says_once_that_a_headline_is_missing(admin_client):
    outlet = OutletFactory(name="Semana")
    form = {"event": EventFactory().pk, "outlet": outlet.pk, "headline": "  ", "kind": "news_report"}

    response = admin_client.post(reverse("admin:media_coverage_mediamention_add"), form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"headline": ["This field is required."]}
    assert not MediaMention.objects.exists()


def test_the_outlet_autocomplete_lists_every_outlet_once_by_name(admin_client):
    # Made in the reverse order of their names, more than the autocomplete's page of 20.
    names = [f"Outlet {letter}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXY"]
    for name in reversed(names):
        OutletFactory(name=name)
    url = reverse("admin:autocomplete")
    query = {"app_label": "media_coverage", "model_name": "mediamention", "field_name": "outlet"}

    pages = [admin_client.get(url, query | {"page": page}).json() for page in (1, 2)]

    assert pages[0]["pagination"]["more"] is True
    assert [result["text"] for page in pages for result in page["results"]] == names
