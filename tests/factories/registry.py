"""The model registry through its staff forms, for the review and value-chain tests."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from incidents.models import ModelRecord
from tests.conftest import csrf_from

CARDS = Path(__file__).resolve().parents[1] / "fixtures" / "cards"


def card(name: str) -> str:
    return (CARDS / name).read_text(encoding="utf-8")


def model_form(client, model_id: int, **fields) -> dict:
    """The CSRF token and the record's version from the model's staff page, with `fields`."""
    page = client.get(f"/staff/models/{model_id}").get_data(as_text=True)
    version = page.split('name="row_version" value="')[1].split('"')[0]
    return {"csrf_token": csrf_from(page), "row_version": version, **fields}


def csrf(client, path: str = "/staff/models") -> str:
    return csrf_from(client.get(path).get_data(as_text=True))


def register(client, session, name: str, version: str = "1", **fields) -> ModelRecord:
    """Register a model through the registry's form; return its stored record."""
    response = client.post(
        "/staff/models", data={"csrf_token": csrf(client), "name": name, "version": version, **fields}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    return session.exec(select(ModelRecord).where(ModelRecord.name == name, ModelRecord.version == version)).one()


def save_details(client, model_id: int, **fields):
    return client.post(f"/staff/models/{model_id}/details", data=model_form(client, model_id, **fields))


def import_card(client, model_id: int, text: str):
    return client.post(f"/staff/models/{model_id}/card", data=model_form(client, model_id, card_text=text))
