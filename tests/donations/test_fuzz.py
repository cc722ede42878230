"""Whatever a visitor (or a robot) sends to the enquiry form, the answer is never a server error."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from donations.models import DonationEnquiry
from tests.conftest import clear_cache

from .conftest import aged_stamp

pytestmark = pytest.mark.django_db

BOUNDED = hypothesis_settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

any_text = st.text(max_size=300)
short_text = st.text(max_size=40)
links = st.sampled_from(["", "https://a.example ", "www.b.example ", "[url=x]", "<a href=x>"])


def either(good, bad):
    return st.one_of(st.just(good), bad)


form_data = st.fixed_dictionaries(
    {
        "name": either("Ana Gómez", any_text),
        "email": either("ana@example.org", st.one_of(st.emails(), short_text)),
        "organisation": either("", any_text),
        "country": either("CO", st.one_of(st.sampled_from(["", "GB", "XX", "co"]), short_text)),
        "phone": either("", st.one_of(st.sampled_from(["+441632960961", "+57 601 234 5678"]), short_text)),
        "kind": either("foundation", st.one_of(st.sampled_from(["individual", "other", ""]), short_text)),
        "budget": either("", st.one_of(st.sampled_from(["discuss", "over_1m"]), short_text)),
        "message": either("Let us talk.", st.lists(st.one_of(any_text, links), max_size=5).map("".join)),
        "privacy_consent": st.sampled_from(["on", "", "false", "0", "yes"]),
        "newsletter_opt_in": st.sampled_from(["on", "", "maybe"]),
        "homepage": either("", short_text),
        "stamp": st.one_of(st.just("fresh"), st.just("aged"), short_text),
    },
    optional={"unexpected": any_text},
)


@BOUNDED
@given(data=form_data, event=short_text, referer=short_text)
def test_no_form_submission_is_a_server_error(client, data, event, referer):
    clear_cache()  # keep the rate limit out of the way; it has its own tests
    if data["stamp"] in {"fresh", "aged"}:
        data["stamp"] = aged_stamp(seconds=0 if data["stamp"] == "fresh" else 60)
    before = DonationEnquiry.objects.count()

    response = client.post("/lets-chat/?" + urlencode({"event": event}), data, HTTP_REFERER=referer)

    # A NUL in the address is a bad request, whatever it leads to (safedigital.middleware).
    if "\x00" in event:
        assert response.status_code == 400
        assert DonationEnquiry.objects.count() == before
        return
    assert response.status_code in {200, 302}
    stored = DonationEnquiry.objects.count() - before
    if response.status_code == 302:
        assert response["Location"] == "/lets-chat/thank-you/"
        assert stored in {0, 1}
    else:
        assert stored == 0
        assert "There is a problem" in response.content.decode()


@BOUNDED
@given(event=any_text, referer=any_text, language=short_text)
def test_no_way_of_opening_the_form_is_a_server_error(client, event, referer, language):
    response = client.get(
        "/lets-chat/", {"event": event}, HTTP_REFERER=referer, HTTP_ACCEPT_LANGUAGE=language
    )

    if "\x00" in event:  # a bad request (safedigital.middleware)
        assert response.status_code == 400
        return
    assert response.status_code == 200
    assert 'name="stamp"' in response.content.decode()
