"""Uploaded files: each checked, typed by its content, and cleaned in a limited child process."""

from __future__ import annotations

import time

from flask import current_app, request
from flask_babel import gettext as _

from anonymize.attachments import AttachmentRefused, Limits, prepare
from incidents.intake import service as intake


def human_size(size: int) -> str:
    """Write a byte count the way people read it (20 MB, 300 KB)."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.0f} {unit}"
    return f"{size} B"


def clean_uploads(files) -> tuple[list[intake.Upload], list[str]]:
    """Check, detect and strip uploaded files; return the clean ones and a message per refused file."""
    chosen = [f for f in files if f and f.filename]
    limit, max_bytes = current_app.config["MAX_FILES"], current_app.config["MAX_FILE_BYTES"]
    if len(chosen) > limit:
        return [], [_("Attach at most %(n)d files.", n=limit)]
    config = current_app.config
    limits = Limits(
        max_pixels=config["ATTACHMENT_MAX_PIXELS"],
        cpu_seconds=config["ATTACHMENT_CPU_SECONDS"],
        memory_bytes=config["ATTACHMENT_MEMORY_MB"] * 1024 * 1024,
    )
    deadline = time.monotonic() + config["ATTACHMENT_REQUEST_SECONDS"]
    uploads, errors = [], []
    for index, storage in enumerate(chosen, start=1):
        data = storage.stream.read(max_bytes + 1)
        name = storage.filename
        if len(data) > max_bytes:
            errors.append(_("%(name)s is larger than %(size)s.", name=name, size=human_size(max_bytes)))
            continue
        file_limits = limits.within(deadline - time.monotonic())
        if file_limits is None:
            errors.append(_("%(name)s: there was no time left to clean this file. Attach fewer files.", name=name))
            continue
        try:
            kind, clean_name, clean = prepare(data, name, index, limits=file_limits)
        except AttachmentRefused as err:
            errors.append(f"{name}: {_(str(err))}")
            continue
        uploads.append(intake.Upload(filename=clean_name, media_type=kind.media_type, data=clean))
    return uploads, errors


def form_uploads(errors: dict) -> list[intake.Upload]:
    """Clean the files sent with this request's form, unless the form already has errors.

    Each refused file's message goes under errors["files"]; the form then goes back to the person.
    """
    if errors:
        return []
    uploads, file_errors = clean_uploads(request.files.getlist("files"))
    if file_errors:
        errors["files"] = file_errors
    return uploads


def note_files_not_kept(errors: dict) -> None:
    """Tell someone whose form goes back with errors that the files they chose must be chosen again."""
    if request.files and any(f.filename for f in request.files.getlist("files")):
        errors.setdefault("files", []).append(
            _("For your safety the files you chose were not kept. Please choose them again.")
        )
