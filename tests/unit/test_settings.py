import os
import stat

import pytest
from flask import Flask

from core.settings import ConfigError, load_settings, normalise_database_url


@pytest.fixture
def clean_env(monkeypatch):
    for key in list(os.environ):
        if key.startswith("FLASK_") or key in ("APP_ENV", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PLATFORM_SECRET"):
            monkeypatch.delenv(key, raising=False)
    return monkeypatch


def bare_app(tmp_path) -> Flask:
    return Flask("t", instance_path=str(tmp_path / "instance"))


def test_production_without_secret_refuses_to_start(clean_env, tmp_path):
    clean_env.setenv("APP_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load_settings(bare_app(tmp_path))
    assert not (tmp_path / "instance" / "secrets.json").exists()


def test_production_without_platform_secret_refuses_to_start(clean_env, tmp_path):
    clean_env.setenv("APP_ENV", "production")
    clean_env.setenv("SECRET_KEY", "s" * 40)
    with pytest.raises(ConfigError, match="PLATFORM_SECRET is not set"):
        load_settings(bare_app(tmp_path))


def test_flask_env_production_also_counts(clean_env, tmp_path):
    clean_env.setenv("FLASK_ENV", "production")
    with pytest.raises(ConfigError):
        load_settings(bare_app(tmp_path))


def test_production_with_secret_starts_with_secure_cookies(clean_env, tmp_path):
    clean_env.setenv("APP_ENV", "production")
    clean_env.setenv("SECRET_KEY", "s" * 40)
    clean_env.setenv("PLATFORM_SECRET", "p" * 40)
    app = bare_app(tmp_path)
    load_settings(app)
    assert app.config["SECRET_KEY"] == "s" * 40
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_development_secret_is_generated_once_with_mode_0600(clean_env, tmp_path):
    first = bare_app(tmp_path)
    load_settings(first)
    path = tmp_path / "instance" / "secrets.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second = bare_app(tmp_path)
    load_settings(second)
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert first.config["PLATFORM_SECRET"] == second.config["PLATFORM_SECRET"] != first.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 40
    assert first.config["SESSION_COOKIE_SECURE"] is False


def test_default_database_is_sqlite_in_instance_folder(clean_env, tmp_path):
    app = bare_app(tmp_path)
    load_settings(app)
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'instance' / 'app.db'}"


def test_environment_names(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", "postgres://u@h/db")
    clean_env.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    clean_env.setenv("FLASK_MAX_FILES", "4")
    clean_env.setenv("FLASK_STAFF_IDLE_MINUTES", "5")
    app = bare_app(tmp_path)
    load_settings(app)
    assert app.config["DATABASE_URL"] == "postgresql+psycopg://u@h/db"
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    assert app.config["MAX_FILES"] == 4
    assert app.config["STAFF_IDLE_MINUTES"] == 5
    assert app.config["MAX_CONTENT_LENGTH"] == 4 * app.config["MAX_FILE_BYTES"] + 2 * 1024 * 1024


def test_overrides_win(clean_env, tmp_path):
    clean_env.setenv("SECRET_KEY", "from-env")
    app = bare_app(tmp_path)
    load_settings(app, {"SECRET_KEY": "from-override", "MAX_CONTENT_LENGTH": 1000})
    assert app.config["SECRET_KEY"] == "from-override"
    assert app.config["MAX_CONTENT_LENGTH"] == 1000


@pytest.mark.parametrize(
    "url,expected",
    [
        ("postgres://a@b/c", "postgresql+psycopg://a@b/c"),
        ("postgresql://a@b/c", "postgresql+psycopg://a@b/c"),
        ("postgresql+psycopg://a@b/c", "postgresql+psycopg://a@b/c"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_normalise_database_url(url, expected):
    assert normalise_database_url(url) == expected
