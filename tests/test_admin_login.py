"""The admin login form, as staff and attackers use it: lockout, two-factor codes, passwords."""

import datetime
import io
import re
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff(django_user_model):
    def make(username="anna"):
        return django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)

    return make


def log_in(client, username, password=PASSWORD, **fields):
    """Submit the admin login form; True when it let the user in."""
    client.get(LOGIN_URL)
    data = {"username": username, "password": password, "next": "/admin/", **fields}
    response = client.post(LOGIN_URL, data)
    client.last_response = response
    return response.status_code == 302 and response["Location"] == "/admin/"


def from_address(address, **headers):
    return Client(REMOTE_ADDR=address, headers=headers)


def fail(client, username, times):
    for _ in range(times):
        assert not log_in(client, username, "wrong password")


def current_code(device, *, steps=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_codes(device, count):
    """Six-digit codes the device does not accept now (nor in the next or previous step)."""
    valid = {current_code(device, steps=steps) for steps in (-1, 0, 1)}
    return [code for code in (f"{n}" * 6 for n in range(10)) if code not in valid][:count]


def test_staff_log_in_with_their_password(staff):
    staff("anna")
    client = from_address("198.51.100.7")
    assert log_in(client, "anna")
    assert client.get("/admin/").status_code == 200


def test_five_wrong_passwords_lock_that_username_from_that_address(staff):
    staff("anna")
    attacker = from_address("203.0.113.9")
    fail(attacker, "anna", 5)

    assert not log_in(attacker, "anna")  # even the right password, now
    assert attacker.last_response.status_code == 429
    assert b"too many login attempts" in attacker.last_response.content
    assert attacker.get("/admin/").status_code == 302  # still to the login page


def test_a_lockout_does_not_lock_the_user_out_elsewhere_nor_others_here(staff):
    staff("anna")
    staff("boris")
    attacker = from_address("203.0.113.9")
    fail(attacker, "anna", 5)

    assert log_in(from_address("198.51.100.7"), "anna")  # anna at her office
    assert log_in(from_address("203.0.113.9"), "boris")  # another user behind the same address


def attempts_made(ago):
    """Time travel: the failed attempts on record were made `ago` before now."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - ago)


def test_a_lockout_lasts_an_hour(staff):
    staff("anna")
    attacker = from_address("203.0.113.9")
    fail(attacker, "anna", 5)
    attempts_made(datetime.timedelta(minutes=59))
    assert not log_in(attacker, "anna")
    assert attacker.last_response.status_code == 429
    attempts_made(datetime.timedelta(minutes=61))
    assert log_in(attacker, "anna")


def test_axes_reset_username_lifts_a_lockout_at_once(staff):
    staff("anna")
    attacker = from_address("203.0.113.9")
    fail(attacker, "anna", 5)
    assert not log_in(attacker, "anna")
    assert attacker.last_response.status_code == 429
    call_command("axes_reset_username", "anna", stdout=io.StringIO())
    assert log_in(attacker, "anna")


def test_a_successful_login_starts_the_count_again(staff):
    staff("anna")
    client = from_address("198.51.100.7")
    fail(client, "anna", 4)
    assert log_in(client, "anna")
    client.post("/admin/logout/")
    fail(client, "anna", 4)
    assert log_in(client, "anna")


@override_settings(TRUSTED_PROXIES=1)
def test_behind_the_proxy_the_lockout_follows_the_client_not_the_proxy(staff):
    staff("anna")
    proxy = "127.0.0.1"
    # Whatever the client writes into X-Forwarded-For, the proxy appends the real address.
    for forged in ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"]:
        attacker = from_address(proxy, x_forwarded_for=f"{forged}, 203.0.113.9")
        fail(attacker, "anna", 1)

    attacker = from_address(proxy, x_forwarded_for="6.6.6.6, 203.0.113.9")
    assert not log_in(attacker, "anna")
    assert attacker.last_response.status_code == 429
    # Anna, through the same proxy from her own address, is not affected.
    assert log_in(from_address(proxy, x_forwarded_for="198.51.100.7"), "anna")


# Without django-otp's pause after a wrong code, so the right code can follow at once.
@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_staff_with_an_authenticator_need_its_code(staff):
    anna = staff("anna")
    device = TOTPDevice.objects.create(user=anna, name="Anna's phone", confirmed=True)
    client = from_address("198.51.100.7")

    assert not log_in(client, "anna")
    assert b"enter the code your authenticator app shows" in client.last_response.content
    assert PASSWORD.encode() not in client.last_response.content

    assert not log_in(client, "anna", otp_token=wrong_codes(device, 1)[0])
    assert b"wrong or has expired" in client.last_response.content

    assert log_in(client, "anna", otp_token=current_code(device))
    assert client.get("/admin/").status_code == 200


def test_wrong_codes_count_towards_the_lockout(staff):
    anna = staff("anna")
    device = TOTPDevice.objects.create(user=anna, name="Anna's phone", confirmed=True)
    attacker = from_address("203.0.113.9")  # who knows anna's password
    for wrong in wrong_codes(device, 5):
        assert not log_in(attacker, "anna", otp_token=wrong)

    assert not log_in(attacker, "anna", otp_token=current_code(device))
    assert attacker.last_response.status_code == 429


def test_a_session_without_the_code_does_not_open_the_admin(staff, client):
    anna = staff("anna")
    TOTPDevice.objects.create(user=anna, name="Anna's phone", confirmed=True)
    client.force_login(anna)  # e.g. a session from before the authenticator was added
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_unconfirmed_authenticator_is_not_asked_for(staff):
    anna = staff("anna")
    TOTPDevice.objects.create(user=anna, name="Being set up", confirmed=False)
    assert log_in(from_address("198.51.100.7"), "anna")


@override_settings(ADMIN_2FA_REQUIRED=True)
def test_when_two_factor_is_required_staff_without_an_authenticator_cannot_log_in(staff):
    staff("anna")
    client = from_address("198.51.100.7")
    assert not log_in(client, "anna")
    assert b"Ask an administrator to set one up" in client.last_response.content

    boris = staff("boris")
    device = TOTPDevice.objects.create(user=boris, name="Boris's phone", confirmed=True)
    assert log_in(client, "boris", otp_token=current_code(device))
    assert client.get("/admin/").status_code == 200


def test_an_administrator_sets_up_an_authenticator_with_a_qr_code(admin_client, staff):
    anna = staff("anna")
    add_page = admin_client.get("/admin/otp_totp/totpdevice/add/").content.decode()
    new_key = re.search(r'name="key"[^>]* value="([0-9a-f]+)"', add_page).group(1)
    response = admin_client.post(
        "/admin/otp_totp/totpdevice/add/",
        {
            "user": anna.pk,
            "name": "Anna's phone",
            "confirmed": "on",
            "key": new_key,
            "step": 30,
            "t0": 0,
            "digits": 6,
            "tolerance": 1,
            "drift": 0,
            "throttling_failure_count": 0,
        },
    )
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=anna)
    qr_code = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")
    assert qr_code.status_code == 200
    assert qr_code["Content-Type"] == "image/svg+xml"
    assert log_in(from_address("198.51.100.7"), "anna", otp_token=current_code(device))


def test_weak_passwords_are_refused():
    for weak in ["short1", "password1234", "123456789012"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password(PASSWORD)


def test_an_administrator_cannot_give_staff_a_weak_password(admin_client, staff):
    anna = staff("anna")
    response = admin_client.post(
        f"/admin/auth/user/{anna.pk}/password/",
        {"password1": "password1234", "password2": "password1234"},
    )
    assert response.status_code == 200
    assert b"This password is too common" in response.content
