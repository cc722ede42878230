import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from events.models import Event, Participation, Speaker, Video
from tests.factories import (
    EventFactory,
    ParticipationFactory,
    PhotoFactory,
    SessionFactory,
    SpeakerFactory,
    image_file,
)

pytestmark = pytest.mark.django_db


def test_event_must_end_on_or_after_its_start():
    event = EventFactory.build(start_date=datetime.date(2024, 11, 6), end_date=datetime.date(2024, 11, 5))

    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert error.value.message_dict["end_date"] == ["An event ends on or after the day it starts."]

    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_published_event_needs_a_hero_image_with_alt_text():
    event = EventFactory.build(hero_image_alt="")

    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert error.value.message_dict["hero_image_alt"] == ["A published event's hero image needs alt text."]

    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_a_draft_may_lack_a_hero_image():
    event = EventFactory(draft=True, hero_image="", hero_image_alt="")

    assert Event.objects.get(pk=event.pk).status == Event.Status.DRAFT


def test_slugs_are_unique():
    EventFactory(slug="bogota")

    with pytest.raises(ValidationError) as error:
        EventFactory.build(slug="bogota").full_clean()
    assert "slug" in error.value.message_dict


def test_publishing_without_a_time_publishes_now():
    before = timezone.now()
    event = EventFactory(status=Event.Status.PUBLISHED, publish_at=None)

    assert before <= event.publish_at <= timezone.now()


def test_published_means_published_and_due():
    due = EventFactory()
    EventFactory(draft=True)
    EventFactory(publish_at=timezone.now() + datetime.timedelta(hours=1))

    assert list(Event.objects.published()) == [due]


def test_a_speaker_appears_once_per_session():
    participation = ParticipationFactory()
    duplicate = Participation(session=participation.session, speaker=participation.speaker)

    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert error.value.message_dict == {
        "speaker": [f"“{participation.speaker.full_name}” is already in this session."]
    }

    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_session_must_end_after_it_starts():
    start = timezone.now()
    session = SessionFactory.build(
        event=EventFactory(), starts_at=start, ends_at=start - datetime.timedelta(hours=1)
    )

    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert error.value.message_dict["ends_at"] == ["A session ends after it starts."]


@pytest.mark.parametrize(
    ("identity", "expected"),
    [
        (Speaker.Identity.FULL_NAME, "Amara Okafor"),
        (Speaker.Identity.FIRST_NAME, "Amara"),
        (Speaker.Identity.ANONYMOUS, "Survivor, Kenya"),
    ],
)
def test_speaker_public_name_follows_consent(identity, expected):
    speaker = SpeakerFactory(
        full_name="Amara Okafor",
        first_name="Amara",
        identity=identity,
        anonymous_descriptor="Survivor, Kenya",
    )

    assert speaker.public_name == expected


def test_speaker_slug_never_carries_a_withheld_name():
    first_only = SpeakerFactory(full_name="Amara Okafor", first_name_only=True)
    anonymous = SpeakerFactory(full_name="Grace Wanjiru", anonymous=True)

    assert first_only.slug == "amara"
    assert anonymous.slug == "survivor-kenya"
    assert anonymous.get_absolute_url() == ""


def test_anonymous_speaker_needs_a_descriptor():
    speaker = SpeakerFactory.build(identity=Speaker.Identity.ANONYMOUS, anonymous_descriptor="")

    with pytest.raises(ValidationError) as error:
        speaker.full_clean()
    assert "anonymous_descriptor" in error.value.message_dict


