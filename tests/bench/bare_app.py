"""The intake benchmark's baseline: a bare Flask endpoint that inserts the same row, unsealed."""

from __future__ import annotations

import json
import os

from flask import Flask, jsonify, request

from core import clock
from core.db import make_engine
from incidents.models import Report, model_key


def create_app() -> Flask:
    """Build the bare app against BENCH_DATABASE_URL."""
    app = Flask(__name__)
    engine = make_engine(os.environ["BENCH_DATABASE_URL"])
    statement = Report.__table__.insert()  # the same compiled-once insert the pipeline uses

    @app.post("/bare")
    def bare():
        data = request.get_json()
        content = {k: data.get(k) for k in ("title", "description", "affected", "steps", "evidence_links", "contact")}
        now = clock.now()
        with engine.begin() as conn:
            conn.execute(
                statement,
                dict(
                    channel="public",
                    category=data["category"],
                    severity=data["severity"],
                    model_name=data.get("model_name"),
                    model_key=model_key(data.get("model_name")),
                    country=data.get("country"),
                    share_consent=False,
                    status="received",
                    created_at=now,
                    updated_at=now,
                    version=1,
                    language="en",
                    flag_death=False,
                    flag_health=False,
                    flag_critical_infrastructure=False,
                    flag_fundamental_rights=False,
                    flag_property_environment=False,
                    flag_cybersecurity=False,
                    sealed=json.dumps(content).encode(),
                    wrapped_keys={},
                ),
            )
        return jsonify({"ok": True}), 201

    return app
