"""A model's details, card import and documentation review (staff); its public page and the checklist page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import clock
from core.db import get_session
from core.ids import id_arg
from core.permissions import Permission, roles_for
from core.schemas import N_, form_to_raw, schema, validate_data
from core.security import current_staff, roles
from incidents.labels import MODEL_STATUSES, RELEASE_TYPES, UNNAMED_UPSTREAM_SENTENCES, UPSTREAM_SENTENCES
from incidents.models import Listing
from incidents.registry import card_service, cards
from incidents.registry import schemas as registry_forms
from incidents.registry import service as registry
from incidents.registry.checklist import BY_ID, CHECKLIST
from incidents.registry.public_index import UnknownCursor
from incidents.registry.public_index import public_index as public_index_page
from incidents.registry.views import model_or_404, render_model


@roles(*roles_for(Permission.EDIT_REGISTRY))
def staff_model_details(model_id: int):
    """Save the details staff keep on a model: provider, links, licence, release type, base models."""
    model = model_or_404(model_id)
    form = schema(registry_forms.ModelDetailsSchema)
    data, errors = validate_data(form, form_to_raw(form, request.form))
    if errors:
        return render_model(
            model, errors=errors, action_error=_("Check the marked fields."), panel="details", status=400
        )
    card_service.update_details(get_session(), model, actor=current_staff(), data=data)
    flash(_("The model's details are saved."), "success")
    return redirect(url_for("incidents.staff_model", model_id=model_id))


def _card_text(uploading: bool) -> str:
    """The card sent: the uploaded file's text, or the pasted text."""
    if uploading:
        return cards.decode_card(request.files["card_file"].stream.read(cards.MAX_CARD_BYTES + 1))
    pasted = request.form.get("card_text", "")
    if not pasted.strip():
        raise cards.CardError(N_("Choose a card file or paste the card's text."))
    return cards.check_text(pasted)


@roles(*roles_for(Permission.EDIT_REGISTRY))
def staff_model_card(model_id: int):
    """Import a model card from a file or pasted text, and run the automatic check on it."""
    model = model_or_404(model_id)
    form = schema(registry_forms.CardImportSchema)
    data, errors = validate_data(form, form_to_raw(form, request.form))
    upload = request.files.get("card_file")
    uploading = bool(upload is not None and upload.filename)
    text = request.form.get("card_text", "")
    try:
        if errors:
            raise cards.CardError(N_("The form is incomplete; reload the page."))
        text = _card_text(uploading)
        card = cards.parse_card(text)
    except cards.CardError as error:
        message = _(error.message, **error.params)
        errors = {"card_file" if uploading else "card_text": [message]}
        return render_model(
            model, errors=errors, action_error=message, panel="card", values={"card_text": text}, status=400
        )
    source = "file" if uploading else "paste"
    results = card_service.import_card(
        get_session(),
        model,
        actor=current_staff(),
        card=card,
        text=text,
        source=source,
        row_version=data["row_version"],
    )
    failed = sum(1 for r in results if not r.passed)
    flash(_("The card is imported. The automatic check failed %(n)s of %(total)s items.", n=failed, total=len(results)))
    return redirect(url_for("incidents.staff_model", model_id=model_id, _anchor="documentation"))


@roles(*roles_for(Permission.EDIT_REGISTRY))
def staff_card_review(model_id: int, item_id: str):
    """A reviewer confirms or overrides the automatic result of one checklist item, with a note."""
    model = model_or_404(model_id)
    if item_id not in BY_ID:
        abort(404)
    form = schema(registry_forms.CardReviewSchema)
    data, errors = validate_data(form, form_to_raw(form, request.form))
    if errors:
        message = _("Check the review of “%(item)s”.", item=_(BY_ID[item_id].label))
        return render_model(model, errors=errors, action_error=message, panel=f"item-{item_id}", status=400)
    card_service.review_item(
        get_session(),
        model,
        actor=current_staff(),
        item_id=item_id,
        result=data["result"],
        note=data["note"],
        row_version=data["row_version"],
    )
    flash(_("Your review of “%(item)s” is saved.", item=_(BY_ID[item_id].label)), "success")
    return redirect(url_for("incidents.staff_model", model_id=model_id, _anchor=f"item-{item_id}"))


def public_model(model_id: int):
    """A listed model's public page: what it is, its licence and lineage, whether its documentation is complete,
    and the actions taken on the models it derives from. A model not listed (in review, returned) is a 404."""
    model = model_or_404(model_id)
    if model.listing != Listing.LISTED.value:
        abort(404)
    page = registry.public_model_page(get_session(), model)
    return render_template(
        "incidents/model.html",
        page=page,
        model=page.model,
        release_types=RELEASE_TYPES,
        statuses=MODEL_STATUSES,
        today=clock.today(),  # a decommissioning shows as done only from its effective date
        upstream_sentences=UPSTREAM_SENTENCES,
        unnamed_upstream_sentences=UNNAMED_UPSTREAM_SENTENCES,
    )


def public_index():
    """Every listed model by name, a page at a time: provider, licence, release type, documentation, status."""
    try:
        page = public_index_page(get_session(), after=id_arg("after"))
    except UnknownCursor:
        abort(404)
    return render_template(
        "incidents/models_index.html", page=page, release_types=RELEASE_TYPES, statuses=MODEL_STATUSES
    )


def public_checklist():
    """The documentation checklist every model card is reviewed against."""
    return render_template("incidents/checklist.html", checklist=CHECKLIST)


def register(bp: Blueprint) -> None:
    """Add the card pages to the incidents blueprint."""
    bp.add_url_rule("/staff/models/<int:model_id>/details", view_func=staff_model_details, methods=["POST"])
    bp.add_url_rule("/staff/models/<int:model_id>/card", view_func=staff_model_card, methods=["POST"])
    bp.add_url_rule("/staff/models/<int:model_id>/card/items/<item_id>", view_func=staff_card_review, methods=["POST"])
    bp.add_url_rule("/models", view_func=public_index, methods=["GET"])
    bp.add_url_rule("/models/<int:model_id>", view_func=public_model, methods=["GET"])
    bp.add_url_rule("/models/checklist", view_func=public_checklist, methods=["GET"])
