import pytest
from nacl.public import PrivateKey

from core import sealing


def test_seal_and_unseal_for_each_reader():
    alice, bob = PrivateKey.generate(), PrivateKey.generate()
    sealed = sealing.seal(b"the secret", {"a": alice.public_key, "b": bob.public_key})
    assert b"the secret" not in sealed.ciphertext
    assert sealing.unseal(sealed.ciphertext, sealed.wrapped_keys, "a", alice) == b"the secret"
    assert sealing.unseal(sealed.ciphertext, sealed.wrapped_keys, "b", bob) == b"the secret"


def test_fresh_key_per_record():
    key = PrivateKey.generate()
    one = sealing.seal(b"same", {"a": key.public_key})
    two = sealing.seal(b"same", {"a": key.public_key})
    assert one.ciphertext != two.ciphertext and one.wrapped_keys != two.wrapped_keys
    data_one = sealing.unwrap_data_key(one.wrapped_keys, "a", key)
    data_two = sealing.unwrap_data_key(two.wrapped_keys, "a", key)
    assert data_one != data_two


def test_wrong_key_or_reader_is_refused():
    key, other = PrivateKey.generate(), PrivateKey.generate()
    sealed = sealing.seal(b"x", {"a": key.public_key})
    with pytest.raises(sealing.SealError):
        sealing.unseal(sealed.ciphertext, sealed.wrapped_keys, "a", other)
    with pytest.raises(sealing.SealError):
        sealing.unseal(sealed.ciphertext, sealed.wrapped_keys, "missing", key)
    tampered = bytearray(sealed.ciphertext)
    tampered[-1] ^= 1
    with pytest.raises(sealing.SealError):
        sealing.unseal(bytes(tampered), sealed.wrapped_keys, "a", key)


def test_rewrap_adds_a_reader():
    key, newcomer = PrivateKey.generate(), PrivateKey.generate()
    sealed = sealing.seal(b"x", {"a": key.public_key})
    keys = sealing.rewrap(
        sealed.wrapped_keys, reader="a", private_key=key, new_reader="n", new_public=newcomer.public_key
    )
    assert sealing.unseal(sealed.ciphertext, keys, "n", newcomer) == b"x"


def test_reporter_key_depends_on_receipt_and_salt():
    salt = sealing.random_salt()
    same = sealing.reporter_private_key("ABCD1234EFGH5678", salt)
    assert bytes(same) == bytes(sealing.reporter_private_key("ABCD1234EFGH5678", salt))
    assert bytes(same) != bytes(sealing.reporter_private_key("ABCD1234EFGH5679", salt))
    assert bytes(same) != bytes(sealing.reporter_private_key("ABCD1234EFGH5678", sealing.random_salt()))


def test_platform_key_is_derived_from_its_secret():
    assert bytes(sealing.platform_private_key("s1")) == bytes(sealing.platform_private_key("s1"))
    assert bytes(sealing.platform_private_key("s1")) != bytes(sealing.platform_private_key("s2"))


def test_staff_key_is_locked_with_the_password():
    material = sealing.new_staff_keys("correct horse battery")
    key = sealing.unlock_private_key(material.sealed_private_key, material.key_salt, "correct horse battery")
    assert sealing.encode_public(key.public_key) == material.public_key
    with pytest.raises(sealing.SealError):
        sealing.unlock_private_key(material.sealed_private_key, material.key_salt, "wrong")
    relocked = sealing.lock_private_key(key, "new passphrase")
    again = sealing.unlock_private_key(relocked.sealed_private_key, relocked.key_salt, "new passphrase")
    assert bytes(again) == bytes(key)


def test_escrow_needs_both_halves():
    key = PrivateKey.generate()
    cookie, server = sealing.escrow_private_key(key)
    assert bytes(sealing.release_private_key(cookie, server)) == bytes(key)
    other_cookie, _ = sealing.escrow_private_key(key)
    with pytest.raises(sealing.SealError):
        sealing.release_private_key(other_cookie, server)


def test_staff_reader_ids_name_the_key():
    first, second = sealing.new_staff_keys("pw-one-long"), sealing.new_staff_keys("pw-two-long")
    assert sealing.staff_reader(3, first.public_key) != sealing.staff_reader(3, second.public_key)
    assert sealing.staff_id_of(sealing.staff_reader(3, first.public_key)) == 3
    assert sealing.staff_id_of("platform") is None
