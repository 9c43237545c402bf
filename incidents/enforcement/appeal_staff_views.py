"""Staff pages for appeals: the open ones by due date, one appeal with its decision form, its files."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from nacl.public import PrivateKey

from core import clock, sealing
from core.db import get_session
from core.permissions import Permission, roles_for
from core.schemas import form_to_raw, schema, validate_data
from core.security import current_staff, roles
from incidents import web
from incidents.enforcement import appeal_decisions, appeals
from incidents.enforcement.appeal_schemas import OUTCOMES, DecisionSchema
from incidents.enforcement.models import Appeal, AppealFile, AppealKind, AppealOutcome
from incidents.models import EnforcementAction
from incidents.triage import deadlines


def appeal_or_404(appeal_id: int) -> Appeal:
    """Return an appeal the signed-in staff member may see, or end the request with 404.

    Who may see an appeal is who may see the report it is tied to (`appeals.may_see_appeal`); to anyone else
    it is not there, as in the list.
    """
    appeal = get_session().get(Appeal, appeal_id)
    if appeal is None or not appeals.may_see_appeal(get_session(), current_staff(), appeal):
        abort(404)
    return appeal


def _staff_key(appeal: Appeal) -> tuple[str, PrivateKey]:
    """Return the key that opens an action appeal for the signed-in staff member (reader id, private key).

    The platform key for an appeal sealed for it; otherwise (an appeal tied to a whistleblower report) their own
    key, as the report page opens the report: 403 when their key is not unlocked in this sign-in.
    """
    report = appeals.contested_report(get_session(), appeal)
    if sealing.PLATFORM in (appeal.wrapped_keys or {}) or report is None:
        return sealing.PLATFORM, web.current_keys().private
    return web.reader_key_or_403(report)


def render_appeal(appeal: Appeal, *, errors: dict | None = None, action_error: str = "", status: int = 200):
    """Show one appeal: what is contested, the arguments, the due date and the decision form."""
    db = get_session()
    if appeal.sealed is not None:
        reader, key = _staff_key(appeal)
        view = appeals.open_for_staff(db, appeal, user=current_staff(), reader=reader, private_key=key)
    else:  # a dismissal appeal (its arguments are in the report's thread), or an action appeal purged
        view = appeals.AppealView(appeal=appeal, arguments="", reasons=None, purged=appeal.kind == AppealKind.ACTION)
    action = db.get(EnforcementAction, appeal.action_id) if appeal.action_id else None
    deciders = appeal_decisions.original_deciders(db, appeal)
    return render_template(
        "incidents/staff/appeal.html",
        view=view,
        action=action,
        outcomes=OUTCOMES,
        may_decide=current_staff().id not in deciders,
        errors=errors or {},
        action_error=action_error,
        values=request.form if request.method == "POST" else {},
        now=clock.now(),
        countdown=deadlines.countdown,
    ), status


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_appeals():
    """List the undecided appeals, the soonest due first."""
    listed = appeal_decisions.open_appeals(get_session(), viewer=current_staff())
    return render_template(
        "incidents/staff/appeals.html", appeals=listed, now=clock.now(), countdown=deadlines.countdown
    )


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_appeal(appeal_id: int):
    return render_appeal(appeal_or_404(appeal_id))


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_appeal_decision(appeal_id: int):
    """Decide an appeal: uphold, reverse or partly reverse, with reasons for the appellant."""
    appeal = appeal_or_404(appeal_id)
    data, errors = validate_data(schema(DecisionSchema), form_to_raw(schema(DecisionSchema), request.form))
    if errors:
        return render_appeal(appeal, errors=errors, status=400)
    decided = appeal_decisions.decide_appeal(
        get_session(),
        appeal,
        actor=current_staff(),
        outcome=AppealOutcome(data["outcome"]),
        reasons=data["reasons"],
        keys=web.current_keys(),
    )
    flash(_decision_note(decided.effect), "success")
    return redirect(url_for("incidents.staff_appeal", appeal_id=appeal.id))


def _decision_note(effect: dict) -> str:
    """Tell the decider what the decision did, and what a reversal left as it was, and why."""
    why = effect.get("why")
    if why == appeal_decisions.LATER_RESTRICTION:
        return _(
            "The appeal is decided and a reinstatement is recorded, but the model's status is unchanged: "
            "a later action restricts it. Lift that restriction on the model's page if it should go too."
        )
    if why == appeal_decisions.EARLIER_RESTRICTION:
        return _(
            "The appeal is decided and a reinstatement is recorded, but the model's status is unchanged: "
            "an earlier action still restricts it. Lift that restriction on the model's page if it should go too."
        )
    if why == appeal_decisions.NO_LIFT:
        return _(
            "The appeal is decided and a reinstatement is recorded; the model's status (%(status)s) has no way back "
            "for this outcome, so it is unchanged.",
            status=str(effect.get("status", "")).replace("_", " "),
        )
    if why == appeal_decisions.NOT_DISMISSED:
        return _(
            "The appeal is decided and the reasons are in the report's thread. The report was not reopened: "
            "it is no longer dismissed."
        )
    return _("The appeal is decided.")


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_appeal_file(appeal_id: int, file_id: int):
    """Download a file attached to an appeal; it is never shown inline."""
    appeal = appeal_or_404(appeal_id)
    appeal_file = get_session().get(AppealFile, file_id)
    if appeal_file is None or appeal_file.appeal_id != appeal.id:
        abort(404)
    reader, key = _staff_key(appeal)
    if reader not in appeal_file.wrapped_keys:
        abort(403)  # a recipient not yet granted this appeal: another recipient grants it at /staff/recipients
    name, content = appeals.open_file(appeal_file, reader=reader, private_key=key)
    response = Response(content, mimetype="application/octet-stream")
    response.headers.set("Content-Disposition", "attachment", filename=name or f"appeal-file-{file_id}")
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def register(bp: Blueprint) -> None:
    """Add the staff appeal pages to the incidents blueprint."""
    bp.add_url_rule("/staff/appeals", view_func=staff_appeals, methods=["GET"])
    bp.add_url_rule("/staff/appeals/<int:appeal_id>", view_func=staff_appeal, methods=["GET"])
    bp.add_url_rule("/staff/appeals/<int:appeal_id>/decision", view_func=staff_appeal_decision, methods=["POST"])
    bp.add_url_rule("/staff/appeals/<int:appeal_id>/files/<int:file_id>", view_func=staff_appeal_file, methods=["GET"])
