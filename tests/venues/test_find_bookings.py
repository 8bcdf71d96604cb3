"""Finding one's bookings by phone: a code by SMS, five tries, then the phone's bookings — and nothing about
a number that has none."""

import pytest

from messaging.models import Message
from tests.venues.test_booking import form_data, post
from venues.models import Booking

FIND, CODE, MINE = "/bookings/find/", "/bookings/find/code/", "/bookings/mine/"


def sent_code(phone="13812345678"):
    return Message.objects.filter(kind="lookup_code", recipient=phone).latest("pk").params["code"]


@pytest.fixture
def booked(client, venue, slot_start):
    post(client, form_data(slot_start, phone="13812345678"))
    post(client, form_data(slot_start, phone="13900009999", contact_name="别人"))
    client.cookies.clear()  # a new visitor: nothing in the session
    return Booking.objects.get(phone="13812345678")


@pytest.mark.parametrize(
    "typed", ["13812345678", "138 1234 5678", "+86 138-1234-5678", "１３８１２３４５６７８"]
)
def test_the_code_opens_the_phones_bookings_and_only_those(client, booked, typed):
    response = client.post(FIND, {"phone": typed})
    assert response.status_code == 302 and response["Location"] == CODE
    assert "138****5678" in client.get(CODE).content.decode()
    response = client.post(CODE, {"code": sent_code()})
    assert response["Location"] == MINE
    page = client.get(MINE).content.decode()
    assert booked.reference in page and "别人" not in page
    assert Booking.objects.get(phone="13900009999").reference not in page


def test_a_number_without_bookings_gets_the_same_answer_and_no_sms(client, booked):
    response = client.post(FIND, {"phone": "13700000000"})
    assert response.status_code == 302 and response["Location"] == CODE
    assert not Message.objects.filter(recipient="13700000000").exists()
    response = client.post(CODE, {"code": "123456"})
    assert "This code has expired or was never sent" in response.content.decode()
    assert client.get(MINE)["Location"] == FIND


def test_five_wrong_codes_and_the_right_one_no_longer_works(client, booked):
    client.post(FIND, {"phone": "13812345678"})
    right = sent_code()
    wrong = "000000" if right != "000000" else "111111"
    for left in (4, 3, 2, 1):
        page = client.post(CODE, {"code": wrong}).content.decode()
        assert f"This code is not right. {left} tries left." in page
    assert "Too many wrong codes" in client.post(CODE, {"code": wrong}).content.decode()
    assert "expired or was never sent" in client.post(CODE, {"code": right}).content.decode()
    assert client.get(MINE)["Location"] == FIND


def test_a_code_works_once_and_a_new_one_replaces_it(client, booked):
    client.post(FIND, {"phone": "13812345678"})
    first = sent_code()
    client.post(FIND, {"phone": "13812345678"})
    second = sent_code()
    if first != second:
        assert "not right" in client.post(CODE, {"code": first}).content.decode()
    assert client.post(CODE, {"code": second})["Location"] == MINE
    assert "expired or was never sent" in client.post(CODE, {"code": second}).content.decode()


def test_a_malformed_number_is_refused_with_a_reason(client, db):
    response = client.post(FIND, {"phone": "12345"})
    assert response.status_code == 200 and "Enter a valid phone number" in response.content.decode()


def test_asking_for_codes_is_rate_limited_per_number(client, booked):
    for _ in range(5):
        client.post(FIND, {"phone": "13812345678"})
    response = client.post(FIND, {"phone": "13812345678"})
    assert response.status_code == 429
    assert Message.objects.filter(kind="lookup_code").count() == 5


def test_no_number_gets_more_than_the_daily_limit_of_messages(settings, db):
    from messaging.services import queue

    settings.MESSAGES_DAILY_LIMIT = 3
    params = {"code": "123456", "minutes": 10}
    sent = [queue("lookup_code", to="13812345678", key=f"k{i}", params=params) for i in range(5)]
    assert [m is not None for m in sent] == [True, True, True, False, False]


def test_an_upcoming_booking_is_cancelled_from_the_list_and_only_the_phones_own(client, booked):
    client.post(FIND, {"phone": "13812345678"})
    client.post(CODE, {"code": sent_code()})
    assert "Cancel booking" in client.get(MINE).content.decode()
    other = Booking.objects.get(phone="13900009999")
    assert client.post(MINE, {"reference": other.reference}).status_code == 404
    other.refresh_from_db()
    assert other.status != Booking.Status.CANCELLED
    response = client.post(MINE, {"reference": booked.reference}, follow=True)
    assert "Your booking has been cancelled." in response.content.decode()
    booked.refresh_from_db()
    assert booked.status == Booking.Status.CANCELLED
