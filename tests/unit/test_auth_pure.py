from datetime import UTC, datetime

import pyotp

from core import auth


def test_argon2id_hash_and_verify():
    hashed = auth.hash_password("correct horse battery staple")
    assert hashed.startswith("$argon2id$")
    assert auth.verify_password(hashed, "correct horse battery staple")
    assert not auth.verify_password(hashed, "wrong")
    assert not auth.verify_password(None, "anything")
    assert not auth.verify_password("not-a-hash", "anything")


def test_totp_counter_matching_allows_one_step_of_drift():
    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    now = datetime(2026, 11, 28, 12, 0, 10, tzinfo=UTC)
    current = totp.timecode(now)
    assert auth.matching_totp_counter(secret, totp.generate_otp(current), now) == current
    assert auth.matching_totp_counter(secret, totp.generate_otp(current - 1), now) == current - 1
    assert auth.matching_totp_counter(secret, totp.generate_otp(current + 1), now) == current + 1
    assert auth.matching_totp_counter(secret, totp.generate_otp(current - 3), now) is None
    spaced = totp.generate_otp(current)
    assert auth.matching_totp_counter(secret, f"{spaced[:3]} {spaced[3:]}", now) == current


def test_totp_rejects_malformed_codes():
    secret = pyotp.random_base32()
    now = datetime.now(UTC)
    for code in ("", "12345", "1234567", "abcdef", "12 34 5"):
        assert auth.matching_totp_counter(secret, code, now) is None


def test_uri_and_qr_code():
    user = auth.StaffUser(email="a@example.org", role="admin", totp_secret=pyotp.random_base32())
    uri = auth.totp_uri(user)
    assert uri.startswith("otpauth://totp/") and user.totp_secret in uri
    svg = auth.totp_qr_svg(uri)
    assert svg.startswith("<svg") and "<path" in svg and "<script" not in svg
    assert "style=" not in svg, "inline styles would be blocked by our CSP"


def test_token_hash_is_stable_and_not_the_token():
    assert auth.hash_token("abc") == auth.hash_token("abc") != "abc"
    assert len(auth.hash_token("abc")) == 64