def test_video_embed_uses_privacy_enhanced_players():
    assert (
        Video(provider_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ").embed_url
        == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&rel=0"
    )
    assert Video(provider_url="https://youtu.be/dQw4w9WgXcQ").embed_url.startswith(
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    )
    assert Video(provider_url="https://vimeo.com/76979871").embed_url == (
        "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"
    )
    assert Video(provider_url="https://evil.example/watch?v=x").embed_url == ""


def test_video_from_an_unknown_provider_is_refused():
    video = Video(event=EventFactory(), title="Film", provider_url="https://evil.example/film")

    with pytest.raises(ValidationError) as error:
        video.full_clean()
    assert error.value.message_dict["provider_url"] == ["Give a YouTube or Vimeo video address."]


def test_photo_renditions_are_made_on_save_without_metadata(settings):
    from django.core.files.storage import default_storage
    from PIL import Image

    photo = PhotoFactory(image=image_file("big.jpg", size=(1000, 500)))

    assert photo.renditions["width"] == 1000
    assert [width for width, _name in photo.renditions["webp"]] == [320, 640, 1000]
    with default_storage.open(photo.renditions["jpeg"][0][1]) as handle, Image.open(handle) as image:
        assert image.size == (320, 160)
        assert not image.getexif()


def test_rich_text_is_sanitised_on_save():
    session = SessionFactory(
        summary='<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:alert(1)">x</a></p>'
    )

    assert session.summary == '<p>Hi <a rel="noopener noreferrer">x</a></p>'


def test_speaker_slug_follows_every_change_of_public_name():
    speaker = SpeakerFactory(full_name="Jane Doe-Secret")
    assert speaker.slug == "jane-doe-secret"

    speaker = Speaker.objects.get(pk=speaker.pk)
    speaker.identity, speaker.first_name = Speaker.Identity.FIRST_NAME, "Jane"
    speaker.save()
    assert Speaker.objects.get(pk=speaker.pk).slug == "jane"

    speaker = Speaker.objects.get(pk=speaker.pk)
    speaker.identity, speaker.anonymous_descriptor = Speaker.Identity.ANONYMOUS, "Survivor, Kenya"
    speaker.save(update_fields=["identity", "anonymous_descriptor"])
    assert Speaker.objects.get(pk=speaker.pk).slug == "survivor-kenya"


def test_speaker_slug_keeps_its_number_while_the_public_name_stays():
    SpeakerFactory(full_name="Amara", first_name="Amara")
    second = SpeakerFactory(full_name="Amara Okafor 1987", first_name="Amara", first_name_only=True)
    assert second.slug == "amara-2"

    second = Speaker.objects.get(pk=second.pk)
    second.role_title = "Youth advocate"
    second.save()

    assert Speaker.objects.get(pk=second.pk).slug == "amara-2"


def test_migration_remakes_slugs_that_carry_a_withheld_name():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("events.migrations.0003_speaker_slugs_from_public_names")
    kept = SpeakerFactory(full_name="Open Person")
    leaky = SpeakerFactory(full_name="Jane Doe-Secret", first_name="Jane", first_name_only=True)
    Speaker.objects.filter(pk=leaky.pk).update(slug="jane-doe-secret")

    migration.remake_slugs(apps, None)

    assert dict(Speaker.objects.values_list("pk", "slug")) == {kept.pk: "open-person", leaky.pk: "jane"}


@pytest.mark.parametrize("trait", ["first_name_only", "anonymous"])
def test_a_speaker_not_shown_by_full_name_needs_a_consent_date(trait):
    speaker = SpeakerFactory.build(**{trait: True})

    with pytest.raises(ValidationError) as error:
        speaker.full_clean()
    assert error.value.message_dict["consent_date"] == [
        "Give the date the speaker agreed to be shown this way (first name only or anonymous)."
    ]

    speaker.consent_date = datetime.date(2024, 10, 1)
    speaker.full_clean()


def test_a_speaker_shown_by_full_name_needs_no_consent_date():
    SpeakerFactory.build(full_name="Open Person").full_clean()


def test_an_anonymous_speaker_keeps_no_photo_on_the_server(django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    speaker = SpeakerFactory(photo=image_file("portrait.jpg", size=(800, 600)), photo_alt="Portrait")
    files = [speaker.photo.name] + [name for _width, name in speaker.photo_renditions["jpeg"]]
    assert all(default_storage.exists(name) for name in files)

    speaker.identity = Speaker.Identity.ANONYMOUS
    speaker.anonymous_descriptor = "Survivor, Kenya"
    with django_capture_on_commit_callbacks(execute=True):  # the renditions go once the change is committed
        speaker.save()

    speaker.refresh_from_db()
    assert not speaker.photo
    assert speaker.photo_renditions == {}
    assert not any(default_storage.exists(name) for name in files)


def test_an_anonymous_speaker_keeps_none_of_their_earlier_photos_either():
    """
    A photo replaced earlier stays on the server for the history's sake; once the speaker chooses anonymity,
    no photo of them may stay, nor a history record that names its file (a revert would put it back on).
    """
    from django.core.files.storage import default_storage

    speaker = SpeakerFactory(photo=image_file("first.jpg", size=(800, 600)), photo_alt="Portrait")
    first = speaker.photo.name
    speaker.photo = image_file("second.jpg", size=(800, 600))
    speaker.save()
    second = speaker.photo.name
    assert default_storage.exists(first) and default_storage.exists(second)

    speaker.identity = Speaker.Identity.ANONYMOUS
    speaker.anonymous_descriptor = "Survivor, Kenya"
    speaker.save()

    assert not default_storage.exists(first)
    assert not default_storage.exists(second)
    assert list(speaker.history.values_list("photo", "photo_alt")) == [("", "")] * 3


def test_a_session_starts_on_one_of_its_events_days_where_the_event_is():
    event = EventFactory(
        start_date=datetime.date(2024, 11, 6), end_date=datetime.date(2024, 11, 6), time_zone="America/Bogota"
    )
    evening = datetime.datetime(2024, 11, 7, 0, 30, tzinfo=datetime.UTC)  # 19:30 on the 6th in Bogotá
    SessionFactory.build(event=event, starts_at=evening, ends_at=evening).full_clean()

    the_day_before = datetime.datetime(2024, 11, 6, 4, 30, tzinfo=datetime.UTC)  # 23:30 on the 5th in Bogotá
    with pytest.raises(ValidationError) as error:
        SessionFactory.build(event=event, starts_at=the_day_before, ends_at=the_day_before).full_clean()
    assert error.value.message_dict == {
        "starts_at": ["This session starts on 5 November 2024, outside the event's dates."]
    }


def test_an_events_time_zone_is_one_the_machine_knows():
    event = EventFactory.build(time_zone="America/Bogotá")

    with pytest.raises(ValidationError) as error:
        event.full_clean(exclude=["hero_image"])
    assert error.value.message_dict["time_zone"] == [
        "America/Bogotá is not a time zone. Give one such as America/Bogota or Africa/Nairobi."
    ]


def test_an_event_is_not_part_of_itself_nor_of_an_event_part_of_it():
    summit = EventFactory()
    satellite = EventFactory(parent=summit)
    side_event = EventFactory(parent=satellite)
    message = {"parent": ["An event cannot be part of itself, or of an event that is part of it."]}

    for event, parent in [(summit, summit), (summit, satellite), (summit, side_event)]:
        event.parent = parent
        with pytest.raises(ValidationError) as error:
            event.full_clean(exclude=["hero_image"])
        assert error.value.message_dict == message

    side_event.full_clean(exclude=["hero_image"])
