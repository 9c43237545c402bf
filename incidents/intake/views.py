"""The reporter's pages: the two channels, follow-up with a receipt, and the JSON intake API."""

from __future__ import annotations

import hashlib
import secrets

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from core.db import get_session
from core.schemas import N_, form_to_raw, schema, validate_data
from core.security import first_use, spend_global_limit, spend_rate_limit
from incidents import labels, web
from incidents.fields import COUNTRY_CODES
from incidents.intake import acknowledgement, kind_rules, kinds, reading, receipts, work
from incidents.intake import service as intake
from incidents.intake.schemas import FollowupSchema, MessageSchema, ReportSchema
from incidents.intake.uploads import form_uploads, human_size, note_files_not_kept
from incidents.models import Author, Channel, Report
from incidents.triage import duties
from incidents.vocabulary import ReportKind

TOKEN_MAX_AGE = 7 * 24 * 3600

# What the list of a form's errors calls each shared field (each kind's questions bring their own).
FIELD_NAMES = {
    "kind": N_("What are you reporting?"),
    "title": N_("A short title"),
    "description": N_("Describe what happened"),
    "category": N_("What kind of problem is it?"),
    "model_name": N_("The model's name"),
    "model_version": N_("The model's version"),
    "model_provider": N_("Who provides the model"),
    "model_url": N_("A link to the model"),
    "actor": N_("Who is responsible"),
    "severity": N_("How serious is it?"),
    "serious_flags": N_("If it is serious: what happened?"),
    "occurred_from": N_("When it happened (or started)"),
    "occurred_to": N_("When it ended"),
    "country": N_("Country"),
    "affected": N_("Who was affected?"),
    "steps": N_("How can we see it happen?"),
    "evidence_links": N_("Links to evidence"),
    "files": N_("Files"),
    "contact": N_("How can we reach you?"),
    "share_consent": N_("Sharing a summary"),
}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"incidents.{purpose}")


def issue_intake_token() -> str:
    """Mint the hidden form token that carries the receipt this form will get.

    The receipt is made when the form is shown, so that a form sent twice (a double
    click, a resend after a dropped connection) finds the report it already created
    and shows the same receipt, instead of creating a second report.
    """
    return _serializer("intake").dumps(receipts.new_receipt())


def read_intake_token(token: str | None) -> str | None:
    """Return the receipt inside a form token this server issued, or None."""
    try:
        receipt = _serializer("intake").loads(token or "", max_age=TOKEN_MAX_AGE)
    except BadSignature:
        return None
    return receipt if receipts.normalise(receipt) else None


def _options(mapping: dict) -> list[tuple[str, str]]:
    return [(str(key), _(text)) for key, text in mapping.items()]


def _form_choices() -> dict:
    return {
        "categories": _options(labels.CATEGORY_LABELS),
        "actors": _options(labels.ACTOR_LABELS),
        "severities": _options(labels.SEVERITY_LABELS),
        "serious_flags": _options(labels.SERIOUS_FLAG_LABELS),
        "countries": _country_names(),
        "work_bits": int(current_app.config["INTAKE_POW_BITS"] or 0),
    }


def _country_names() -> list[tuple[str, str]]:
    names = get_locale().territories
    return sorted(((code, names.get(code, code)) for code in COUNTRY_CODES), key=lambda item: item[1])


def _incident_helpers() -> dict:
    return {
        "human_size": human_size,
        "channel_labels": {Channel.PUBLIC: _("Public report"), Channel.WHISTLEBLOWER: _("Whistleblower report")},
        "category_labels": labels.CATEGORY_LABELS,
        "source_type_labels": labels.SOURCE_TYPE_LABELS,
        "kind_labels": {kind.value: form.label for kind, form in kinds.KINDS.items()},
        "status_for_reporter": labels.STATUS_FOR_REPORTER,
        "reporter_duties": _reporter_duties,
    }


def _reporter_duties(report: Report) -> list[str]:
    """Say when each duty owed to the reporter is due, or when it was met, in the page's language."""
    values = {column: getattr(report, column) for column in duties.STAMPS}
    return acknowledgement.duty_sentences(duties.clocks(values, duties.Policy.from_config(current_app.config)))


def _intake_limit() -> str:
    return current_app.config["INTAKE_LIMIT"]


def _spend_intake_budget() -> None:
    """Count a form submission against its limits: loose ones with a solved puzzle, strict ones without."""
    bits = int(current_app.config["INTAKE_POW_BITS"] or 0)
    if not bits:
        spend_rate_limit("intake", _intake_limit())
    elif work.solved(token := request.form.get("intake_token"), request.form.get("work_nonce"), bits) and first_use(
        "intake-work-token", hashlib.sha256((token or "").encode()).hexdigest()
    ):
        # A solution buys its discount once: the same form sent again meets the strict limits.
        spend_rate_limit("intake-work", current_app.config["INTAKE_POW_LIMIT"])
    else:
        spend_rate_limit("intake", _intake_limit())
        spend_global_limit("intake-no-work", current_app.config["INTAKE_NOJS_LIMIT"])


