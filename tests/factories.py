"""Factories for every model, in one place. Images are made in memory with Pillow."""

import datetime
import io

import factory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from donations import models as donations
from events import models as events
from media_coverage import models as coverage


def image_file(name="photo.jpg", size=(64, 48), color=(11, 92, 107), image_format="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, image_format)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[image_format]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = events.Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = events.Organisation.Kind.NGO


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = events.Theme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = events.Event

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    summary = "A gathering to end online harm to children."
    start_date = datetime.date(2024, 11, 6)
    end_date = datetime.date(2024, 11, 6)
    city = "Bogotá"
    country = "CO"
    status = events.Event.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    hero_image = factory.LazyFunction(lambda: image_file("hero.jpg"))
    hero_image_alt = "Speakers on stage in Bogotá"

    class Params:
        draft = factory.Trait(status=events.Event.Status.DRAFT, publish_at=None)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = events.Session

    event = factory.SubFactory(EventFactory)
    kind = events.Session.Kind.PANEL
    title = factory.Sequence(lambda n: f"Panel {n}")
    summary = "<p>What the panel discussed.</p>"
    order = factory.Sequence(lambda n: n)


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = events.Speaker

    full_name = factory.Sequence(lambda n: f"Speaker Number{n}")
    role_title = "Director"
    country = "SE"

    class Params:
        anonymous = factory.Trait(
            identity=events.Speaker.Identity.ANONYMOUS, anonymous_descriptor="Survivor, Kenya", country="KE"
        )
        first_name_only = factory.Trait(identity=events.Speaker.Identity.FIRST_NAME, first_name="Amara")


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = events.Participation

    session = factory.SubFactory(SessionFactory)
    speaker = factory.SubFactory(SpeakerFactory)
    role = events.Participation.Role.PANELLIST
    quote = ""


class CountryPledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = events.CountryPledge

    event = factory.SubFactory(EventFactory)
    country = "BR"
    pledging_body = "Ministry of Human Rights"
    commitment = "Pass a law on online child protection."


class VideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = events.Video

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Film {n}")
    provider_url = "https://www.youtube.com/watch?v=abcdefghijk"


class GalleryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = events.Gallery

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Gallery {n}")


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = events.Photo

    gallery = factory.SubFactory(GalleryFactory)
    image = factory.LazyFunction(lambda: image_file("photo.jpg"))
    alt_text = factory.Sequence(lambda n: f"Participants talking, photo {n}")


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = events.Resource

    event = factory.SubFactory(EventFactory)
    kind = events.Resource.Kind.PRESS_RELEASE
    title = factory.Sequence(lambda n: f"Press release {n}")
    url = "https://example.org/press-release"


class HeadlineFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = events.HeadlineFigure

    event = factory.SubFactory(EventFactory)
    source = events.HeadlineFigure.Source.SPEAKERS
    label = "Speakers"


# --- media coverage -----------------------------------------------------------------------------------------


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = coverage.Outlet
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Outlet {n}")
    medium = coverage.Outlet.Medium.DIGITAL
    country = "CO"

    class Params:
        placeholder_outlet = factory.Trait(
            placeholder=True, name=factory.Sequence(lambda n: f"Placeholder outlet {n}"), country=""
        )


class MediaMentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = coverage.MediaMention

    event = factory.SubFactory(EventFactory)
    outlet = factory.SubFactory(OutletFactory)
    headline = factory.Sequence(lambda n: f"Ministers pledge action on online harm, report {n}")
    link = factory.Sequence(lambda n: f"https://news.example/story-{n}")
    date = datetime.date(2024, 11, 7)
    language = "es"
    kind = coverage.MediaMention.Kind.NEWS_REPORT


class CoverageFiguresFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = coverage.CoverageFigures

    event = factory.SubFactory(EventFactory)
    reported_reach = 15_712_224
    source = "Media monitoring agency report"


class SocialFiguresFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = coverage.SocialFigures

    event = factory.SubFactory(EventFactory)
    hashtags = "#Act4OnlineSafety #SafeOnline"
    total_posts = 933
    maximum_reach = 2_900_000
    impressions = 105_000
    countries_reached = 39


class PlatformFiguresFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = coverage.PlatformFigures

    social = factory.SubFactory(SocialFiguresFactory)
    platform = coverage.PlatformFigures.Platform.X
    order = factory.Sequence(lambda n: n)


# --- donations ---------------------------------------------------------------------------------------------


class StaffUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Sequence(lambda n: f"Staff{n}")
    last_name = "Member"
    email = factory.LazyAttribute(lambda user: f"{user.username}@safedigital.example")
    is_staff = True


class DonationEnquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = donations.DonationEnquiry

    name = factory.Sequence(lambda n: f"Donor {n}")
    email = factory.Sequence(lambda n: f"donor{n}@example.org")
    organisation = factory.Sequence(lambda n: f"Foundation {n}")
    country = "GB"
    kind = donations.DonationEnquiry.Kind.FOUNDATION
    budget = donations.DonationEnquiry.Budget.FROM_50K
    message = "We would like to fund work on safety by design."
    privacy_consent = True

    class Params:
        spam = factory.Trait(is_spam=True, spam_reason="the hidden field was filled in")


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = donations.StatusChange

    enquiry = factory.SubFactory(DonationEnquiryFactory)
    from_status = donations.DonationEnquiry.Status.NEW
    to_status = donations.DonationEnquiry.Status.CONTACTED
    changed_by = factory.SubFactory(StaffUserFactory)
