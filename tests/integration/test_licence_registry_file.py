"""The app reads the operator's licence file once, at start: a good one is used, a broken one stops the app."""

from __future__ import annotations

import pytest

from core.settings import ConfigError
from incidents.registry import licences
from wsgi import create_app


def test_the_app_uses_the_operators_licences(app_config, tmp_path):
    path = tmp_path / "licences.toml"
    path.write_text("[[licence]]\nid = 'acme-1.0'\nname = 'Acme'\nvague = 'Too vague.'\n", encoding="utf-8")
    app = create_app(dict(app_config, LICENCE_REGISTRY_FILE=str(path)))
    with app.app_context():
        assert licences.find("acme-1.0").vague == "Too vague."
        assert licences.find("llama2").actionable


def test_a_broken_licence_file_stops_the_app_at_start(app_config, tmp_path):
    path = tmp_path / "licences.toml"
    path.write_text("[[licence]]\nid = 'acme-1.0'\nname = 'Acme'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"licence 1 \(acme-1.0\): give its clauses"):
        create_app(dict(app_config, LICENCE_REGISTRY_FILE=str(path)))