def _kind_choices(kind: ReportKind | None, values: dict) -> dict:
    """The kind picker, and the words and choices of the kind's own questions, in the page's language."""
    form = kinds.KINDS[kind] if kind else None
    choices: dict = {"kind_picker": list(kinds.KINDS.values()), "kind_form": form, "field_names": FIELD_NAMES}
    if form is None:
        return choices
    choices["question_options"] = {q.name: _options(q.choices) for q in form.questions if q.choices}
    choices["field_names"] = FIELD_NAMES | {q.name: q.short or q.label for q in form.questions}
    if kind is ReportKind.LICENCE_VIOLATION:
        groups = kind_rules.clause_groups(values.get("licence"), values.get("licence_clause"))
        choices.update(licences=kind_rules.licence_options(), clause_groups=groups)
    return choices


def _form_page(channel: Channel, kind: ReportKind | None, *, values: dict, errors: dict, token: str, **extra):
    """Draw a channel's form for a kind of report (None: only the kind picker, for a kind we do not know)."""
    form_action = url_for("incidents.report", kind=kind.value) if kind and kind is not ReportKind.GENERAL else None
    # A licence we cannot act on may still be a breach of our own rules: offer that kind, keeping what was typed.
    vague = kind is ReportKind.LICENCE_VIOLATION and "licence" in errors and values.get("licence")
    return render_template(
        f"incidents/{channel.value}.html",
        channel=channel,
        values=values,
        errors=errors,
        intake_token=token,
        form_action=form_action,
        suggest_kind=ReportKind.ACCEPTABLE_USE.value if vague else None,
        **{"closed": False, **extra},
        **_form_choices(),
        **_kind_choices(kind, values),
    )


def _requested_kind(channel: Channel) -> tuple[ReportKind | None, bool]:
    """The kind a page is for (the whistleblower channel's is always general) and whether it is one we know."""
    if channel is not Channel.PUBLIC:
        return ReportKind.GENERAL, True
    asked = request.form.get("kind") if request.method == "POST" else request.args.get("kind")
    if not asked:
        return ReportKind.GENERAL, True
    kind = kinds.kind_of(asked)
    return kind, kind is not None


def _channel_page(channel: Channel):
    kind, known = _requested_kind(channel)
    if request.method == "POST" and channel is Channel.PUBLIC and kinds.kind_of(request.form.get("switch_kind")):
        return _switch_kind(channel)
    if request.method == "POST":
        _spend_intake_budget()
    closed = channel is Channel.WHISTLEBLOWER and not intake.recipients(get_session())
    if not known and request.method == "GET":  # a kind we do not know: the kind picker, and nothing to fill in
        errors = {"kind": [_("We do not know that kind of report. Choose one of the kinds below.")]}
        return _form_page(channel, None, values={}, errors=errors, token=issue_intake_token()), 400
    if request.method == "GET" or closed:
        status = 503 if closed and request.method == "POST" else 200
        return _form_page(channel, kind, values={}, errors={}, token=issue_intake_token(), closed=closed), status
    return _submit(channel, kind or ReportKind.GENERAL)


def _switch_kind(channel: Channel):
    """Show another kind's form with what was typed (nothing is sent, so no submission is counted)."""
    kind = ReportKind(request.form["switch_kind"])
    values = {**_echo(form_to_raw(schema(ReportSchema), request.form)), "kind": kind.value}
    errors: dict = {}
    note_files_not_kept(errors)
    token = request.form.get("intake_token")
    return _form_page(channel, kind, values=values, errors=errors, token=token or issue_intake_token())


def _submit(channel: Channel, kind: ReportKind):
    """Check a sent form against its kind; store it and show the receipt, or give it back with what was typed."""
    token = request.form.get("intake_token")
    receipt = read_intake_token(token)
    raw = form_to_raw(schema(ReportSchema), request.form)
    if channel is not Channel.PUBLIC:
        raw.pop("kind", None)  # the confidential channel takes the general report only
    data, errors = validate_data(schema(ReportSchema), raw)
    if receipt is None:
        errors.setdefault("_schema", []).append(
            _("This form was too old to send. Check your answers and send it again.")
        )
        token = issue_intake_token()
    uploads = form_uploads(errors)
    if errors:
        note_files_not_kept(errors)
        return _form_page(channel, kind, values=_echo(raw), errors=errors, token=str(token)), 400
    try:
        result = intake.submit_report(
            session=get_session(),
            data=data,
            uploads=uploads,
            channel=channel.value,
            receipt=str(receipt),
            keys=web.current_keys(),
            language=str(get_locale()),
        )
    except intake.ChannelClosed:
        return _form_page(channel, kind, values=_echo(raw), errors={}, token=str(token), closed=True), 503
    return _receipt_page(channel, result)


