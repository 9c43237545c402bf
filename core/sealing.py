"""Sealed storage: a fresh key per record, wrapped to each reader's public key.

- Content is encrypted with XSalsa20-Poly1305 (libsodium secretbox) under a random data key.
- The data key is wrapped to every reader with a sealed box (X25519): the platform key for
  the public channel, each designated recipient for the whistleblower channel, and the reporter.
- The reporter's key pair is derived from the receipt with HKDF, so only the receipt opens it.
- A staff member's private key is itself wrapped with a key derived from their password
  (Argon2id), so the database plus the server's configuration cannot open whistleblower content.

Wrapped keys are kept as a dict {reader id: base64 sealed box}: "platform", "reporter", and
"staff:<id>:<key fingerprint>". The fingerprint names the key pair, so when an account gets a new
key (after a reset) its old entries are recognisably stale and a grant adds one for the new key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.utils
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from nacl.public import PrivateKey, PublicKey, SealedBox

PLATFORM = "platform"
REPORTER = "reporter"
KEY_BYTES = nacl.secret.SecretBox.KEY_SIZE
# Interactive Argon2id limits: about a tenth of a second and 64 MiB per unlock.
PW_OPSLIMIT = nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE
PW_MEMLIMIT = nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE


class SealError(Exception):
    """The content could not be opened with the key at hand."""


def staff_reader(staff_id: int, public_key: str) -> str:
    """Return the reader id of a staff member's current key."""
    fingerprint = hashlib.sha256(public_key.encode("ascii")).hexdigest()[:12]
    return f"staff:{staff_id}:{fingerprint}"


def staff_id_of(reader: str) -> int | None:
    """Return the staff id in a reader id, or None for the platform and reporter."""
    return int(reader.split(":")[1]) if reader.startswith("staff:") else None


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def hkdf(secret: bytes, *, salt: bytes | None, info: bytes, length: int = 32) -> bytes:
    """Derive a key from a high-entropy secret (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(secret)


def platform_private_key(platform_secret: str) -> PrivateKey:
    """Derive the platform's X25519 key (used for public-channel content) from its configured secret."""
    return PrivateKey(hkdf(platform_secret.encode(), salt=None, info=b"platform-seal-key/v1"))


def reporter_private_key(receipt: str, salt: bytes) -> PrivateKey:
    """Derive a reporter's X25519 key from their receipt and the report's salt."""
    return PrivateKey(hkdf(receipt.encode(), salt=salt, info=b"reporter-key/v1"))


def encode_public(key: PublicKey) -> str:
    return b64(bytes(key))


def decode_public(text: str) -> PublicKey:
    return PublicKey(unb64(text))


@dataclass(frozen=True)
class Sealed:
    ciphertext: bytes
    wrapped_keys: dict[str, str]


def seal(plaintext: bytes, readers: dict[str, PublicKey]) -> Sealed:
    """Encrypt with a fresh data key and wrap that key for each reader."""
    if not readers:
        raise SealError("no reader to seal for")
    data_key = nacl.utils.random(KEY_BYTES)
    ciphertext = nacl.secret.SecretBox(data_key).encrypt(plaintext)
    wrapped = {reader: b64(SealedBox(public).encrypt(data_key)) for reader, public in readers.items()}
    return Sealed(ciphertext=bytes(ciphertext), wrapped_keys=wrapped)


def unwrap_data_key(wrapped_keys: dict[str, str], reader: str, private_key: PrivateKey) -> bytes:
    """Open the data key wrapped for this reader."""
    wrapped = wrapped_keys.get(reader)
    if wrapped is None:
        raise SealError("this content was not sealed for you")
    try:
        return SealedBox(private_key).decrypt(unb64(wrapped))
    except nacl.exceptions.CryptoError as err:
        raise SealError("the key does not open this content") from err


