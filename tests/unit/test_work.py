"""The report form's proof of work: counting zero bits and checking solutions, pinned by hand."""

import hashlib

import pytest

from incidents.intake.work import leading_zero_bits, solve, solved


@pytest.mark.parametrize(
    "digest, bits",
    [
        (b"\x80\x00", 0),
        (b"\x40", 1),
        (b"\x01\xff", 7),
        (b"\x00\x80", 8),
        (b"\x00\x0f", 12),
        (b"\x00\x00\x01", 23),
        (b"\x00\x00", 16),
    ],
)
def test_leading_zero_bits(digest, bits):
    assert leading_zero_bits(digest) == bits


def test_a_solution_is_checked_against_sha256_of_challenge_and_nonce():
    # sha256("token-abc:4312") starts 000efbad: 12 zero bits, and no smaller nonce has them.
    assert hashlib.sha256(b"token-abc:4312").hexdigest().startswith("000efbad")
    assert solve("token-abc", 12) == "4312"
    assert solved("token-abc", "4312", 12) and not solved("token-abc", "4312", 13)
    assert not solved("token-abc", "4311", 12)  # sha256 starts 445b4e2e
    assert not solved("token-abd", "4312", 12)


@pytest.mark.parametrize("nonce", [None, "", "-1", "1e3", "12 ", "0x10", "1" * 21, "١٢"])
def test_malformed_nonces_are_not_solutions(nonce):
    assert not solved("token", nonce, 0)


def test_no_challenge_is_no_solution():
    assert not solved(None, "1", 0) and not solved("", "1", 0)
