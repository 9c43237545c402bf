"""The PII scrubber: planted personal data never survives, ordinary incident text does, no network."""

import socket

import pytest

from anonymize.scrub import scrub

PLANTED = {
    "email": "jane.doe@example.org",
    "phone (US)": "+1 (415) 555-0132",
    "phone (DE)": "+49 30 901820",
    "IPv4": "192.168.10.4",
    "IPv6": "2001:db8:85a3::8a2e:370:7334",
    "card": "4111 1111 1111 1111",
    "IBAN": "DE89 3704 0044 0532 0130 00",
    "street (en)": "221B Baker Street",
    "street (de)": "Hauptstraße 5",
    "receipt": "7K3M-Q9XD-2HWP-4RTB",
}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("the scrubber tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.parametrize("kind", list(PLANTED))
def test_planted_personal_data_is_removed(kind):
    value = PLANTED[kind]
    text = f"The model repeated {value} back to the user during the incident on 2026-03-14."
    cleaned = scrub(text)
    assert value not in cleaned, cleaned
    assert cleaned.startswith("The model repeated [") and cleaned.endswith("during the incident on 2026-03-14.")


def test_everything_planted_at_once():
    text = "Contact: " + "; ".join(PLANTED.values()) + "."
    cleaned = scrub(text)
    assert all(value not in cleaned for value in PLANTED.values()), cleaned


@pytest.mark.parametrize(
    "text",
    [
        "Aurora 13B v2.1 gave unsafe dosing advice to 3 users in March 2026; the provider fixed it on 2026-04-02.",
        "The jailbreak worked 17 times out of 20 with temperature 0.7 and a 4096-token context.",
        "Northwind Labs deployed the model in a health app used in Germany and Spain.",
        "They mesh than what area they said; the grid rack fans were fine.",
        "Version 2.13.0 of the SDK, build 20260314, on 3 servers.",
        "It recommended 2 tablets every 4 hours, twice the safe dose.",
        "Banned under Art. 5(1)(a) of Regulation (EU) 2024/1689 and Regulation (EU) 2022/2065, Directive 2000/31/EC.",
        "",
    ],
)
def test_ordinary_text_survives_unchanged(text):
    assert scrub(text) == text


def test_none_becomes_empty():
    assert scrub(None) == ""


def test_building_the_scrubber_from_nothing_needs_no_network():
    """Import and first use in a fresh process, with the network refused from the first line.

    In the suite the engines are cached, and another test may have built them before the guard
    above was in place; a new process is the only way to see the import and the build themselves.
    """
    import subprocess
    import sys
    from pathlib import Path

    program = (
        "import socket\n"
        "def refuse(*args, **kwargs):\n"
        "    raise SystemExit('the scrubber tried to reach the network')\n"
        "socket.socket.connect = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from anonymize.scrub import scrub\n"
        "print(scrub('Write to jane.doe@example.org today.'))\n"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", program], cwd=root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "jane.doe@example.org" not in result.stdout and result.stdout.startswith("Write to [")