def unseal(ciphertext: bytes, wrapped_keys: dict[str, str], reader: str, private_key: PrivateKey) -> bytes:
    """Decrypt content with the reader's private key."""
    data_key = unwrap_data_key(wrapped_keys, reader, private_key)
    try:
        return nacl.secret.SecretBox(data_key).decrypt(ciphertext)
    except nacl.exceptions.CryptoError as err:
        raise SealError("the content is damaged") from err


def rewrap(
    wrapped_keys: dict[str, str], *, reader: str, private_key: PrivateKey, new_reader: str, new_public: PublicKey
) -> dict[str, str]:
    """Return the wrapped keys with the data key also wrapped for a new reader."""
    data_key = unwrap_data_key(wrapped_keys, reader, private_key)
    return {**wrapped_keys, new_reader: b64(SealedBox(new_public).encrypt(data_key))}


def seal_json(value: dict[str, Any], readers: dict[str, PublicKey]) -> Sealed:
    """Seal a JSON-serialisable dict."""
    return seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), readers)


def unseal_json(
    ciphertext: bytes, wrapped_keys: dict[str, str], reader: str, private_key: PrivateKey
) -> dict[str, Any]:
    """Unseal a dict sealed with seal_json."""
    value: dict[str, Any] = json.loads(unseal(ciphertext, wrapped_keys, reader, private_key).decode("utf-8"))
    return value


# --- staff keys, protected by the staff member's password -------------------------------------


@dataclass(frozen=True)
class StaffKeyMaterial:
    public_key: str
    sealed_private_key: str
    key_salt: str


def _password_box(password: str, salt: bytes) -> nacl.secret.SecretBox:
    key = nacl.pwhash.argon2id.kdf(
        KEY_BYTES, password.encode("utf-8"), salt, opslimit=PW_OPSLIMIT, memlimit=PW_MEMLIMIT
    )
    return nacl.secret.SecretBox(key)


def lock_private_key(private_key: PrivateKey, password: str) -> StaffKeyMaterial:
    """Wrap a staff private key with a key derived from their password (Argon2id)."""
    salt = nacl.utils.random(nacl.pwhash.argon2id.SALTBYTES)
    sealed = _password_box(password, salt).encrypt(bytes(private_key))
    return StaffKeyMaterial(
        public_key=encode_public(private_key.public_key), sealed_private_key=b64(bytes(sealed)), key_salt=b64(salt)
    )


def new_staff_keys(password: str) -> StaffKeyMaterial:
    """Create a staff key pair locked with the password."""
    return lock_private_key(PrivateKey.generate(), password)


def unlock_private_key(sealed_private_key: str, key_salt: str, password: str) -> PrivateKey:
    """Open a staff private key with the password."""
    try:
        raw = _password_box(password, unb64(key_salt)).decrypt(unb64(sealed_private_key))
    except nacl.exceptions.CryptoError as err:
        raise SealError("the password does not open this key") from err
    return PrivateKey(raw)


def escrow_private_key(private_key: PrivateKey) -> tuple[str, str]:
    """Lock a private key for the length of a login: (cookie half, server half).

    The server keeps the key encrypted under a random session key that lives only in
    the staff member's cookie, so neither the database nor the cookie alone opens it.
    """
    session_key = nacl.utils.random(KEY_BYTES)
    sealed = nacl.secret.SecretBox(session_key).encrypt(bytes(private_key))
    return b64(session_key), b64(bytes(sealed))


def release_private_key(cookie_half: str, server_half: str) -> PrivateKey:
    """Reassemble a private key escrowed for a login."""
    try:
        return PrivateKey(nacl.secret.SecretBox(unb64(cookie_half)).decrypt(unb64(server_half)))
    except (nacl.exceptions.CryptoError, ValueError) as err:
        raise SealError("the session key does not open the escrowed key") from err


def random_salt() -> bytes:
    """Return 16 random bytes for per-record key derivation."""
    return secrets.token_bytes(16)