def _receipt_page(channel: Channel, result: intake.IntakeResult):
    """Show the receipt (only now, after the commit; never in a URL or a cookie) and the dates owed."""
    return render_template(
        "incidents/receipt.html",
        channel=channel,
        receipt=result.receipt,
        duplicate=result.duplicate,
        report=get_session().get(Report, result.report_id),
    )


def receipt_saved():
    """The step after the receipt: the reporter confirms they saved it before going on.

    Without the box ticked the receipt page is drawn again from the receipt the form sent back (it is in
    the page the reporter already holds), because nothing on the server can show it again.
    """
    if request.form.get("saved") == "yes":
        return render_template("incidents/receipt_saved.html")
    canonical = receipts.normalise(request.form.get("receipt", ""))
    if canonical is None:
        abort(400)
    errors = {"saved": [_("Tick the box once you have saved your receipt. We cannot show it again later.")]}
    return render_template(
        "incidents/receipt.html", receipt=receipts.format_receipt(canonical), report=None, errors=errors
    ), 400


def _echo(raw: dict) -> dict:
    """Return what the person typed, for putting back into the form."""
    values = dict(raw)
    links = request.form.get("evidence_links")
    if links is not None:
        values["evidence_links"] = links
    values["serious_flags"] = request.form.getlist("serious_flags")
    return values


def report():
    """The public channel: anyone reports harm from a model."""
    return _channel_page(Channel.PUBLIC)


def whistleblow():
    """The confidential channel: only designated recipients can read what is sent."""
    return _channel_page(Channel.WHISTLEBLOWER)


def _open_thread(receipt: str):
    view = reading.open_for_reporter(session=get_session(), receipt=receipt, keys=web.current_keys())
    if not view.found:
        _thread_page(view, receipt)  # rendered and thrown away, so a miss costs what a hit costs
        return None, (
            render_template(
                "incidents/followup.html",
                errors={
                    "receipt": [_("We could not open a report with that receipt. Check each character and try again.")]
                },
                values={"receipt": receipt[:40]},  # what was typed, to correct a character rather than start again
            ),
            403,
        )
    return view, None


def _thread_page(
    view, receipt: str, errors: dict | None = None, added: bool = False, status: int = 200, values: dict | None = None
):
    canonical = receipts.normalise(receipt) or "0" * receipts.LENGTH
    return render_template(
        "incidents/thread.html",
        view=view,
        receipt=receipts.format_receipt(canonical),
        errors=errors or {},
        values=values or {},
        added=added,
        message_token=secrets.token_urlsafe(16),
    ), status


# /followup and /followup/message spend one budget of receipt guesses per client bucket, not one each.
receipt_guesses = web.guess_budget("receipt-guesses", methods=["POST"])


@receipt_guesses
def followup():
    """Let a reporter return with their receipt to read replies and add information."""
    if request.method == "GET":
        return render_template("incidents/followup.html", errors={})
    data, errors = validate_data(schema(FollowupSchema), form_to_raw(schema(FollowupSchema), request.form))
    if errors:
        return render_template("incidents/followup.html", errors=errors), 400
    view, refusal = _open_thread(data["receipt"])
    if refusal:
        return refusal
    return _thread_page(view, data["receipt"])


@receipt_guesses
def followup_message():
    """Add a reporter's message (and files) to their report."""
    receipt = request.form.get("receipt", "")
    view, refusal = _open_thread(receipt)
    if refusal:
        return refusal
    data, errors = validate_data(schema(MessageSchema), form_to_raw(schema(MessageSchema), request.form))
    uploads = form_uploads(errors)
    if errors:  # the message goes back as typed; files cannot, and the page says to choose them again
        note_files_not_kept(errors)
        return _thread_page(view, receipt, errors=errors, status=400, values={"body": request.form.get("body", "")})
    intake.add_message(
        session=get_session(),
        report=view.report,
        author=Author.REPORTER,
        body=data["body"],
        uploads=uploads,
        keys=web.current_keys(),
        dedupe_token=request.form.get("message_token"),
    )
    fresh = reading.open_for_reporter(session=get_session(), receipt=receipt, keys=web.current_keys())
    return _thread_page(fresh, receipt, added=True)


def register(bp: Blueprint) -> None:
    """Add this room's pages to the incidents blueprint."""
    bp.app_context_processor(_incident_helpers)
    bp.add_url_rule("/report", view_func=report, methods=["GET", "POST"])
    bp.add_url_rule("/whistleblow", view_func=whistleblow, methods=["GET", "POST"])
    bp.add_url_rule("/report/saved", view_func=receipt_saved, methods=["POST"])
    bp.add_url_rule("/followup", view_func=followup, methods=["GET", "POST"])
    bp.add_url_rule("/followup/message", view_func=followup_message, methods=["POST"])
