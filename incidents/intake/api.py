"""The JSON intake API: POST /api/v1/reports, with the web forms' rules and an optional Idempotency-Key."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from core.db import get_session
from core.jsonbody import BadJSON, read_json
from core.schemas import schema, validate_data
from core.security import csrf, spend_rate_limit
from incidents import web
from incidents.intake import receipts
from incidents.intake import service as intake
from incidents.intake.schemas import ApiReportSchema
from incidents.intake.uploads import clean_uploads

# Whoever sends an Idempotency-Key again gets the report's receipt back, so it must be as unguessable as one.
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{32,200}")


def _bad_idempotency_key() -> str:
    return _(
        "Idempotency-Key must be a random value of 32 to 200 letters, digits, '-' or '_' (for example 32 bytes "
        "in URL-safe base64): whoever sends it again gets this report's receipt."
    )


def _digest(payload: dict) -> str:
    """Return a digest of a JSON report that ignores key order and spacing."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@csrf.exempt
def api_submit():
    """Accept a report as JSON (same rules as the form) and return its receipt."""
    spend_rate_limit("intake", current_app.config["INTAKE_LIMIT"])
    not_an_object = _("Send the report as a JSON object with Content-Type application/json.")
    if not request.is_json:
        return jsonify({"errors": {"_schema": [not_an_object]}}), 400
    try:
        payload = read_json(current_app.config["API_JSON_MAX_BYTES"])
    except BadJSON as err:
        return jsonify({"errors": {"_schema": [str(err)]}}), 400
    if not isinstance(payload, dict):
        return jsonify({"errors": {"_schema": [not_an_object]}}), 400
    idempotency_key = request.headers.get("Idempotency-Key")
    if idempotency_key is not None and not IDEMPOTENCY_KEY.fullmatch(idempotency_key):
        return jsonify({"errors": {"Idempotency-Key": [_bad_idempotency_key()]}}), 400
    data, errors = validate_data(schema(ApiReportSchema), payload)
    if errors:
        return jsonify({"errors": errors}), 400
    files, file_errors = [], []
    for index, item in enumerate(data.pop("attachments"), start=1):
        try:
            content = base64.b64decode(item.get("content_base64", ""), validate=True)
        except (binascii.Error, ValueError):
            file_errors.append(_("Attachment %(n)d is not valid base64.", n=index))
            continue
        files.append(_Blob(item.get("filename") or f"attachment-{index}", content))
    uploads, more_errors = clean_uploads(files) if not file_errors else ([], [])
    if file_errors or more_errors:
        return jsonify({"errors": {"attachments": file_errors + more_errors}}), 400
    channel = data.pop("channel")
    keys = web.current_keys()
    # A client that timed out sends the report again with the same Idempotency-Key and gets the same receipt.
    receipt = receipts.receipt_for_key(keys.receipt_key, idempotency_key, _digest(payload)) if idempotency_key else None
    try:
        result = intake.submit_report(
            session=get_session(),
            data=data,
            uploads=uploads,
            channel=channel,
            receipt=receipt or receipts.new_receipt(),
            keys=keys,
            language=str(get_locale()),
            fresh_receipt=receipt is None,
        )
    except intake.ChannelClosed:
        return jsonify({"errors": {"channel": [_("The whistleblower channel is not open yet.")]}}), 503
    response = jsonify(
        {
            "receipt": result.receipt,
            "status": result.status,
            "followup_url": url_for("incidents.followup", _external=False),
        }
    )
    if result.duplicate:
        response.headers["Idempotent-Replayed"] = "true"
    return response, 201


class _Blob:
    """An in-memory file shaped like werkzeug's FileStorage, for API attachments."""

    def __init__(self, filename: str, content: bytes):
        self.filename = filename
        self.stream = io.BytesIO(content)

    def __bool__(self) -> bool:
        return True


def register(bp: Blueprint) -> None:
    """Add the JSON intake endpoint to the incidents blueprint."""
    bp.add_url_rule("/api/v1/reports", view_func=api_submit, methods=["POST"])
