"""Staff access to sealed content: attachment downloads and whistleblower recipients' grants."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.auth import StaffUser
from core.db import get_session
from core.ids import parse_id
from core.permissions import Permission, can, roles_for
from core.security import current_private_key, current_staff, roles
from incidents import web
from incidents.intake import reading
from incidents.intake import service as intake
from incidents.models import Attachment


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_attachment(report_id: int, attachment_id: int):
    """Download an attachment; it is never shown inline."""
    report = web.report_or_404(report_id)
    reader, key = web.reader_key_or_403(report)  # who may not see the report learns nothing of its files
    attachment = get_session().get(Attachment, attachment_id)
    if attachment is None or attachment.report_id != report.id:
        abort(404)
    name, content = reading.open_attachment(attachment, reader, key)
    reading.record_download(session=get_session(), attachment=attachment, user=current_staff())
    response = Response(content, mimetype="application/octet-stream")
    response.headers.set("Content-Disposition", "attachment", filename=name)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@roles(*roles_for(Permission.SEE_RECIPIENTS))
def staff_recipients():
    """Show the whistleblower recipients and let a recipient grant a colleague access."""
    db = get_session()
    user = current_staff()
    people = intake.recipients(db)
    pending = intake.recipients_without_key(db)
    if request.method == "POST":
        if not can(user, Permission.GRANT_ACCESS):
            abort(403)
        grantee = db.get(StaffUser, parse_id(request.form.get("grantee_id")) or 0)
        key = current_private_key()
        if grantee is None or key is None:
            flash(_("Choose a recipient, and sign in again if your key is locked."), "error")
        else:
            try:
                count = reading.grant_recipient(session=db, granter=user, granter_key=key, grantee=grantee)
            except reading.NoAccess as err:
                flash(str(err), "error")
            else:
                flash(_("%(email)s can now read %(n)d more records.", email=grantee.email, n=count), "success")
        return redirect(url_for("incidents.staff_recipients"))
    return render_template("incidents/staff/recipients.html", people=people, pending=pending, user=user)


def register(bp: Blueprint) -> None:
    """Add this room's pages to the incidents blueprint."""
    bp.add_url_rule(
        "/staff/reports/<int:report_id>/attachments/<int:attachment_id>", view_func=staff_attachment, methods=["GET"]
    )
    bp.add_url_rule("/staff/recipients", view_func=staff_recipients, methods=["GET", "POST"])
