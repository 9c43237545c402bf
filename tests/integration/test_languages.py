"""Spanish end to end: chosen by Accept-Language or ?lang=, never by a cookie."""

import re

from tests.conftest import csrf_from
from tests.factories.reports import submit


def test_accept_language_picks_spanish(client):
    html = client.get("/report", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "Informar de un daño causado por un modelo de IA" in html and "Enviar informe" in html
    assert "Fraude, engaño o suplantación" in html and "Alemania" in html


def test_explicit_choice_is_carried_in_links_not_cookies(client):
    response = client.get("/?lang=es", headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert "Dos formas de informar" in html
    assert 'href="/report?lang=es"' in html and 'href="/followup?lang=es"' in html
    assert all("lang" not in c for c in response.headers.getlist("Set-Cookie"))
    assert "Two ways to report" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_validation_messages_in_spanish(client):
    response, receipt, _ = submit(
        client, "/report?lang=es", title="abc", category="weather", occurred_from="2999-01-01"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and receipt is None
    for message in (
        "Demasiado corto: escriba al menos 5 caracteres (ha escrito 3).",
        "Elija una categoría de la lista.",
        "Esta fecha está en el futuro.",
        "Corrija los campos señalados abajo.",
    ):
        assert message in html, message


def test_receipt_and_followup_in_spanish(client):
    response, receipt, _ = submit(client, "/report?lang=es")
    html = response.get_data(as_text=True)
    assert "Su informe se ha recibido" in html and receipt
    page = client.get("/followup?lang=es")
    thread = client.post(
        "/followup?lang=es", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "receipt": receipt}
    )
    text = thread.get_data(as_text=True)
    assert "Recibido. Nadie lo ha leído todavía" in text
    assert re.search(r'action="/followup/message\?lang=es"', text)


def test_unknown_language_falls_back_to_english(client):
    html = client.get("/?lang=xx", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="en">' in html and "Two ways to report" in html
