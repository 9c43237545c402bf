"""The JSON intake API: POST /api/v1/reports, with the web forms' rules and an optional Idempotency-Key."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from core.db import get_session
from core.jsonbody import BadJSON, read_json
from core.schemas import schema, validate_data
from core.security import csrf, spend_keyed_limit, spend_rate_limit
from incidents import web
from incidents.intake import receipts
from incidents.intake import service as intake
from incidents.intake.schemas import ApiReportSchema
from incidents.intake.uploads import clean_uploads
from incidents.models import Channel
from incidents.partners import service as partners
from incidents.partners.models import Partner

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


def _unauthorized() -> tuple[Response, int]:
    message = _("The Authorization header must be 'Bearer' and a partner's valid, unrevoked API token.")
    response = jsonify({"errors": {"Authorization": [message]}})
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response, 401


def _caller() -> tuple[Partner | None, bool]:
    """Return the partner whose token the request carries (None: anonymous) and whether its token is good.

    A bad token spends the anonymous intake limit, so guessing tokens costs what filing reports does;
    a good one spends its partner's own PARTNER_LIMIT, whatever address it comes from.
    """
    header = request.headers.get("Authorization")
    if header is None:
        spend_rate_limit("intake", current_app.config["INTAKE_LIMIT"])
        return None, True
    scheme, _space, token = header.partition(" ")
    partner = partners.partner_for_token(get_session(), token.strip()) if scheme.lower() == "bearer" else None
    if partner is None:
        spend_rate_limit("intake", current_app.config["INTAKE_LIMIT"])
        return None, False
    spend_keyed_limit("partner", current_app.config["PARTNER_LIMIT"], f"p{partner.id}")
    return partner, True


def _decode_attachments(items: list[dict]) -> tuple[list, list[str]]:
    files, errors = [], []
    for index, item in enumerate(items, start=1):
        try:
            content = base64.b64decode(item.get("content_base64", ""), validate=True)
        except (binascii.Error, ValueError):
            errors.append(_("Attachment %(n)d is not valid base64.", n=index))
            continue
        files.append(_Blob(item.get("filename") or f"attachment-{index}", content))
    uploads, more_errors = clean_uploads(files) if not errors else ([], [])
    return uploads, errors + more_errors


@csrf.exempt
def api_submit():
    """Accept a report as JSON (same rules as the form) and return its receipt; a partner's token files it as theirs."""
    partner, authorized = _caller()
    if not authorized:
        return _unauthorized()
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
    # A body that is not a JSON object is a 400; a report whose fields break their rules (its kind's included) is
    # a 422, with the messages by field.
    data, errors = validate_data(schema(ApiReportSchema), payload)
    if not errors and partner is not None and data["channel"] != Channel.PUBLIC:
        errors = {"channel": [_("Partners file reports on the public channel.")]}
    if errors:
        return jsonify({"errors": errors}), 422
    uploads, file_errors = _decode_attachments(data.pop("attachments"))
    if file_errors:
        return jsonify({"errors": {"attachments": file_errors}}), 422
    channel = data.pop("channel")
    digest = _digest(payload)
    if partner is not None:
        data.update(source_type=partner.kind, partner_id=partner.id)
        digest += f":partner-{partner.id}"  # another partner's (or the public's) same key and report: another report
    keys = web.current_keys()
    # A client that timed out sends the report again with the same Idempotency-Key and gets the same receipt.
    receipt = receipts.receipt_for_key(keys.receipt_key, idempotency_key, digest) if idempotency_key else None
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
    body = {"receipt": result.receipt, "status": result.status, "followup_url": url_for("incidents.followup")}
    response = jsonify(body)
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
